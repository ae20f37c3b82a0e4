import type { Finding } from '../harness/finding.ts';
import type { Catalog } from '../requirements/catalog.ts';
import { MANDATORY_LEVELS, type Requirement, type RequirementLevel } from '../requirements/types.ts';
import type { RequirementResult, Results, Summary, TestRecord, TestResultEntry, Verdict } from './types.ts';

/**
 * Turns test records into per-requirement verdicts.
 *
 * One test, one requirement: the test's findings for that requirement decide
 * (a failed finding fails it; an inconclusive one makes it inconclusive);
 * otherwise the test's outcome does. A test that throws something other
 * than a check failure or InconclusiveError fails all its requirements with
 * the error as the reason, since nothing it claimed to verify was verified.
 * A requirement aggregates its tests with fail > inconclusive > pass >
 * not-applicable > not-tested.
 */
const INCONCLUSIVE_PREFIX = 'INCONCLUSIVE: ';

export function verdictOfTest(test: TestRecord, requirement: string): { verdict: Verdict; reason?: string } {
  const mine = test.findings.filter((f) => f.requirement === requirement);
  const failed = mine.find((f) => f.verdict === 'fail');
  if (failed) return { verdict: 'fail', reason: describeFinding(failed) };
  const inconclusive = mine.find((f) => f.verdict === 'inconclusive');
  if (inconclusive) return { verdict: 'inconclusive', reason: inconclusive.detail ?? inconclusive.check };
  switch (test.status) {
    case 'skipped':
      if (test.notApplicable !== undefined) return { verdict: 'not-applicable', reason: test.notApplicable };
      return { verdict: 'not-tested', reason: `test skipped${test.skipReason ? `: ${test.skipReason}` : ''}` };
    case 'interrupted':
      return { verdict: 'not-tested', reason: 'the run was interrupted' };
    case 'timedOut':
      return { verdict: 'inconclusive', reason: `the test timed out after ${test.durationMs} ms (the target did not answer in time)` };
    case 'passed':
      return { verdict: 'pass' };
    case 'failed': {
      if (test.error?.includes(INCONCLUSIVE_PREFIX)) return { verdict: 'inconclusive', reason: test.error.slice(test.error.indexOf(INCONCLUSIVE_PREFIX) + INCONCLUSIVE_PREFIX.length) };
      const otherFailed = test.findings.find((f) => f.verdict === 'fail');
      if (otherFailed) {
        // The test stopped, or failed at teardown, because of another requirement's check.
        if (mine.length > 0) return { verdict: 'pass' };
        return { verdict: 'inconclusive', reason: `not checked: the test stopped after ${otherFailed.requirement} failed (${otherFailed.check})` };
      }
      return { verdict: 'fail', reason: `the test failed with an unexpected error: ${test.error ?? 'unknown error'}` };
    }
  }
}

function describeFinding(f: Finding): string {
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

const RANK: Record<Verdict, number> = { fail: 4, inconclusive: 3, pass: 2, 'not-applicable': 1, 'not-tested': 0 };

export function aggregate(verdicts: { verdict: Verdict; reason?: string; title?: string }[]): { verdict: Verdict; reason?: string } {
  if (verdicts.length === 0) return { verdict: 'not-tested', reason: 'no test covers this requirement' };
  const worst = verdicts.reduce((a, b) => (RANK[b.verdict] > RANK[a.verdict] ? b : a));
  const reason = worst.reason && verdicts.length > 1 && worst.title ? `${worst.title}: ${worst.reason}` : worst.reason;
  return { verdict: worst.verdict, ...(reason ? { reason } : {}) };
}

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
    const ids = new Set([...t.requirements, ...t.findings.map((f) => f.requirement)]);
    for (const id of ids) testsOf.set(id, [...(testsOf.get(id) ?? []), t]);
  }
  const inScope = new Map<string, Requirement | undefined>();
  for (const r of catalog.requirements) if (r.roles.some((role) => roles.includes(role))) inScope.set(r.id, r);
  for (const id of testsOf.keys()) if (!inScope.has(id)) inScope.set(id, catalog.byId.get(id));

  const requirements: RequirementResult[] = [];
  for (const [id, entry] of inScope) {
    const entries: TestResultEntry[] = (testsOf.get(id) ?? []).map((t) => {
      const v = verdictOfTest(t, id);
      return { title: t.title, file: t.file, verdict: v.verdict, ...(v.reason ? { reason: v.reason } : {}), durationMs: t.durationMs, findings: t.findings.filter((f) => f.requirement === id), evidence: t.evidence };
    });
    let outcome: { verdict: Verdict; reason?: string };
    if (!entry) {
      const agg = aggregate(entries);
      outcome = { verdict: agg.verdict, reason: `${agg.reason ? `${agg.reason}; ` : ''}this ID is not in the requirement catalog` };
    } else if (entry.ics && ics[entry.ics] !== true) {
      outcome = { verdict: 'not-applicable', reason: `the ICS does not claim ${entry.ics}` };
    } else if (!entry.testable && entries.length === 0) {
      outcome = { verdict: 'not-tested', reason: `not testable by a black box: ${entry.untestableReason}` };
    } else {
      outcome = aggregate(entries);
    }
    requirements.push({
      id,
      clause: entry?.clause ?? clauseOfId(id),
      level: entry?.level ?? 'unknown',
      roles: entry?.roles ?? [...new Set((testsOf.get(id) ?? []).map((t) => t.project))],
      ...(entry?.summary ? { summary: entry.summary } : {}),
      verdict: outcome.verdict,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      tests: entries,
    });
  }
  requirements.sort((a, b) => compareIds(a.id, b.id));
  return {
    tool: input.tool,
    target: input.target,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    summary: summarize(requirements),
    requirements,
  };
}

export function summarize(requirements: { verdict: Verdict }[]): Summary {
  const s: Summary = { pass: 0, fail: 0, inconclusive: 0, notApplicable: 0, notTested: 0 };
  for (const r of requirements) {
    if (r.verdict === 'not-applicable') s.notApplicable += 1;
    else if (r.verdict === 'not-tested') s.notTested += 1;
    else s[r.verdict] += 1;
  }
  return s;
}

/** 0 when no mandatory requirement failed or was inconclusive, else 1. */
export function exitCodeOf(results: Results): 0 | 1 {
  const blocking = results.requirements.some((r) => (r.verdict === 'fail' || r.verdict === 'inconclusive') && (MANDATORY_LEVELS.has(r.level as RequirementLevel) || r.level === 'unknown'));
  return blocking ? 1 : 0;
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
