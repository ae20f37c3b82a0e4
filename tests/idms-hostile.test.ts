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
type Mode = 'html-discovery' | 'token-500' | 'malformed-jwt' | 'blank-refusals';

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
    if (url.pathname === '/.well-known/openid-configuration') {
      if (mode === 'html-discovery') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Welcome to nginx!</title></head><body>It works</body></html>');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: base, authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks`, id_token_signing_alg_values_supported: ['ES256'] }));
    } else if (url.pathname === '/jwks') {
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
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ access_token: 'opaque-not-a-jwt', id_token: 'eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2lnbmF0dXJl', refresh_token: 'stub-refresh-token', token_type: 'Bearer', expires_in: 300 }));
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

async function runAgainstStub(m: Mode, grep: string, scopes = ['openid', '3gpp:mc:ptt_service']): Promise<{ results: Results; exitCode: number; byId: Map<string, Results['requirements'][number]> }> {
  mode = m;
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
  return { results, exitCode: out.exitCode, byId: new Map(results.requirements.map((r) => [r.id, r])) };
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
