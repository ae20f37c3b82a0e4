import { headerValue, methodOf, requestUri, SipEndpoint, statusOf, UdpChannel, type Endpoint, type TlsServerMaterial } from '../../lib/sip/index.ts';
import type { FaultSet } from '../fault.ts';
import { uriOf } from './mc-info-body.ts';
import { REFERENCE_TIMERS, serveSip, type SipService } from './serve.ts';
import type { KrrPolicy } from './krr-policy.ts';
import { krrRelay } from './krr-relay.ts';

/**
 * The reference CS proxy (5.2.8.2.3, 5.2.8.2.4, Annex I.3) between MC
 * clients and the MCX server. Client side on UDP, TCP and TLS; server side
 * on UDP; it forwards client requests to its configured next hop (the MCX
 * server) and server requests to the client registered under the
 * Request-URI (registrations pass through it, as at a P-CSCF).
 * It polices the client's KMS by direction:
 * - from a client (case A), an unacceptable IDRkmsi: the MIKEY message is
 *   dropped and the client gets a 488 with a signed KRR; towards a client
 *   (case D), the same for IDRkmsr;
 * - a KRR answering the client's request goes towards the client (case D:
 *   its initiator list is policed); one the client answers with comes from
 *   it (case A: its receiver list is). It goes on as is, or is replaced by
 *   a new KRR embedding it when that list names an unacceptable KMS.
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

export async function startCsProxy(nextHop: Endpoint, policy: KrrPolicy, faults: FaultSet, tls?: TlsServerMaterial): Promise<CsProxy> {
  const upstream = await UdpChannel.open({ remote: nextHop });
  const forwarder = new SipEndpoint(upstream, { timers: REFERENCE_TIMERS, remote: nextHop });
  const registrations = new Map<string, Registration>();
  const relay = krrRelay(policy, faults);
  const viaUp = { transport: 'udp', host: upstream.local.address, port: upstream.local.port };

  const clientSide = await serveSip(async (tx, via) => {
    const m = tx.request.message;
    const up = () => forwarder.sendRequest(relay.copy(m, viaUp, requestUri(m) ?? '')).final;
    if (methodOf(m) === 'REGISTER') {
      const answer = await relay.final(up);
      const status = answer ? (statusOf(answer) ?? 500) : 408;
      const impu = uriOf(headerValue(m, 'to'));
      if (status < 300 && headerValue(m, 'expires') !== '0') registrations.set(impu, { contact: headerValue(m, 'contact') ?? '', via, source: tx.request.received.from });
      else registrations.delete(impu);
      return tx.reply(status);
    }
    const ids = relay.mikeyOf(m);
    if (ids && !policy.acceptable.includes(ids.initiatorKmsUri ?? '')) {
      if (relay.forwardsRefused) void relay.final(up);
      return relay.refuse(tx, ids, 'initiator');
    }
    return relay.relayAnswer(tx, await relay.final(up), () => 'initiator');
  }, tls);

  const serverSide = await serveSip(async (tx) => {
    const m = tx.request.message;
    const uri = (requestUri(m) ?? '').split(';')[0]!;
    const to = registrations.get(uri);
    if (!to) return tx.reply(404);
    const contact = to.contact.replace(/^.*<([^>]*)>.*$/, '$1') || uri;
    const down = () => to.via.sendRequest(relay.copy(m, { transport: to.via.channel.kind, host: to.via.channel.local.address, port: to.via.channel.local.port }, contact), { to: to.source }).final;
    const ids = relay.mikeyOf(m);
    if (ids && !policy.acceptable.includes(ids.receiverKmsUri ?? '')) {
      if (relay.forwardsRefused) void relay.final(down);
      return relay.refuse(tx, ids, 'receiver');
    }
    return relay.relayAnswer(tx, await relay.final(down), () => 'receiver');
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
