import { test, expect } from '@playwright/test';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { checkExpiredInput, type ExpiredInputExpectation } from './expired-inputs.ts';

const ISSUER = 'https://idms.example.org';
const CLIENT = 'mcx-client';
const PARTNER = 'https://partner.example.org/token';
const NOW = 2_000_000_000;

async function keys() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] } };
}

async function sign(claims: JWTPayload, key: CryptoKey | Uint8Array | object): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key as CryptoKey);
}

test('an expired token of this IdMS for this client is accepted as input, anything else names the field and how to obtain it', async () => {
  const { privateKey, jwks } = await keys();
  const other = await keys();
  const base = { iss: ISSUER, aud: ['https://kms.example.org'], client_id: CLIENT, sub: 'alice', iat: NOW - 700, exp: NOW - 600 };
  const e: ExpiredInputExpectation = { field: 'idms.expiredAccessToken', issuer: ISSUER, clientId: CLIENT, jwks, now: NOW };
  const good = await checkExpiredInput(await sign(base, privateKey), e);
  expect(good.ok && good.expiredSecondsAgo).toBe(600);

  const reasonOf = async (raw: string | undefined, x: ExpiredInputExpectation = e) => {
    const r = await checkExpiredInput(raw, x);
    expect(r.ok).toBe(false);
    const reason = r.ok ? '' : r.reason;
    expect(reason).toMatch(new RegExp(`^${x.field.replace('.', '\\.')} .*; to obtain one: `));
    return reason;
  };
  expect(await reasonOf(undefined)).toContain('is not given');
  expect(await reasonOf('not-a-jwt')).toContain('is not a JWT');
  expect(await reasonOf(await sign({ ...base, iss: 'https://other-idms.example.org' }, privateKey))).toContain('not this IdMS');
  expect(await reasonOf(await sign({ ...base, client_id: 'another-client' }, privateKey))).toContain('was not issued to the target client');
  expect(await reasonOf(await sign(base, other.privateKey))).toContain('does not verify with the IdMS JWKS');
  expect(await reasonOf(await sign({ ...base, exp: NOW - 10 }, privateKey))).toContain('not more than 30 s in the past');
  expect(await reasonOf(await sign({ ...base, exp: undefined }, privateKey))).toContain('has exp undefined');
  // Without a JWKS the signature is not judged, everything else still is.
  expect((await checkExpiredInput(await sign(base, other.privateKey), { ...e, jwks: undefined })).ok).toBe(true);

  // A security token must also name the partner in aud (B.8); azp or aud may carry the client.
  const a: ExpiredInputExpectation = { field: 'partnerIdms.expiredAssertion', issuer: ISSUER, clientId: CLIENT, audience: PARTNER, jwks, now: NOW };
  const st = { iss: ISSUER, aud: [CLIENT, PARTNER], sub: 'alice', iat: NOW - 700, exp: NOW - 600 };
  expect((await checkExpiredInput(await sign(st, privateKey), a)).ok).toBe(true);
  expect(await reasonOf(await sign({ ...st, aud: [CLIENT, 'https://partner-b.example.org/token'] }, privateKey), a)).toContain(`does not name ${PARTNER}`);
});
