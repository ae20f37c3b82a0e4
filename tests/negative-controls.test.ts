import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { PROJECT_ROOT, runPlaywright } from '../cli/commands/playwright.ts';
import { FAULTS } from '../reference/faults.ts';
import { startReferenceDomain, type ReferenceDomain } from '../reference/domain.ts';
import { listSuiteTests, type ListedTest } from '../cli/commands/list-tests.ts';
import { loadCatalog } from '../lib/requirements/catalog.ts';
import { projectFileName } from '../lib/report/reporter.ts';
import { SUITE_ROLES } from '../lib/target/sections.ts';
import type { Results } from '../lib/report/types.ts';
import type { FaultSwitch } from '../reference/fault.ts';
import { compareControl } from './support/control-compare.ts';

/**
 * Negative controls, the complete matrix: every fault switch against every
 * suite that can see it (its own role's suite whole, and the tests of other
 * suites that declare checks of its role's requirements), each compared
 * test by test with a baseline run of the same suite (tests/support/
 * control-compare.ts says what must hold). One Playwright run per fault
 * role; each fault and suite is a project of that run (MCX_CONTROL_PROJECTS)
 * testing a reference domain that this process starts with the fault on.
 * Every project judges every role, so a cross-role check runs.
 *
 * MCX_NC_SAMPLE=n checks n faults per role (picked by MCX_NC_SEED), for a
 * quick local loop; CI runs them all.
 */
const catalog = loadCatalog();

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/** The tests of `suite` a fault of `role` can affect: all of its own suite, else those declaring a check of one of its requirements. */
function testsFor(role: string, suite: string, listed: ListedTest[]): ListedTest[] {
  const mine = listed.filter((t) => t.project === suite);
  if (role === suite) return mine;
  return mine.filter((t) => t.checks.some((c) => catalog.byId.get(c.requirement)?.roles.includes(role as never)));
}

const titleOf = (t: ListedTest) => t.title.split(' › ').at(-1)!;

for (const role of SUITE_ROLES) {
  test(`negative controls: faults of ${role}`, async () => {
    // The complete matrix on a quiet 2-core machine took minutes per role; with the roles' matrices running side by
    // side (and the idms one seeing more suites) it took 40 minutes on a loaded one: this bound is for a loaded one.
    test.setTimeout(4_500_000);
    const listed = await listSuiteTests(SUITE_ROLES);
    expect(listed.errors, 'the suites could not be listed').toEqual([]);
    const suites = SUITE_ROLES.filter((s) => testsFor(role, s, listed.tests).length > 0);
    const faults = FAULTS.filter((f) => f.role === role);
    if (!suites.includes(role)) {
      test.info().annotations.push({ type: 'warning', description: `suites/${role} has no tests yet; ${faults.length} fault(s) unchecked` });
      test.skip(true, `suites/${role} has no tests yet`);
    }
    const covered = new Set(suites.flatMap((s) => testsFor(role, s, listed.tests)).flatMap((t) => t.requirements));
    const limit = Number(process.env.MCX_NC_SAMPLE) || Infinity;
    const checked = limit >= faults.length ? faults : [...faults].sort((a, b) => hash(`${process.env.MCX_NC_SEED ?? ''}${a.name}`) - hash(`${process.env.MCX_NC_SEED ?? ''}${b.name}`)).slice(0, limit);
    const uncovered = faults.filter((f) => !f.breaks.some((id) => covered.has(id)));
    if (uncovered.length) test.info().annotations.push({ type: 'warning', description: `no test names the requirements of: ${uncovered.map((f) => f.name).join(', ')}` });
    test.info().annotations.push({ type: 'checked', description: `${checked.length} of ${faults.length} fault switch(es) of ${role}, against ${suites.join(', ')}` });

    const dir = mkdtempSync(join(tmpdir(), `mcx-nc-${role}-`));
    const domains: ReferenceDomain[] = [];
    const started = async (faultNames: string[]) => {
      const d = await startReferenceDomain({ faults: faultNames });
      domains.push(d);
      const targetFile = join(dir, `target-${domains.length}.yaml`);
      writeFileSync(targetFile, toYaml(d.targetDocument), { mode: 0o600 });
      return { targetFile, secretEnv: d.secretEnv };
    };
    try {
      const baselineDomain = await started([]);
      // One project per fault over every suite that can see it (one set of workers per fault, not per suite).
      const titles = [...new Set(suites.flatMap((s) => testsFor(role, s, listed.tests).map(titleOf)))];
      const project = (name: string, faultNames: string[], domain: { targetFile: string; secretEnv: Record<string, string> }) => ({ name, suites, roles: [...SUITE_ROLES], faults: faultNames, titles, ...domain });
      const projects = [project(`nc:${role}:baseline`, [], baselineDomain)];
      for (const f of checked) projects.push(project(`nc:${role}:${f.name}`, [f.name], await started([f.name])));
      // Holds the reference domains' throwaway test credentials: private to this run, deleted at the end.
      writeFileSync(join(dir, 'projects.json'), JSON.stringify(projects), { mode: 0o600 });
      const reportDir = join(dir, 'report');
      const env = {
        ...process.env,
        MCX_CONTROL_PROJECTS: join(dir, 'projects.json'),
        MCX_OUTPUT_DIR: join(dir, 'test-results'),
        MCX_REPORTERS: JSON.stringify([
          [join(PROJECT_ROOT, 'lib/report/reporter.ts'), { reportDir, roles: [...SUITE_ROLES], targetFile: baselineDomain.targetFile, perProject: Object.fromEntries(projects.map((p) => [p.name, [...SUITE_ROLES]])) }],
        ]),
      };
      const { output } = await runPlaywright(['test', ...projects.map((p) => `--project=${p.name}`), '--pass-with-no-tests'], { ...env, ...baselineDomain.secretEnv }, { quiet: true });
      const read = (name: string): Results => {
        const file = join(reportDir, 'projects', `${projectFileName(name)}.json`);
        if (!existsSync(file)) throw new Error(`no results for ${name}:\n${output.slice(-4000)}`);
        return JSON.parse(readFileSync(file, 'utf8')) as Results;
      };

      const problems: string[] = [];
      const baseline = read(`nc:${role}:baseline`);
      for (const r of baseline.requirements) if (r.verdict === 'fail' || r.verdict === 'error' || (r.verdict === 'inconclusive' && r.tests.length)) problems.push(`baseline: ${r.id} ${r.verdict}: ${r.reason ?? ''}`);
      for (const d of baseline.defects) problems.push(`baseline: suite defect ${d.kind} ${d.check ?? d.requirement ?? ''} in '${d.test ?? ''}': ${d.detail}`);
      // MCX_NC_STRICT_BLOCKS=1: a precondition a fault removes without declaring it in reference/fault-blocks.ts fails the matrix too.
      const strictBlocks = process.env.MCX_NC_STRICT_BLOCKS === '1';
      const undeclaredBlocks: string[] = [];
      for (const f of checked) {
        const c = compareControl(f, baseline, read(`nc:${role}:${f.name}`), covered, { strictBlocks });
        problems.push(...c.problems, ...undeclared(f));
        undeclaredBlocks.push(...c.undeclaredBlocks);
      }
      const timingText = timings(projects.map((p) => [p.name, read(p.name)]));
      await test.info().attach('timings.txt', { body: timingText, contentType: 'text/plain' });
      // MCX_NC_TIMINGS=<dir>: also keep the timings there, for a benchmark of the matrix.
      if (process.env.MCX_NC_TIMINGS) writeFileSync(join(process.env.MCX_NC_TIMINGS, `nc-timings-${role}.txt`), timingText);
      if (undeclaredBlocks.length) {
        test.info().annotations.push({ type: 'undeclared blocks', description: `${undeclaredBlocks.length} result(s) lost to a removed precondition that reference/fault-blocks.ts does not declare yet:\n${undeclaredBlocks.join('\n')}` });
        await test.info().attach('undeclared-blocks.txt', { body: undeclaredBlocks.join('\n') + '\n', contentType: 'text/plain' });
      }
      expect(problems, `negative-control problems for the faults of ${role} (${checked.length} fault(s) against ${suites.join(', ')}):\n${problems.join('\n')}`).toEqual([]);
    } finally {
      for (const d of domains) await d.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** Where the matrix's time went: per project, the summed test time and its slowest tests (the matrix must stay inside npm test's budget). */
function timings(runs: [string, Results][]): string {
  const rows = runs.map(([name, r]) => {
    const tests = new Map<string, number>();
    for (const req of r.requirements) for (const t of req.tests) tests.set(`${t.file} › ${t.title}`, t.durationMs);
    const total = [...tests.values()].reduce((a, b) => a + b, 0);
    const slowest = [...tests].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([t, ms]) => `${(ms / 1000).toFixed(1)} s ${t}`);
    return { name, total, slowest };
  });
  rows.sort((a, b) => b.total - a.total);
  return rows.map((r) => `${(r.total / 1000).toFixed(1).padStart(7)} s  ${r.name}\n${r.slowest.map((l) => `           ${l}`).join('\n')}`).join('\n') + '\n';
}

/** A fault must name the checks it breaks (the first check of the contract: each fault proves a check). */
function undeclared(f: FaultSwitch): string[] {
  if ((f.checks ?? []).length || (f.blocks ?? []).length) return [];
  return [`${f.name}: names no check in 'checks' (which declared check does it make fail?)`];
}
