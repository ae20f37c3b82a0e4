/**
 * 5.2.8.2.3 KRR creation at the IS proxy, black-box from both sides. Each
 * test first sends an acceptable I_MESSAGE along the path (its control: it
 * must reach the far side), then one whose KMS on the side of the domain's user the
 * proxy does not accept (isProxy.kms.unacceptable): the proxy must answer
 * with a KRR in a 488 and drop the message (lib/krr-path/scenarios.ts).
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { refusedCall, type Way } from '../../lib/krr-path/scenarios.ts';
import { KRR_CASE_B, KRR_CASE_C } from './checks/krr.ts';

// One test at a time in one worker: the suite's next-hop ports are shared.
test.describe.configure({ mode: 'default' });

const CASES = [
  { way: 'from-user', table: KRR_CASE_B, title: "5.2.8.2.3 case B: a MIKEY message leaving the domain from its user with an IDRkmsi the proxy does not accept is answered with a KRR and dropped" },
  { way: 'to-user', table: KRR_CASE_C, title: "5.2.8.2.3 case C: a MIKEY message entering the domain for its user with an IDRkmsr the proxy does not accept is answered with a KRR and dropped" },
] as const satisfies ReadonlyArray<{ way: Way; table: unknown; title: string }>;

for (const { way, table, title } of CASES) {
  test(title, { annotation: declare(table), tag: ['@is-proxy'] }, async ({ isp, verify, evidence, requireIcs }) => {
    requireIcs('krr.create');
    const { body, ...input } = await refusedCall(isp.path, way);
    if (body) evidence.record('xml', 'the answer to the refused MIKEY message', body);
    await verify.run(table, { ...input, ...(isp.target.krrCertificatePem ? { proxyCertPem: isp.target.krrCertificatePem } : {}) });
  });
}
