import { test, expect } from '@playwright/test';
import { connect } from 'node:tls';
import { startPair, type RunningPair } from './test-pair.ts';
import { authorize, basic, pkcePair } from './test-kit.ts';

/**
 * Issue 5 item 5: a seeded burst of malformed and hostile requests against
 * both IdMS instances. Every one gets an answer below 500 (OAuth error JSON
 * at the token endpoints), none hangs, and afterwards the IdMS still runs a
 * complete code flow, token exchange and JWT-bearer grant.
 */
const BURST = 300;
const SEED = 0x5eed_33180;

/** mulberry32: small, seeded, good enough to pick mutations reproducibly. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Req {
  url: string;
  method?: string;
  body?: string;
  headers: Record<string, string>;
  /** Token endpoints must answer errors as OAuth JSON. */
  oauthJson: boolean;
}

function generator(p: RunningPair, seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
  const junk = (): string =>
    pick([
      () => '',
      () => bytes(1 + Math.floor(r() * 40)).toString('latin1'),
      () => 'x'.repeat(1 + Math.floor(r() * 70_000)),
      () => `${bytes(12).toString('base64url')}.${bytes(40).toString('base64url')}.${bytes(64).toString('base64url')}`,
      () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"alice-0001","iss":"x"}').toString('base64url')}.`,
      () => `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'k'.repeat(5000) })).toString('base64url')}.e30.AAAA`,
      () => '../../etc/passwd',
      () => '%00%ff%fe',
      () => '<script>alert(1)</script>',
      () => '{"a":'.repeat(500),
      // Hostile nesting: a JWT whose claim set is 20,000 objects deep, and a JSON text 50,000 arrays deep.
      () => `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`).toString('base64url')}.AAAA`,
      () => '['.repeat(50_000),
      () => p.partner.tokenEndpoint,
    ])();
  const grants = ['authorization_code', 'refresh_token', 'client_credentials', 'implicit', 'password', 'urn:ietf:params:oauth:grant-type:token-exchange', 'urn:ietf:params:oauth:grant-type:jwt-bearer', '', 'x'.repeat(300)];
  const params = ['grant_type', 'code', 'code_verifier', 'redirect_uri', 'refresh_token', 'scope', 'subject_token', 'subject_token_type', 'resource', 'assertion', 'client_id', 'client_secret', 'requested_token_type', 'audience', 'actor_token'];
  const formBody = () => {
    const q = new URLSearchParams();
    q.append('grant_type', pick(grants));
    for (let i = Math.floor(r() * 6); i > 0; i -= 1) q.append(pick(params), junk());
    return q.toString();
  };
  const contentTypes = ['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=bogus', ''];
  const auths = (): Record<string, string> =>
    pick<Record<string, string>>([
      {},
      { authorization: basic(p.idms.clientId, p.idms.clientSecret) },
      { authorization: basic(p.idms.clientId, 'wrong') },
      { authorization: 'Basic %%%' },
      { authorization: `Basic ${Buffer.from(junk().slice(0, 2000)).toString('base64')}` },
      { authorization: 'Bearer x' },
    ]);
  return (): Req => {
    const kind = r();
    if (kind < 0.45) {
      const url = pick([`${p.idms.issuer}/token`, p.partner.tokenEndpoint]);
      const ct = pick(contentTypes);
      return { url, method: 'POST', body: r() < 0.85 ? formBody() : junk(), headers: { ...(ct ? { 'content-type': ct } : {}), ...auths() }, oauthJson: true };
    }
    if (kind < 0.7) {
      const q = new URLSearchParams();
      for (const k of ['response_type', 'client_id', 'scope', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method', 'acr_values', 'nonce', 'request', 'prompt']) {
        if (r() < 0.6) q.set(k, r() < 0.5 ? junk().slice(0, 3000) : pick(['code', p.idms.clientId, 'openid', p.idms.redirectUri, 'S256', 'plain']));
      }
      return { url: `${p.idms.issuer}/authorize?${q}`, method: pick(['GET', 'GET', 'POST']), headers: {}, oauthJson: false };
    }
    if (kind < 0.85) {
      const uid = pick(['', 'abc', junk().slice(0, 100), 'x'.repeat(3000)]);
      return {
        url: `${p.idms.issuer}/interaction/${encodeURIComponent(uid)}${pick(['', '/login', '/abort', '/x'])}`,
        method: pick(['GET', 'POST', 'PUT']),
        body: `username=${encodeURIComponent(junk().slice(0, 500))}&password=${encodeURIComponent(junk().slice(0, 500))}`,
        headers: { 'content-type': pick(contentTypes) || 'text/plain', cookie: `_interaction=${encodeURIComponent(junk().slice(0, 200))}` },
        oauthJson: false,
      };
    }
    return {
      url: pick([p.idms.issuer, p.partner.issuer]) + pick(['/jwks', '/.well-known/openid-configuration', '/nope', '/token', '/cb', '/authorize/xyz', '/%2e%2e/%2e%2e']),
      method: pick(['GET', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']),
      headers: {},
      oauthJson: false,
    };
  };
}

test('a seeded burst of malformed requests gets 4xx answers, then the IdMS pair still works', async () => {
  test.setTimeout(120_000);
  const pair = await startPair();
  try {
    const next = generator(pair, SEED);
    const problems: string[] = [];
    const queue = Array.from({ length: BURST }, next);
    const worker = async () => {
      for (let req = queue.shift(); req; req = queue.shift()) {
        const desc = `${req.method} ${req.url.slice(0, 120)}`;
        try {
          const res = await pair.client.send(req.url, { method: req.method, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body, headers: req.headers });
          if (res.status >= 500) problems.push(`${desc}: HTTP ${res.status}`);
          if (req.oauthJson && res.status >= 400 && res.status !== 431 && typeof res.json?.error !== 'string') problems.push(`${desc}: HTTP ${res.status} without OAuth error JSON`);
        } catch (err) {
          problems.push(`${desc}: ${(err as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(problems).toEqual([]);
    await expectStillWorking(pair);
  } finally {
    await pair.stop();
  }
});

test('non-HTTP bytes and a stalled connection neither crash nor block the IdMS', async () => {
  const pair = await startPair();
  const url = new URL(pair.idms.issuer);
  const open = (payload: string) =>
    new Promise<{ reply: string; socket: ReturnType<typeof connect> }>((resolve, reject) => {
      const socket = connect({ host: url.hostname, port: Number(url.port), ca: pair.caPem }, () => {
        socket.write(payload);
        let reply = '';
        socket.on('data', (d) => (reply += d));
        socket.on('end', () => resolve({ reply, socket }));
        if (!payload.endsWith('\r\n\r\n')) setTimeout(() => resolve({ reply, socket }), 300);
      });
      socket.on('error', reject);
    });
  try {
    const garbage = await open('\x16\x03\x01 NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.reply).toMatch(/^HTTP\/1\.1 400/);
    const stalled = await open('POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n');
    await expectStillWorking(pair);
    stalled.socket.destroy();
  } finally {
    await pair.stop();
  }
});

async function expectStillWorking(pair: RunningPair): Promise<void> {
  const { verifier, challenge } = pkcePair();
  const a = await authorize(pair.client, pair.idms, { challenge });
  const code = a.location?.searchParams.get('code');
  expect(code, a.reply.text).toBeTruthy();
  const headers = { authorization: basic(pair.idms.clientId, pair.idms.clientSecret) };
  const tok = await pair.client.send(`${pair.idms.issuer}/token`, { form: { grant_type: 'authorization_code', code: code!, redirect_uri: pair.idms.redirectUri, code_verifier: verifier }, headers });
  expect(tok.status, tok.text).toBe(200);
  const x = await pair.client.send(`${pair.idms.issuer}/token`, {
    form: { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: tok.json.access_token, subject_token_type: 'urn:ietf:params:oauth:token-type:jwt', resource: pair.partner.tokenEndpoint },
    headers,
  });
  expect(x.status, x.text).toBe(200);
  const j = await pair.client.send(pair.partner.tokenEndpoint, {
    form: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: x.json.access_token, client_id: pair.partner.clientId, scope: '3gpp:mc:ptt_service' },
  });
  expect(j.status, j.text).toBe(200);
}
