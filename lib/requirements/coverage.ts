import type { Catalog, IdUse } from './catalog.ts';
import { groupOfClause, SCOPE_GROUPS } from './scan.ts';
import type { Role } from './types.ts';

export interface CoverageCounts {
  catalogued: number;
  testable: number;
  /** Served by a declared check of at least one conformance test. */
  covered: number;
  /** Covered, and named in the `breaks` of at least one fault switch of the reference domain. */
  negativeControl: number;
  /** Covered, and named in the `breaks` of no fault switch: a check nothing has shown can fail. */
  withoutControl: number;
}

export interface Coverage {
  total: CoverageCounts;
  /** The covered requirement IDs without a negative control, sorted. */
  uncontrolled: string[];
  byRole: Partial<Record<Role, CoverageCounts>>;
  /** Per clause group of the scan's scope (lib/requirements/scan.ts), in document order; 'other' for clauses outside it. */
  byGroup: Record<string, CoverageCounts>;
}

export function computeCoverage(catalog: Catalog, annotations: IdUse[], faultBreaks: Iterable<string>): Coverage {
  const covered = new Set(annotations.map((u) => u.id));
  const broken = new Set(faultBreaks);
  const zero = (): CoverageCounts => ({ catalogued: 0, testable: 0, covered: 0, negativeControl: 0, withoutControl: 0 });
  const uncontrolled: string[] = [];
  const total = zero();
  const byRole: Partial<Record<Role, CoverageCounts>> = {};
  const byGroup: Record<string, CoverageCounts> = {};
  for (const g of SCOPE_GROUPS) byGroup[g] = zero();
  for (const r of catalog.requirements) {
    const group = groupOfClause(r.clause) ?? 'other';
    const rows = [total, (byGroup[group] ??= zero()), ...r.roles.map((role) => (byRole[role] ??= zero()))];
    for (const c of rows) {
      c.catalogued += 1;
      if (r.testable) c.testable += 1;
      if (covered.has(r.id)) c.covered += 1;
      if (covered.has(r.id) && broken.has(r.id)) c.negativeControl += 1;
      if (covered.has(r.id) && !broken.has(r.id)) c.withoutControl += 1;
    }
    if (covered.has(r.id) && !broken.has(r.id)) uncontrolled.push(r.id);
  }
  for (const g of Object.keys(byGroup)) if (!byGroup[g]!.catalogued) delete byGroup[g];
  return { total, uncontrolled: uncontrolled.sort(), byRole, byGroup };
}

export function formatCoverage(cov: Coverage): string {
  const table = (first: string, entries: [string, CoverageCounts][]) => {
    const head = [first, 'catalogued', 'testable', 'covered', 'negative-control', 'without-control'];
    const rows = [...entries, ['total', cov.total] as [string, CoverageCounts]].map(([k, c]) => [k, c.catalogued, c.testable, c.covered, c.negativeControl, c.withoutControl].map(String));
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    return [line(head), ...rows.map(line)].join('\n') + '\n';
  };
  const roles = Object.entries(cov.byRole).sort(([a], [b]) => a.localeCompare(b)) as [string, CoverageCounts][];
  const groups = Object.entries(cov.byGroup ?? {});
  const missing = (cov.uncontrolled ?? []).length ? `\ncovered without a negative control: ${cov.uncontrolled.join(' ')}\n` : '';
  return table('role', roles) + (groups.length ? '\n' + table('clause group', groups) : '') + missing;
}
