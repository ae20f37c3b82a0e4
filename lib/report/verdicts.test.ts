import { test, expect } from '@playwright/test';
import type { Finding } from '../harness/finding.ts';
import type { Catalog } from '../requirements/catalog.ts';
import type { Requirement } from '../requirements/types.ts';
import type { TestRecord } from './types.ts';
import { compareIds, computeResults, EXIT, exitCodeOf } from './verdicts.ts';

/**
 * The verdict rules, one test each: PASS only from pass findings; a silent
 * check, a crash, an empty run never end as PASS or CONFORMANT.
 */
function catalogOf(reqs: Requirement[]): Catalog {
  return { requirements: reqs, byId: new Map(reqs.map((r) => [r.id, r])), fileOf: new Map() };
}
const req = (id: string, extra: Partial<Requirement> = {}): Requirement => ({ id, clause: id.replace(/^MCXSEC-/, '').replace(/-\d\d$/, ''), level: 'shall', roles: ['kms'], summary: `summary of ${id}`, testable: true, ...extra });
const rec = (extra: Partial<TestRecord>): TestRecord => ({ title: 't', file: 'suites/kms/a.spec.ts', project: 'kms', status: 'passed', completed: true, durationMs: 5, requirements: [], findings: [], evidence: [], ...extra });
const base = { tool: { name: 'mcx-conformance', version: '0' }, target: { name: 't' }, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z' };
const A = 'MCXSEC-D.2.2-01';
const B = 'MCXSEC-D.2.2-02';
const declared = (...pairs: [string, string][]) => ({ declaredChecks: pairs.map(([id, requirement]) => ({ id, requirement })), requirements: [...new Set(pairs.map(([, r]) => r))] });
const found = (checkId: string, requirement: string, verdict: Finding['verdict'], extra: Partial<Finding> = {}): Finding => ({ requirement, check: `title of ${checkId}`, checkId, verdict, ...(verdict === 'pass' || verdict === 'fail' ? { field: 'f', actual: 'x' } : {}), ...extra });
const run = (tests: TestRecord[], reqs = [req(A), req(B)], extra: { roles?: string[]; ics?: Record<string, boolean> } = {}) =>
  computeResults({ ...base, catalog: catalogOf(reqs), roles: extra.roles ?? ['kms'], ics: extra.ics ?? {}, tests });
const verdicts = (r: ReturnType<typeof run>) => Object.fromEntries(r.requirements.map((x) => [x.id, x.verdict]));

test('PASS only from pass findings: a test that ends without error and records nothing is inconclusive and a suite defect', () => {
  const r = run([rec({ ...declared(['kms.a.one', A]), findings: [] })]);
  expect(verdicts(r)[A]).toBe('inconclusive');
  expect(r.requirements.find((x) => x.id === A)?.reason).toContain('no check recorded a result');
  expect(r.defects).toEqual([expect.objectContaining({ kind: 'silent-check', requirement: A, check: 'kms.a.one' })]);
  expect(exitCodeOf(r)).toBe(EXIT.suiteError);
  // The same for an older test that names a requirement by annotation only.
  const legacy = run([rec({ requirements: [A], findings: [] })]);
  expect(verdicts(legacy)[A]).toBe('inconclusive');
  expect(legacy.defects[0]?.kind).toBe('silent-check');
});

test('every declared check must record: one silent check of two makes the requirement inconclusive', () => {
  const r = run([rec({ ...declared(['kms.a.one', A], ['kms.a.two', A]), findings: [found('kms.a.one', A, 'pass')] })]);
  expect(verdicts(r)[A]).toBe('inconclusive');
  expect(r.summary.suiteDefects).toBe(1);
});

test('pass findings for every declared check give PASS; a fail anywhere gives FAIL with the finding', () => {
  const ok = run([rec({ ...declared(['kms.a.one', A]), findings: [found('kms.a.one', A, 'pass')] })]);
  expect(verdicts(ok)[A]).toBe('pass');
  expect(exitCodeOf(ok)).toBe(EXIT.conformant);
  const bad = run([
    rec({ title: 'a', ...declared(['kms.a.one', A]), findings: [found('kms.a.one', A, 'pass')] }),
    rec({ title: 'b', status: 'failed', ...declared(['kms.a.one', A]), findings: [found('kms.a.one', A, 'fail', { field: 'Time', expected: 'within 60 s', actual: 'a day ago', reason: 'mismatch' })] }),
  ]);
  expect(bad.requirements.find((x) => x.id === A)).toMatchObject({ verdict: 'fail', reason: 'b: title of kms.a.one; field Time; expected "within 60 s"; found "a day ago"' });
  expect(exitCodeOf(bad)).toBe(EXIT.notConformant);
});

test('a crash is a suite error, never PASS nor FAIL: it names the exception and where it was thrown; exit 3', () => {
  const r = run([
    rec({ title: 'a', ...declared(['kms.a.one', A]), findings: [found('kms.a.one', A, 'pass')] }),
    rec({ title: 'b', status: 'failed', completed: false, error: 'TypeError: x is undefined', errorAt: 'suites/kms/b.spec.ts:10:5', ...declared(['kms.a.one', A]), findings: [] }),
  ]);
  const a = r.requirements.find((x) => x.id === A)!;
  expect(a.verdict).toBe('error');
  expect(a.reason).toContain('TypeError: x is undefined');
  expect(a.reason).toContain('suites/kms/b.spec.ts:10:5');
  expect(r.summary.error).toBe(1);
  expect(r.defects.some((d) => d.kind === 'crash')).toBe(true);
  expect(exitCodeOf(r)).toBe(EXIT.suiteError);
  // An exception inside a check is an error finding: the same verdict.
  const inCheck = run([rec({ ...declared(['kms.a.one', A]), findings: [found('kms.a.one', A, 'error', { detail: 'the check raised an exception: RangeError', thrown: { message: 'RangeError', at: 'suites/kms/checks/x.ts:3:1' } })] })]);
  expect(verdicts(inCheck)[A]).toBe('error');
  // A test that crashed after every requirement got its findings is still counted.
  const late = run([rec({ status: 'failed', completed: false, error: 'Error: teardown', ...declared(['kms.a.one', A]), findings: [found('kms.a.one', A, 'pass')] })]);
  expect(verdicts(late)[A]).toBe('pass');
  expect(exitCodeOf(late)).toBe(EXIT.suiteError);
});

test('a test that stopped (typed) leaves its unrun checks inconclusive with the reason; the reason never comes from error text', () => {
  const stopped = rec({ status: 'skipped', completed: false, stop: { kind: 'inconclusive', reason: 'no access token from the IdMS', blame: 'precondition' }, ...declared(['kms.a.one', A], ['kms.b.one', B]), findings: [found('kms.a.one', A, 'pass')] });
  const r = run([stopped]);
  expect(verdicts(r)).toEqual({ [A]: 'pass', [B]: 'inconclusive' });
  expect(r.requirements.find((x) => x.id === B)?.reason).toContain('no access token from the IdMS');
  expect(r.defects).toEqual([]);
  // An error whose text merely says INCONCLUSIVE, without the harness's stop record, is a crash.
  const fake = run([rec({ status: 'failed', completed: false, error: 'INCONCLUSIVE: spoofed', ...declared(['kms.b.one', B]) })]);
  expect(verdicts(fake)[B]).toBe('error');
});

test('a check that passed in one test is not dragged by another test that stopped before running it', () => {
  const r = run([
    rec({ title: 'a', ...declared(['kms.cert.role', A]), findings: [found('kms.cert.role', A, 'pass')] }),
    rec({ title: 'b', ...declared(['kms.cert.role', A]), findings: [found('kms.cert.role', A, 'pass')] }),
    rec({ title: 'c', status: 'skipped', completed: false, stop: { kind: 'inconclusive', reason: 'unrelated', blame: 'target' }, ...declared(['kms.cert.role', A]) }),
  ]);
  expect(verdicts(r)[A]).toBe('pass');
  // But an inconclusive finding of the check itself does drag it.
  const r2 = run([
    rec({ title: 'a', ...declared(['kms.cert.role', A]), findings: [found('kms.cert.role', A, 'pass')] }),
    rec({ title: 'b', ...declared(['kms.cert.role', A]), findings: [found('kms.cert.role', A, 'inconclusive', { blame: 'unreachable', detail: 'ECONNRESET' })] }),
  ]);
  expect(verdicts(r2)[A]).toBe('inconclusive');
});

test('a not-applicable outcome does not drag the other checks; all not-applicable gives not-applicable', () => {
  const r = run([rec({ ...declared(['kms.a.one', A], ['kms.a.gateway', A], ['kms.b.gateway', B]), findings: [found('kms.a.one', A, 'pass'), found('kms.a.gateway', A, 'not-applicable', { detail: 'no IsSecurityGateway' }), found('kms.b.gateway', B, 'not-applicable', { detail: 'no IsSecurityGateway' })] })]);
  expect(verdicts(r)).toEqual({ [A]: 'pass', [B]: 'not-applicable' });
});

test('a fatal check stops the test: the failed check fails, the unrun ones are inconclusive naming it', () => {
  const r = run([rec({ status: 'failed', completed: false, stop: { kind: 'fatal', reason: 'kms.a.one failed', checkId: 'kms.a.one' }, ...declared(['kms.a.one', A], ['kms.b.one', B]), findings: [found('kms.a.one', A, 'fail', { reason: 'invalid' })] })]);
  expect(verdicts(r)).toEqual({ [A]: 'fail', [B]: 'inconclusive' });
  expect(r.requirements.find((x) => x.id === B)?.reason).toContain('kms.a.one');
});

test('only requirements of the roles under test are judged: another role is not-tested, never failed', () => {
  const idmsReq = req('MCXSEC-B.4.2.2-01', { roles: ['idms'] });
  const kmsReq = req('MCXSEC-5.3.3-02', { roles: ['kms'] });
  const r = run([rec({ project: 'idms', ...declared(['idms.x.one', idmsReq.id], ['idms.x.kms-refuses', kmsReq.id]), findings: [found('idms.x.one', idmsReq.id, 'pass')] })], [idmsReq, kmsReq], { roles: ['idms'] });
  expect(r.requirements.find((x) => x.id === kmsReq.id)).toMatchObject({ verdict: 'not-tested', reason: 'role not under test (kms)' });
  expect(exitCodeOf(r)).toBe(EXIT.conformant);
  // A finding that escaped the scope anyway is a suite defect.
  const leaked = run([rec({ project: 'idms', ...declared(['idms.x.kms-refuses', kmsReq.id]), findings: [found('idms.x.kms-refuses', kmsReq.id, 'fail')] })], [idmsReq, kmsReq], { roles: ['idms'] });
  expect(leaked.requirements.find((x) => x.id === kmsReq.id)?.verdict).toBe('not-tested');
  expect(leaked.defects[0]?.kind).toBe('role-not-under-test');
});

test('an ICS-gated requirement is not-applicable before its checks; a finding recorded for it is a suite defect', () => {
  const gated = req(A, { ics: 'kms.trk-encryption' });
  const quiet = run([rec({ status: 'skipped', completed: false, notApplicable: 'ICS does not claim kms.trk-encryption', ...declared(['kms.a.one', A]) })], [gated]);
  expect(quiet.requirements[0]).toMatchObject({ verdict: 'not-applicable', reason: 'the ICS does not claim kms.trk-encryption' });
  const leaked = run([rec({ ...declared(['kms.a.one', A]), findings: [found('kms.a.one', A, 'pass')] })], [gated]);
  expect(leaked.requirements[0]?.verdict).toBe('error');
  expect(leaked.defects[0]?.kind).toBe('ics-not-claimed');
  expect(exitCodeOf(leaked)).toBe(EXIT.suiteError);
});

test('an undeclared check and an ID missing from the catalog are suite defects', () => {
  const r = run([rec({ ...declared(['kms.a.one', A]), findings: [found('kms.a.one', A, 'pass'), found('kms.a.sneaky', A, 'pass', { undeclared: true }), found('kms.z.one', 'MCXSEC-Z.9-01', 'pass')] })]);
  expect(r.defects.map((d) => d.kind).sort()).toEqual(['undeclared-check', 'unknown-requirement']);
  expect(verdicts(r)['MCXSEC-Z.9-01']).toBe('error');
});

test('a run in which no check ran exits 2, never CONFORMANT', () => {
  const r = run([rec({ status: 'skipped', completed: false, skipReason: 'filtered', ...declared(['kms.a.one', A]) })]);
  expect(r.summary.findings).toBe(0);
  expect(exitCodeOf(r)).toBe(EXIT.usage);
  expect(exitCodeOf(run([]))).toBe(EXIT.usage);
});

test('levels: a failing should does not fail the run; an inconclusive shall does', () => {
  const r = run(
    [
      rec({ title: 'a', ...declared(['kms.a.one', A]), findings: [found('kms.a.one', A, 'pass')] }),
      rec({ title: 'b', ...declared(['kms.b.one', B]), findings: [found('kms.b.one', B, 'fail')] }),
    ],
    [req(A), req(B, { level: 'should' })],
  );
  expect(exitCodeOf(r)).toBe(EXIT.conformant);
  expect(exitCodeOf({ ...r, requirements: r.requirements.map((x) => (x.id === A ? { ...x, verdict: 'inconclusive' as const } : x)) })).toBe(EXIT.notConformant);
});

test('catalog-level verdicts: untestable and not tested; timeouts inconclusive, interrupted not tested', () => {
  const catalog = [req(A), req(B, { testable: false, untestableReason: 'internal storage of keys' }), req('MCXSEC-D.2.2-03'), req('MCXSEC-D.2.2-04')];
  const r = run(
    [
      rec({ status: 'timedOut', completed: false, durationMs: 60_000, ...declared(['kms.c.one', 'MCXSEC-D.2.2-03']) }),
      rec({ status: 'interrupted', completed: false, ...declared(['kms.d.one', 'MCXSEC-D.2.2-04']) }),
    ],
    catalog,
  );
  expect(verdicts(r)).toEqual({ [A]: 'not-tested', [B]: 'not-tested', 'MCXSEC-D.2.2-03': 'inconclusive', 'MCXSEC-D.2.2-04': 'not-tested' });
  expect(r.requirements.find((x) => x.id === B)?.reason).toContain('internal storage of keys');
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
