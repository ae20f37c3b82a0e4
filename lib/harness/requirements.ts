import { checkTable, type CheckTable } from './check.ts';
import { CHECK_ANNOTATION, REQUIREMENT_ANNOTATION } from './finding.ts';

type Annotation = { type: string; description: string };

/**
 * The annotations of a test that runs these tables, for
 * `test(title, { annotation: declare(A, B) }, body)`: one `check` annotation
 * per declared check and one `requirement` annotation per requirement they
 * serve. The requirement IDs of a test come from its tables only, so they
 * are never kept by hand in a second place. A declared check that records
 * nothing in a test that ran to its end is a suite defect.
 */
export function declare(...tables: CheckTable<never>[]): Annotation[] {
  const checks = tables.flatMap((t) => t.checks as CheckTable<never>['checks']);
  if (checks.length === 0) throw new TypeError('a conformance test must declare at least one check');
  const ids = new Set<string>();
  const out: Annotation[] = [];
  for (const c of checks) {
    if (ids.has(c.id)) continue;
    ids.add(c.id);
    out.push({ type: CHECK_ANNOTATION, description: `${c.id} ${c.requirement}` });
  }
  for (const r of new Set(checks.map((c) => c.requirement))) out.push({ type: REQUIREMENT_ANNOTATION, description: r });
  return out;
}

/** The checks of `table` with these ids, as a table of their own (for a test that runs only those). */
export function pick<I>(table: CheckTable<I>, ...ids: string[]): CheckTable<I> {
  const missing = ids.filter((id) => !table.checks.some((c) => c.id === id));
  if (missing.length) throw new TypeError(`pick: ${missing.join(', ')} not in the table of ${table.exchange}`);
  return checkTable(table.exchange, table.checks.filter((c) => ids.includes(c.id)).map((c) => ({ ...c, after: c.after?.filter((a) => ids.includes(a)) })));
}
