import { readFileSync } from 'node:fs';
import { defineConfig, type Project } from '@playwright/test';
import type { ControlOption } from './lib/harness/fixtures.ts';

/**
 * Three kinds of projects share this config:
 * - `self-test`: the project's own tests (lib against vectors, reference,
 *   CLI, negative controls). `npm test` runs it.
 * - one project per role under test (`suites/<role>`), run by
 *   `mcx-conformance run` with MCX_TARGET_FILE naming the target.
 * - negative-control projects, only when MCX_CONTROL_PROJECTS names a JSON
 *   file of { name, role, faults, onlyRequirements } (written by
 *   tests/negative-controls.test.ts): each runs a role's suite against a
 *   reference domain started with those faults (by the negative-control
 *   test, which passes its target file, or else by the worker).
 */
export const ROLES = ['idms', 'partner-idms', 'kms', 'mcx-server', 'cs-proxy', 'is-proxy', 'gms'] as const;

interface ControlProject extends ControlOption {
  name: string;
  /** The suites (suites/<dir>) whose tests it runs. */
  suites: string[];
  /** Titles of the tests to run (all when absent), matched at the end of the title. */
  titles?: string[];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function controlProjects(): Project[] {
  const file = process.env.MCX_CONTROL_PROJECTS;
  if (!file) return [];
  const list = JSON.parse(readFileSync(file, 'utf8')) as ControlProject[];
  return list.map((p) => ({
    name: p.name,
    testDir: 'suites',
    testMatch: p.suites.map((s) => `${s}/**/*.spec.ts`),
    // One worker per project, two projects side by side: each fault's suites start one worker (a module load and a
    // login), not one per parallel slot.
    workers: 1,
    // Playwright matches grep against the full title followed by the tags.
    ...(p.titles ? { grep: new RegExp(`(?:${p.titles.map(escapeRegExp).join('|') || '^$'})(?: @\\S+)*$`) } : {}),
    use: { mcxControl: { faults: p.faults, roles: p.roles, onlyRequirements: p.onlyRequirements, targetFile: p.targetFile, secretEnv: p.secretEnv } } as Project['use'],
  }));
}

export default defineConfig({
  timeout: 60_000,
  fullyParallel: true,
  workers: process.env.MCX_WORKERS ? Number(process.env.MCX_WORKERS) : 2,
  forbidOnly: !!process.env.CI,
  reporter: process.env.MCX_REPORTERS ? JSON.parse(process.env.MCX_REPORTERS) : [['list'], ['./tests/summary-line-reporter.ts']],
  outputDir: process.env.MCX_OUTPUT_DIR ?? 'test-results',
  projects: [
    {
      name: 'self-test',
      testDir: '.',
      testMatch: ['lib/**/*.test.ts', 'reference/**/*.test.ts', 'cli/**/*.test.ts', 'tests/**/*.test.ts'],
      testIgnore: ['node_modules/**'],
    },
    ...ROLES.map((role) => ({
      name: role,
      testDir: `suites/${role}`,
      testMatch: '**/*.spec.ts',
      // The mcx-server tests share the server's binding of the test user's IMPU, the proxy tests the suite's next-hop ports, the gms tests the members' registrations: one worker, one test at a time.
      ...(role === 'mcx-server' || role === 'cs-proxy' || role === 'is-proxy' || role === 'gms' ? { workers: 1 } : {}),
    })),
    ...controlProjects(),
  ],
});
