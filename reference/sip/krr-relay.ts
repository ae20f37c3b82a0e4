import { buildRequest, essence, headerValue, methodOf, mikeyFromSdp, parseMediaType, parseSdp, statusOf, type ServerTransaction, type SipMessage } from '../../lib/sip/index.ts';
import { routingIdentities, type RoutingIdentities } from '../../lib/mikey/routing.ts';
import { KRR_CONTENT_TYPE, nestedDepth, readKrr, type KmsRedirectResponse } from '../../lib/kms-xml/krr.ts';
import { parseXml } from '../../lib/kms-xml/parse.ts';
import type { FaultSet } from '../fault.ts';
import { uriOf } from './mc-info-body.ts';
import { createdKrr, processedKrr, type KrrList, type KrrPolicy } from './krr-policy.ts';

/**
 * What the reference signalling proxies share: relaying a request as a new
 * transaction (B2BUA-like), reading the MIKEY message of an INVITE's SDP,
 * refusing one with a KRR (5.2.8.2.3), and passing a KRR answer on or
 * replacing it (5.2.8.2.4). Which list a proxy polices is its own rule
 * (by direction at the CS proxy, by identity at the IS proxy).
 */
const FORWARDED = ['Expires', 'Event'];

export interface Via {
  transport: string;
  host: string;
  port: number;
}

export function krrRelay(policy: KrrPolicy, faults: FaultSet) {
  const on = (f: string) => faults.has(`${policy.role}.${f}`);
  const body = (m: SipMessage) => (m.body.length ? { contentType: headerValue(m, 'content-type') ?? 'application/octet-stream', octets: m.body } : undefined);
  return {
    /** Whether the proxy (faultily) forwards a MIKEY message it refused as well. */
    forwardsRefused: on('forwards-rejected-mikey'),

    /** `m` as a new request to `uri`, from this hop. */
    copy(m: SipMessage, via: Via, uri: string): SipMessage {
      return buildRequest({
        method: methodOf(m),
        uri,
        from: uriOf(headerValue(m, 'from')),
        to: uriOf(headerValue(m, 'to')),
        callId: headerValue(m, 'call-id'),
        cseq: Number((headerValue(m, 'cseq') ?? '1').split(/\s+/)[0]) || 1,
        via,
        headers: FORWARDED.flatMap((h) => (headerValue(m, h) !== undefined ? [[h, headerValue(m, h)!] as [string, string]] : [])),
        body: body(m),
      });
    },

    /** The final response to a request sent with `send`, or undefined when none came. */
    async final(send: () => Promise<{ message: SipMessage }>): Promise<SipMessage | undefined> {
      try {
        return (await send()).message;
      } catch {
        return undefined;
      }
    },

    /** The identities of the MIKEY I_MESSAGE in an INVITE's SDP; undefined when there is none. */
    mikeyOf(m: SipMessage): RoutingIdentities | undefined {
      if (methodOf(m) !== 'INVITE' || essence(parseMediaType(headerValue(m, 'content-type') ?? '')) !== 'application/sdp') return undefined;
      const mikey = mikeyFromSdp(parseSdp(m.body).sdp);
      const ids = mikey ? routingIdentities(mikey) : undefined;
      return ids?.ok ? ids.ids : undefined;
    },

    /** Answers a refused MIKEY message with a KRR restricting `restricted` (5.2.8.2.3). */
    refuse(tx: ServerTransaction, ids: RoutingIdentities, restricted: KrrList): Promise<void> {
      const status = on('krr-status-403') ? 403 : 488;
      const contentType = on('krr-wrong-content-type') ? 'application/xml' : KRR_CONTENT_TYPE;
      return tx.reply(status, { body: { contentType, octets: createdKrr(ids, restricted, policy, faults) } });
    },

    /** Answers `tx` with the downstream final answer; a KRR in it goes on as is, or replaced when `police` names a list to reduce. */
    async relayAnswer(tx: ServerTransaction, answer: SipMessage | undefined, police: (krr: KmsRedirectResponse) => KrrList | undefined): Promise<void> {
      if (!answer) return tx.reply(408);
      const status = statusOf(answer) ?? 500;
      const [, , ...reason] = answer.startLine.split(' ');
      const isKrr = status === 488 && essence(parseMediaType(headerValue(answer, 'content-type') ?? '')) === KRR_CONTENT_TYPE;
      if (!isKrr) return tx.reply(status, { reason: reason.join(' ') });
      const parsed = parseXml(new TextDecoder().decode(answer.body));
      const received = parsed.ok ? parsed.root : undefined;
      const read = received ? readKrr(received) : undefined;
      if (!received || !read?.ok) return tx.reply(488, { body: { contentType: KRR_CONTENT_TYPE, octets: answer.body } });
      if (on('krr-nesting-limit-3') && nestedDepth(received) > 3) return tx.reply(500, { reason: 'Too Many Sub-KRRs' });
      const list = police(read.krr);
      const replaced = list ? processedKrr(read.krr, received, list, policy, faults) : undefined;
      if (on('drops-received-krr') && !replaced) return tx.reply(488);
      return tx.reply(488, { body: { contentType: KRR_CONTENT_TYPE, octets: replaced ?? answer.body } });
    },
  };
}
