/**
 * The cs-proxy suite's fixture: the two sides the suite plays around the CS
 * proxy (lib/krr-path): the MC client in front of its client side, and the
 * MCX server listening at csProxy.nextHop, sending towards the client
 * through its server side. The client is registered through the proxy
 * first (the suite's server side answers 200), so requests towards it can
 * be routed; every SIP message of both sides is evidence at teardown.
 */
import { test as base, expect } from '../../lib/harness/suite-test.ts';
import { openKrrPath, recordAndClose, type PathSpec } from '../../lib/krr-path/path.ts';
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
    const spec: PathSpec = {
      near: { name: 'ue', label: 'suite (MC client)', entry: t.clientSide, entryLabel: 'CS proxy (client side)', field: 'csProxy.clientSide' },
      far: { name: 'server', label: 'suite (MCX server, next hop)', entry: t.serverSide, entryLabel: 'CS proxy (server side)', field: 'csProxy.serverSide', listen: { ...t.nextHop, field: 'csProxy.nextHop' } },
      user: { requestUri: t.client.impu, mikeyId: t.client.mcServiceId },
      peer: { requestUri: t.peer.uri, mikeyId: t.peer.uri },
      kms: t.kms,
      ...(t.krrSigner ? { krrSigner: t.krrSigner } : {}),
    };
    const path = await openKrrPath(spec, target.tls.caPem);
    if ('error' in path) return verify.stop(path.error, path.blame);
    const client = path.near;
    const domain = t.client.impu.replace(/^sips?:[^@]*@/, '');
    const register = (expires: number) => client.send(client.request('REGISTER', `sip:${domain}`, t.client.impu, t.client.impu, [['Expires', String(expires)]]));
    try {
      const registered = await register(600);
      if (registered.kind === 'none' || registered.status >= 300) {
        return verify.stop(`the client's REGISTER through the proxy (csProxy.clientSide) got ${registered.kind === 'none' ? `no final answer (${registered.detail})` : registered.status}: requests towards the client cannot be routed`, registered.kind === 'none' ? 'unreachable' : 'target');
      }
      await use({ target: t, path });
    } finally {
      await register(0).catch(() => undefined);
      await recordAndClose(path, spec, evidence, testInfo.title);
    }
  },
});

export { expect };
