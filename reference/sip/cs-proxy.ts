import { buildRequest, headerValue, methodOf, mikeyFromSdp, parseMediaType, essence, parseSdp, requestUri, SipEndpoint, statusOf, UdpChannel, type Endpoint, type ServerTransaction, type SipMessage, type TlsServerMaterial } from '../../lib/sip/index.ts';
import { routingIdentities } from '../../lib/mikey/routing.ts';
import { KRR_CONTENT_TYPE, nestedDepth, readKrr } from '../../lib/kms-xml/krr.ts';
import { parseXml } from '../../lib/kms-xml/parse.ts';
import type { FaultSet } from '../fault.ts';
import { uriOf } from './mc-info-body.ts';
import { REFERENCE_TIMERS, serveSip, type SipService } from './serve.ts';
import { createdKrr, processedKrr, type KrrPolicy } from './krr-policy.ts';

/**
 * The reference CS proxy (5.2.8.2.3, 5.2.8.2.4, Annex I.3) between MC
 * clients and the MCX server. Client side on UDP, TCP and TLS; server side
 * on UDP; it forwards client requests to its configured next hop (the MCX
 * server) and server requests to the client registered under the
 * Request-URI (registrations pass through it, as at a P-CSCF).
 * What it does with MIKEY (an INVITE's SDP `a=key-mgmt:mikey`):
 * - from a client (case A), an unacceptable IDRkmsi: the MIKEY message is
 *   dropped and the client gets a 488 with a signed KRR; towards a client
 *   (case D), the same for IDRkmsr;
 * - a 488 with a KRR coming back: forwarded as is, or replaced by a new KRR
 *   embedding it when the list of the client's side names an unacceptable
 *   KMS (the initiator list towards the client, case D; the receiver list
 *   from it, case A).
 * Every request is relayed as a new transaction (B2BUA-like); the answers
 * the suite gives are non-2xx, so no dialog is ever set up.
 */
export interface CsProxy {
  clientSide: SipService;
  serverSide: Endpoint;
  stop(): Promise<void>;
}

interface Registration {
  contact: string;
  via: SipEndpoint;
  source: Endpoint;
}

const FORWARDED = ['Expires', 'Event'];

export async function startCsProxy(nextHop: Endpoint, policy: KrrPolicy, faults: FaultSet, tls?: TlsServerMaterial): Promise<CsProxy> {
  const upstream = await UdpChannel.open({ remote: nextHop });
  const forwarder = new SipEndpoint(upstream, { timers: REFERENCE_TIMERS, remote: nextHop });
  const registrations = new Map<string, Registration>();

  const body = (m: SipMessage) => (m.body.length ? { contentType: headerValue(m, 'content-type') ?? 'application/octet-stream', octets: m.body } : undefined);
  const copy = (m: SipMessage, via: { transport: string; host: string; port: number }, uri: string): SipMessage =>
    buildRequest({
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
  const final = async (send: () => Promise<{ message: SipMessage }>): Promise<SipMessage | undefined> => {
    try {
      return (await send()).message;
    } catch {
      return undefined;
    }
  };

  /** The MIKEY I_MESSAGE of an INVITE's SDP, with its identities; undefined when there is none. */
  const mikeyOf = (m: SipMessage) => {
    if (methodOf(m) !== 'INVITE' || essence(parseMediaType(headerValue(m, 'content-type') ?? '')) !== 'application/sdp') return undefined;
    const mikey = mikeyFromSdp(parseSdp(m.body).sdp);
    const ids = mikey ? routingIdentities(mikey) : undefined;
    return ids?.ok ? ids.ids : undefined;
  };

  /** Answers `tx` with the downstream final answer, a KRR in it forwarded or replaced (5.2.8.2.4). */
  const relayAnswer = async (tx: ServerTransaction, answer: SipMessage | undefined, side: 'client' | 'server') => {
    if (!answer) return tx.reply(408);
    const status = statusOf(answer) ?? 500;
    const [, , ...reason] = answer.startLine.split(' ');
    const isKrr = status === 488 && essence(parseMediaType(headerValue(answer, 'content-type') ?? '')) === KRR_CONTENT_TYPE;
    if (!isKrr) return tx.reply(status, { reason: reason.join(' ') });
    const parsed = parseXml(new TextDecoder().decode(answer.body));
    const received = parsed.ok ? parsed.root : undefined;
    const read = received ? readKrr(received) : undefined;
    if (!received || !read?.ok) return tx.reply(488, { body: { contentType: KRR_CONTENT_TYPE, octets: answer.body } });
    if (faults.has('cs-proxy.krr-nesting-limit-3') && nestedDepth(received) > 3) return tx.reply(500, { reason: 'Too Many Sub-KRRs' });
    // A KRR answering the client's request leaves the domain towards the client (case D): the client's initiator list is
    // policed; one the client answers with enters the domain from it (case A): its receiver list is.
    const replaced = processedKrr(read.krr, received, side === 'client' ? 'initiator' : 'receiver', policy, faults);
    if (faults.has('cs-proxy.drops-received-krr') && !replaced) return tx.reply(488);
    return tx.reply(488, { body: { contentType: KRR_CONTENT_TYPE, octets: replaced ?? answer.body } });
  };

  const refuse = (tx: ServerTransaction, krr: string) => {
    const status = faults.has('cs-proxy.krr-status-403') ? 403 : 488;
    const contentType = faults.has('cs-proxy.krr-wrong-content-type') ? 'application/xml' : KRR_CONTENT_TYPE;
    return tx.reply(status, { body: { contentType, octets: krr } });
  };

  const clientSide = await serveSip(async (tx, via) => {
    const m = tx.request.message;
    const viaUp = { transport: 'udp', host: upstream.local.address, port: upstream.local.port };
    if (methodOf(m) === 'REGISTER') {
      const answer = await final(() => forwarder.sendRequest(copy(m, viaUp, requestUri(m) ?? '')).final);
      const status = answer ? (statusOf(answer) ?? 500) : 408;
      const impu = uriOf(headerValue(m, 'to'));
      if (status < 300 && headerValue(m, 'expires') !== '0') registrations.set(impu, { contact: headerValue(m, 'contact') ?? '', via, source: tx.request.received.from });
      else registrations.delete(impu);
      return tx.reply(status);
    }
    const ids = mikeyOf(m);
    if (ids && !policy.acceptable.includes(ids.initiatorKmsUri ?? '')) {
      // Case A of 5.2.8.2.3: the MIKEY message is dropped (not forwarded), the client gets the KRR.
      if (faults.has('cs-proxy.forwards-rejected-mikey')) void final(() => forwarder.sendRequest(copy(m, viaUp, requestUri(m) ?? '')).final);
      return refuse(tx, createdKrr(ids, 'inbound', policy, faults));
    }
    const answer = await final(() => forwarder.sendRequest(copy(m, viaUp, requestUri(m) ?? '')).final);
    return relayAnswer(tx, answer, 'client');
  }, tls);

  const serverSide = await serveSip(async (tx) => {
    const m = tx.request.message;
    const uri = (requestUri(m) ?? '').split(';')[0]!;
    const to = registrations.get(uri);
    if (!to) return tx.reply(404);
    const contact = to.contact.replace(/^.*<([^>]*)>.*$/, '$1') || uri;
    const down = copy(m, { transport: to.via.channel.kind, host: to.via.channel.local.address, port: to.via.channel.local.port }, contact);
    const ids = mikeyOf(m);
    if (ids && !policy.acceptable.includes(ids.receiverKmsUri ?? '')) {
      // Case D of 5.2.8.2.3: dropped, the server side gets the KRR.
      if (faults.has('cs-proxy.forwards-rejected-mikey')) void final(() => to.via.sendRequest(down, { to: to.source }).final);
      return refuse(tx, createdKrr(ids, 'outbound', policy, faults));
    }
    const answer = await final(() => to.via.sendRequest(down, { to: to.source }).final);
    return relayAnswer(tx, answer, 'server');
  });

  return {
    clientSide,
    serverSide: serverSide.udp,
    async stop() {
      await clientSide.stop();
      await serverSide.stop();
      forwarder.stop();
      await upstream.close();
    },
  };
}
