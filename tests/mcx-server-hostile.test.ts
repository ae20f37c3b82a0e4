import { test, expect } from '@playwright/test';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { runConformance } from '../cli/commands/run.ts';
import type { Results } from '../lib/report/types.ts';
import { startReferenceDomain, type ReferenceDomain } from '../reference/domain.ts';
import { hasOpenssl, makeTestTls, type TestTls } from '../lib/sip/test-tls.ts';

/**
 * A hostile SIP entry point gets INCONCLUSIVE with the exact reason, in
 * bounded time, never a crash, a suite error or a hang (5.1.3.2 over SIP).
 * The reference domain supplies a real IdMS (tokens can be obtained); only
 * mcxServer.entry is pointed at a local stub that answers every request in
 * one hostile way. A stream that breaks framing ends the request at once
 * (lib/sip fails the transaction on the transport error, RFC 3261 17.1.4);
 * a UDP answer that is no SIP message is dropped like silence and named in
 * the reason, so the UDP modes cost one Timer F (9.6 s) and run only the
 * no-token test. Later requests of a test are not sent once one got no
 * final response (suites/mcx-server/ue.ts), so each test waits at most once.
 * A TLS entry point whose certificate (from a CA the target trusts) names
 * another host answers nothing the suite may believe: INCONCLUSIVE naming the
 * name and the verification error, blamed on the target.
 */
type Mode = 'udp-garbage' | 'udp-silence' | 'tcp-garbage' | 'tcp-long-line' | 'tcp-huge-message' | 'tcp-endless' | 'tls-wrong-name';

const NO_TOKEN_TEST = '5\\.1\\.3\\.2\\.1 a registration without an access token';
const VALID_REGISTER_TEST = '5\\.1\\.3\\.2\\.2 a valid access token in REGISTER';

interface Case {
  mode: Mode;
  grep: string;
  /** Requirement id -> the reason its INCONCLUSIVE must give. */
  judged: Record<string, RegExp>;
}

const TIMER_F = /no final response to REGISTER within 9600 ms \(Timer F\)\)$/;
const TIMER_F_GARBAGE = /no final response to REGISTER within 9600 ms \(Timer F\); meanwhile \d+ message\(s\) arrived that do not parse as SIP/;
const FRAMING = (what: RegExp) => new RegExp(`transport: the transport failed before a final response to REGISTER: framing: ${what.source}`);

const CASES: Case[] = [
  { mode: 'udp-garbage', grep: NO_TOKEN_TEST, judged: { 'MCXSEC-5.1.3.2.1-04': TIMER_F_GARBAGE } },
  { mode: 'udp-silence', grep: NO_TOKEN_TEST, judged: { 'MCXSEC-5.1.3.2.1-04': TIMER_F } },
  { mode: 'tcp-garbage', grep: `${NO_TOKEN_TEST}|${VALID_REGISTER_TEST}`, judged: { 'MCXSEC-5.1.3.2.1-04': FRAMING(/start-line\.syntax at stream offset 0/), 'MCXSEC-5.1.3.2.2-01': FRAMING(/start-line\.syntax at stream offset 0/) } },
  { mode: 'tcp-long-line', grep: NO_TOKEN_TEST, judged: { 'MCXSEC-5.1.3.2.1-04': FRAMING(/limit\.header-line at stream offset \d+: a line of more than 8192 octets without end/) } },
  { mode: 'tcp-huge-message', grep: NO_TOKEN_TEST, judged: { 'MCXSEC-5.1.3.2.1-04': FRAMING(/limit\.message-size at stream offset 0: Content-Length 10485760 makes/) } },
  { mode: 'tcp-endless', grep: NO_TOKEN_TEST, judged: { 'MCXSEC-5.1.3.2.1-04': FRAMING(/limit\.message-size at stream offset 0: \d+ octets without the end of a header section/) } },
  { mode: 'tls-wrong-name', grep: NO_TOKEN_TEST, judged: { 'MCXSEC-5.1.3.2.1-04': /did not complete a verified TLS handshake for the name '127\.0\.0\.1' \(ERR_TLS_CERT_ALTNAME_INVALID: / } },
];

/** Octets that are no SIP message, with CRLFs so that a stream framer sees a complete "head". */
const garbage = () => Buffer.concat([randomBytes(200).map((b) => (b === 13 || b === 10 ? 0x7f : b)), Buffer.from('\r\n\r\n')]);

function answerStream(mode: Mode, socket: Socket): void {
  socket.on('error', () => undefined);
  socket.once('data', () => {
    switch (mode) {
      case 'tcp-garbage':
        socket.write(garbage());
        return;
      case 'tcp-long-line':
        socket.write(`SIP/2.0 200 OK\r\nX-Long: ${'a'.repeat(1024 * 1024)}\r\n\r\n`);
        return;
      case 'tcp-huge-message': {
        const body = 10 * 1024 * 1024;
        socket.write(`SIP/2.0 200 OK\r\nContent-Length: ${body}\r\n\r\n`);
        socket.write(Buffer.alloc(body, 0x41));
        return;
      }
      case 'tcp-endless': {
        // Short header lines forever: no line is too long, the head never ends.
        const chunk = Buffer.from('X-Pad: endless\r\n'.repeat(4096));
        socket.write('SIP/2.0 200 OK\r\n');
        const pump = () => {
          while (!socket.destroyed) if (!socket.write(chunk)) return void socket.once('drain', pump);
        };
        pump();
        return;
      }
    }
  });
}

let domain: ReferenceDomain;
let dir: string;
let tcp: Server;
let udp: UdpSocket;
let udpMode: Mode = 'udp-silence';
const sockets = new Set<Socket>();
let tcpMode: Mode = 'tcp-garbage';
let tlsServer: TlsServer | undefined;
/** A certificate for other.example only, from a CA of its own that the target file also trusts. */
let otherName: TestTls | undefined;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcx-sip-hostile-'));
  domain = await startReferenceDomain();
  tcp = createServer((s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    answerStream(tcpMode, s);
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  udp = createSocket('udp4');
  udp.on('message', (_msg, from) => {
    if (udpMode === 'udp-garbage') udp.send(garbage(), from.port, from.address);
  });
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  if (hasOpenssl()) {
    otherName = makeTestTls(['DNS:other.example']);
    tlsServer = createTlsServer({ key: otherName.keyPem, cert: otherName.certPem }, (s) => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    });
    tlsServer.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => tlsServer!.listen(0, '127.0.0.1', resolve));
  }
});

test.afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => tcp?.close(() => resolve()));
  await new Promise<void>((resolve) => (udp ? udp.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (tlsServer ? tlsServer.close(() => resolve()) : resolve()));
  await domain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function targetFile(mode: Mode): string {
  const doc = structuredClone(domain.targetDocument) as Record<string, unknown> & { mcxServer: { entry: Record<string, unknown> }; tls: { caPem: string } };
  const transport = mode.startsWith('udp') ? 'udp' : mode.startsWith('tls') ? 'tls' : 'tcp';
  const port = transport === 'udp' ? udp.address().port : ((transport === 'tls' ? tlsServer! : tcp).address() as { port: number }).port;
  // Both CAs are trusted, so the chain verifies and only the name is wrong.
  if (transport === 'tls') doc.tls.caPem = `${doc.tls.caPem.trim()}\n${otherName!.caPem}`;
  doc.name = `hostile SIP entry point (${mode})`;
  doc.mcxServer.entry = { uri: `sip:127.0.0.1:${port};transport=${transport}`, transport, address: '127.0.0.1', port };
  const file = join(dir, `${mode}.yaml`);
  writeFileSync(file, toYaml(doc), { mode: 0o600 });
  return file;
}

for (const c of CASES) {
  test(`a SIP entry point answering ${c.mode} gets inconclusive with the reason`, async () => {
    test.setTimeout(90_000);
    if (c.mode.startsWith('tls')) test.skip(!otherName, 'openssl CLI not installed: cannot make the certificate for another name');
    if (c.mode.startsWith('udp')) udpMode = c.mode;
    else tcpMode = c.mode;
    const started = Date.now();
    const out = await runConformance({
      target: targetFile(c.mode),
      roles: ['mcx-server'],
      grep: c.grep,
      reportDir: join(dir, `report-${c.mode}`),
      quiet: true,
      workers: 1,
      env: domain.secretEnv,
    });
    const wallMs = Date.now() - started;
    console.log(`hostile SIP entry point mode ${c.mode}: ${wallMs} ms`);
    const results = out.results as Results;
    expect(results, out.output.slice(-3000)).toBeDefined();
    for (const [id, reason] of Object.entries(c.judged)) {
      const r = results.requirements.find((x) => x.id === id);
      expect(r, `${id} judged\n${out.output.slice(-2000)}`).toBeDefined();
      expect(r!.verdict, `${id}: ${r!.reason}\n${out.output.slice(-2000)}`).toBe('inconclusive');
      console.log(`  ${id}: ${r!.reason}`);
      expect(r!.reason ?? '').toMatch(reason);
    }
    expect(results.requirements.filter((r) => r.verdict === 'error').map((r) => r.id)).toEqual([]);
    expect(results.defects).toEqual([]);
    expect(out.output).not.toMatch(/Unhandled|uncaught|RangeError: Maximum call stack|heap out of memory/i);
    expect(wallMs).toBeLessThan(60_000);
  });
}
