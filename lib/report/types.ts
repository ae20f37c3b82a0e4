import type { Finding } from '../harness/finding.ts';

/** The verdict of one requirement, or of one test for one requirement. */
export type Verdict = 'pass' | 'fail' | 'inconclusive' | 'not-applicable' | 'not-tested';

export const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'inconclusive', 'not-applicable', 'not-tested'];

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
}

/** results.json; schemas/results.schema.json describes it. */
export interface Results {
  tool: { name: string; version: string };
  target: { name: string; roles?: string[]; ics?: Record<string, boolean>; warnings?: string[] };
  startedAt: string;
  finishedAt: string;
  summary: Summary;
  requirements: RequirementResult[];
}
