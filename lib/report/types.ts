import type { Finding, TestStop } from '../harness/finding.ts';

/**
 * The verdict of one requirement, or of one test for one requirement.
 * `error` is a suite error: the suite itself broke (a check or test threw, a
 * suite defect); it blames no one but the suite.
 */
export type Verdict = 'pass' | 'fail' | 'inconclusive' | 'not-applicable' | 'not-tested' | 'error';

export const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'error', 'inconclusive', 'not-applicable', 'not-tested'];

export interface EvidenceItem {
  kind: string;
  label: string;
  data: unknown;
}

/** What the reporter keeps of one Playwright test (its final attempt). */
export interface TestRecord {
  title: string;
  file: string;
  /** Playwright project = role under test. */
  project: string;
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  durationMs: number;
  /** IDs from `requirement` annotations. */
  requirements: string[];
  /** The checks the test declared (`check` annotations). */
  declaredChecks?: { id: string; requirement: string }[];
  /** Why the test stopped before its end, as the harness recorded it. */
  stop?: TestStop;
  /** The body ran to its end (the harness saw it reach teardown without an exception). */
  completed?: boolean;
  /** Where the first error was thrown (file:line:column), for a crash. */
  errorAt?: string;
  /** Why the test never ran or was cut off: the run itself ended early (deadline, interruption). */
  interruptedBecause?: string;
  /** Reason given with the `not-applicable` annotation, when the test skipped itself for the ICS. */
  notApplicable?: string;
  /** Reason of a skip without the not-applicable annotation. */
  skipReason?: string;
  findings: Finding[];
  evidence: EvidenceItem[];
  /** First error message of a failed test, redacted. */
  error?: string;
}

export interface TestResultEntry {
  title: string;
  file: string;
  verdict: Verdict;
  reason?: string;
  durationMs: number;
  findings: Finding[];
  evidence: EvidenceItem[];
}

export interface RequirementResult {
  id: string;
  clause: string;
  level: string;
  roles: string[];
  summary?: string;
  verdict: Verdict;
  reason?: string;
  tests: TestResultEntry[];
}

export interface Summary {
  pass: number;
  fail: number;
  inconclusive: number;
  notApplicable: number;
  notTested: number;
  /** Requirements whose verdict is a suite error. */
  error: number;
  /** Suite defects found while judging (see Results.defects). */
  suiteDefects: number;
  /** Findings recorded in the whole run: 0 means no check ran. */
  findings: number;
}

/**
 * Something the suite did wrong, found while judging: a declared check that
 * recorded nothing, a finding of an undeclared check, a finding for a
 * requirement the ICS does not claim or a role not under test, an ID the
 * catalog does not know, a crash.
 */
export interface SuiteDefect {
  kind: 'silent-check' | 'undeclared-check' | 'ics-not-claimed' | 'role-not-under-test' | 'unknown-requirement' | 'crash';
  requirement?: string;
  check?: string;
  test?: string;
  detail: string;
}

/** results.json; schemas/results.schema.json describes it. */
export interface Results {
  tool: { name: string; version: string };
  target: { name: string; roles?: string[]; ics?: Record<string, boolean>; warnings?: string[] };
  startedAt: string;
  finishedAt: string;
  summary: Summary;
  defects: SuiteDefect[];
  requirements: RequirementResult[];
}
