import { test, expect } from '@playwright/test';
import { createServer, type Server } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { stringify as toYaml } from 'yaml';
import { createServerTls } from '../reference/tls.ts';
import { runConformance } from '../cli/commands/run.ts';
import type { Results } from '../lib/report/types.ts';

/**
 * The idms suite against a hostile IdMS stub: discovery answering HTML, a
 * token endpoint answering 500, tokens that are not JWTs. Every affected
 * requirement must end FAIL or INCONCLUSIVE with the exact reason, and the
 * run must finish (exit 1), never crash. An IdMS that answers a request it
 * must refuse with neither a code nor a refusal (a page the login driver
 * cannot act on) does not pass the refusal requirements.
 */
type Mode =
  | 'html-discovery'
  | 'token-500'
  | 'malformed-jwt'
  | 'blank-refusals'
  // Hostile serialisations (bounded reader, lib/http/json.ts):
  | 'deep-discovery'
  | 'huge-discovery'
  | 'jwks-100k-keys'
  | 'big-jwt-header'
  | 'text-plain-discovery'
  | 'duplicate-discovery'
  | 'latin1-discovery'
  | 'text-plain-token';

/** Wall-time bound of one hostile run here: the healthy stub run takes a few seconds; the bound is healthy + 30 s. */
const HOSTILE_BOUND_MS = 45_000;

let mode: Mode = 'html-discovery';
let server: Server;
let base: string;
let dir: string;
let caPem: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcx-hostile-'));
  const tls = await createServerTls(dir);
  caPem = tls.caPem;
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'stub', alg: 'ES256', use: 'sig' };
  server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const url = new URL(req.url ?? '/', base);
    res.on('error', () => undefined);
    if (url.pathname === '/.well-known/openid-configuration') {
      if (mode === 'html-discovery') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Welcome to nginx!</title></head><body>It works</body></html>');
        return;
      }
      const meta = JSON.stringify({ issuer: base, authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks`, id_token_signing_alg_values_supported: ['ES256'] });
      if (mode === 'deep-discovery') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(meta.replace(/\}$/, `,"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`));
        return;
      }
      if (mode === 'huge-discovery') {
        // 200 MB of one string member, streamed: the client must stop at its limit, not wait for it all.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(meta.replace(/\}$/, ',"x":"'));
        const chunk = Buffer.alloc(1024 * 1024, 0x61);
        let left = 200;
        const pump = () => {
          while (left > 0 && !res.destroyed) {
            left--;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end('"}');
        };
        pump();
        return;
      }
      if (mode === 'text-plain-discovery') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(meta);
      if (mode === 'duplicate-discovery') return void res.writeHead(200, { 'content-type': 'application/json' }).end(meta.replace(/^\{/, `{"issuer":"https://other.example",`));
      if (mode === 'latin1-discovery') return void res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.concat([Buffer.from(meta.replace(/\}$/, ',"x_note":"caf')), Buffer.from([0xe9]), Buffer.from('"}')]));
      res.writeHead(200, { 'content-type': 'application/json' }).end(meta);
    } else if (url.pathname === '/jwks') {
      if (mode === 'jwks-100k-keys') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(`{"keys":[${Array.from({ length: 100_000 }, () => '{"kty":"EC"}').join(',')}]}`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    } else if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (mode === 'blank-refusals' && (q.get('client_id') !== 'mcx-client' || !q.get('code_challenge') || q.get('code_challenge_method') !== 'S256')) {
        // Neither a code nor a refusal: a page with nothing to act on (what a broken or script-only IdMS page looks like to the driver).
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Loading</title></head><body>Please wait</body></html>');
        return;
      }
      // An IdMS with an SSO session: straight back to the client with a code.
      const back = new URL(url.searchParams.get('redirect_uri') ?? `${base}/cb`);
      back.searchParams.set('code', 'stub-code-0123456789');
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() }).end();
    } else if (url.pathname === '/token') {
      req.resume();
      if (mode === 'token-500') {
        res.writeHead(500, { 'content-type': 'text/html' }).end('<html><title>500 Internal Server Error</title><body>upstream failed</body></html>');
        return;
      }
      if (mode === 'big-jwt-header') {
        const header = Buffer.from(JSON.stringify({ alg: 'ES256', x: 'h'.repeat(512 * 1024) })).toString('base64url');
        const claims = Buffer.from(JSON.stringify({ iss: base, sub: 'alice' })).toString('base64url');
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ access_token: 'opaque-not-a-jwt', id_token: `${header}.${claims}.c2ln`, refresh_token: 'stub-refresh-token', token_type: 'Bearer', expires_in: 300 }));
        return;
      }
      res.writeHead(200, { 'content-type': mode === 'text-plain-token' ? 'text/plain' : 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ access_token: 'opaque-not-a-jwt', id_token: 'eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2lnbmF0dXJl', refresh_token: 'stub-refresh-token', token_type: 'Bearer', expires_in: 300 }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

async function runAgainstStub(m: Mode, grep: string, scopes = ['openid', '3gpp:mc:ptt_service']): Promise<{ results: Results; exitCode: number; byId: Map<string, Results['requirements'][number]>; wallMs: number }> {
  mode = m;
  const started = Date.now();
  const file = join(dir, `${m}.yaml`);
  writeFileSync(
    file,
    toYaml({
      name: `hostile IdMS stub (${m})`,
      tls: { caPem, verify: true },
      ics: {},
      idms: {
        issuer: base,
        clientId: 'mcx-client',
        redirectUri: `${base}/cb`,
        login: { mode: 'form' },
        scopes,
        users: [{ label: 'alice', username: 'alice', password: { env: 'MCX_HOSTILE_PASSWORD' } }],
      },
    }),
  );
  const out = await runConformance({ target: file, roles: ['idms'], grep, reportDir: join(dir, `report-${m}`), quiet: true, env: { MCX_HOSTILE_PASSWORD: 'hostile-stub-password' } });
  const results = out.results as Results;
  expect(results, out.output.slice(-3000)).toBeDefined();
  const wallMs = Date.now() - started;
  console.log(`hostile IdMS mode ${m}: ${wallMs} ms`);
  return { results, exitCode: out.exitCode, byId: new Map(results.requirements.map((r) => [r.id, r])), wallMs };
}

test('discovery answering HTML: every tested requirement INCONCLUSIVE, naming the HTML answer', async () => {
  test.setTimeout(180_000);
  const { results, exitCode } = await runAgainstStub('html-discovery', '5\\.1\\.2\\.1|B\\.2\\.1|B\\.4\\.2\\.5');
  // Requirements the stub's ICS does not claim (e.g. client authentication) stay not-applicable whatever happens.
  const tested = results.requirements.filter((r) => r.verdict !== 'not-applicable' && r.tests.some((t) => t.verdict !== 'not-tested'));
  expect(tested.length).toBeGreaterThan(3);
  for (const r of tested) {
    expect(r.verdict, r.id).toBe('inconclusive');
    expect(r.reason ?? '', r.id).toMatch(/discovery document answered 200 with text\/html that is not JSON: HTML \(Welcome to nginx!/);
  }
  expect(exitCode).toBe(1);
});

test('token endpoint answering 500: the login-based requirements INCONCLUSIVE with the status and page', async () => {
  test.setTimeout(180_000);
  const { byId, exitCode } = await runAgainstStub('token-500', 'B\\.2\\.1|B\\.4\\.2\\.5');
  for (const id of ['MCXSEC-B.2.1.1-01', 'MCXSEC-B.2.1.2-01', 'MCXSEC-B.4.2.5-05']) {
    const r = byId.get(id)!;
    expect(r.verdict, id).toBe('inconclusive');
    expect(r.reason ?? '', id).toMatch(/token endpoint answered 500 with text\/html that is not JSON: HTML \(500 Internal Server Error/);
  }
  expect(exitCode).toBe(1);
});

test('tokens that are not JWTs: ID and access token requirements FAIL with the decoding reason', async () => {
  test.setTimeout(180_000);
  const { byId, exitCode } = await runAgainstStub('malformed-jwt', 'B\\.2\\.1\\.1|B\\.2\\.2 access token|B\\.4\\.2\\.5');
  expect(byId.get('MCXSEC-B.2.1.1-01')).toMatchObject({ verdict: 'fail' });
  expect(JSON.stringify(byId.get('MCXSEC-B.2.1.1-01'))).toMatch(/not a decodable JWT/);
  expect(byId.get('MCXSEC-B.2.2.1-01')).toMatchObject({ verdict: 'fail' });
  expect(JSON.stringify(byId.get('MCXSEC-B.2.2.1-01'))).toMatch(/not a compact JWS: 1 dot-separated part/);
  // The rest of the token response is fine and judged as such.
  expect(byId.get('MCXSEC-B.4.2.5-05')).toMatchObject({ verdict: 'pass' });
  expect(exitCode).toBe(1);
});

test('authentication requests answered with a blank page: the refusal requirements INCONCLUSIVE, never PASS', async () => {
  test.setTimeout(180_000);
  const { byId, exitCode } = await runAgainstStub('blank-refusals', 'unregistered client_id|without code_challenge|code_challenge_method plain');
  for (const id of ['MCXSEC-B.3-01', 'MCXSEC-B.4.2.2-02', 'MCXSEC-B.4.2.2-07', 'MCXSEC-B.4.2.2-08']) {
    const r = byId.get(id)!;
    expect(r.verdict, id).toBe('inconclusive');
    expect(r.reason ?? '', id).toMatch(/no code, but no refusal either: the login driver stopped at page 200 with no form to act on/);
  }
  expect(exitCode).toBe(1);
});

test('a refresh with a wider scope answered 200 with no visible scope: B.5.2-01 INCONCLUSIVE, never PASS', async () => {
  test.setTimeout(180_000);
  const { byId } = await runAgainstStub('malformed-jwt', 'wider scope', ['openid', '3gpp:mc:ptt_service', '3gpp:mc:ptt_key_management_service', '3gpp:mc:video_service']);
  const r = byId.get('MCXSEC-B.5.2-01')!;
  expect(r.verdict).toBe('inconclusive');
  expect(r.reason ?? '').toMatch(/neither the response nor the access token shows the scope granted/);
});

const tested = (results: Results) => results.requirements.filter((r) => r.verdict !== 'not-applicable' && r.tests.some((t) => t.verdict !== 'not-tested'));

for (const [m, reason] of [
  ['deep-discovery', /discovery document answered 200: the document nests deeper than the limit of 32 levels/],
  ['huge-discovery', /discovery document answered 200 with a body that exceeds the 2 MiB limit/],
  ['jwks-100k-keys', /JWKS answered 200: the document has an array \(keys\) with more than the limit of 1000 elements/],
] as const) {
  test(`${m}: every tested requirement INCONCLUSIVE naming the limit, no crash, in bounded time`, async () => {
    test.setTimeout(180_000);
    const { results, exitCode, wallMs } = await runAgainstStub(m, '5\\.1\\.2\\.1|B\\.2\\.1|B\\.4\\.2\\.5');
    expect(results.defects ?? []).toEqual([]);
    const t = tested(results);
    expect(t.length).toBeGreaterThan(3);
    for (const r of t) {
      expect(r.verdict, r.id).toBe('inconclusive');
      expect(r.reason ?? '', r.id).toMatch(reason);
    }
    expect(exitCode).toBe(1);
    expect(wallMs).toBeLessThan(HOSTILE_BOUND_MS);
  });
}

test('a JWT with a 512 KiB header: the token requirements FAIL naming the JWT header limit', async () => {
  test.setTimeout(180_000);
  const { byId, results, wallMs } = await runAgainstStub('big-jwt-header', 'B\\.2\\.1\\.1|B\\.2\\.2 access token');
  expect(results.defects ?? []).toEqual([]);
  expect(byId.get('MCXSEC-B.2.1.1-01'), JSON.stringify(byId.get('MCXSEC-B.2.1.1-01'))).toMatchObject({ verdict: 'fail' });
  expect(JSON.stringify(byId.get('MCXSEC-B.2.1.1-01'))).toMatch(/the JWT header \(\d+ bytes\) exceeds the 16 KiB limit/);
  expect(wallMs).toBeLessThan(HOSTILE_BOUND_MS);
});

test('discovery served as text/plain: 5.1.2.1-09 FAIL naming the Content-Type, never PASS', async () => {
  test.setTimeout(180_000);
  const { byId, wallMs } = await runAgainstStub('text-plain-discovery', '5\\.1\\.2\\.1 provider metadata');
  expect(byId.get('MCXSEC-5.1.2.1-09')).toMatchObject({ verdict: 'fail' });
  expect(JSON.stringify(byId.get('MCXSEC-5.1.2.1-09'))).toMatch(/text\/plain/);
  expect(wallMs).toBeLessThan(HOSTILE_BOUND_MS);
});

test('discovery naming issuer twice: 5.1.2.1-10 FAIL naming the member', async () => {
  test.setTimeout(180_000);
  const { byId, wallMs } = await runAgainstStub('duplicate-discovery', '5\\.1\\.2\\.1 provider metadata');
  expect(byId.get('MCXSEC-5.1.2.1-10')).toMatchObject({ verdict: 'fail' });
  expect(JSON.stringify(byId.get('MCXSEC-5.1.2.1-10'))).toMatch(/member name\(s\) repeated: issuer/);
  expect(wallMs).toBeLessThan(HOSTILE_BOUND_MS);
});

test('discovery with a Latin-1 byte: 5.1.2.1-11 FAIL naming the offset, and no slowdown', async () => {
  test.setTimeout(180_000);
  const { byId, wallMs } = await runAgainstStub('latin1-discovery', '5\\.1\\.2\\.1 provider metadata');
  expect(byId.get('MCXSEC-5.1.2.1-11')).toMatchObject({ verdict: 'fail' });
  expect(JSON.stringify(byId.get('MCXSEC-5.1.2.1-11'))).toMatch(/discovery document: invalid UTF-8 at byte \d+/);
  expect(wallMs).toBeLessThan(HOSTILE_BOUND_MS);
});

test('token response served as text/plain: B.4.2.5-06 FAIL naming the Content-Type', async () => {
  test.setTimeout(180_000);
  const { byId, wallMs } = await runAgainstStub('text-plain-token', 'B\\.4\\.2\\.5');
  expect(byId.get('MCXSEC-B.4.2.5-06')).toMatchObject({ verdict: 'fail' });
  expect(JSON.stringify(byId.get('MCXSEC-B.4.2.5-06'))).toMatch(/text\/plain/);
  expect(wallMs).toBeLessThan(HOSTILE_BOUND_MS);
});

test('the whole idms suite: each hostile serialisation finishes within the answering stub run plus 30 s', async () => {
  test.setTimeout(600_000);
  // The answering stub (tokens not JWTs, everything else served) is the baseline: same suite, same stub, all tests.
  const baseline = await runAgainstStub('malformed-jwt', '.');
  const times: Record<string, number> = { baseline: baseline.wallMs };
  for (const m of ['deep-discovery', 'huge-discovery', 'jwks-100k-keys', 'latin1-discovery'] as const) {
    const { wallMs, results } = await runAgainstStub(m, '.');
    expect(results.defects ?? [], m).toEqual([]);
    times[m] = wallMs;
  }
  console.log(`whole idms suite against the stub, wall ms: ${JSON.stringify(times)}`);
  for (const [m, ms] of Object.entries(times)) expect(ms, m).toBeLessThan(baseline.wallMs + 30_000);
});
