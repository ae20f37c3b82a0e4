import { defineConfig } from '@playwright/test';

/**
 * Two kinds of projects share this config:
 * - `self-test`: the project's own tests (lib against vectors, reference,
 *   CLI, negative controls). `npm test` runs it.
 * - one project per role under test (`suites/<role>`), run by
 *   `mcx-conformance run` with MCX_TARGET_FILE naming the target.
 */
export const ROLES = ['idms', 'partner-idms', 'kms'] as const;

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
    })),
  ],
});
