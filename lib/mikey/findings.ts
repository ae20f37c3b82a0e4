/**
 * A departure of an I_MESSAGE from the TS 33.180 Annex E profile: which rule,
 * the clause, the field and its octets, what was expected and what was found.
 * The severity is the level of the requirement in the catalog (shall ->
 * error, should -> warning, may -> info).
 */
import type { Outcome } from '../harness/check.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface MikeyFinding {
  /** Stable rule name (see RULES in validate.ts), e.g. 'hdr.data-type'. */
  rule: string;
  /** Id of the declared check that found it, e.g. 'mikey.hdr.data-type' (absent on verify.* findings). */
  checkId?: string;
  clause: string;
  field: string;
  /** Absolute octet offset in the message, or null when the finding is about something absent. */
  offset: number | null;
  expected: string;
  found: string;
  severity: Severity;
  message: string;
  /** Requirement catalog ID the rule serves, when there is one. */
  requirement?: string;
}

/** The one result of one declared check of the validator (validate.ts). */
export type MikeyCheckResult = {
  id: string;
  rule: string;
  requirement: string;
  clause: string;
  title: string;
  /** What a fail of this check weighs: the catalog level of its requirement. */
  severity: Severity;
} & (Outcome | { verdict: 'error'; reason: string });

export function hasErrors(findings: readonly MikeyFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

export function formatFinding(f: MikeyFinding): string {
  const at = f.offset === null ? 'absent' : `@${f.offset}`;
  return `${f.severity.toUpperCase().padEnd(7)} ${f.rule} [${f.clause}] ${f.field} ${at}: expected ${f.expected}, found ${f.found}${f.message ? ` (${f.message})` : ''}`;
}

/** One line for a result that is not a pass or a fail (not-applicable, inconclusive, error). */
export function formatUndecided(r: MikeyCheckResult): string {
  const why = r.verdict === 'inconclusive' ? `${r.reason} [blame: ${r.blame}]` : 'reason' in r ? r.reason : '';
  return `${r.verdict.toUpperCase()} ${r.id} [${r.clause}]: ${why}`;
}
