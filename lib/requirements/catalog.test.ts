import { test, expect } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CatalogError, loadCatalog, scanIdLiterals, type IdUse } from './catalog.ts';
import { computeCoverage } from './coverage.ts';
import { FAULTS } from '../../reference/faults.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function unknownIds(uses: IdUse[], known: Set<string>): string[] {
  return uses.filter((u) => !known.has(u.id)).map((u) => `${u.id} (${u.file}:${u.line})`);
}

test.describe('requirement catalog', () => {
  test('every committed catalog file is valid and IDs are unique', () => {
    let problems: string[] = [];
    try {
      loadCatalog();
    } catch (err) {
      if (!(err instanceof CatalogError)) throw err;
      problems = err.problems;
    }
    expect(problems, `catalog problems:\n${problems.join('\n')}`).toEqual([]);
  });

  test('every requirement ID named in suites/ and in fault switches is in the catalog', () => {
    const known = new Set(loadCatalog().byId.keys());
    const inSuites = scanIdLiterals(join(ROOT, 'suites'), (p) => p.endsWith('.ts'), ROOT);
    const inFaults = scanIdLiterals(join(ROOT, 'reference'), (p) => p.endsWith('faults.ts'), ROOT);
    const fromFaultTable = FAULTS.flatMap((f) => f.breaks.map((id) => ({ id, file: `reference fault ${f.name}`, line: 0 })));
    const unknown = [...new Set(unknownIds([...inSuites, ...inFaults, ...fromFaultTable], known))];
    expect(unknown, `requirement IDs not in lib/requirements/catalog/*.yaml:\n${unknown.join('\n')}`).toEqual([]);
  });

  test('rejects duplicate IDs, bad entries and clause mismatches, naming file and entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcx-catalog-'));
    try {
      const entry = 'id: MCXSEC-B.4.2.2-01\n  clause: B.4.2.2\n  level: REQUIRED\n  roles: [idms]\n  summary: The request names response_type code.\n  testable: true';
      writeFileSync(join(dir, 'a.yaml'), `- ${entry}\n`);
      writeFileSync(join(dir, 'b.yaml'), `- ${entry}\n- id: MCXSEC-D.2.2-01\n  clause: D.2.3\n  level: shall\n  roles: [kms]\n  summary: Something the KMS checks.\n  testable: false\n- id: bad\n`);
      let problems: string[] = [];
      try {
        loadCatalog(dir);
      } catch (err) {
        problems = (err as CatalogError).problems;
      }
      expect(problems.join('\n')).toContain('b.yaml: entry 2.id: expected a value matching');
      expect(problems.join('\n')).toContain('b.yaml: entry 1.untestableReason: is required');
      writeFileSync(join(dir, 'b.yaml'), `- ${entry}\n- id: MCXSEC-D.2.2-01\n  clause: D.2.3\n  level: shall\n  roles: [kms]\n  summary: Something the KMS checks.\n  testable: true\n`);
      try {
        loadCatalog(dir);
      } catch (err) {
        problems = (err as CatalogError).problems;
      }
      expect(problems.sort()).toEqual(['b.yaml: duplicate ID MCXSEC-B.4.2.2-01 (also in a.yaml)', 'b.yaml: entry 1 (MCXSEC-D.2.2-01): clause is D.2.3 but the ID names D.2.2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('coverage counts tests and negative controls per role', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcx-catalog-'));
    try {
      writeFileSync(
        join(dir, 'x.yaml'),
        ['MCXSEC-B.4.2.2-01', 'MCXSEC-B.4.2.2-02', 'MCXSEC-B.4.2.2-03']
          .map((id, i) => `- id: ${id}\n  clause: B.4.2.2\n  level: REQUIRED\n  roles: [idms${i === 2 ? ', kms' : ''}]\n  summary: Entry number ${i} for counting.\n  testable: ${i !== 1}${i === 1 ? '\n  untestableReason: not visible on the wire' : ''}\n`)
          .join(''),
      );
      // What the tests declare (as `playwright test --list` gives it through the check tables).
      const uses = ['MCXSEC-B.4.2.2-01', 'MCXSEC-B.4.2.2-03'].map((id) => ({ id, file: 'suites/idms/a.spec.ts', line: 1 }));
      const cov = computeCoverage(loadCatalog(dir), uses, ['MCXSEC-B.4.2.2-03']);
      expect(cov.total).toEqual({ catalogued: 3, testable: 2, covered: 2, negativeControl: 1, withoutControl: 1 });
      expect(cov.byRole.kms).toEqual({ catalogued: 1, testable: 1, covered: 1, negativeControl: 1, withoutControl: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
