/**
 * 5.2.8.2.3 KRR creation at the CS proxy, black-box from both sides. Each
 * test first sends an acceptable I_MESSAGE along the path (its control: it
 * must reach the far side), then one whose KMS on the client's side the
 * proxy does not accept (csProxy.kms.unacceptable): the proxy must answer
 * with a KRR in a 488 and drop the message (lib/krr-path/scenarios.ts).
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { refusedCall, type Way } from '../../lib/krr-path/scenarios.ts';
import { KRR_INBOUND, KRR_OUTBOUND } from './checks/krr.ts';

// One test at a time in one worker: the suite's next-hop port is shared.
test.describe.configure({ mode: 'default' });

const CASES = [
  { way: 'from-user', table: KRR_INBOUND, title: '5.2.8.2.3 case A: a MIKEY message from the client whose IDRkmsi the proxy does not accept is answered with a KRR and dropped' },
  { way: 'to-user', table: KRR_OUTBOUND, title: '5.2.8.2.3 case D: a MIKEY message towards the client whose IDRkmsr the proxy does not accept is answered with a KRR and dropped' },
] as const satisfies ReadonlyArray<{ way: Way; table: unknown; title: string }>;

for (const { way, table, title } of CASES) {
  test(title, { annotation: declare(table), tag: ['@cs-proxy'] }, async ({ csp, verify, evidence, requireIcs }) => {
    requireIcs('krr.create');
    const { body, ...input } = await refusedCall(csp.path, way);
    if (body) evidence.record('xml', 'the answer to the refused MIKEY message', body);
    await verify.run(table, { ...input, ...(csp.target.krrCertificatePem ? { proxyCertPem: csp.target.krrCertificatePem } : {}) });
  });
}
