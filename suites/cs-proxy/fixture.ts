/**
 * The cs-proxy suite's fixture: the target's csProxy section, both sides
 * the suite plays (sides.ts) with the client registered through the proxy,
 * and every SIP message of both sides as evidence at teardown.
 */
import { test as base, expect } from '../../lib/harness/index.ts';
import { recordSipDialogue } from '../../lib/harness/sip-evidence.ts';
import type { CsProxyTarget } from '../../lib/target/cs-proxy.ts';
import { ProxySides } from './sides.ts';

export interface CsProxySuite {
  target: CsProxyTarget;
  sides: ProxySides;
}

export const test = base.extend<{ csp: CsProxySuite }>({
  csp: async ({ target, verify, evidence, redactor }, use, testInfo) => {
    const section = target.csProxy;
    if (!section) {
      testInfo.skip(true, 'not-applicable: the target file has no csProxy section');
      return;
    }
    if (section.krrSigner) redactor.add(section.krrSigner.keyPem);
    const opened = await ProxySides.open(section, target.tls.caPem);
    if ('error' in opened) return verify.stop(opened.error, opened.blame);
    const sides = opened;
    try {
      const registered = await sides.register();
      if (registered.kind === 'none' || registered.status >= 300) {
        return verify.stop(`the client's REGISTER through the proxy (csProxy.clientSide) got ${registered.kind === 'none' ? `no final answer (${registered.detail})` : registered.status}: requests towards the client cannot be routed`, registered.kind === 'none' ? 'unreachable' : 'target');
      }
      await use({ target: section, sides });
    } finally {
      const names: Record<string, string> = {
        [`${sides.client.channel.local.address}:${sides.client.channel.local.port}`]: 'suite (MC client)',
        [`${sides.server.channel.local.address}:${sides.server.channel.local.port}`]: 'suite (MCX server, next hop)',
        [`${section.clientSide.address}:${section.clientSide.port}`]: 'CS proxy (client side)',
        [`${section.serverSide.address}:${section.serverSide.port}`]: 'CS proxy (server side)',
      };
      await sides.register(0).catch(() => undefined);
      recordSipDialogue(evidence, `SIP: ${testInfo.title}`, sides.records, names);
      await sides.close();
    }
  },
});

export { expect };
