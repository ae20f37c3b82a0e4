import { requestUri, SipEndpoint, UdpChannel, type Endpoint, type SipMessage } from '../../lib/sip/index.ts';
import type { KmsRedirectResponse } from '../../lib/kms-xml/krr.ts';
import type { RoutingIdentities } from '../../lib/mikey/routing.ts';
import type { FaultSet } from '../fault.ts';
import { REFERENCE_TIMERS, serveSip, type SipService } from './serve.ts';
import type { KrrList, KrrPolicy } from './krr-policy.ts';
import { krrRelay } from './krr-relay.ts';

/**
 * The reference IS proxy (5.2.8.2.3 cases B and C, 5.2.8.2.4 cases B and C,
 * Annex I.3) at the edge of the MC domain: requests arriving on its internal
 * side go to its external next hop (the partner domain), those arriving on
 * its external side to its internal next hop. It polices the KMSs of its
 * own domain's users, by identity, whichever way a message travels:
 * - a MIKEY message whose IDRi is a user of the domain with an unacceptable
 *   IDRkmsi is dropped and answered with a KRR (case B); one whose IDRr is
 *   such a user with an unacceptable IDRkmsr likewise (case C);
 * - a KRR whose IDRi is a user of the domain and whose initiator list names
 *   an unacceptable KMS is replaced (case C); whose IDRr is, the receiver
 *   list (case B).
 */
export interface IsProxy {
  internalSide: Endpoint;
  externalSide: Endpoint;
  stop(): Promise<void>;
}

export async function startIsProxy(next: { internal: Endpoint; external: Endpoint }, isOwnUser: (uri: string) => boolean, policy: KrrPolicy, faults: FaultSet): Promise<IsProxy> {
  const relay = krrRelay(policy, faults);
  const refused = (ids: RoutingIdentities): KrrList | undefined => {
    if (ids.initiatorUri && isOwnUser(ids.initiatorUri) && !policy.acceptable.includes(ids.initiatorKmsUri ?? '')) return 'initiator';
    if (ids.receiverUri && isOwnUser(ids.receiverUri) && !policy.acceptable.includes(ids.receiverKmsUri ?? '')) return 'receiver';
    return undefined;
  };
  const unacceptable = (list: KmsRedirectResponse['initiatorKmsList']) => list !== 'any' && list.some((u) => !policy.acceptable.includes(u));
  const police = (krr: KmsRedirectResponse): KrrList | undefined => {
    if (isOwnUser(krr.initiatorUri) && unacceptable(krr.initiatorKmsList)) return 'initiator';
    if (isOwnUser(krr.receiverUri) && unacceptable(krr.receiverKmsList)) return 'receiver';
    return undefined;
  };

  const hops: Array<{ channel: UdpChannel; endpoint: SipEndpoint }> = [];
  const side = async (to: Endpoint): Promise<SipService> => {
    const channel = await UdpChannel.open({ remote: to });
    const endpoint = new SipEndpoint(channel, { timers: REFERENCE_TIMERS, remote: to });
    hops.push({ channel, endpoint });
    const via = { transport: 'udp', host: channel.local.address, port: channel.local.port };
    return serveSip(async (tx) => {
      const m: SipMessage = tx.request.message;
      const onward = () => endpoint.sendRequest(relay.copy(m, via, requestUri(m) ?? '')).final;
      const ids = relay.mikeyOf(m);
      const restricted = ids ? refused(ids) : undefined;
      if (ids && restricted) {
        if (relay.forwardsRefused) void relay.final(onward);
        return relay.refuse(tx, ids, restricted);
      }
      return relay.relayAnswer(tx, await relay.final(onward), police);
    });
  };
  const internal = await side(next.external);
  const external = await side(next.internal);
  return {
    internalSide: internal.udp,
    externalSide: external.udp,
    async stop() {
      await internal.stop();
      await external.stop();
      for (const h of hops) {
        h.endpoint.stop();
        await h.channel.close();
      }
    },
  };
}
