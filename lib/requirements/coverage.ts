import type { Catalog, IdUse } from './catalog.ts';
import type { Role } from './types.ts';

export interface CoverageCounts {
  catalogued: number;
  testable: number;
  /** Named by at least one conformance test's requirements(...) annotation. */
  covered: number;
  /** Covered, and named in the `breaks` of at least one fault switch of the reference domain. */
  negativeControl: number;
}

export interface Coverage {
  total: CoverageCounts;
  byRole: Partial<Record<Role, CoverageCounts>>;
}

export function computeCoverage(catalog: Catalog, annotations: IdUse[], faultBreaks: Iterable<string>): Coverage {
  const covered = new Set(annotations.map((u) => u.id));
  const broken = new Set(faultBreaks);
  const zero = (): CoverageCounts => ({ catalogued: 0, testable: 0, covered: 0, negativeControl: 0 });
  const total = zero();
  const byRole: Partial<Record<Role, CoverageCounts>> = {};
  for (const r of catalog.requirements) {
    const rows = [total, ...r.roles.map((role) => (byRole[role] ??= zero()))];
    for (const c of rows) {
      c.catalogued += 1;
      if (r.testable) c.testable += 1;
      if (covered.has(r.id)) c.covered += 1;
      if (covered.has(r.id) && broken.has(r.id)) c.negativeControl += 1;
    }
  }
  return { total, byRole };
}

export function formatCoverage(cov: Coverage): string {
  const head = ['role', 'catalogued', 'testable', 'covered', 'negative-control'];
  const rows = [
    ...Object.entries(cov.byRole).sort(([a], [b]) => a.localeCompare(b)).map(([role, c]) => [role, c!.catalogued, c!.testable, c!.covered, c!.negativeControl]),
    ['total', cov.total.catalogued, cov.total.testable, cov.total.covered, cov.total.negativeControl],
  ].map((r) => r.map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}
