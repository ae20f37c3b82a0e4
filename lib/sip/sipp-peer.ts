/**
 * Runs Debian's SIPp (package sip-tester, scripts/install-sip-peers.sh) as
 * an independent SIP peer for self-tests: one process per scenario, in a
 * temp dir removed afterwards, killed (by its own pid) at the deadline.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

export function sippVersion(): string | undefined {
  try {
    const out = execFileSync('sipp', ['-v'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    return /SIPp v[^\s,]+/.exec(out)?.[0].replace(/\.$/, '');
  } catch (e) {
    // sipp -v exits non-zero on some builds but still prints its version.
    const out = String((e as { stdout?: Buffer }).stdout ?? '');
    return /SIPp v[^\s,]+/.exec(out)?.[0].replace(/\.$/, '');
  }
}

/** A UDP port free right now on 127.0.0.1 (SIPp needs a number, not 0). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A port free right now for both UDP and TCP on 127.0.0.1 (SIPp binds its -p for the transport it uses). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeUdpPort();
    const tcp = createServer();
    const ok = await new Promise<boolean>((r) => {
      tcp.once('error', () => r(false));
      tcp.listen(port, '127.0.0.1', () => r(true));
    });
    if (ok) {
      await new Promise<void>((r) => tcp.close(() => r()));
      return port;
    }
  }
  throw new Error('no port free for both UDP and TCP after 20 attempts');
}

export interface SippRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface SippProcess {
  done: Promise<SippRun>;
  kill(): void;
}

/** `scenario`: an XML scenario text, or a built-in name ('uas', 'uac'). */
export function runSipp(args: { scenario: string; remote?: string; localPort: number; transport?: 'u1' | 't1'; calls?: number; deadlineMs?: number; extra?: string[] }): SippProcess {
  const dir = mkdtempSync(join(tmpdir(), 'lib-sip-sipp-'));
  const builtIn = !args.scenario.trimStart().startsWith('<');
  const argv = builtIn ? ['-sn', args.scenario] : ['-sf', join(dir, 'scenario.xml')];
  if (!builtIn) writeFileSync(join(dir, 'scenario.xml'), args.scenario);
  argv.push('-i', '127.0.0.1', '-p', String(args.localPort), '-t', args.transport ?? 'u1', '-m', String(args.calls ?? 1), '-nostdin', '-timeout', `${Math.ceil((args.deadlineMs ?? 15_000) / 1000)}s`, '-timeout_error', ...(args.extra ?? []));
  if (args.remote) argv.push(args.remote);
  const child = spawn('sipp', argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout = (stdout + d).slice(-20_000)));
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20_000)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, (args.deadlineMs ?? 15_000) + 5000);
  const done = new Promise<SippRun>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
  return { done, kill: () => child.kill('SIGKILL') };
}
