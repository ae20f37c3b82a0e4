import { test, expect } from '@playwright/test';
import { computeCoverage, formatCoverage } from './coverage.ts';
import type { Catalog } from './catalog.ts';
import type { Requirement } from './types.ts';

test('coverage is counted per clause group too, in document order', () => {
  const req = (id: string, clause: string, testable = true): Requirement => ({ id, clause, level: 'shall', roles: ['kms'], summary: 'x'.repeat(10), testable, ...(testable ? {} : { untestableReason: 'no interface shows it' }) });
  const requirements = [req('MCXSEC-D.2.1-01', 'D.2.1'), req('MCXSEC-5.11.1-01', '5.11.1', false), req('MCXSEC-5.2.2-01', '5.2.2'), req('MCXSEC-11.2.3-01', '11.2.3')];
  const catalog: Catalog = { requirements, byId: new Map(requirements.map((r) => [r.id, r])), fileOf: new Map() };
  const cov = computeCoverage(catalog, [{ id: 'MCXSEC-D.2.1-01', file: 'x', line: 1 }], ['MCXSEC-D.2.1-01']);
  expect(Object.keys(cov.byGroup)).toEqual(['5.2', '5.11', '11.2.3', 'D']);
  expect(cov.byGroup['5.11']).toEqual({ catalogued: 1, testable: 0, covered: 0, negativeControl: 0, withoutControl: 0 });
  expect(cov.byGroup.D).toEqual({ catalogued: 1, testable: 1, covered: 1, negativeControl: 1, withoutControl: 0 });
  const text = formatCoverage(cov);
  expect(text).toContain('clause group');
  expect(text.split('\n').filter((l) => l.startsWith('total'))).toHaveLength(2);
});
