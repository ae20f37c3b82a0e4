/**
 * The cs-proxy suite's fixture: the two sides the suite plays around the CS
 * proxy (lib/krr-path/side.ts): the MC client in front of its client side,
 * and the MCX server listening at csProxy.nextHop, sending towards the
 * client through its server side. The client is registered through the
 * proxy first (the suite's server side answers 200), so requests towards it
 * can be routed; every SIP message of both sides is evidence at teardown.
 */
import { test as base, expect } from '../../lib/harness/index.ts';
import { recordSipDialogue } from '../../lib/harness/sip-evidence.ts';
import { PathSide } from '../../lib/krr-path/side.ts';
import type { KrrPath } from '../../lib/krr-path/scenarios.ts';
import type { CsProxyTarget } from '../../lib/target/cs-proxy.ts';

export interface CsProxySuite {
  target: CsProxyTarget;
  /** near: the MC client; far: the MCX server. */
  path: KrrPath;
}

export const test = base.extend<{ csp: CsProxySuite }>({
  csp: async ({ target, verify, evidence, redactor }, use, testInfo) => {
    const t = target.csProxy;
    if (!t) {
      testInfo.skip(true, 'not-applicable: the target file has no csProxy section');
      return;
    }
    if (t.krrSigner) redactor.add(t.krrSigner.keyPem);
    const client = await PathSide.open('ue', t.clientSide, 'csProxy.clientSide', target.tls.caPem);
    if (!(client instanceof PathSide)) return verify.stop(client.error, client.blame);
    const server = await PathSide.open('server', t.serverSide, 'csProxy.serverSide', target.tls.caPem, { ...t.nextHop, field: 'csProxy.nextHop' });
    if (!(server instanceof PathSide)) {
      await client.close();
      return verify.stop(server.error, server.blame);
    }
    const domain = t.client.impu.replace(/^sips?:[^@]*@/, '');
    const register = (expires: number) => client.send(client.request('REGISTER', `sip:${domain}`, t.client.impu, t.client.impu, [['Expires', String(expires)]]));
    try {
      const registered = await register(600);
      if (registered.kind === 'none' || registered.status >= 300) {
        return verify.stop(`the client's REGISTER through the proxy (csProxy.clientSide) got ${registered.kind === 'none' ? `no final answer (${registered.detail})` : registered.status}: requests towards the client cannot be routed`, registered.kind === 'none' ? 'unreachable' : 'target');
      }
      const path: KrrPath = {
        near: client,
        far: server,
        user: { requestUri: t.client.impu, mikeyId: t.client.mcServiceId },
        peer: { requestUri: t.peer.uri, mikeyId: t.peer.uri },
        acceptable: t.kms.acceptable,
        unacceptable: t.kms.unacceptable,
        ...(t.krrSigner ? { signer: t.krrSigner } : {}),
      };
      await use({ target: t, path });
    } finally {
      await register(0).catch(() => undefined);
      const names: Record<string, string> = {
        [`${client.channel.local.address}:${client.channel.local.port}`]: 'suite (MC client)',
        [`${server.channel.local.address}:${server.channel.local.port}`]: 'suite (MCX server, next hop)',
        [`${t.clientSide.address}:${t.clientSide.port}`]: 'CS proxy (client side)',
        [`${t.serverSide.address}:${t.serverSide.port}`]: 'CS proxy (server side)',
      };
      recordSipDialogue(evidence, `SIP: ${testInfo.title}`, [...client.channel.records, ...server.channel.records].sort((a, b) => a.at - b.at), names);
      await client.close();
      await server.close();
    }
  },
});

export { expect };
