import type { Catalog } from '../requirements/catalog.ts';
import { MANDATORY_LEVELS, type Requirement, type RequirementLevel } from '../requirements/types.ts';
import { judgeRequirement, verdictOfTest } from './requirement-verdict.ts';
import type { RequirementResult, Results, SuiteDefect, Summary, TestRecord, TestResultEntry, Verdict } from './types.ts';

export { verdictOfTest, describeFinding } from './requirement-verdict.ts';

/**
 * Turns test records into per-requirement verdicts (the rules are in
 * requirement-verdict.ts). Only requirements of the roles under test are
 * judged; the ICS, the catalog and the scope are applied before any
 * finding is looked at.
 */

export interface ComputeInput {
  catalog: Catalog;
  tests: TestRecord[];
  /** Roles (Playwright projects) that were run. */
  roles: string[];
  ics: Record<string, boolean>;
  tool: Results['tool'];
  target: Results['target'];
  startedAt: string;
  finishedAt: string;
}

export function computeResults(input: ComputeInput): Results {
  const { catalog, tests, roles, ics } = input;
  const testsOf = new Map<string, TestRecord[]>();
  for (const t of tests) {
    const ids = new Set([...t.requirements, ...(t.declaredChecks ?? []).map((c) => c.requirement), ...t.findings.map((f) => f.requirement)]);
    for (const id of ids) testsOf.set(id, [...(testsOf.get(id) ?? []), t]);
  }
  const inScope = new Map<string, Requirement | undefined>();
  for (const r of catalog.requirements) if (r.roles.some((role) => roles.includes(role))) inScope.set(r.id, r);
  for (const id of testsOf.keys()) if (!inScope.has(id)) inScope.set(id, catalog.byId.get(id));

  const defects: SuiteDefect[] = [];
  const requirements: RequirementResult[] = [];
  for (const [id, entry] of inScope) {
    const mine = testsOf.get(id) ?? [];
    const entries: TestResultEntry[] = mine.map((t) => {
      const v = verdictOfTest(t, id);
      return { title: t.title, file: t.file, verdict: v.verdict, ...(v.reason ? { reason: v.reason } : {}), durationMs: t.durationMs, findings: t.findings.filter((f) => f.requirement === id), evidence: t.evidence };
    });
    const recorded = mine.flatMap((t) => t.findings.filter((f) => f.requirement === id && f.verdict !== 'not-applicable'));
    let outcome: { verdict: Verdict; reason?: string };
    if (!entry) {
      defects.push({ kind: 'unknown-requirement', requirement: id, detail: `${id} is named by ${mine.map((t) => t.title).join('; ')} but is not in the requirement catalog` });
      outcome = { verdict: 'error', reason: 'suite defect: this ID is not in the requirement catalog' };
    } else if (!entry.roles.some((role) => roles.includes(role))) {
      if (recorded.length) defects.push({ kind: 'role-not-under-test', requirement: id, detail: `${recorded.length} finding(s) recorded although no role of ${id} (${entry.roles.join(', ')}) is under test` });
      outcome = { verdict: 'not-tested', reason: `role not under test (${entry.roles.join(', ')})` };
    } else if (entry.ics && ics[entry.ics] !== true) {
      if (recorded.length) {
        defects.push({ kind: 'ics-not-claimed', requirement: id, detail: `${recorded.length} finding(s) recorded although the ICS does not claim ${entry.ics}` });
        outcome = { verdict: 'error', reason: `suite defect: findings were recorded although the ICS does not claim ${entry.ics}` };
      } else {
        outcome = { verdict: 'not-applicable', reason: `the ICS does not claim ${entry.ics}` };
      }
    } else if (!entry.testable && mine.length === 0) {
      outcome = { verdict: 'not-tested', reason: `not testable by a black box: ${entry.untestableReason}` };
    } else {
      const judged = judgeRequirement(id, mine);
      defects.push(...judged.defects);
      outcome = { verdict: judged.verdict, ...(judged.reason ? { reason: judged.reason } : {}) };
    }
    requirements.push({
      id,
      clause: entry?.clause ?? clauseOfId(id),
      level: entry?.level ?? 'unknown',
      roles: entry?.roles ?? [...new Set(mine.map((t) => t.project))],
      ...(entry?.summary ? { summary: entry.summary } : {}),
      verdict: outcome.verdict,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      tests: entries,
    });
  }
  // A test that crashed is a suite error even when every requirement it names got its findings first.
  for (const t of tests) {
    if (t.status === 'failed' && !t.completed && !t.stop) defects.push({ kind: 'crash', test: t.title, detail: `the test raised an exception${t.errorAt ? ` at ${t.errorAt}` : ''}: ${(t.error ?? 'unknown error').split('\n')[0]}` });
  }
  requirements.sort((a, b) => compareIds(a.id, b.id));
  const findings = tests.reduce((n, t) => n + t.findings.length, 0);
  return {
    tool: input.tool,
    target: input.target,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    summary: summarize(requirements, defects.length, findings),
    defects,
    requirements,
  };
}

export function summarize(requirements: { verdict: Verdict }[], suiteDefects = 0, findings = 0): Summary {
  const s: Summary = { pass: 0, fail: 0, inconclusive: 0, notApplicable: 0, notTested: 0, error: 0, suiteDefects, findings };
  for (const r of requirements) {
    if (r.verdict === 'not-applicable') s.notApplicable += 1;
    else if (r.verdict === 'not-tested') s.notTested += 1;
    else s[r.verdict] += 1;
  }
  return s;
}

/** The exit codes of `run` and `merge`; README and `--help` say the same. */
export const EXIT = {
  /** Every applicable mandatory requirement passes. */
  conformant: 0,
  /** A mandatory requirement fails or is inconclusive. */
  notConformant: 1,
  /** Usage or configuration error, or a run in which no check ran. */
  usage: 2,
  /** The suite itself broke: a suite error or defect, or a suite that could not be loaded. */
  suiteError: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What a run's results mean as an exit code, with the reason when it is not 0. */
export function outcomeOf(results: Results): { code: ExitCode; verdict: string } {
  if (results.summary.error > 0 || results.summary.suiteDefects > 0) return { code: EXIT.suiteError, verdict: `SUITE ERROR (${results.summary.error} requirement(s) with a suite error, ${results.summary.suiteDefects} suite defect(s)): not a conformance verdict` };
  const s = results.summary;
  // Nothing was judged: no check recorded anything and no test even tried (a dead target's tests stop INCONCLUSIVE, and that is a verdict).
  if (s.findings === 0 && s.pass + s.fail + s.inconclusive + s.error === 0) return { code: EXIT.usage, verdict: 'NO CHECK RAN (nothing selected, or every test skipped): not a conformance verdict' };
  const blocking = results.requirements.some((r) => (r.verdict === 'fail' || r.verdict === 'inconclusive') && (MANDATORY_LEVELS.has(r.level as RequirementLevel) || r.level === 'unknown'));
  return blocking ? { code: EXIT.notConformant, verdict: 'NOT CONFORMANT' } : { code: EXIT.conformant, verdict: 'CONFORMANT (mandatory requirements)' };
}

export function exitCodeOf(results: Results): ExitCode {
  return outcomeOf(results).code;
}

export function clauseOfId(id: string): string {
  return id.replace(/^MCXSEC-/, '').replace(/-[0-9]{2}$/, '');
}

/** Orders IDs by clause number (5.10 after 5.9), then statement number. */
export function compareIds(a: string, b: string): number {
  const key = (id: string) => id.replace(/^MCXSEC-/, '').split(/[.-]/);
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const x = ka[i] ?? '';
    const y = kb[i] ?? '';
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return 0;
}
