import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { runConformance } from '../cli/commands/run.ts';
import { startReferenceDomain } from '../reference/domain.ts';
import { VARIANTS, type Variant } from './support/target-variants.ts';
import { loadCatalog } from '../lib/requirements/catalog.ts';
import type { Results } from '../lib/report/types.ts';

/**
 * The suites against the reference domain described as real vendors
 * describe their systems: features not claimed, TLS verification off, login
 * through a browser. In each, every requirement a test touches gets the
 * verdict the catalog and the ICS predict: not-applicable where the ICS does
 * not claim its feature, pass otherwise, unless the variant says why not
 * (`notPass`: the suite must not claim what the configuration keeps it from
 * seeing). Never a fail, a suite error or a suite defect: a check that goes
 * vacuous under a configuration shows up here as a pass it cannot have earned.
 */
const catalog = loadCatalog();

function problemsOf(variant: Variant, doc: Record<string, unknown>, results: Results): string[] {
  const ics = (doc.ics ?? {}) as Record<string, boolean>;
  const problems: string[] = results.defects.map((d) => `suite defect ${d.kind} ${d.check ?? d.requirement ?? ''} in '${d.test ?? ''}': ${d.detail}`);
  for (const r of results.requirements) {
    if (r.tests.length === 0) continue;
    const entry = catalog.byId.get(r.id);
    // A requirement of a role the variant does not run (a cross-role check) is rightly not tested.
    if (r.verdict === 'not-tested' && variant.roles && !entry?.roles.some((role) => variant.roles!.includes(role))) continue;
    const gated = entry?.ics !== undefined && ics[entry.ics] !== true;
    const why = variant.notPass?.[r.id];
    const ok = gated ? r.verdict === 'not-applicable' : why !== undefined ? r.verdict === 'inconclusive' || r.verdict === 'not-applicable' : r.verdict === 'pass' || r.verdict === 'not-applicable';
    if (!ok) problems.push(`${r.id} ${r.verdict}${gated ? ` (its feature ${entry!.ics} is not claimed: expected not-applicable)` : why ? ` (must not pass: ${why})` : ''}: ${r.reason ?? ''}`);
  }
  for (const id of variant.notApplicable ?? []) {
    const r = results.requirements.find((x) => x.id === id);
    if (r?.verdict !== 'not-applicable' || r.tests.length === 0) problems.push(`${id} must be not-applicable under '${variant.name}' (with a test), got ${r?.verdict ?? 'no verdict'} with ${r?.tests.length ?? 0} test(s)`);
  }
  return problems;
}

for (const variant of VARIANTS) {
  test(`target variant: ${variant.name}`, async () => {
    test.setTimeout(600_000);
    const dir = mkdtempSync(join(tmpdir(), 'mcx-variant-'));
    const domain = await startReferenceDomain({ ...(variant.behaviour ? { behaviour: variant.behaviour } : {}) });
    try {
      const doc = structuredClone(domain.targetDocument);
      variant.change(doc);
      const file = join(dir, 'target.yaml');
      writeFileSync(file, toYaml(doc), { mode: 0o600 });
      const out = await runConformance({ target: file, ...(variant.roles ? { roles: variant.roles } : {}), reportDir: join(dir, 'report'), quiet: true, env: domain.secretEnv });
      expect(out.results, out.output.slice(-3000)).toBeDefined();
      expect(problemsOf(variant, doc, out.results!), `verdicts under '${variant.name}' that the catalog and the ICS do not predict`).toEqual([]);
    } finally {
      await domain.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
