/**
 * A finding is the unit of evidence behind a verdict: one check of one
 * requirement against one exchange. Modelled on the OIDF suite's conditions:
 * each check reads one value and says what it expected and what it found.
 */
export type FindingVerdict = 'pass' | 'fail' | 'inconclusive' | 'not-applicable' | 'error';

/** Why a check failed: a closed list, in the manner of jose's JWTClaimValidationFailed. */
export type FailReason = 'missing' | 'mismatch' | 'invalid' | 'check_failed' | 'not_refused';

/** Reasons a finding may carry (a fail's, or the older inconclusive kinds). */
export type FindingReason = FailReason | 'unreachable' | 'precondition';

export interface Finding {
  /** Requirement ID from the catalog, e.g. MCXSEC-B.4.2.2-03. */
  requirement: string;
  /** What was checked, in the spec's nouns, e.g. "token response Cache-Control". */
  check: string;
  verdict: FindingVerdict;
  /** The field of the exchange that was read (JSON pointer, XML path, MIKEY offset). */
  field?: string;
  expected?: unknown;
  actual?: unknown;
  /** Only on a fail: why it failed. */
  reason?: FindingReason;
  /** Only on an inconclusive finding: who or what left the check without a result. */
  blame?: 'target' | 'unreachable' | 'configuration' | 'precondition';
  /** Free text saying why, for the report reader. */
  detail?: string;
  /** Id of the declared check that recorded it (lib/harness/check.ts). */
  checkId?: string;
  /** Set when a check ran that the test did not declare: a suite defect. */
  undeclared?: true;
  /** On an error finding: the exception and where it was thrown. */
  thrown?: { message: string; at?: string };
}

/**
 * Why a test stopped before its end, recorded before it stops: the verdict
 * engine reads this, never the error's text.
 */
export interface TestStop {
  kind: 'inconclusive' | 'fatal';
  reason: string;
  blame?: 'target' | 'unreachable' | 'configuration' | 'precondition';
  /** The failed check that stopped the test (kind fatal). */
  checkId?: string;
}

/** Thrown to stop a test whose precondition failed or whose target did not answer. */
export class InconclusiveError extends Error {
  readonly kind = 'inconclusive' as const;
  constructor(message: string) {
    super(`INCONCLUSIVE: ${message}`);
    this.name = 'InconclusiveError';
  }
}

/** Thrown when a fatal check fails: later steps of the test cannot run. */
export class CheckFailedError extends Error {
  constructor(readonly finding: Finding) {
    super(`FAIL ${finding.requirement}: ${finding.check}${finding.detail ? ` (${finding.detail})` : ''}`);
    this.name = 'CheckFailedError';
  }
}

export const FINDING_ATTACHMENT = 'mcx-finding';
export const STOP_ATTACHMENT = 'mcx-stop';
/** Pushed at teardown when the test body ran to its end without an exception. */
export const COMPLETED_ANNOTATION = 'mcx-completed';
/** One per declared check of a test: `<check id> <requirement ID>`. */
export const CHECK_ANNOTATION = 'check';
export const EVIDENCE_ATTACHMENT_PREFIX = 'mcx-evidence:';
export const REQUIREMENT_ANNOTATION = 'requirement';
export const NOT_APPLICABLE_ANNOTATION = 'not-applicable';
