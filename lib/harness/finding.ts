/**
 * A finding is the unit of evidence behind a verdict: one check of one
 * requirement against one exchange. Modelled on the OIDF suite's conditions:
 * each check reads one value and says what it expected and what it found.
 */
export type FindingVerdict = 'pass' | 'fail' | 'inconclusive';

/** Closed list of reasons, in the manner of jose's JWTClaimValidationFailed. */
export type FindingReason =
  | 'missing'
  | 'mismatch'
  | 'invalid'
  | 'check_failed'
  | 'not_refused'
  | 'unreachable'
  | 'precondition';

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
  reason?: FindingReason;
  /** Free text saying why, for the report reader. */
  detail?: string;
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
export const EVIDENCE_ATTACHMENT_PREFIX = 'mcx-evidence:';
export const REQUIREMENT_ANNOTATION = 'requirement';
export const NOT_APPLICABLE_ANNOTATION = 'not-applicable';
