import { test, expect } from '@playwright/test';
import type { Catalog } from '../requirements/catalog.ts';
import type { Requirement } from '../requirements/types.ts';
import type { TestRecord } from './types.ts';
import { compareIds, computeResults, exitCodeOf } from './verdicts.ts';

function catalogOf(reqs: Requirement[]): Catalog {
  return { requirements: reqs, byId: new Map(reqs.map((r) => [r.id, r])), fileOf: new Map() };
}
const req = (id: string, extra: Partial<Requirement> = {}): Requirement => ({ id, clause: id.replace(/^MCXSEC-/, '').replace(/-\d\d$/, ''), level: 'shall', roles: ['kms'], summary: `summary of ${id}`, testable: true, ...extra });
const rec = (extra: Partial<TestRecord>): TestRecord => ({ title: 't', file: 'suites/kms/a.spec.ts', project: 'kms', status: 'passed', durationMs: 5, requirements: [], findings: [], evidence: [], ...extra });
const base = { tool: { name: 'mcx-conformance', version: '0' }, target: { name: 't' }, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z' };

test('catalog-level verdicts: ICS not claimed, untestable, not tested, other roles out of scope', () => {
  const catalog = catalogOf([
    req('MCXSEC-D.2.2-01'),
    req('MCXSEC-D.3.1-01', { ics: 'kms.trk-encryption' }),
    req('MCXSEC-D.3.1-02', { testable: false, untestableReason: 'internal storage of keys' }),
    req('MCXSEC-B.4.2.2-01', { roles: ['idms'] }),
  ]);
  const r = computeResults({ ...base, catalog, roles: ['kms'], ics: {}, tests: [rec({ requirements: ['MCXSEC-D.3.1-01'], status: 'failed', error: 'x' })] });
  const v = Object.fromEntries(r.requirements.map((x) => [x.id, x.verdict]));
  expect(v).toEqual({ 'MCXSEC-D.2.2-01': 'not-tested', 'MCXSEC-D.3.1-01': 'not-applicable', 'MCXSEC-D.3.1-02': 'not-tested' });
  expect(r.requirements.find((x) => x.id === 'MCXSEC-D.3.1-02')?.reason).toContain('internal storage of keys');
  expect(r.summary).toEqual({ pass: 0, fail: 0, inconclusive: 0, notApplicable: 1, notTested: 2 });
  expect(exitCodeOf(r)).toBe(0);
});

test('aggregation across tests: any fail fails; inconclusive beats pass; reason names the test', () => {
  const catalog = catalogOf([req('MCXSEC-D.2.2-01'), req('MCXSEC-D.2.2-02', { level: 'should' })]);
  const r = computeResults({
    ...base,
    catalog,
    roles: ['kms'],
    ics: {},
    tests: [
      rec({ title: 'a', requirements: ['MCXSEC-D.2.2-01', 'MCXSEC-D.2.2-02'] }),
      rec({ title: 'b', requirements: ['MCXSEC-D.2.2-01'], status: 'failed', findings: [{ requirement: 'MCXSEC-D.2.2-01', check: 'Time window', verdict: 'fail', field: 'Time', expected: 'within 60 s', actual: 'a day ago' }] }),
      rec({ title: 'c', requirements: ['MCXSEC-D.2.2-02'], status: 'failed', error: 'INCONCLUSIVE: KMS did not answer' }),
    ],
  });
  const [one, two] = r.requirements;
  expect(one).toMatchObject({ verdict: 'fail', reason: 'b: Time window; field Time; expected "within 60 s"; found "a day ago"' });
  expect(two).toMatchObject({ verdict: 'inconclusive', reason: 'c: KMS did not answer' });
  // A failing "should" does not fail the run; a failing "shall" does.
  expect(exitCodeOf(r)).toBe(1);
  expect(exitCodeOf({ ...r, requirements: [two!] })).toBe(0);
  expect(exitCodeOf({ ...r, requirements: [{ ...two!, verdict: 'fail' }] })).toBe(0);
  expect(exitCodeOf({ ...r, requirements: [{ ...one!, verdict: 'inconclusive' }] })).toBe(1);
});

test('timeouts are inconclusive; interrupted and plain skips are not tested', () => {
  const catalog = catalogOf([req('MCXSEC-D.2.2-01'), req('MCXSEC-D.2.2-02'), req('MCXSEC-D.2.2-03')]);
  const r = computeResults({
    ...base,
    catalog,
    roles: ['kms'],
    ics: {},
    tests: [
      rec({ requirements: ['MCXSEC-D.2.2-01'], status: 'timedOut', durationMs: 60_000 }),
      rec({ requirements: ['MCXSEC-D.2.2-02'], status: 'interrupted' }),
      rec({ requirements: ['MCXSEC-D.2.2-03'], status: 'skipped', skipReason: 'fixme' }),
    ],
  });
  expect(r.requirements.map((x) => x.verdict)).toEqual(['inconclusive', 'not-tested', 'not-tested']);
});

test('IDs sort by clause number', () => {
  expect(['MCXSEC-5.10-01', 'MCXSEC-5.9-02', 'MCXSEC-B.4.2.2-10', 'MCXSEC-B.4.2.2-02', 'MCXSEC-5.9-01'].sort(compareIds)).toEqual([
    'MCXSEC-5.9-01',
    'MCXSEC-5.9-02',
    'MCXSEC-5.10-01',
    'MCXSEC-B.4.2.2-02',
    'MCXSEC-B.4.2.2-10',
  ]);
});
