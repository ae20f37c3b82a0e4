/**
 * The is-proxy suite's fixture: the two sides the suite plays around the IS
 * proxy (lib/krr-path): the domain (its MCX server, listening at
 * isProxy.internalNextHop and sending through the internal side) and the
 * partner domain (listening at isProxy.externalNextHop, sending through the
 * external side). Every SIP message of both is evidence at teardown.
 */
import { test as base, expect } from '../../lib/harness/suite-test.ts';
import { openKrrPath, recordAndClose, type PathSpec } from '../../lib/krr-path/path.ts';
import type { KrrPath } from '../../lib/krr-path/scenarios.ts';
import type { IsProxyTarget } from '../../lib/target/is-proxy.ts';

export interface IsProxySuite {
  target: IsProxyTarget;
  /** near: the proxy's domain; far: the partner domain. */
  path: KrrPath;
}

export const test = base.extend<{ isp: IsProxySuite }>({
  isp: async ({ target, verify, evidence, redactor }, use, testInfo) => {
    const t = target.isProxy;
    if (!t) {
      testInfo.skip(true, 'not-applicable: the target file has no isProxy section');
      return;
    }
    if (t.krrSigner) redactor.add(t.krrSigner.keyPem);
    const spec: PathSpec = {
      near: { name: 'domain', label: 'suite (the domain, internal next hop)', entry: t.internalSide, entryLabel: 'IS proxy (internal side)', field: 'isProxy.internalSide', listen: { ...t.internalNextHop, field: 'isProxy.internalNextHop' } },
      far: { name: 'partner', label: 'suite (partner domain, external next hop)', entry: t.externalSide, entryLabel: 'IS proxy (external side)', field: 'isProxy.externalSide', listen: { ...t.externalNextHop, field: 'isProxy.externalNextHop' } },
      user: { requestUri: t.user.uri, mikeyId: t.user.uri },
      peer: { requestUri: t.peer.uri, mikeyId: t.peer.uri },
      kms: t.kms,
      ...(t.krrSigner ? { krrSigner: t.krrSigner } : {}),
    };
    const path = await openKrrPath(spec, target.tls.caPem);
    if ('error' in path) return verify.stop(path.error, path.blame);
    try {
      await use({ target: t, path });
    } finally {
      await recordAndClose(path, spec, evidence, testInfo.title);
    }
  },
});

export { expect };
