import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../cli/commands/playwright.ts';
import { runConformance } from '../cli/commands/run.ts';
import type { Results } from '../lib/report/types.ts';

/** The `run` command as users meet it: exit codes, configuration errors, a target that is down. */
const BIN = join(PROJECT_ROOT, 'bin/mcx-conformance.mjs');

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcx-run-cmd-'));
});
test.afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('a malformed target file exits 2 with one line per problem naming the field', () => {
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'name: vendor\ntls: { verify: "no" }\nidms:\n  issuer: not-a-url\n  clientId: c\n  users: [{ label: a, username: u, password: hunter2 }]\nics: { kms.telepathy: true }\n');
  const r = cli(['run', '--target', file]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('tls.verify: expected boolean');
  expect(r.stderr).toContain('idms.issuer: expected an https:// URL');
  expect(r.stderr).toContain('idms.redirectUri: is required');
  expect(r.stderr).toContain('idms.users[0].password: expected { env: NAME }');
  expect(r.stderr).toContain('ics.kms.telepathy: unknown ICS feature');
  expect(r.stderr).not.toContain('hunter2');
});

test('a secret whose environment variable is not set exits 2 naming it', () => {
  const file = join(dir, 't.yaml');
  writeFileSync(file, 'name: vendor\nidms:\n  issuer: https://127.0.0.1:1/\n  clientId: c\n  redirectUri: https://127.0.0.1:1/cb\n  users: [{ label: a, username: u, password: { env: MCX_TEST_UNSET_PASSWORD } }]\n');
  const r = cli(['run', '--target', file], {});
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('idms.users[0].password: environment variable MCX_TEST_UNSET_PASSWORD is not set');
});

test('usage errors exit 2', () => {
  expect(cli(['run', '--bogus']).code).toBe(2);
  expect(cli(['run', '--shard', '3']).stderr).toContain("--shard: expected <i>/<n>, got '3'");
  expect(cli(['run', '--roles', 'toaster']).code).toBe(2);
  expect(cli(['run', '--faults', 'no.such-fault']).stderr).toContain('unknown fault switch(es): no.such-fault');
  expect(cli(['run', '--target', join(dir, 'missing.yaml')]).code).toBe(2);
  expect(cli(['frobnicate']).code).toBe(2);
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function hasSpecs(role: string): boolean {
  const d = join(PROJECT_ROOT, 'suites', role);
  return existsSync(d) && readdirSync(d, { recursive: true }).some((f) => String(f).endsWith('.spec.ts'));
}

test('a target that is down: exit 1, every tested requirement inconclusive with the reason', async () => {
  test.setTimeout(900_000);
  const roles = ['idms', 'partner-idms', 'kms'].filter(hasSpecs);
  test.skip(roles.length === 0, 'no conformance suite has tests yet');
  const port = await closedPort();
  const base = `https://127.0.0.1:${port}`;
  const file = join(dir, 'down.yaml');
  writeFileSync(
    file,
    [
      'name: a target that is down',
      'ics: {}',
      'idms:',
      `  issuer: ${base}/idms`,
      '  clientId: mcx-client',
      `  redirectUri: ${base}/cb`,
      '  login: { mode: form }',
      '  scopes: [openid, 3gpp:mc:ptt_service]',
      '  users: [{ label: alice, username: alice, password: { env: MCX_DOWN_PASSWORD }, mcpttId: "sip:alice@example.org" }]',
      'partnerIdms:',
      `  issuer: ${base}/partner`,
      `  tokenEndpoint: ${base}/partner/token`,
      '  clientId: mcx-client',
      'kms:',
      `  baseUrl: ${base}/keymanagement/identity/v1`,
      '  kmsUri: kms.example.org',
      '',
    ].join('\n'),
  );
  const out = await runConformance({ target: file, roles, reportDir: join(dir, 'report'), quiet: true, env: { MCX_DOWN_PASSWORD: 'down-target-password' } });
  const results = out.results as Results;
  expect(results, out.output.slice(-3000)).toBeDefined();
  const tested = results.requirements.filter((r) => r.tests.length > 0 && r.verdict !== 'not-applicable');
  expect(tested.length).toBeGreaterThan(0);
  const wrong = tested.filter((r) => r.verdict !== 'inconclusive' && r.verdict !== 'not-tested').map((r) => `${r.id} ${r.verdict}: ${r.reason}`);
  expect(wrong, 'requirements a dead target cannot have passed or failed').toEqual([]);
  const noReason = tested.filter((r) => r.verdict === 'inconclusive' && !r.reason);
  expect(noReason.map((r) => r.id)).toEqual([]);
  expect(out.exitCode).toBe(1);
});

test('a target that accepts connections and never answers: the run ends at its deadline, unfinished requirements INCONCLUSIVE, exit 1', async () => {
  test.setTimeout(180_000);
  const sockets = new Set<import('node:net').Socket>();
  const silent = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const base = `https://127.0.0.1:${(silent.address() as { port: number }).port}`;
  try {
    const file = join(dir, 'silent.yaml');
    writeFileSync(file, ['name: a target that never answers', 'run: { deadlineSeconds: 15 }', 'ics: {}', 'kms:', `  baseUrl: ${base}/keymanagement/identity/v1`, '  kmsUri: kms.example.org', 'idms:', `  issuer: ${base}/idms`, '  clientId: c', `  redirectUri: ${base}/cb`, '  users: [{ label: alice, username: alice, password: { env: MCX_SILENT_PASSWORD }, mcpttId: "sip:alice@example.org" }]', ''].join('\n'));
    const started = Date.now();
    const out = await runConformance({ target: file, roles: ['kms'], reportDir: join(dir, 'report'), quiet: true, env: { MCX_SILENT_PASSWORD: 'silent-target-password' } });
    expect(Date.now() - started, 'the run is bounded by its deadline (plus start and reports)').toBeLessThan(60_000);
    const results = out.results as Results;
    expect(results, out.output.slice(-3000)).toBeDefined();
    expect(results.requirements.filter((r) => r.verdict === 'pass' || r.verdict === 'fail').map((r) => r.id)).toEqual([]);
    const reasons = results.requirements.filter((r) => r.verdict === 'inconclusive').map((r) => r.reason ?? '');
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.every((r) => /run deadline of 15 s|no complete answer within|target stopped answering|no access token|the target file gives no/.test(r)), reasons.join('\n')).toBe(true);
    expect(out.exitCode).toBe(1);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('--help of run lists every option', () => {
  const r = cli(['run', '--help']);
  expect(r.code).toBe(0);
  for (const o of ['--target', '--roles', '--grep', '--shard', '--report-dir', '--faults']) expect(r.stdout).toContain(o);
});

test('a run with no test selected writes every report and exits 2, never CONFORMANT', async () => {
  test.setTimeout(180_000);
  const out = await runConformance({ roles: ['kms'], grep: 'no test has this title 0f7c', reportDir: join(dir, 'r'), quiet: true });
  for (const f of ['results.json', 'junit.xml', 'report.html', 'run.log', 'ics.json', 'target.yaml']) expect(existsSync(join(out.reportDir, f)), f).toBe(true);
  const results = JSON.parse(readFileSync(join(out.reportDir, 'results.json'), 'utf8')) as Results;
  expect(results.summary.pass + results.summary.fail + results.summary.inconclusive).toBe(0);
  expect(results.summary.findings).toBe(0);
  expect(out.exitCode).toBe(2);
});

test('--help of run documents the exit codes', () => {
  const r = cli(['run', '--help']);
  for (const line of ['0  conformant', '1  not conformant', '2  usage or configuration error, or no check ran', '3  the suite itself broke']) expect(r.stdout).toContain(line);
});
