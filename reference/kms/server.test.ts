import { test, expect } from '@playwright/test';
import { startKms } from './index.ts';
import { kmsClient, startStandInIdms, testContext, type StandInIdms, type TestContext } from './test-kit.ts';
import type { RunningComponent } from '../component.ts';

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

test('start describes the KMS section of the target file', () => {
  const section = kms.target.kms as Record<string, unknown>;
  expect(section.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/keymanagement\/identity\/v1$/);
  expect(section.kmsUri).toBe('kms.mcx.example.org');
  expect(section.trk).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{8}$/), keyHex: { env: 'MCX_REF_TRK' } });
  expect(kms.secretEnv.MCX_REF_TRK).toMatch(/^[0-9a-f]{64}$/);
  expect(kms.ics['kms.cert-cache']).toBe(true);
});

test('D.2.1 only POST: other methods get 405 with a KmsError body', async () => {
  const res = await client.send(`${base}/init`, { method: 'GET', token: await idms.mint() });
  expect(res.status).toBe(405);
  expect(res.headers.allow).toBe('POST');
  expect(res.body).toContain('<KmsError>');
});

test('unknown resources get 404 with a KmsError body', async () => {
  const res = await client.send(`${base}/nothing`, { token: await idms.mint() });
  expect(res.status).toBe(404);
  expect(res.body).toContain('<KmsError>');
});

test('5.1.3.1 a request without an access token gets 401 and a Bearer challenge', async () => {
  const res = await client.send(`${base}/init`);
  expect(res.status).toBe(401);
  expect(String(res.headers['www-authenticate'])).toMatch(/^Bearer error="invalid_token"/);
  expect(res.body).toContain('<KmsError>');
});

