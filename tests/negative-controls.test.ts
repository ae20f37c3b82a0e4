import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { PROJECT_ROOT, runPlaywright } from '../cli/commands/playwright.ts';
import { FAULTS } from '../reference/faults.ts';
import { startReferenceDomain, type ReferenceDomain } from '../reference/domain.ts';
import { listSuiteTests } from '../cli/commands/list-tests.ts';
import { projectFileName } from '../lib/report/reporter.ts';
import type { Results, Verdict } from '../lib/report/types.ts';
import type { FaultSwitch } from '../reference/fault.ts';

/**
 * Negative controls: every fault switch of the reference domain must turn
 * exactly the requirements it `breaks` to FAIL and must turn no other
 * requirement to FAIL.
 *
 * Cost: one Playwright run per role. Each fault is a project of that run
 * (MCX_CONTROL_PROJECTS) whose worker starts its own reference domain with
 * the fault on and runs only the tests that name one of the fault's
 * requirements, plus the tests of SAMPLE_SIZE other requirement picked by the
 * fault's name. The baseline project runs the whole role suite without
 * faults. Other requirements may turn INCONCLUSIVE under a fault (a fault
 * can remove another check's precondition); they must never turn FAIL.
 *
 * A fault none of whose requirements any test names yet is listed as a
 * warning annotation, not a failure: `npm run catalog` shows that gap.
 */
const SAMPLE_SIZE = 1;
const ROLES = ['idms', 'partner-idms', 'kms'] as const;

function specFiles(role: string): boolean {
  const dir = join(PROJECT_ROOT, 'suites', role);
  if (!existsSync(dir)) return false;
  const walk = (d: string): boolean => readdirSync(d, { withFileTypes: true }).some((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.spec.ts')));
  return walk(dir);
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

function sampleOf(fault: FaultSwitch, pool: string[]): string[] {
  const others = pool.filter((id) => !fault.breaks.includes(id)).sort();
  const h = hash(fault.name);
  const out: string[] = [];
  for (let i = 0; i < Math.min(SAMPLE_SIZE, others.length); i++) out.push(others[(h + i * 7919) % others.length]!);
  return [...new Set(out)];
}

function verdicts(r: Results): Map<string, { verdict: Verdict; reason?: string; tested: boolean }> {
  return new Map(r.requirements.map((x) => [x.id, { verdict: x.verdict, reason: x.reason, tested: x.tests.some((t) => t.verdict !== 'not-tested') }]));
}

/** Check ids with a failed finding in a run. */
function failedChecks(r: Results): Set<string> {
  return new Set(r.requirements.flatMap((x) => x.tests.flatMap((t) => (t.findings ?? []).filter((f) => f.verdict === 'fail' && f.checkId).map((f) => f.checkId!))));
}

for (const role of ROLES) {
  test(`negative controls: ${role}`, async () => {
    test.setTimeout(900_000);
    const faults = FAULTS.filter((f) => f.role === role);
    if (!specFiles(role)) {
      test.info().annotations.push({ type: 'warning', description: `suites/${role} has no tests yet; ${faults.length} fault(s) unchecked` });
      test.skip(true, `suites/${role} has no tests yet`);
    }
    const listed = await listSuiteTests([role]);
    expect(listed.errors, `suites/${role} could not be listed`).toEqual([]);
    const covered = new Set(listed.tests.flatMap((t) => t.requirements));
    const testable = faults.filter((f) => f.breaks.some((id) => covered.has(id)));
    const unchecked = faults.filter((f) => !testable.includes(f));
    // MCX_NC_SAMPLE=n checks n faults per role, picked by MCX_NC_SEED (for a quick local loop); default: all.
    const limit = Number(process.env.MCX_NC_SAMPLE) || Infinity;
    const checkable = limit >= testable.length ? testable : [...testable].sort((a, b) => hash(`${process.env.MCX_NC_SEED ?? ''}${a.name}`) - hash(`${process.env.MCX_NC_SEED ?? ''}${b.name}`)).slice(0, limit);
    if (unchecked.length) test.info().annotations.push({ type: 'warning', description: `no test names the requirements of: ${unchecked.map((f) => f.name).join(', ')}` });

    test.info().annotations.push({ type: 'checked', description: `${checkable.length} of ${faults.length} fault switch(es) of ${role}` });
    const dir = mkdtempSync(join(tmpdir(), `mcx-nc-${role}-`));
    // The domains run in this process, one per fault, so the workers only load the suite (cheaper per fault).
    const domains: ReferenceDomain[] = [];
    const started = async (faultNames: string[]): Promise<{ targetFile: string; secretEnv: Record<string, string> }> => {
      const d = await startReferenceDomain({ faults: faultNames });
      domains.push(d);
      const targetFile = join(dir, `target-${domains.length}.yaml`);
      writeFileSync(targetFile, toYaml(d.targetDocument), { mode: 0o600 });
      return { targetFile, secretEnv: d.secretEnv };
    };
    try {
      const baselineDomain = await started([]);
      const described = { ...domains[0]!, ...baselineDomain };
      const targetFile = described.targetFile;
      const projects = [
        { name: `nc:${role}:baseline`, role, faults: [] as string[], ...baselineDomain },
        ...(await Promise.all(
          checkable.map(async (f) => {
            const onlyRequirements = [...f.breaks, ...sampleOf(f, [...covered])];
            const titles = [...new Set(listed.tests.filter((t) => t.requirements.some((id) => onlyRequirements.includes(id))).map((t) => t.title.split(' › ').at(-1)!))];
            return { name: `nc:${role}:${f.name}`, role, faults: [f.name], onlyRequirements, titles, ...(await started([f.name])) };
          }),
        )),
      ];
      // Holds the reference domains' throwaway test credentials: private to this run, deleted at the end.
      writeFileSync(join(dir, 'projects.json'), JSON.stringify(projects), { mode: 0o600 });
      const reportDir = join(dir, 'report');
      const env = {
        ...process.env,
        ...described.secretEnv,
        MCX_CONTROL_PROJECTS: join(dir, 'projects.json'),
        MCX_OUTPUT_DIR: join(dir, 'test-results'),
        MCX_REPORTERS: JSON.stringify([
          [join(PROJECT_ROOT, 'lib/report/reporter.ts'), { reportDir, roles: [role], targetFile, perProject: Object.fromEntries(projects.map((p) => [p.name, role])) }],
        ]),
      };
      const { output } = await runPlaywright(['test', ...projects.map((p) => `--project=${p.name}`), '--pass-with-no-tests'], env, { quiet: true });
      const read = (project: string): Results => {
        const file = join(reportDir, 'projects', `${projectFileName(project)}.json`);
        if (!existsSync(file)) throw new Error(`no results for ${project}:\n${output.slice(-4000)}`);
        return JSON.parse(readFileSync(file, 'utf8')) as Results;
      };
      const baselineResults = read(`nc:${role}:baseline`);
      const baseline = verdicts(baselineResults);
      const baselineFailures = [...baseline].filter(([, v]) => v.verdict === 'fail' || v.verdict === 'inconclusive' || v.verdict === 'error');
      expect.soft(baselineFailures.map(([id, v]) => `${id} ${v.verdict}: ${v.reason}`), `the ${role} suite must pass on the reference domain without faults`).toEqual([]);
      expect.soft(baselineResults.defects.map((d) => `${d.kind} ${d.requirement ?? ''} ${d.test ?? ''}: ${d.detail}`), `suite defects in the ${role} baseline`).toEqual([]);

      const problems: string[] = [];
      for (const fault of checkable) {
        const runResults = read(`nc:${role}:${fault.name}`);
        const run = verdicts(runResults);
        for (const d of runResults.defects) problems.push(`${fault.name}: suite defect ${d.kind} ${d.requirement ?? ''} ${d.test ?? ''}: ${d.detail}`);
        const failed = failedChecks(runResults);
        for (const id of fault.checks ?? []) if (!failed.has(id)) problems.push(`${fault.name}: check ${id} should FAIL, but recorded no failed finding`);
        for (const id of fault.breaks) {
          const v = run.get(id);
          if (!covered.has(id)) problems.push(`${fault.name}: ${id} is in breaks but no test names it`);
          else if (v?.verdict !== 'fail') problems.push(`${fault.name}: ${id} should FAIL, got ${v?.verdict ?? 'no verdict'}${v?.reason ? ` (${v.reason})` : ''}`);
        }
        for (const [id, v] of run) {
          if (fault.breaks.includes(id) || !v.tested) continue;
          const before = baseline.get(id)?.verdict;
          if ((v.verdict === 'fail' || v.verdict === 'error') && before !== v.verdict) problems.push(`${fault.name}: ${id} turned ${v.verdict.toUpperCase()} but is not in breaks (baseline ${before}): ${v.reason ?? ''}`);
        }
      }
      expect(problems, `negative-control problems for ${role} (${checkable.length} fault(s) checked):\n${problems.join('\n')}`).toEqual([]);
    } finally {
      for (const d of domains) await d.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
