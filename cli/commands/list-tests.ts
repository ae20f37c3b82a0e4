import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECK_ANNOTATION, REQUIREMENT_ANNOTATION } from '../../lib/harness/finding.ts';
import type { IdUse } from '../../lib/requirements/catalog.ts';
import { SUITE_ROLES } from '../../lib/target/sections.ts';
import { runPlaywright } from './playwright.ts';

/** A conformance test as `playwright test --list` sees it, with the requirement IDs it names. */
export interface ListedTest {
  project: string;
  file: string;
  line: number;
  title: string;
  requirements: string[];
  /** The declared checks (`check` annotations): id and requirement. */
  checks: { id: string; requirement: string }[];
}

interface JsonSuite {
  title: string;
  specs?: { title: string; file: string; line: number; tests: { projectName: string; annotations?: { type: string; description?: string }[] }[] }[];
  suites?: JsonSuite[];
}

/**
 * Lists the conformance tests of the given roles with their requirement
 * annotations, through Playwright itself (suites may build their ID lists
 * from constants, which a static scan cannot follow). Nothing is run.
 */
export async function listSuiteTests(roles: readonly string[] = SUITE_ROLES): Promise<{ tests: ListedTest[]; errors: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'mcx-list-'));
  try {
    const out = join(dir, 'list.json');
    const { output } = await runPlaywright(['test', '--list', '--reporter=json', ...roles.map((r) => `--project=${r}`)], { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: out, MCX_REPORTERS: '' }, { quiet: true });
    let report: { suites: JsonSuite[]; errors?: { message?: string }[] };
    try {
      report = JSON.parse(readFileSync(out, 'utf8'));
    } catch {
      return { tests: [], errors: [`playwright --list wrote no report:\n${output.slice(-2000)}`] };
    }
    const tests: ListedTest[] = [];
    const walk = (s: JsonSuite, path: string[]) => {
      for (const spec of s.specs ?? []) {
        for (const t of spec.tests) {
          const annotations = t.annotations ?? [];
          const requirements = [...new Set(annotations.filter((a) => a.type === REQUIREMENT_ANNOTATION && a.description).map((a) => a.description!))];
          const checks = annotations.filter((a) => a.type === CHECK_ANNOTATION && a.description).map((a) => {
            const [id, requirement] = a.description!.split(' ');
            return { id: id!, requirement: requirement ?? '' };
          });
          tests.push({ project: t.projectName, file: spec.file, line: spec.line, title: [...path, spec.title].join(' › '), requirements, checks });
        }
      }
      for (const c of s.suites ?? []) walk(c, c.title && !c.title.endsWith('.ts') ? [...path, c.title] : path);
    };
    for (const s of report.suites) walk(s, []);
    return { tests, errors: (report.errors ?? []).map((e) => e.message ?? 'unknown error') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The requirement uses of listed tests, as the catalog tooling counts them. */
export function requirementUses(tests: ListedTest[]): IdUse[] {
  return tests.flatMap((t) => t.requirements.map((id) => ({ id, file: t.file, line: t.line })));
}
