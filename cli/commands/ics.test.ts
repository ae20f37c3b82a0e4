import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { loadCatalog } from '../../lib/requirements/catalog.ts';
import { compareClauses, formatIcsTemplate, icsTemplateFeatures } from '../../lib/requirements/ics-template.ts';
import { ICS_FEATURES } from '../../lib/target/ics.ts';
import { checkTargetDocument, nearestIcsFeature, readTargetDocument } from '../../lib/target/load.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test.describe('ics --template', () => {
  test('lists every feature the selected roles depend on, with clauses, as YAML that loads', () => {
    const catalog = loadCatalog();
    const kms = icsTemplateFeatures(catalog, ['kms']);
    const expected = new Set(catalog.requirements.filter((r) => r.ics && r.roles.includes('kms')).map((r) => r.ics!));
    expect(new Set(kms.map((f) => f.feature))).toEqual(expected);
    for (const f of kms) {
      expect(f.requirements).toBeGreaterThan(0);
      expect(f.clauses.length).toBeGreaterThan(0);
      expect(f.roles).toContain('kms');
    }
    const text = formatIcsTemplate(kms, ['kms']);
    const doc = parseYaml(text) as { ics: Record<string, boolean> };
    expect(Object.keys(doc.ics)).toEqual(kms.map((f) => f.feature));
    expect(Object.values(doc.ics).every((v) => v === false)).toBe(true);
    expect(checkTargetDocument({ name: 'x', ...doc } as Record<string, unknown>).filter((p) => p.startsWith('ics'))).toEqual([]);
  });

  test('without roles, every feature of lib/target/ics.ts is listed, in its order', () => {
    const all = icsTemplateFeatures(loadCatalog());
    expect(all.map((f) => f.feature)).toEqual(Object.keys(ICS_FEATURES));
  });

  test("targets/example.yaml's ics section follows the template (same features, same order)", () => {
    const doc = readTargetDocument(join(ROOT, 'targets/example.yaml'));
    expect(Object.keys(doc.ics as object)).toEqual(icsTemplateFeatures(loadCatalog()).map((f) => f.feature));
  });

  test('the command prints the proforma and rejects unknown roles', () => {
    const cli = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/mcx-conformance.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const ok = cli(['ics', '--template', '--roles', 'kms,idms']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('ics:\n');
    expect(ok.stdout).toContain('  kms.trk-encryption: false');
    expect(ok.stdout).toContain('  idms.token-exchange: false');
    expect(ok.stdout).not.toContain('mikey.identity-hiding');
    const bad = cli(['ics', '--template', '--roles', 'kmss']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--roles: unknown role 'kmss'");
    expect(cli(['ics']).status).toBe(2);
  });

  test('clauses sort in document order', () => {
    expect(['B.2', '11.2.3', '5.11', '5.2.8.3', 'D.2.1', '9.3', '5.2'].sort(compareClauses)).toEqual(['5.2', '5.2.8.3', '5.11', '9.3', '11.2.3', 'B.2', 'D.2.1']);
  });
});

test.describe('unknown ICS keys in a target file', () => {
  test('are one error each, naming the key and the nearest known feature', () => {
    const problems = checkTargetDocument({ name: 'x', ics: { 'kms.lookups': true, 'kms.trk-encyption': true, 'kms.lookup': true } });
    expect(problems.filter((p) => p.startsWith('ics.'))).toEqual([
      "ics.kms.lookups: unknown ICS feature; did you mean 'kms.lookup'? (mcx-conformance ics --template lists them all)",
      "ics.kms.trk-encyption: unknown ICS feature; did you mean 'kms.trk-encryption'? (mcx-conformance ics --template lists them all)",
    ]);
    expect(nearestIcsFeature('EARS')).toBe('ears');
  });
});
