import { test, expect } from '@playwright/test';
import type { Finding } from '../lib/harness/finding.ts';
import type { Results, Verdict } from '../lib/report/types.ts';
import { compareControl } from './support/control-compare.ts';

/** What the negative-control matrix accepts and refuses, on hand-made runs. */
const A = 'MCXSEC-D.2.2-01';
const B = 'MCXSEC-D.2.2-02';
const f = (checkId: string, requirement: string, verdict: Finding['verdict']): Finding => ({ requirement, check: checkId, checkId, verdict, field: 'x', actual: 1 });

function results(rows: { id: string; verdict: Verdict; findings: Finding[]; test?: string }[]): Results {
  return {
    tool: { name: 't', version: '0' },
    target: { name: 't' },
    startedAt: '',
    finishedAt: '',
    summary: { pass: 0, fail: 0, inconclusive: 0, notApplicable: 0, notTested: 0, error: 0, suiteDefects: 0, findings: 0 },
    defects: [],
    requirements: rows.map((r) => ({ id: r.id, clause: 'D.2.2', level: 'shall', roles: ['kms'], verdict: r.verdict, tests: [{ title: r.test ?? 't1', file: 'suites/kms/a.spec.ts', verdict: r.verdict, durationMs: 1, findings: r.findings, evidence: [] }] })),
  };
}

const fault = { name: 'kms.accepts-stale-request-time', breaks: [A], checks: ['kms.request.time-window'] };
const covered = new Set([A, B]);
const baseline = results([
  { id: A, verdict: 'pass', findings: [f('kms.request.time-window', A, 'pass')] },
  { id: B, verdict: 'pass', findings: [f('kms.request.kms-uri', B, 'pass'), f('kms.request.signature', B, 'pass')] },
]);

test('a fault that fails exactly its check and changes nothing else passes', () => {
  const run = results([
    { id: A, verdict: 'fail', findings: [f('kms.request.time-window', A, 'fail')] },
    { id: B, verdict: 'pass', findings: [f('kms.request.kms-uri', B, 'pass'), f('kms.request.signature', B, 'pass')] },
  ]);
  expect(compareControl(fault, baseline, run, covered).problems).toEqual([]);
});

test('a check that cannot fail (always passes) is named, with the fault', () => {
  const run = results([
    { id: A, verdict: 'pass', findings: [f('kms.request.time-window', A, 'pass')] },
    { id: B, verdict: 'pass', findings: [f('kms.request.kms-uri', B, 'pass'), f('kms.request.signature', B, 'pass')] },
  ]);
  expect(compareControl(fault, baseline, run, covered).problems).toEqual([
    'kms.accepts-stale-request-time: MCXSEC-D.2.2-01 should FAIL, got pass',
    'kms.accepts-stale-request-time: check kms.request.time-window should FAIL, but recorded no failed finding',
  ]);
});

test('collateral damage is named: another requirement turning, a check failing, a check going silent', () => {
  const turned = results([
    { id: A, verdict: 'fail', findings: [f('kms.request.time-window', A, 'fail')] },
    { id: B, verdict: 'inconclusive', findings: [] },
  ]);
  const lost = `kms.accepts-stale-request-time: ${B} in 'suites/kms/a.spec.ts › t1' turned INCONCLUSIVE (baseline pass)`;
  expect(compareControl(fault, baseline, turned, covered, { strictBlocks: true }).problems).toEqual([lost]);
  // Not strict: reported as an undeclared block, not a failure; declared in blocks: accepted silently.
  expect(compareControl(fault, baseline, turned, covered)).toEqual({ problems: [], undeclaredBlocks: [lost] });
  expect(compareControl({ ...fault, blocks: [B] }, baseline, turned, covered)).toEqual({ problems: [], undeclaredBlocks: [] });
  // A pass turned FAIL is damage, never a block.
  const failed = results([
    { id: A, verdict: 'fail', findings: [f('kms.request.time-window', A, 'fail')] },
    { id: B, verdict: 'fail', findings: [f('kms.request.kms-uri', B, 'fail')] },
  ]);
  expect(compareControl(fault, baseline, failed, covered).problems.length).toBeGreaterThan(0);
  // Declaring the requirement a block does not excuse a FAIL: a block may lose its result, not fail.
  expect(compareControl({ ...fault, blocks: [B] }, baseline, failed, covered).problems).toEqual([`kms.accepts-stale-request-time: ${B} in 'suites/kms/a.spec.ts › t1' is declared a block but turned FAIL (baseline pass)`]);
  const silent = results([
    { id: A, verdict: 'fail', findings: [f('kms.request.time-window', A, 'fail')] },
    { id: B, verdict: 'pass', findings: [f('kms.request.kms-uri', B, 'pass')] },
  ]);
  expect(compareControl(fault, baseline, silent, covered, { strictBlocks: true }).problems).toEqual([`kms.accepts-stale-request-time: check kms.request.signature (${B}) in 'suites/kms/a.spec.ts › t1' passed in the baseline and recorded no pass now`]);
});

test('a suite defect in the fault run is a problem', () => {
  const run = results([{ id: A, verdict: 'fail', findings: [f('kms.request.time-window', A, 'fail')] }]);
  run.defects.push({ kind: 'silent-check', requirement: B, check: 'kms.request.signature', test: 't1', detail: 'recorded nothing' });
  expect(compareControl(fault, baseline, run, covered).problems).toEqual(["kms.accepts-stale-request-time: suite defect silent-check kms.request.signature in 't1': recorded nothing"]);
});
