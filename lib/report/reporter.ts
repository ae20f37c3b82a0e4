import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import { stringify as toYaml } from 'yaml';
import { CHECK_ANNOTATION, COMPLETED_ANNOTATION, EVIDENCE_ATTACHMENT_PREFIX, FINDING_ATTACHMENT, NOT_APPLICABLE_ANNOTATION, REQUIREMENT_ANNOTATION, STOP_ATTACHMENT, type Finding, type TestStop } from '../harness/finding.ts';
import { Redactor } from '../harness/redactor.ts';
import { secretsOf } from '../harness/fixtures.ts';
import { loadCatalog, type Catalog } from '../requirements/catalog.ts';
import { readTargetDocument, resolveTargetDocument, targetWarnings } from '../target/load.ts';
import { toHtml } from './html.ts';
import { toJunitXml } from './junit.ts';
import { TOOL } from './tool.ts';
import type { EvidenceItem, Results, TestRecord } from './types.ts';
import { computeResults, outcomeOf } from './verdicts.ts';

export interface ConformanceReporterOptions {
  /** Where results.json, junit.xml, report.html, run.log, target.yaml and ics.json go. */
  reportDir?: string;
  /** Roles under test; default: the Playwright projects run. */
  roles?: string[];
  /** The target file (YAML form); default: $MCX_TARGET_FILE. */
  targetFile?: string;
  /**
   * Negative controls: project name -> the roles it judges. Also writes one
   * results file per project to `<reportDir>/projects/<project>.json`.
   */
  perProject?: Record<string, string | string[]>;
  /** The requirement catalog to judge by (default: lib/requirements/catalog; the reporter's own tests use a fixture catalog). */
  catalogDir?: string;
  /** The run's deadline (Playwright's global timeout), to name it when it cuts the run short. */
  deadlineSeconds?: number;
}

import { RESULTS_FILE, RUN_ERRORS_FILE } from './files.ts';
export { RESULTS_FILE, RUN_ERRORS_FILE };

/**
 * The Playwright reporter that turns tests into per-requirement verdicts and
 * writes the conformance reports. Runs in Playwright's main process, also
 * under `playwright merge-reports`, so sharded runs get one report.
 */
export default class ConformanceReporter implements Reporter {
  private readonly records = new Map<string, TestRecord>();
  private readonly errors: string[] = [];
  private startedAt = new Date();
  private rootDir = process.cwd();
  private projects: string[] = [];
  /** Every test the run was to execute, so one the run never reached is reported, not forgotten. */
  private planned: TestCase[] = [];
  private readonly redactor = new Redactor();

  constructor(private readonly options: ConformanceReporterOptions = {}) {}

  onBegin(config: FullConfig, suite: Suite): void {
    this.startedAt = new Date();
    this.rootDir = config.configFile ? dirname(config.configFile) : config.rootDir;
    this.projects = suite.suites.map((s) => s.title).filter((t) => t !== 'self-test');
    this.planned = suite.allTests();
    const doc = this.targetDocument();
    if (doc) {
      try {
        for (const s of secretsOf(resolveTargetDocument(doc, process.env, this.targetDir()))) this.redactor.add(s);
      } catch {
        // Secrets not available (e.g. merge-reports on another machine): evidence was redacted when recorded.
      }
    }
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.records.set(test.id, this.toRecord(test, result));
  }

  onError(error: TestError): void {
    this.errors.push(this.redactor.redactText(stripAnsi(error.message ?? error.value ?? 'unknown error')));
  }

  async onEnd(result: FullResult): Promise<void> {
    const cutShort = result.status === 'timedout' ? `the run deadline of ${this.options.deadlineSeconds ?? '?'} s (run.deadlineSeconds) was reached` : result.status === 'interrupted' ? 'the run was interrupted' : undefined;
    if (cutShort) {
      // Playwright reports its own global timeout as errors outside any test; the deadline is said once, below.
      const own = /^Timed out waiting \d+s for the /;
      this.errors.splice(0, this.errors.length, ...this.errors.filter((e) => !own.test(e)));
      for (const t of this.planned) {
        const r = this.records.get(t.id);
        if (!r) this.records.set(t.id, { ...this.toRecord(t, { status: 'interrupted', duration: 0, attachments: [], errors: [], annotations: [] } as unknown as TestResult), interruptedBecause: cutShort });
        else if (r.status === 'interrupted') r.interruptedBecause = cutShort;
      }
    }
    const reportDir = resolve(this.options.reportDir ?? process.env.MCX_REPORT_DIR ?? join(this.rootDir, 'reports', 'latest'));
    mkdirSync(reportDir, { recursive: true });
    const warnings: string[] = [];
    let catalog: Catalog;
    try {
      catalog = loadCatalog(this.options.catalogDir);
    } catch (err) {
      warnings.push(`the requirement catalog could not be loaded; verdicts are per test only: ${(err as Error).message}`);
      catalog = { requirements: [], byId: new Map(), fileOf: new Map() };
    }
    const doc = this.targetDocument();
    if (doc) warnings.push(...targetWarnings(doc));
    for (const e of this.errors) warnings.push(`error outside any test: ${e.split('\n')[0]}`);
    if (cutShort) warnings.push(`${cutShort}: the tests it had not finished left their requirements INCONCLUSIVE`);
    const roles = this.options.roles ?? this.projects;
    const ics = (doc?.ics ?? {}) as Record<string, boolean>;
    const results: Results = computeResults({
      catalog,
      tests: [...this.records.values()],
      roles,
      ics,
      tool: TOOL,
      target: { name: String(doc?.name ?? 'unnamed target'), roles, ics, ...(warnings.length ? { warnings } : {}) },
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    });
    writeFileSync(join(reportDir, RESULTS_FILE), JSON.stringify(results, null, 2));
    if (this.options.perProject) this.writePerProject(reportDir, catalog, results);
    writeFileSync(join(reportDir, 'junit.xml'), toJunitXml(results));
    writeFileSync(join(reportDir, 'report.html'), toHtml(results));
    writeFileSync(join(reportDir, 'run.log'), this.runLog(results));
    writeFileSync(join(reportDir, 'ics.json'), JSON.stringify(ics, null, 2));
    // The target file in YAML form carries secrets only as { env: NAME } references (the schema enforces it).
    if (doc) writeFileSync(join(reportDir, 'target.yaml'), toYaml(doc));
    if (this.errors.length) writeFileSync(join(reportDir, RUN_ERRORS_FILE), JSON.stringify(this.errors, null, 2));
    process.stdout.write(`\n${closingLines(results, this.errors.length)}\nreport: ${join(reportDir, 'report.html')}\n`);
  }

  private writePerProject(reportDir: string, catalog: Catalog, all: Results): void {
    mkdirSync(join(reportDir, 'projects'), { recursive: true });
    for (const [project, judged] of Object.entries(this.options.perProject ?? {})) {
      const roles = Array.isArray(judged) ? judged : [judged];
      const results = computeResults({
        catalog,
        tests: [...this.records.values()].filter((t) => t.project === project),
        roles,
        ics: all.target.ics ?? {},
        tool: all.tool,
        target: { ...all.target, roles },
        startedAt: all.startedAt,
        finishedAt: all.finishedAt,
      });
      writeFileSync(join(reportDir, 'projects', `${projectFileName(project)}.json`), JSON.stringify(results));
    }
  }

  printsToStdio(): boolean {
    return true;
  }

  private targetFile(): string | undefined {
    return this.options.targetFile ?? process.env.MCX_TARGET_FILE;
  }

  private targetDir(): string {
    const f = this.targetFile();
    return f ? dirname(resolve(f)) : process.cwd();
  }

  private targetDocument(): Record<string, unknown> | undefined {
    const f = this.targetFile();
    if (!f) return undefined;
    try {
      return readTargetDocument(f);
    } catch {
      return undefined;
    }
  }

  private toRecord(test: TestCase, result: TestResult): TestRecord {
    const annotations = [...test.annotations, ...((result as { annotations?: TestCase['annotations'] }).annotations ?? [])];
    const requirements = [...new Set(annotations.filter((a) => a.type === REQUIREMENT_ANNOTATION && a.description).map((a) => a.description!))];
    const declaredChecks = [...new Map(annotations.filter((a) => a.type === CHECK_ANNOTATION && a.description).map((a) => {
      const [id, requirement] = a.description!.split(' ');
      return [`${id} ${requirement}`, { id: id!, requirement: requirement ?? '' }] as const;
    })).values()];
    const stopNote = annotations.find((a) => a.type === STOP_ATTACHMENT && a.description);
    let stop: TestStop | undefined;
    try {
      stop = stopNote ? (JSON.parse(stopNote.description!) as TestStop) : undefined;
    } catch {
      stop = undefined;
    }
    const completed = annotations.some((a) => a.type === COMPLETED_ANNOTATION);
    const na = annotations.find((a) => a.type === NOT_APPLICABLE_ANNOTATION);
    const skip = annotations.find((a) => a.type === 'skip' || a.type === 'fixme');
    const findings: Finding[] = [];
    const evidence: EvidenceItem[] = [];
    for (const a of result.attachments) {
      if (!a.body) continue;
      if (a.name === FINDING_ATTACHMENT) {
        try {
          findings.push(this.redactor.redactValue(JSON.parse(a.body.toString('utf8')) as Finding));
        } catch {
          // A malformed finding is a harness bug; the test's outcome still counts.
        }
      } else if (a.name.startsWith(EVIDENCE_ATTACHMENT_PREFIX)) {
        const rest = a.name.slice(EVIDENCE_ATTACHMENT_PREFIX.length);
        const colon = rest.indexOf(':');
        let data: unknown = a.body.toString('utf8');
        try {
          data = JSON.parse(data as string);
        } catch {
          // keep as text
        }
        evidence.push({ kind: colon < 0 ? rest : rest.slice(0, colon), label: colon < 0 ? '' : rest.slice(colon + 1), data: this.redactor.redactValue(data) });
      }
    }
    const error = result.error?.message ?? result.errors[0]?.message;
    const errorAt = errorLocation(result.error?.stack ?? result.errors[0]?.stack, this.rootDir);
    return {
      title: test.titlePath().slice(3).join(' › ') || test.title,
      file: relative(this.rootDir, test.location.file),
      project: test.parent.project()?.name ?? '',
      status: result.status,
      durationMs: result.duration,
      requirements,
      ...(declaredChecks.length ? { declaredChecks } : {}),
      ...(stop ? { stop: { ...stop, reason: this.redactor.redactText(stop.reason) } } : {}),
      ...(completed ? { completed } : {}),
      ...(na ? { notApplicable: na.description ?? 'not applicable' } : {}),
      ...(skip?.description ? { skipReason: skip.description } : {}),
      findings,
      evidence,
      ...(error ? { error: this.redactor.redactText(stripAnsi(error)).split('\n').slice(0, 6).join('\n') } : {}),
      ...(errorAt ? { errorAt } : {}),
    };
  }

  private runLog(results: Results): string {
    const lines = [`${results.tool.name} ${results.tool.version}`, `target: ${results.target.name}`, `roles: ${(results.target.roles ?? []).join(', ')}`, `started: ${results.startedAt}`, `finished: ${results.finishedAt}`, ''];
    for (const w of results.target.warnings ?? []) lines.push(`WARNING: ${w}`);
    for (const t of this.records.values()) {
      lines.push(`${t.status.toUpperCase().padEnd(11)} ${t.project} ${t.file} › ${t.title} (${t.durationMs} ms) [${t.requirements.join(', ')}]`);
      for (const f of t.findings) lines.push(`    ${f.verdict.toUpperCase().padEnd(12)} ${f.requirement} ${f.check}${f.detail ? `: ${f.detail}` : ''}`);
      if (t.error) lines.push(`    error: ${t.error.split('\n')[0]}`);
    }
    lines.push('', 'requirements:');
    for (const r of results.requirements) lines.push(`${r.verdict.toUpperCase().padEnd(14)} ${r.id}${r.reason ? `: ${r.reason}` : ''}`);
    return this.redactor.redactText(lines.join('\n')) + '\n';
  }
}

/**
 * The console's closing lines: requirement verdicts, suite problems, and
 * what the exit code will mean. Counts are per requirement, never per test.
 */
export function closingLines(results: Results, errorsOutsideTests = 0): string {
  const s = results.summary;
  const lines = [`conformance: ${s.pass} pass, ${s.fail} fail, ${s.inconclusive} inconclusive, ${s.notApplicable} not-applicable, ${s.notTested} not-tested requirement(s); ${s.findings} finding(s)`];
  if (s.error || s.suiteDefects || errorsOutsideTests) lines.push(`suite: ${s.error} requirement(s) with a suite error, ${s.suiteDefects} suite defect(s)${errorsOutsideTests ? `, ${errorsOutsideTests} error(s) outside any test` : ''} (see results.json "defects")`);
  const outcome = outcomeOf(results);
  lines.push(`-> ${errorsOutsideTests && outcome.code < 2 ? 'SUITE ERROR (a suite could not be loaded): not a conformance verdict' : outcome.verdict}`);
  return lines.join('\n');
}

/** The first stack frame in the project's own files, relative to it. */
function errorLocation(stack: string | undefined, rootDir: string): string | undefined {
  if (!stack) return undefined;
  for (const line of stripAnsi(stack).split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^()\s]+:\d+:\d+)\)?\s*$/.exec(line.trim());
    if (!m || m[1]!.includes('/node_modules/')) continue;
    return relative(rootDir, m[1]!.replace(/^file:\/\//, ''));
  }
  return undefined;
}

/** A project name as a file name. */
export function projectFileName(project: string): string {
  return project.replace(/[^A-Za-z0-9._-]/g, '_');
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}
