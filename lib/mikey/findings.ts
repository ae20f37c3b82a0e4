/**
 * A departure of an I_MESSAGE from the TS 33.180 Annex E profile: which rule,
 * the clause, the field and its octets, what was expected and what was found.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface MikeyFinding {
  /** Stable rule name (see RULES in validate.ts), e.g. 'hdr.data-type'. */
  rule: string;
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

export function hasErrors(findings: readonly MikeyFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

export function formatFinding(f: MikeyFinding): string {
  const at = f.offset === null ? 'absent' : `@${f.offset}`;
  return `${f.severity.toUpperCase().padEnd(7)} ${f.rule} [${f.clause}] ${f.field} ${at}: expected ${f.expected}, found ${f.found}${f.message ? ` (${f.message})` : ''}`;
}
