import type { Finding } from '../harness/finding.ts';
import type { SuiteDefect, TestRecord, Verdict } from './types.ts';

/**
 * The verdict of one requirement from the evidence of the tests that name
 * it. The unit is the declared check: each check id collects its findings
 * over every test, plus a "gap" for each test that declared it but recorded
 * nothing, typed by how that test ended:
 *
 * - completed (the body ran to its end): a silent check, a suite defect;
 * - stopped (the harness recorded why: inconclusive, or a fatal check): not run;
 * - timed out: not run;
 * - crashed (an exception the harness did not raise): a suite error;
 * - skipped as not-applicable, or skipped / interrupted otherwise.
 *
 * A check's result: fail if any finding failed; error if any finding is a
 * suite error or a gap is a crash; else pass if it passed somewhere and no
 * finding of it is inconclusive (gaps of tests that stopped for another
 * reason do not drag a check that passed elsewhere); else inconclusive if
 * any finding or gap is; else not-applicable when every result is; else
 * not-tested. The requirement takes the worst of its checks in the order
 * fail, error, inconclusive, pass, not-applicable, not-tested. PASS comes
 * only from pass findings.
 */
export interface Judged {
  verdict: Verdict;
  reason?: string;
  defects: SuiteDefect[];
}

type Gap =
  | { kind: 'silent'; test: string }
  | { kind: 'not-run'; test: string; reason: string }
  | { kind: 'crash'; test: string; reason: string }
  | { kind: 'not-applicable'; test: string; reason: string }
  | { kind: 'not-tested'; test: string; reason: string };

interface CheckEvidence {
  key: string;
  findings: { test: string; finding: Finding }[];
  gaps: Gap[];
}

export function judgeRequirement(requirement: string, tests: TestRecord[]): Judged {
  const checks = new Map<string, CheckEvidence>();
  const evidenceOf = (key: string): CheckEvidence => {
    let e = checks.get(key);
    if (!e) checks.set(key, (e = { key, findings: [], gaps: [] }));
    return e;
  };
  const defects: SuiteDefect[] = [];
  for (const t of tests) {
    const mine = t.findings.filter((f) => f.requirement === requirement);
    for (const f of mine) {
      evidenceOf(keyOf(f)).findings.push({ test: t.title, finding: f });
      if (f.undeclared) defects.push({ kind: 'undeclared-check', requirement, check: f.checkId ?? f.check, test: t.title, detail: `check ${f.checkId ?? `'${f.check}'`} recorded a finding but the test does not declare it` });
    }
    const declared = (t.declaredChecks ?? []).filter((c) => c.requirement === requirement).map((c) => c.id);
    // A test naming the requirement without declaring a check of it (an older test) is one anonymous check.
    const expected = declared.length ? declared : t.requirements.includes(requirement) && mine.length === 0 ? [`test:${t.title}`] : [];
    for (const id of expected) {
      if (mine.some((f) => keyOf(f) === id)) continue;
      const gap = gapOf(t);
      evidenceOf(id).gaps.push(gap);
      if (gap.kind === 'silent') defects.push({ kind: 'silent-check', requirement, check: id, test: t.title, detail: `${id.startsWith('test:') ? 'the test names this requirement but' : `declared check ${id}`} recorded no result although the test ran to its end` });
    }
  }
  const results = [...checks.values()].map(resultOfCheck);
  const order: Verdict[] = ['fail', 'error', 'inconclusive', 'pass', 'not-applicable', 'not-tested'];
  for (const v of order) {
    const hit = results.find((r) => r.verdict === v);
    if (hit) return { verdict: v, ...(hit.reason ? { reason: hit.reason } : {}), defects };
  }
  return { verdict: 'not-tested', reason: 'no test covers this requirement', defects };
}

function keyOf(f: Finding): string {
  return f.checkId ?? `legacy:${f.check}`;
}

function gapOf(t: TestRecord): Gap {
  const test = t.title;
  if (t.status === 'timedOut') return { kind: 'not-run', test, reason: `not run: the test timed out after ${t.durationMs} ms (the target did not answer in time)` };
  if (t.status === 'interrupted') return t.interruptedBecause ? { kind: 'not-run', test, reason: `not run: ${t.interruptedBecause}` } : { kind: 'not-tested', test, reason: 'the run was interrupted' };
  if (t.stop) return { kind: 'not-run', test, reason: t.stop.kind === 'fatal' ? `not run: the test stopped when ${t.stop.checkId ?? t.stop.reason} failed` : `not run: ${t.stop.reason}` };
  if (t.status === 'skipped') {
    if (t.notApplicable !== undefined) return { kind: 'not-applicable', test, reason: t.notApplicable };
    return { kind: 'not-tested', test, reason: `test skipped${t.skipReason ? `: ${t.skipReason}` : ''}` };
  }
  if (t.completed) return { kind: 'silent', test };
  if (t.status === 'passed') return { kind: 'silent', test };
  return { kind: 'crash', test, reason: `suite error: the test raised an exception${t.errorAt ? ` at ${t.errorAt}` : ''}: ${t.error ?? 'unknown error'}` };
}

function resultOfCheck(e: CheckEvidence): { verdict: Verdict; reason?: string } {
  const where = (test: string, text: string) => `${test}: ${text}`;
  const failed = e.findings.find((x) => x.finding.verdict === 'fail');
  if (failed) return { verdict: 'fail', reason: where(failed.test, describeFinding(failed.finding)) };
  const errored = e.findings.find((x) => x.finding.verdict === 'error');
  if (errored) return { verdict: 'error', reason: where(errored.test, `suite error in ${errored.finding.checkId ?? errored.finding.check}: ${errored.finding.detail ?? ''}${errored.finding.thrown?.at ? ` (at ${errored.finding.thrown.at})` : ''}`) };
  const crash = e.gaps.find((g) => g.kind === 'crash');
  if (crash && crash.kind === 'crash') return { verdict: 'error', reason: where(crash.test, crash.reason) };
  const inconclusiveFinding = e.findings.find((x) => x.finding.verdict === 'inconclusive');
  if (inconclusiveFinding) return { verdict: 'inconclusive', reason: where(inconclusiveFinding.test, inconclusiveFinding.finding.detail ?? inconclusiveFinding.finding.check) };
  if (e.findings.some((x) => x.finding.verdict === 'pass')) return { verdict: 'pass' };
  const notRun = e.gaps.find((g) => g.kind === 'not-run');
  if (notRun && notRun.kind === 'not-run') return { verdict: 'inconclusive', reason: where(notRun.test, notRun.reason) };
  const silent = e.gaps.find((g) => g.kind === 'silent');
  if (silent) return { verdict: 'inconclusive', reason: where(silent.test, `no check recorded a result (suite defect: ${e.key.startsWith('test:') ? 'the test names the requirement but records nothing for it' : `${e.key} is declared but recorded nothing`})`) };
  const na = e.findings.find((x) => x.finding.verdict === 'not-applicable');
  if (na) return { verdict: 'not-applicable', reason: where(na.test, na.finding.detail ?? 'not applicable') };
  const naGap = e.gaps.find((g) => g.kind === 'not-applicable');
  if (naGap && naGap.kind === 'not-applicable') return { verdict: 'not-applicable', reason: naGap.reason };
  const nt = e.gaps.find((g) => g.kind === 'not-tested');
  return { verdict: 'not-tested', ...(nt && nt.kind === 'not-tested' ? { reason: where(nt.test, nt.reason) } : {}) };
}

export function describeFinding(f: Finding): string {
  const parts = [f.check];
  if (f.field) parts.push(`field ${f.field}`);
  if (f.expected !== undefined) parts.push(`expected ${short(f.expected)}`);
  if ('actual' in f) parts.push(`found ${short(f.actual)}`);
  if (f.detail) parts.push(f.detail);
  return parts.join('; ');
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 200)}...` : s;
}

/** One test's own verdict for a requirement, for the report's per-test rows. */
export function verdictOfTest(test: TestRecord, requirement: string): { verdict: Verdict; reason?: string } {
  const { verdict, reason } = judgeRequirement(requirement, [test]);
  return { verdict, ...(reason ? { reason: reason.startsWith(`${test.title}: `) ? reason.slice(test.title.length + 2) : reason } : {}) };
}
