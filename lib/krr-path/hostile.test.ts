import { test, expect, type TestInfo } from '@playwright/test';
import { Checker } from '../harness/checker.ts';
import { Redactor } from '../harness/redactor.ts';
import { declare } from '../harness/requirements.ts';
import type { CheckTable } from '../harness/check.ts';
import { krrXml, KRR_CONTENT_TYPE, type KmsRedirectResponse } from '../kms-xml/krr.ts';
import { NS_KRR } from '../kms-xml/namespaces.ts';
import { parseXml } from '../kms-xml/parse.ts';
import { response, type SipMessage } from '../sip/index.ts';
import { krrAnswer } from './krr-answer.ts';
import { krrCreatedTable, type CreatedInput } from './created.ts';
import { krrForwardedTable, krrNestedTable, krrReducedTable, type ProcessedInput } from './processed.ts';
import type { FinalAnswer } from './side.ts';

/**
 * Whatever a proxy answers, the KRR checks give one finding each and never
 * throw, and nothing broken passes: garbage bodies, HTML, a KRR nested 2,000
 * deep, one with its lists in the wrong places, no answer at all.
 */
const ROLE = { role: 'cs-proxy', listsRequirement: 'MCXSEC-5.2.8.2.3-01' } as const;
const CREATED = krrCreatedTable(ROLE, 'inbound', 'initiator', 'hostile answers to a refused MIKEY message');
const REDUCED = krrReducedTable(ROLE, 'initiator', 'hostile answers in place of a reduced KRR');
const FORWARDED = krrForwardedTable(ROLE, 'hostile answers in place of a forwarded KRR');
const NESTED = krrNestedTable(ROLE, 'hostile answers in place of a KRR with 5 sub-KRRs');

async function findings<I>(table: CheckTable<I>, input: I) {
  const info = { attach: async () => undefined, annotations: declare(table as CheckTable<never>) } as unknown as TestInfo;
  const checker = new Checker(info, new Redactor(), { failTests: false });
  await checker.run(table, input);
  expect(checker.findings.map((f) => f.checkId)).toEqual(table.checks.map((c) => c.id));
  return checker.findings;
}

const answered = (status: number, body: string, contentType = KRR_CONTENT_TYPE): FinalAnswer => {
  const message: SipMessage = response(status, 'x', [['Content-Type', contentType]], body);
  return { kind: 'final', message, status };
};

const krr: KmsRedirectResponse = {
  time: '2026-12-04T00:00:00Z', creatorUri: 'sip:p@example.org', initiatorUri: 'sip:i@example.org', initiatorKmsUri: 'kms.bad', receiverUri: 'sip:r@example.org', receiverKmsUri: 'kms.ok',
  initiatorKmsList: ['kms.ok'], receiverKmsList: 'any',
};
const deep = `${`<KmsRedirectResponse xmlns="${NS_KRR}"><EmbeddedKrr>`.repeat(2_000)}${'</EmbeddedKrr></KmsRedirectResponse>'.repeat(2_000)}`;
const swapped = krrXml(krr).replace('<Time>2026-12-04T00:00:00Z</Time>', '').replace('</ReceiverKmsList>', '</ReceiverKmsList><Time>2026-12-04T00:00:00Z</Time>');
const HOSTILE: Record<string, FinalAnswer> = {
  'no answer': { kind: 'none', detail: 'Timer B' },
  'empty 488': answered(488, ''),
  'HTML 488': answered(488, '<html><body>Not Acceptable</body></html>', 'text/html'),
  'binary 488': answered(488, '\u0000\u0001\u00ff'.repeat(300)),
  '2,000 nested KRRs': answered(488, deep),
  'fields out of order': answered(488, swapped),
  'a 200 instead': answered(200, ''),
};

test('every KRR check table gives one finding per check on hostile answers, and none of them passes where it must not', async () => {
  const sentElement = parseXml(krrXml(krr));
  if (!sentElement.ok) throw new Error(sentElement.reason);
  for (const [what, answer] of Object.entries(HOSTILE)) {
    const got = krrAnswer(answer);
    const created: CreatedInput = { sent: { initiatorUri: 'sip:i@example.org', initiatorKmsUri: 'kms.bad', receiverUri: 'sip:r@example.org', receiverKmsUri: 'kms.ok' }, refused: 'kms.bad', acceptable: ['kms.ok'], got, forwarded: 0, control: { reached: true, detail: 'answered 480' } };
    const processed: ProcessedInput = { sent: sentElement.root, sentLists: { initiator: ['kms.ok', 'kms.bad'], receiver: 'any' }, got };
    const all = [
      ...(await findings(CREATED, created)),
      ...(await findings(REDUCED, { ...processed, police: 'initiator' as const, unacceptable: 'kms.bad' })),
      ...(await findings(FORWARDED, processed)),
      ...(await findings(NESTED, processed)),
    ];
    // Only what is true of these answers may pass: the status of a 488, and the absence of a forwarded MIKEY message
    // (the control reached the far side, the refused message did not).
    const allowed = new Set([
      'cs-proxy.krr-inbound.mikey-dropped',
      ...(answer.kind === 'final' && answer.status === 488 ? ['cs-proxy.krr-inbound.status-488'] : []),
      ...(got.krr.ok && got.contentType === KRR_CONTENT_TYPE ? ['cs-proxy.krr-inbound.content-type'] : []),
    ]);
    expect(all.filter((f) => f.verdict === 'pass' && !allowed.has(f.checkId!)).map((f) => f.checkId), what).toEqual([]);
  }
});
