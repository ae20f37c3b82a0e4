/**
 * What the strict parser reports: one departure from the grammar or rules a
 * received message must follow, where it is (octet offset, header name) and
 * what was expected. Suites turn these into findings under their requirement.
 */
export type DeviationSeverity = 'error' | 'warning';

export interface Deviation {
  /** Stable rule name, e.g. 'header.syntax', 'content-length.mismatch'. */
  rule: string;
  /** Where the rule comes from, e.g. 'RFC 3261 7.3.1'. */
  clause: string;
  /** Header field name as written, or '' for the start line / body / framing. */
  header: string;
  /** Absolute octet offset in the received message. */
  offset: number;
  expected: string;
  found: string;
  severity: DeviationSeverity;
}

export function formatDeviation(d: Deviation): string {
  return `${d.severity.toUpperCase()} ${d.rule} [${d.clause}] ${d.header || '-'} @${d.offset}: expected ${d.expected}, found ${d.found}`;
}

/** Printable, bounded excerpt of hostile text for a deviation's `found`. */
export function excerpt(s: string, max = 80): string {
  const cut = s.length > max ? `${s.slice(0, max)}... (${s.length} chars)` : s;
  return JSON.stringify(cut);
}
