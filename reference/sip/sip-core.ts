import { buildRequest, dialogFromUac, inDialogRequest, type TlsServerMaterial, headerValue, methodOf, requestUri, SipEndpoint, statusOf, UdpChannel, type Endpoint, type ServerTransaction, type SipMessage } from '../../lib/sip/index.ts';
import { uriOf } from './mc-info-body.ts';
import { REFERENCE_TIMERS, serveSip, type SipService } from './serve.ts';

/**
 * The reference SIP core: registrar and proxy in front of the MCX server
 * and the GMS.
 * UE side on UDP, TCP and TLS (the domain's certificate for 127.0.0.1).
 * Simplifications, on purpose (the suites test the MCX server, not IMS):
 * - no IMS AKA / digest: every REGISTER is taken as authenticated, and
 *   every request from the UE gets a P-Asserted-Identity of its From URI;
 * - third-party registration (TS 24.229 5.4.1.7, 33.180 figure
 *   5.1.3.2.2-1 step 9): after each REGISTER from the UE, the core sends a
 *   REGISTER to the MCX server (From: the core, To: the IMPU, the UE's
 *   Expires) carrying the UE's body (the mcptt-info with the token) as is;
 *   it waits for the answer and gives the UE the MCX server's refusal when
 *   there is one (the UE-visible effect of default handling
 *   SESSION_TERMINATED), else 200;
 * - requests for a PSI (PUBLISH, MESSAGE, INVITE, BYE ...) are relayed as a
 *   new transaction towards the PSI's server (B2BUA-like: the UE sees the MCX
 *   server's final status and reason; for an INVITE also its SDP, with the
 *   PSI as Contact so that the BYE comes back the same way, and the core
 *   ACKs the server's 2xx itself);
 * - requests for a registered IMPU (the MCX server's key download, 5.8.2)
 *   are relayed the same way towards the UE, on the connection or socket its
 *   REGISTER came from, and the UE's final status goes back.
 */
export interface Registration {
  contact: string;
  expiresAt: number;
  /** Where the REGISTER came from: requests for the IMPU go back this way. */
  via: SipEndpoint;
  source: Endpoint;
}

export interface SipCore extends SipService {
  registrations: Map<string, Registration>;
}

const FORWARDED = ['content-type', 'event', 'expires', 'sip-if-match', 'answer-mode', 'subscription-state', 'authorization'];

/** `psiRoute`: where requests for a PSI go (the MCX server's, the GMS's), undefined for a URI that is none. */
export async function startSipCore(domain: string, mcxServer: Endpoint, psiRoute: (uri: string) => Endpoint | undefined, tls?: TlsServerMaterial): Promise<SipCore> {
  const upstream = await UdpChannel.open({ remote: mcxServer });
  const forwarder = new SipEndpoint(upstream, { timers: REFERENCE_TIMERS, remote: mcxServer });
  const registrations = new Map<string, Registration>();
  const coreUri = `sip:scscf@${domain}`;

  /** Sends `m` to the MCX server (or `to`); its final response, or undefined when none came (Timer F). */
  const relay = async (m: SipMessage, to: Endpoint = mcxServer): Promise<SipMessage | undefined> => {
    try {
      return (await forwarder.sendRequest(m, { to }).final).message;
    } catch {
      return undefined;
    }
  };

  const copied = (m: SipMessage): Array<[string, string]> => FORWARDED.flatMap((h) => (h === 'content-type' ? [] : headerValue(m, h) !== undefined ? [[canonical(h), headerValue(m, h)!] as [string, string]] : []));
  const body = (m: SipMessage) => (m.body.length ? { contentType: headerValue(m, 'content-type') ?? 'application/octet-stream', octets: m.body } : undefined);

  /** Relays `m` (for a registered IMPU) to the UE; its final response, or undefined when none came. */
  const relayDown = async (m: SipMessage, to: Registration): Promise<SipMessage | undefined> => {
    try {
      return (await to.via.sendRequest(m, { to: to.source }).final).message;
    } catch {
      return undefined;
    }
  };

  const service = await serveSip(async (tx: ServerTransaction, via: SipEndpoint) => {
    const m = tx.request.message;
    const method = methodOf(m);
    const impu = uriOf(headerValue(m, 'to'));
    if (method === 'REGISTER') {
      const expires = Number(headerValue(m, 'expires') ?? '3600');
      const thirdParty = buildRequest({
        method: 'REGISTER',
        uri: `sip:${mcxServer.address}:${mcxServer.port}`,
        from: coreUri,
        to: impu,
        via: { transport: 'udp', host: upstream.local.address, port: upstream.local.port },
        contact: `<${coreUri}>`,
        headers: [['Expires', String(expires)]],
        body: body(m),
      });
      const answer = await relay(thirdParty);
      const status = answer ? (statusOf(answer) ?? 500) : 200;
      if (status >= 300) {
        registrations.delete(impu);
        return tx.reply(status);
      }
      const contact = headerValue(m, 'contact') ?? '';
      if (expires === 0) registrations.delete(impu);
      else registrations.set(impu, { contact, expiresAt: Date.now() + expires * 1000, via, source: tx.request.received.from });
      return tx.reply(200, { headers: [...(contact && expires ? [['Contact', `${contact};expires=${expires}`] as [string, string]] : []), ['Expires', String(expires)]] });
    }
    const uri = requestUri(m) ?? '';
    const registered = registrations.get(uri.split(';')[0]!);
    if (registered && registered.expiresAt > Date.now()) {
      const down = buildRequest({
        method,
        uri: registered.contact.replace(/^.*<([^>]*)>.*$/, '$1') || uri,
        from: uriOf(headerValue(m, 'from')),
        to: uri,
        callId: headerValue(m, 'call-id'),
        cseq: Number((headerValue(m, 'cseq') ?? '1').split(/\s+/)[0]) || 1,
        via: { transport: registered.via.channel.kind, host: registered.via.channel.local.address, port: registered.via.channel.local.port },
        headers: copied(m),
        body: body(m),
      });
      const answer = await relayDown(down, registered);
      if (!answer) return tx.reply(408);
      const [, code, ...reason] = answer.startLine.split(' ');
      return tx.reply(Number(code), { reason: reason.join(' ') });
    }
    const upstreamOf = psiRoute(uri);
    if (!upstreamOf) return tx.reply(404);
    const from = uriOf(headerValue(m, 'from'));
    const forwarded = buildRequest({
      method,
      uri,
      from,
      to: uriOf(headerValue(m, 'to')),
      callId: headerValue(m, 'call-id'),
      cseq: Number((headerValue(m, 'cseq') ?? '1').split(/\s+/)[0]) || 1,
      via: { transport: 'udp', host: upstream.local.address, port: upstream.local.port },
      headers: [['P-Asserted-Identity', `<${from}>`], ...copied(m)],
      body: body(m),
    });
    const answer = await relay(forwarded, upstreamOf);
    if (!answer) return tx.reply(408);
    const [, code, ...reason] = answer.startLine.split(' ');
    const status = Number(code);
    // An answered INVITE: the core ACKs the server's 2xx itself (RFC 3261 13.2.2.4) and gives the UE its SDP, with the PSI as Contact.
    if (method === 'INVITE' && status >= 200 && status < 300) await forwarder.sendRaw(inDialogRequest(dialogFromUac(forwarded, answer), 'ACK', { transport: 'udp', host: upstream.local.address, port: upstream.local.port })).catch(() => undefined);
    const headers = ['sip-etag', 'expires'].flatMap((h) => (headerValue(answer, h) !== undefined ? [[canonical(h), headerValue(answer, h)!] as [string, string]] : []));
    if (method === 'INVITE') headers.push(['Contact', `<${uri}>`]);
    const answerBody = method === 'INVITE' ? body(answer) : undefined;
    return tx.reply(status, { reason: reason.join(' '), headers, ...(answerBody ? { body: answerBody } : {}) });
  }, tls);
  return {
    ...service,
    registrations,
    async stop() {
      await service.stop();
      forwarder.stop();
      await upstream.close();
    },
  };
}

function canonical(h: string): string {
  return h === 'sip-etag' ? 'SIP-ETag' : h === 'sip-if-match' ? 'SIP-If-Match' : h.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());
}
