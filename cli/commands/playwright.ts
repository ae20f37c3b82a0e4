import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (where playwright.config.ts lives). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const require = createRequire(import.meta.url);

/**
 * Runs `playwright <args>` with this project's config in a child process and
 * resolves with its exit code. stdout/stderr are inherited unless `quiet`, in
 * which case they are collected and returned. `config` defaults to the
 * project's playwright.config.ts.
 */
export function runPlaywright(args: string[], env: NodeJS.ProcessEnv, opts: { quiet?: boolean; config?: string } = {}): Promise<{ code: number; output: string }> {
  const cli = require.resolve('@playwright/test/cli');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args, '--config', opts.config ?? join(PROJECT_ROOT, 'playwright.config.ts')], {
      cwd: PROJECT_ROOT,
      env,
      stdio: opts.quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}
