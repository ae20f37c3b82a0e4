import { test, expect } from '@playwright/test';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { checkWrongAudienceInput, type WrongAudienceExpectation } from './wrong-audience-input.ts';

const ISSUER = 'https://idms.example.org';
const NOW = 2_000_000_000;

async function keys() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] } };
}

const sign = (claims: JWTPayload, key: CryptoKey) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key);

test('a wrong-audience token is accepted as input only when it is this IdMS\'s, verifies, is unexpired and shares no aud with an accepted token', async () => {
  const { privateKey, jwks } = await keys();
  const other = await keys();
  const base = { iss: ISSUER, aud: ['https://other-resource.example.org'], sub: 'alice', iat: NOW - 10, exp: NOW + 600 };
  const e: WrongAudienceExpectation = { issuer: ISSUER, acceptedAudience: ['https://kms.example.org', 'mcx-client'], jwks, now: NOW };
  const good = await checkWrongAudienceInput(await sign(base, privateKey), e);
  expect(good).toEqual({ ok: true, audience: ['https://other-resource.example.org'] });

  const reasonOf = async (raw: string | undefined, x: WrongAudienceExpectation = e) => {
    const r = await checkWrongAudienceInput(raw, x);
    expect(r.ok).toBe(false);
    const reason = r.ok ? '' : r.reason;
    expect(reason).toMatch(/^kms\.wrongAudienceAccessToken /);
    expect(reason).toContain('to obtain one:');
    return reason;
  };
  expect(await reasonOf(undefined)).toContain('is not given');
  expect(await reasonOf('not-a-jwt')).toContain('is not a JWT');
  expect(await reasonOf(await sign({ ...base, iss: 'https://elsewhere.example' }, privateKey))).toContain('not this IdMS');
  expect(await reasonOf(await sign(base, other.privateKey))).toContain('does not verify');
  expect(await reasonOf(await sign(base, privateKey), { ...e, jwks: undefined })).toContain('JWKS could not be read');
  expect(await reasonOf(await sign({ ...base, exp: NOW + 10 }, privateKey))).toContain('unexpired');
  expect(await reasonOf(await sign({ ...base, aud: undefined }, privateKey))).toContain('has no aud');
  expect(await reasonOf(await sign({ ...base, aud: ['https://other-resource.example.org', 'mcx-client'] }, privateKey))).toContain('shares ["mcx-client"]');
});

test('for the MCX server the field and the service scope are checked too', async () => {
  const { privateKey, jwks } = await keys();
  const field = { name: 'mcxServer.wrongAudienceAccessToken', server: 'the MCX server', scope: 'the service scope', scopes: ['3gpp:mc:ptt_service'] };
  const e: WrongAudienceExpectation = { field, issuer: ISSUER, acceptedAudience: ['https://mcx.example.org'], jwks, now: NOW };
  const base = { iss: ISSUER, aud: ['https://other-resource.example.org'], sub: 'alice', iat: NOW - 10, exp: NOW + 600, scope: 'openid 3gpp:mc:ptt_service' };
  expect(await checkWrongAudienceInput(await sign(base, privateKey), e)).toEqual({ ok: true, audience: ['https://other-resource.example.org'] });
  const r = await checkWrongAudienceInput(await sign({ ...base, scope: 'openid' }, privateKey), e);
  expect(r.ok).toBe(false);
  expect(r.ok ? '' : r.reason).toMatch(/^mcxServer\.wrongAudienceAccessToken has scope "openid", without 3gpp:mc:ptt_service: .*to obtain one: log the first test user in with the service scope/);
  const shared = await checkWrongAudienceInput(await sign({ ...base, aud: 'https://mcx.example.org' }, privateKey), e);
  expect(shared.ok ? '' : shared.reason).toContain('with the token the MCX server accepts');
});
