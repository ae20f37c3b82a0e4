/**
 * 5.2.8.2.3 / 5.2.8.2.4 KRRs reaching the IS proxy. The suite sends an
 * acceptable private call through the proxy and the far end (the suite too)
 * answers it with a 488 and a KRR of its own, signed with isProxy.krrSigner
 * when given (lib/krr-path/scenarios.ts). What the caller's side then gets
 * is graded: a new KRR when the list of the domain user's side names a KMS the
 * proxy does not accept, the same KRR when nothing in it is objectionable.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { serializeXml } from '../../lib/kms-xml/xml.ts';
import { answeredWithKrr, type Way } from '../../lib/krr-path/scenarios.ts';
import { KRR_FORWARDED, KRR_NESTED, KRR_REDUCE_INITIATOR, KRR_REDUCE_RECEIVER } from './checks/krr.ts';

test.describe.configure({ mode: 'default' });

const CASES = [
  { police: 'initiator', way: 'from-user', table: KRR_REDUCE_INITIATOR, title: "5.2.8.2.4 case C: a KRR entering the domain for its initiating user whose initiator list names a KMS the proxy does not accept is replaced by a new KRR embedding it" },
  { police: 'receiver', way: 'to-user', table: KRR_REDUCE_RECEIVER, title: "5.2.8.2.4 case B: a KRR leaving the domain from its receiving user whose receiver list names a KMS the proxy does not accept is replaced by a new KRR embedding it" },
] as const satisfies ReadonlyArray<{ police: 'initiator' | 'receiver'; way: Way; table: unknown; title: string }>;

for (const { police, way, table, title } of CASES) {
  test(title, { annotation: declare(table), tag: ['@is-proxy'] }, async ({ isp, verify, evidence, requireIcs }) => {
    requireIcs('krr.create');
    const { sent, got } = await answeredWithKrr(isp.path, way, (ok, refused) => (police === 'initiator' ? { initiator: [ok, refused], receiver: 'any' } : { initiator: 'any', receiver: [ok, refused] }));
    evidence.record('xml', 'KRR the far end sent', sent.xml);
    if (got.krr.ok) evidence.record('xml', 'KRR that reached the caller', serializeXml(got.krr.element));
    await verify.run(table, { police, unacceptable: isp.path.unacceptable, sent: sent.element, sentLists: sent.lists, got, ...(isp.target.krrCertificatePem ? { proxyCertPem: isp.target.krrCertificatePem } : {}) });
  });
}

test('5.2.8.2.3 a KRR the proxy has nothing to object to reaches the initiator', { annotation: declare(KRR_FORWARDED), tag: ['@is-proxy'] }, async ({ isp, verify, evidence }) => {
  const { sent, got } = await answeredWithKrr(isp.path, 'from-user', (ok) => ({ initiator: [ok], receiver: 'any' }));
  evidence.record('xml', 'KRR the far end sent', sent.xml);
  await verify.run(KRR_FORWARDED, { sent: sent.element, sentLists: sent.lists, got });
});

test('5.2.8.2.4 a KRR already holding 4 sub-KRRs is processed: the new KRR holds 5', { annotation: declare(KRR_NESTED), tag: ['@is-proxy'] }, async ({ isp, verify, evidence, requireIcs }) => {
  requireIcs('krr.create');
  const { sent, got } = await answeredWithKrr(isp.path, 'from-user', (ok, refused) => ({ initiator: [ok, refused], receiver: 'any' }), 4);
  evidence.record('xml', 'KRR (4 sub-KRRs) the far end sent', sent.xml);
  await verify.run(KRR_NESTED, { sent: sent.element, sentLists: sent.lists, got });
});
