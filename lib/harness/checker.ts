import { isDeepStrictEqual } from 'node:util';
import type { TestInfo } from '@playwright/test';
import {
  CheckFailedError,
  FINDING_ATTACHMENT,
  InconclusiveError,
  type Finding,
  type FindingReason,
} from './finding.ts';
import type { Redactor } from './redactor.ts';

export interface CheckDetails {
  field?: string;
  expected?: unknown;
  actual?: unknown;
  reason?: FindingReason;
  detail?: string;
  /** Stop the test here when the check fails (later steps depend on it). */
  fatal?: boolean;
}

/**
 * Records findings for the running test. Failing checks do not throw unless
 * fatal, so one exchange can be checked against many requirements and each
 * requirement gets its own verdict; the fixture fails the test at teardown if
 * any finding failed.
 */
export class Checker {
  readonly findings: Finding[] = [];

  constructor(
    private readonly testInfo: TestInfo,
    private readonly redactor: Redactor,
  ) {}

  /** Record a check's outcome. Returns ok so callers can branch on it. */
  check(requirement: string, check: string, ok: boolean, details: CheckDetails = {}): boolean {
    const { fatal, ...rest } = details;
    const finding: Finding = this.redactor.redactValue({
      requirement,
      check,
      verdict: ok ? 'pass' : 'fail',
      ...rest,
      ...(ok ? {} : { reason: rest.reason ?? 'check_failed' }),
    }) as Finding;
    this.record(finding);
    if (!ok && fatal) throw new CheckFailedError(finding);
    return ok;
  }

  /** Deep equality check; the finding carries both values. */
  equal(requirement: string, check: string, expected: unknown, actual: unknown, details: Omit<CheckDetails, 'expected' | 'actual'> = {}): boolean {
    const ok = isDeepStrictEqual(expected, actual);
    return this.check(requirement, check, ok, { reason: actual === undefined ? 'missing' : 'mismatch', ...details, expected, actual });
  }

  /** A value that must be present (not undefined, null or empty string). */
  present(requirement: string, check: string, actual: unknown, details: Omit<CheckDetails, 'actual'> = {}): boolean {
    const ok = actual !== undefined && actual !== null && actual !== '';
    return this.check(requirement, check, ok, { reason: 'missing', expected: details.expected ?? 'present', ...details, actual });
  }

  /** The target was expected to refuse something and did (ok) or did not. */
  refused(requirement: string, check: string, refused: boolean, details: CheckDetails = {}): boolean {
    return this.check(requirement, check, refused, { reason: 'not_refused', ...details });
  }

  /** Stop the test: a precondition failed or the target did not answer. */
  inconclusive(requirements: string[], reason: string, reasonKind: FindingReason = 'precondition'): never {
    for (const requirement of requirements) {
      this.record({ requirement, check: 'precondition', verdict: 'inconclusive', reason: reasonKind, detail: this.redactor.redactText(reason) });
    }
    throw new InconclusiveError(this.redactor.redactText(reason));
  }

  failed(): Finding[] {
    return this.findings.filter((f) => f.verdict === 'fail');
  }

  /**
   * Attach the findings, redacted again with every secret known by now (a
   * suite may register a secret after a check recorded it). Called by the
   * fixture at teardown.
   */
  async flush(): Promise<void> {
    for (const finding of this.findings.slice(this.flushed)) {
      await this.testInfo.attach(FINDING_ATTACHMENT, { body: JSON.stringify(this.redactor.redactValue(finding)), contentType: 'application/json' });
    }
    this.flushed = this.findings.length;
  }

  private flushed = 0;

  private record(finding: Finding): void {
    this.findings.push(finding);
  }
}
