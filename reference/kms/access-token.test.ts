import { test, expect } from '@playwright/test';
import { createTokenVerifier } from './access-token.ts';
import { FaultSet } from '../fault.ts';
import { ALICE, startStandInIdms, testContext, type StandInIdms, type TestContext } from './test-kit.ts';

let env: TestContext;
let idms: StandInIdms;

test.beforeAll(async () => {
  env = await testContext();
  idms = await startStandInIdms(env.ctx.tls);
});
test.afterAll(async () => {
  await idms?.stop();
  env?.cleanup();
});

const verifier = (faults: string[] = []) => createTokenVerifier(idms.trust, env.ctx.tls.caPem, new FaultSet(faults));

test('5.1.3.1 a valid token scoped for key management grants its MC service IDs', async () => {
  const token = await idms.mint({
    scope: 'openid 3gpp:mc:ptt_key_management_service 3gpp:mc:data_key_management_service 3gpp:mc:auth:role:client:ptt',
    mcdata_id: 'sip:alice-data@mcx.example.org',
    mcvideo_id: 'sip:alice-video@mcx.example.org',
  });
  const r = await verifier()(`Bearer ${token}`);
  expect(r).toEqual({
    ok: true,
    grant: {
      identities: [ALICE, 'sip:alice-data@mcx.example.org'],
      scopes: ['openid', '3gpp:mc:ptt_key_management_service', '3gpp:mc:data_key_management_service', '3gpp:mc:auth:role:client:ptt'],
      authorisationScopes: ['3gpp:mc:auth:role:client:ptt'],
    },
  });
});

test('B.2.2 tokens that are missing, expired, unscoped or signed by an unknown key are refused', async () => {
  const check = verifier();
  expect(await check(undefined)).toMatchObject({ ok: false, status: 401 });
  expect(await check('Basic abc')).toMatchObject({ ok: false, status: 401 });
  expect(await check(`Bearer ${await idms.mint({}, { expiresInSeconds: -120 })}`)).toMatchObject({ ok: false, status: 401, reason: /expired/ });
  expect(await check(`Bearer ${await idms.mint({}, { foreignKey: true })}`)).toMatchObject({ ok: false, status: 401 });
  expect(await check(`Bearer ${await idms.mint({ scope: 'openid 3gpp:mc:ptt_service' })}`)).toMatchObject({ ok: false, status: 403, error: 'insufficient_scope' });
  expect(await check(`Bearer ${await idms.mint({ iss: 'https://other.invalid' })}`)).toMatchObject({ ok: false, status: 401 });
  expect(await check('Bearer not.a.jwt')).toMatchObject({ ok: false, status: 401 });
});

test('fault kms.accepts-missing-token accepts a request without a token', async () => {
  expect(await verifier(['kms.accepts-missing-token'])(undefined)).toMatchObject({ ok: true, grant: { unauthenticated: true } });
});
