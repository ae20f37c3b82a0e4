import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { PROJECT_ROOT, runPlaywright } from '../../cli/commands/playwright.ts';
import { startReferenceDomain, type ReferenceDomain } from '../../reference/domain.ts';
import type { ReferenceBehaviour } from '../../reference/component.ts';
import { projectFileName } from '../../lib/report/reporter.ts';
import { SUITE_ROLES } from '../../lib/target/sections.ts';
import type { Results } from '../../lib/report/types.ts';

/**
 * One Playwright run of negative-control projects: a baseline and one
 * project per fault, each testing a reference domain this process starts
 * with that fault on (its target document changed by `changeDoc`, the same
 * for all), each running the tests of `suites` whose titles are in `titles`.
 * Every project judges every role, so a cross-role check runs. The domains
 * and the temporary directory (which holds the domains' throwaway
 * credentials) are gone when it returns.
 */
export interface MatrixOptions {
  /** Prefix of the project names, e.g. `nc:kms`. */
  label: string;
  suites: readonly string[];
  /** Titles of the tests to run (matched at the end of the title). */
  titles: readonly string[];
  faults: readonly string[];
  changeDoc?: (doc: Record<string, unknown>) => void;
  /** How every domain of the run is configured. */
  behaviour?: Partial<ReferenceBehaviour>;
}

export interface MatrixRun {
  baseline: Results;
  /** Results per fault name. */
  runs: Map<string, Results>;
  /** Where the time went, per project (see `timings`). */
  timings: string;
  /** The target document of the baseline (after changeDoc). */
  baselineDoc: Record<string, unknown>;
}

export async function runControlMatrix(o: MatrixOptions): Promise<MatrixRun> {
  const dir = mkdtempSync(join(tmpdir(), `mcx-${o.label.replace(/[^a-z0-9-]+/gi, '-')}-`));
  const domains: ReferenceDomain[] = [];
  const started = async (faultNames: string[]) => {
    const d = await startReferenceDomain({ faults: faultNames, ...(o.behaviour ? { behaviour: o.behaviour } : {}) });
    domains.push(d);
    const doc = structuredClone(d.targetDocument);
    o.changeDoc?.(doc);
    const targetFile = join(dir, `target-${domains.length}.yaml`);
    writeFileSync(targetFile, toYaml(doc), { mode: 0o600 });
    return { targetFile, secretEnv: d.secretEnv, doc };
  };
  try {
    const { doc: baselineDoc, ...baselineDomain } = await started([]);
    const project = (name: string, faultNames: string[], domain: { targetFile: string; secretEnv: Record<string, string> }) => ({ name, suites: o.suites, roles: [...SUITE_ROLES], faults: faultNames, titles: o.titles, ...domain });
    const baselineName = `${o.label}:baseline`;
    const projects = [project(baselineName, [], baselineDomain)];
    for (const f of o.faults) {
      const { doc: _doc, ...domain } = await started([f]);
      projects.push(project(`${o.label}:${f}`, [f], domain));
    }
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
    const baseline = read(baselineName);
    const runs = new Map(o.faults.map((f) => [f, read(`${o.label}:${f}`)]));
    return { baseline, runs, baselineDoc, timings: timings([[baselineName, baseline], ...[...runs].map(([f, r]) => [`${o.label}:${f}`, r] as [string, Results])]) };
  } finally {
    for (const d of domains) await d.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Problems of a baseline run: a fail, an error, an inconclusive with tests, a suite defect. */
export function baselineProblems(baseline: Results): string[] {
  const problems: string[] = [];
  for (const r of baseline.requirements) if (r.verdict === 'fail' || r.verdict === 'error' || (r.verdict === 'inconclusive' && r.tests.length)) problems.push(`baseline: ${r.id} ${r.verdict}: ${r.reason ?? ''}`);
  for (const d of baseline.defects) problems.push(`baseline: suite defect ${d.kind} ${d.check ?? d.requirement ?? ''} in '${d.test ?? ''}': ${d.detail}`);
  return problems;
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
