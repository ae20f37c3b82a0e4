import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { ReferenceDomain } from '../../reference/domain.ts';
import { TARGET_FILE_ENV, secretsOf } from '../../lib/harness/fixtures.ts';
import { scrubReportDir } from '../../lib/report/scrub.ts';
import { readTargetDocument, resolveTargetDocument, TargetFileError } from '../../lib/target/load.ts';
import { isSuiteRole, rolesOfTarget, SUITE_ROLES } from '../../lib/target/sections.ts';
import { RESULTS_FILE, RUN_ERRORS_FILE } from '../../lib/report/files.ts';
import { EXIT, outcomeOf } from '../../lib/report/verdicts.ts';
import { ROLES_ENV } from '../../lib/harness/scope.ts';
import type { Results } from '../../lib/report/types.ts';
import { UsageError, type Command } from '../usage.ts';
import { parseCommandArgs, splitList } from './args.ts';
import { PROJECT_ROOT, runPlaywright } from './playwright.ts';

const HELP = `usage: mcx-conformance run [options]

Runs the conformance suites against a target and writes the reports.
Without --target it starts the embedded reference MCX domain and tests it.

options:
  --target <file>       target file (YAML, see targets/example.yaml)
  --roles <list>        roles to test, e.g. idms,kms (default: the target's sections)
  --grep <text>         only tests whose title matches (a regular expression)
  --shard <i>/<n>       run one shard of the tests; also writes a blob report to merge
                        with 'mcx-conformance merge'
  --report-dir <dir>    write the reports here (default: reports/<run-id>, copied to reports/latest)
  --faults <list>       reference domain only: fault switches to turn on
                        (see 'mcx-conformance reference --list-faults')
  --help                this text

exit codes:
  0  conformant: every applicable mandatory requirement passes, on pass findings
  1  not conformant: a mandatory requirement fails or is inconclusive
  2  usage or configuration error, or no check ran (nothing selected, every test skipped)
  3  the suite itself broke (a suite error or defect, a suite that could not be
     loaded): not a verdict on the target
`;

export interface RunOptions {
  target?: string;
  roles?: string[];
  grep?: string;
  shard?: string;
  reportDir?: string;
  faults?: string[];
  /** Collect Playwright's output instead of printing it (tests). */
  quiet?: boolean;
  /** Playwright workers (default: the config's). */
  workers?: number;
  /** Extra environment for the suites (tests: the secret values a target file refers to). */
  env?: Record<string, string>;
}

export interface RunOutcome {
  exitCode: number;
  reportDir: string;
  results?: Results;
  /** Playwright's output when quiet. */
  output: string;
  /** Report files in which the final scrub found and removed a secret. */
  scrubbed: string[];
}

/** The run deadline when the target file sets none (schemas/target.schema.json says the same). */
export const DEFAULT_DEADLINE_SECONDS = 1800;

/** A run id that sorts by time: 2026-11-23T13-05-00-123Z. */
export function newRunId(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/**
 * Runs the suites of the given roles with Playwright against a target file,
 * or against a freshly started reference domain, and writes the reports.
 * Throws UsageError for usage and configuration errors.
 */
export async function runConformance(opts: RunOptions): Promise<RunOutcome> {
  if (opts.shard !== undefined && !/^[1-9][0-9]*\/[1-9][0-9]*$/.test(opts.shard)) throw new UsageError(`--shard: expected <i>/<n>, got '${opts.shard}'`);
  const faults = opts.faults ?? [];
  if (opts.target && faults.length) throw new UsageError('--faults applies to the reference domain only; it cannot be combined with --target');
  for (const r of opts.roles ?? []) if (!isSuiteRole(r)) throw new UsageError(`--roles: unknown role '${r}' (known: ${SUITE_ROLES.join(', ')})`);

  const runId = newRunId();
  const reportDir = resolve(opts.reportDir ?? join('reports', runId));
  const workDir = mkdtempSync(join(tmpdir(), 'mcx-run-'));
  let domain: ReferenceDomain | undefined;
  try {
    let targetFile: string;
    let targetDoc: Record<string, unknown>;
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...(opts.env ?? {}) };
    if (opts.target) {
      targetFile = resolve(opts.target);
      if (!existsSync(targetFile)) throw new UsageError(`--target: no such file ${targetFile}`);
      try {
        targetDoc = readTargetDocument(targetFile);
      } catch (err) {
        if (err instanceof TargetFileError) throw new UsageError(err.message);
        throw err;
      }
    } else {
      // Loaded on demand: a run against a vendor's target never loads the reference domain.
      const { startReferenceDomain, UnknownFaultError } = await import('../../reference/domain.ts');
      try {
        domain = await startReferenceDomain({ faults });
      } catch (err) {
        if (err instanceof UnknownFaultError) throw new UsageError(err.message);
        throw err;
      }
      targetFile = join(workDir, 'target.yaml');
      targetDoc = domain.targetDocument;
      // Secrets stay `{ env: NAME }` references in the file; their values go to the child's environment only.
      writeFileSync(targetFile, toYaml(targetDoc), { mode: 0o600 });
      Object.assign(childEnv, domain.secretEnv);
    }
    // Fail early (exit 2) when the target file is invalid or a secret is not in the environment.
    let resolvedTarget;
    try {
      resolvedTarget = resolveTargetDocument(structuredClone(targetDoc), childEnv, resolve(targetFile, '..'));
    } catch (err) {
      if (err instanceof TargetFileError) throw new UsageError(`${opts.target ?? 'reference domain target'}: ${err.message}`);
      throw err;
    }
    let roles = opts.roles?.length ? opts.roles : rolesOfTarget(targetDoc);
    // The reference domain grows role by role; until it serves a role's section, run every suite.
    if (roles.length === 0 && domain) roles = [...SUITE_ROLES];
    if (roles.length === 0) throw new UsageError('no role to test: the target file has no idms, partnerIdms, kms or mcxServer section and --roles was not given');

    mkdirSync(reportDir, { recursive: true });
    rmSync(join(reportDir, RESULTS_FILE), { force: true });
    rmSync(join(reportDir, RUN_ERRORS_FILE), { force: true });
    childEnv[TARGET_FILE_ENV] = targetFile;
    // The suites judge only requirements of these roles (a check of another role's requirement is not run).
    childEnv[ROLES_ENV] = roles.join(',');
    // Every secret the suites register is logged to this private file, to scrub the reports after the run.
    const secretLog = opts.env?.MCX_SECRET_LOG ?? join(workDir, 'secrets.log');
    childEnv.MCX_SECRET_LOG = secretLog;
    childEnv.MCX_OUTPUT_DIR = join(workDir, 'test-results');
    if (opts.workers) childEnv.MCX_WORKERS = String(opts.workers);
    const deadlineSeconds = resolvedTarget.run?.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS;
    childEnv.MCX_REPORTERS = JSON.stringify(reportersFor({ reportDir, roles, targetFile, quiet: !!opts.quiet, shard: !!opts.shard, deadlineSeconds }));
    const args = ['test', ...roles.map((r) => `--project=${r}`), '--pass-with-no-tests', `--global-timeout=${deadlineSeconds * 1000}`];
    if (opts.grep) args.push('--grep', opts.grep);
    if (opts.shard) args.push('--shard', opts.shard);
    const { code, output } = await runPlaywright(args, childEnv, { quiet: opts.quiet });

    const known = [...secretsOf(resolvedTarget), ...Object.values(domain?.secretEnv ?? {}), ...readSecretLog(secretLog)];
    const scrubbed = await scrubReportDir(reportDir, known);
    // Named, so the leak can be fixed at its source: a normal run leaves the final scrub nothing to do.
    if (scrubbed.filesChanged.length && !opts.quiet) process.stderr.write(`mcx-conformance run: the final scrub removed secrets that escaped redaction (marked '<redacted by the final scrub>') from:\n${scrubbed.filesChanged.map((f) => `  ${relative(reportDir, f)}`).join('\n')}\n`);

    const resultsPath = join(reportDir, RESULTS_FILE);
    if (!existsSync(resultsPath)) {
      process.stderr.write(`mcx-conformance run: Playwright exited with code ${code} without writing ${resultsPath}\n${opts.quiet ? output : ''}`);
      return { exitCode: EXIT.suiteError, reportDir, output, scrubbed: scrubbed.filesChanged };
    }
    const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as Results;
    const outcome = outcomeOf(results);
    let exitCode: number = outcome.code;
    if (existsSync(join(reportDir, RUN_ERRORS_FILE))) {
      exitCode = Math.max(exitCode, EXIT.suiteError);
      if (!opts.quiet) process.stderr.write(`mcx-conformance run: errors outside tests (a suite could not be loaded?): see ${join(reportDir, 'run.log')}\n`);
    } else if (exitCode === EXIT.usage) {
      process.stderr.write(`mcx-conformance run: no check ran${opts.grep ? ` (--grep '${opts.grep}' selected nothing that ran)` : ''}; this is not a conformance verdict\n`);
    }
    // A sharded run's blob report carries the target file (no secrets), so 'merge' can name the target and its ICS.
    if (opts.shard && existsSync(join(reportDir, 'blob-report')) && existsSync(join(reportDir, 'target.yaml'))) cpSync(join(reportDir, 'target.yaml'), join(reportDir, 'blob-report', 'target.yaml'));
    if (!opts.reportDir) {
      const latest = resolve('reports', 'latest');
      rmSync(latest, { recursive: true, force: true });
      cpSync(reportDir, latest, { recursive: true });
    }
    return { exitCode, reportDir, results, output, scrubbed: scrubbed.filesChanged };
  } finally {
    await domain?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function readSecretLog(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      try {
        return JSON.parse(l) as string;
      } catch {
        return '';
      }
    });
}

/** The reporters of a conformance run (Playwright reads them from MCX_REPORTERS through playwright.config.ts). */
export function reportersFor(o: { reportDir: string; roles?: string[]; targetFile?: string; quiet: boolean; shard: boolean; allure?: boolean; catalogDir?: string; deadlineSeconds?: number }): unknown[] {
  const reporters: unknown[] = [];
  if (!o.quiet) reporters.push(['list']);
  reporters.push([join(PROJECT_ROOT, 'lib/report/reporter.ts'), { reportDir: o.reportDir, roles: o.roles, targetFile: o.targetFile, ...(o.catalogDir ? { catalogDir: o.catalogDir } : {}), ...(o.deadlineSeconds ? { deadlineSeconds: o.deadlineSeconds } : {}) }]);
  reporters.push(['html', { outputFolder: join(o.reportDir, 'playwright-report'), open: 'never' }]);
  if (o.allure !== false) reporters.push([
    join(PROJECT_ROOT, 'lib/report/allure.ts'),
    { resultsDir: join(o.reportDir, 'allure-results'), detail: false, suiteTitle: false, links: { tms: { urlTemplate: '../report.html#%s', nameTemplate: '%s' } } },
  ]);
  if (o.shard) reporters.push(['blob', { outputDir: join(o.reportDir, 'blob-report') }]);
  return reporters;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run the conformance suites against a target (default: the embedded reference domain)',
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      target: { type: 'string' },
      roles: { type: 'string' },
      grep: { type: 'string' },
      shard: { type: 'string' },
      'report-dir': { type: 'string' },
      faults: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const outcome = await runConformance({
      target: values.target,
      roles: values.roles !== undefined ? splitList(values.roles) : undefined,
      grep: values.grep,
      shard: values.shard,
      reportDir: values['report-dir'],
      faults: splitList(values.faults),
    });
    return outcome.exitCode;
  },
};
