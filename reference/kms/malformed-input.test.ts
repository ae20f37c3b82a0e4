import { connect } from 'node:tls';
import { test, expect } from '@playwright/test';
import { startKms } from './index.ts';
import { kmsClient, startStandInIdms, testContext, type StandInIdms, type TestContext } from './test-kit.ts';
import type { RunningComponent } from '../component.ts';

/**
 * Issue 5 item 5: malformed or hostile requests get an HTTP error with a
 * KmsError body, never a crash or a hang, and the KMS answers correctly
 * afterwards.
 */
let env: TestContext;
let idms: StandInIdms;
let kms: RunningComponent;
let client: ReturnType<typeof kmsClient>;
let base: string;

test.beforeAll(async () => {
  env = await testContext();
  idms = await startStandInIdms(env.ctx.tls);
  kms = await startKms(env.ctx, idms.trust);
  client = kmsClient(env.ctx.tls);
  base = (kms.target.kms as { baseUrl: string }).baseUrl;
});
test.afterAll(async () => {
  await client?.close();
  await kms?.stop();
  await idms?.stop();
  env?.cleanup();
});

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<KmsRequest xmlns="urn:3gpp:ns:mcsecKMSInterface:1.0"><UserUri>&lol4;</UserUri></KmsRequest>`;
const EXTERNAL_ENTITY = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><KmsRequest xmlns="urn:3gpp:ns:mcsecKMSInterface:1.0"><UserUri>&x;</UserUri></KmsRequest>`;

/** Sends raw bytes over TLS and returns what the server answers before closing. */
function rawExchange(request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(base).port), ca: env.ctx.tls.caPem, servername: 'localhost' });
    let out = '';
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('error', () => resolve(out));
    socket.on('close', () => resolve(out));
    socket.setTimeout(10_000, () => socket.destroy());
    socket.write(request);
  });
}

/** Deterministic pseudo-random bytes (seeded), so a failure can be replayed. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      out[i] = s >>> 24;
    }
    return out;
  };
}

test('a burst of malformed requests gets HTTP errors with KmsError bodies, and the KMS still answers after', async () => {
  test.setTimeout(60_000);
  const token = await idms.mint();
  const random = seeded(0x5eed);
  const deepJwt = `${Buffer.from('{"alg":"ES256","typ":"JWT"}').toString('base64url')}.${Buffer.from(`{"a":${'['.repeat(4_500)}${']'.repeat(4_500)}}`).toString('base64url')}.AAAA`;
  const cases: { name: string; path?: string; method?: string; body?: string; contentType?: string; token?: string; status: number[] }[] = [
    { name: 'garbage XML', body: '<KmsRequest><unclosed>', status: [400] },
    { name: 'not XML', body: 'hello world', status: [400] },
    { name: 'billion laughs', body: BILLION_LAUGHS, status: [400] },
    { name: 'external entity', body: EXTERNAL_ENTITY, status: [400] },
    { name: 'wrong root', body: '<?xml version="1.0"?><Other xmlns="urn:x"/>', status: [400] },
    { name: 'wrong content type', body: '<KmsRequest/>', contentType: 'application/json', status: [415] },
    { name: 'form content type', body: 'a=b', contentType: 'application/x-www-form-urlencoded', status: [415] },
    { name: 'PUT', method: 'PUT', status: [405] },
    { name: 'DELETE', method: 'DELETE', status: [405] },
    { name: 'bad percent-encoding', path: '/lookup/%E0%A4%A', status: [400] },
    { name: 'path traversal', path: '/../../etc/passwd', status: [404] },
    { name: 'deep nesting', body: `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`, status: [400] },
    { name: 'binary body', body: random(2048).toString('latin1'), status: [400] },
    { name: 'invalid UTF-8', body: Buffer.from([0x3c, 0xff, 0xfe, 0x3e]).toString('latin1'), status: [400] },
    { name: 'very deep nesting', body: `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`, status: [400, 413] },
    { name: 'bearer token with a claim set 4,500 levels deep (about as deep as fits the 16 KiB header limit)', token: deepJwt, status: [401] },
  ];
  for (let i = 0; i < 20; i++) cases.push({ name: `random ${i}`, body: `<KmsRequest>${random(64 + i * 13).toString('base64')}`, status: [400] });

  // Eight at a time: a burst, not a queue.
  for (let i = 0; i < cases.length; i += 8) {
    await Promise.all(
      cases.slice(i, i + 8).map(async (c) => {
        const res = await client.send(`${base}${c.path ?? '/init'}`, { method: c.method, token: c.token ?? token, body: c.body, contentType: c.contentType });
        expect.soft(c.status, `${c.name}: status ${res.status}`).toContain(res.status);
        expect.soft(res.body, `${c.name}: KmsError body`).toContain('<KmsError>');
      }),
    );
  }

  // Headers over Node's limit: refused at the HTTP layer, still with a KmsError body.
  const bigHeader = await rawExchange(`POST /keymanagement/identity/v1/init HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  expect(bigHeader).toMatch(/^HTTP\/1\.1 431 /);
  expect(bigHeader).toContain('<KmsError>');

  // Oversized body: refused without being read.
  const huge = await client.send(`${base}/init`, { token, body: `<KmsRequest>${'x'.repeat(2 * 1024 * 1024)}</KmsRequest>` }).catch((err: Error) => err);
  if (!(huge instanceof Error)) {
    expect(huge.status).toBe(413);
    expect(huge.body).toContain('<KmsError>');
  }

  // A half-sent request and a TLS client that says nothing: the server keeps serving others.
  const idle = connect({ host: '127.0.0.1', port: Number(new URL(base).port), ca: env.ctx.tls.caPem, servername: 'localhost' });
  idle.on('error', () => undefined);
  idle.write('POST /keymanagement/identity/v1/init HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<Kms');

  const after = await client.send(`${base}/init`);
  expect(after.status).toBe(401);
  const ok = await client.send(`${base}/init`, { token });
  expect(ok.status).toBe(200);
  expect(ok.body).toContain('<KmsCertificate Version="1.1.0" Role="Root">');
  idle.destroy();
});
