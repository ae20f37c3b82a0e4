import { test, expect, type TestInfo } from '@playwright/test';
import { Checker, InconclusiveError, Redactor } from '../lib/harness/index.ts';
import type { DecodeResult } from '../lib/oidc/jwt.ts';
import type { TokenResult } from '../lib/oidc/token-request.ts';
import { checkTokenResponseFields } from '../suites/idms/checks/token-response.ts';
import { checkIdTokenMcxClaims, checkIdTokenSignature, checkIdTokenStandardClaims, type IdTokenContext } from '../suites/idms/checks/id-token.ts';
import { checkAccessTokenClaims, checkAccessTokenFormat } from '../suites/idms/checks/access-token.ts';
import { checkSecurityToken, securityTokenDefect } from '../suites/idms/checks/security-token.ts';
import { checkExpiresInAgreesWithExp } from '../suites/idms/checks/expiry.ts';
import { authorizationRefusalOf, checkTokenRequestRefused } from '../suites/idms/checks/refusal.ts';
import { checkTlsProfile } from '../suites/idms/checks/transport.ts';
import { R } from '../suites/idms/checks/ids.ts';

/**
 * The idms suite's checks, one by one, on hand-made exchanges: each passes
 * on conforming input and fails, naming its requirement, on the defect its
 * fault switch introduces.
 */
const fakeInfo = { attach: async () => undefined } as unknown as TestInfo;
const checker = () => new Checker(fakeInfo, new Redactor());
const failedIds = (c: Checker) => [...new Set(c.failed().map((f) => f.requirement))].sort();
const jwt = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'ES256', kid: 'k' }): DecodeResult => ({ ok: true, jwt: { header, claims } });
const now = Math.floor(Date.now() / 1000);

function tokenResult(json: Record<string, unknown>, headers: Record<string, string> = { 'cache-control': 'no-store' }, status = 200): TokenResult {
  return { http: { ok: true, status, headers, bodyText: JSON.stringify(json), truncated: false, durationMs: 1 }, status, headers, json, unreachable: false };
}

const IDS = { accessToken: R.accessToken, tokenType: R.bearer, expiresIn: R.expiresIn, noStore: R.noStore };

test('token response fields: bearer case-insensitively, expires_in, no-store', () => {
  const ok = checker();
  checkTokenResponseFields(ok, tokenResult({ access_token: 'a', token_type: 'Bearer', expires_in: 300 }, { 'cache-control': 'private, no-store' }), IDS);
  expect(failedIds(ok)).toEqual([]);
  const bad = checker();
  checkTokenResponseFields(bad, tokenResult({ access_token: 'a', token_type: 'pop' }, {}), IDS);
  expect(failedIds(bad)).toEqual([R.bearer, R.expiresIn, R.noStore].sort());
});

const idCtx = (claims: Record<string, unknown>, extra: Partial<IdTokenContext> = {}): IdTokenContext => ({
  decoded: jwt(claims),
  signature: { ok: true, alg: 'ES256', kid: 'k' },
  issuer: 'https://idms.example',
  clientId: 'c1',
  nonce: 'n1',
  sentAt: now,
  receivedAt: now,
  grantedScopes: ['openid', '3gpp:mc:ptt_service', '3gpp:mc:data_service'],
  ...extra,
});
const goodId = { iss: 'https://idms.example', sub: 'alice', aud: ['c1', 'x'], exp: now + 300, iat: now, nonce: 'n1', acr: '3gpp:acr:password', mcptt_id: 'sip:a@x', mcdata_id: 'sip:a.d@x' };

test('ID token: standard claims pass when conforming and fail one by one', () => {
  const ok = checker();
  checkIdTokenSignature(ok, idCtx(goodId));
  checkIdTokenStandardClaims(ok, idCtx(goodId));
  checkIdTokenMcxClaims(ok, idCtx(goodId));
  expect(failedIds(ok)).toEqual([]);
  const cases: [Record<string, unknown>, string][] = [
    [{ iss: 'https://idms.example/other' }, R.idIss],
    [{ sub: 'x'.repeat(300) }, R.idSub],
    [{ aud: 'other-client' }, R.idAud],
    [{ exp: now - 600 }, R.idExp],
    [{ iat: now - 120 }, R.clockSkew],
    [{ iat: undefined }, R.idIat],
    [{ nonce: 'other' }, R.oidc],
    [{ acr: 'urn:mace:incommon:iap:silver' }, R.acr],
  ];
  for (const [patch, id] of cases) {
    const c = checker();
    checkIdTokenStandardClaims(c, idCtx({ ...goodId, ...patch }));
    expect(failedIds(c), JSON.stringify(patch)).toEqual([id]);
  }
  const noData = checker();
  checkIdTokenMcxClaims(noData, idCtx({ ...goodId, mcdata_id: undefined }));
  expect(failedIds(noData)).toEqual([R.idMcdata]);
  const badSig = checker();
  checkIdTokenSignature(badSig, idCtx(goodId, { signature: { ok: false, reason: 'ERR_JWKS_NO_MATCHING_KEY' } }));
  expect(failedIds(badSig)).toEqual([R.idTokenJwt]);
});

test('access token: format, claims, and no service ID for a service not asked for', () => {
  const claims = { exp: now + 300, client_id: 'c1', scope: 'openid 3gpp:mc:ptt_service', mcptt_id: 'sip:a@x' };
  const ctx = (c: Record<string, unknown>) => ({ decoded: jwt(c), signature: { ok: true as const, alg: 'ES256' }, clientId: 'c1', requestedScopes: ['openid', '3gpp:mc:ptt_service'] });
  const ok = checker();
  checkAccessTokenFormat(ok, ctx(claims));
  checkAccessTokenClaims(ok, ctx(claims));
  expect(failedIds(ok)).toEqual([]);
  const extra = checker();
  checkAccessTokenClaims(extra, ctx({ ...claims, scope: 'openid 3gpp:mc:ptt_service 3gpp:mc:video_service', mcvideo_id: 'v' }));
  expect(failedIds(extra)).toEqual([R.atScope]);
  const idOnly = checker();
  checkAccessTokenClaims(idOnly, ctx({ ...claims, mcdata_id: 'd' }));
  expect(failedIds(idOnly)).toEqual([R.atMcdata]);
  const arrayScope = checker();
  checkAccessTokenClaims(arrayScope, ctx({ ...claims, scope: ['openid', '3gpp:mc:ptt_service'] }));
  expect(failedIds(arrayScope)).toEqual([R.atScope]);
  const opaque = checker();
  checkAccessTokenFormat(opaque, { ...ctx(claims), decoded: { ok: false, reason: 'not a compact JWS' } });
  expect(failedIds(opaque)).toEqual([R.atJwt]);
});

test('security token: aud must carry client_id and resource; defects make a token unfit as an assertion', () => {
  const claims = { iss: 'https://idms.example', sub: 'alice', aud: ['c1', 'https://partner/token'], exp: now + 300, iat: now };
  const ctx = (c: Record<string, unknown>) => ({ decoded: jwt(c), signature: { ok: true as const, alg: 'ES256' }, issuer: 'https://idms.example', clientId: 'c1', resource: 'https://partner/token', receivedAt: now });
  const ok = checker();
  checkSecurityToken(ok, ctx(claims));
  expect(failedIds(ok)).toEqual([]);
  const noRes = checker();
  checkSecurityToken(noRes, ctx({ ...claims, aud: 'c1' }));
  expect(failedIds(noRes)).toEqual([R.stAud]);
  expect(securityTokenDefect(jwt(claims), { ok: true, alg: 'ES256' }, 'https://idms.example', 'https://partner/token', now)).toBeUndefined();
  expect(securityTokenDefect(jwt({ ...claims, exp: undefined }), { ok: true, alg: 'ES256' }, 'https://idms.example', 'https://partner/token', now)).toMatch(/exp/);
});

test('expires_in agrees with exp; missing inputs are inconclusive', () => {
  const ok = checker();
  checkExpiresInAgreesWithExp(ok, 300, now + 302, now);
  expect(failedIds(ok)).toEqual([]);
  const bad = checker();
  checkExpiresInAgreesWithExp(bad, 1800, now + 300, now);
  expect(failedIds(bad)).toEqual([R.expiresInAgrees]);
  expect(() => checkExpiresInAgreesWithExp(checker(), undefined, now, now)).toThrow(InconclusiveError);
});

test('refusals: 4xx refuses, 200 accepts, 5xx and silence are inconclusive', () => {
  const c = checker();
  expect(checkTokenRequestRefused(c, R.codeSingleUse, 'reuse', tokenResult({ error: 'invalid_grant' }, {}, 400))).toBe(true);
  expect(checkTokenRequestRefused(c, R.codeSingleUse, 'reuse', tokenResult({ access_token: 'x' }))).toBe(false);
  expect(() => checkTokenRequestRefused(c, R.codeSingleUse, 'reuse', { http: { ok: false, error: 'ECONNRESET', durationMs: 1 }, headers: {}, problem: 'token endpoint unreachable', unreachable: true })).toThrow(InconclusiveError);
  const redirect = (location: string) => ({ kind: 'redirect' as const, redirect: { location, query: Object.fromEntries(new URL(location).searchParams), fragment: {} }, loginShown: false, consentShown: false, steps: [] });
  expect(authorizationRefusalOf(redirect('https://c/cb?code=1&state=s')).verdict).toBe('accepted');
  expect(authorizationRefusalOf(redirect('https://c/cb?error=invalid_request')).verdict).toBe('refused');
  expect(authorizationRefusalOf(redirect('https://c/evil?error=invalid_request'), 'https://c/evil').verdict).toBe('accepted');
  expect(authorizationRefusalOf({ kind: 'error', status: 400, detail: 'bad redirect_uri', steps: [] }).verdict).toBe('refused');
  expect(authorizationRefusalOf({ kind: 'unreachable', detail: 'ECONNREFUSED', steps: [] }).verdict).toBe('unclear');
});

test('TLS profile finding names the negotiated suite', () => {
  const c = checker();
  const probe = { ok: true as const, host: 'h', port: 1, protocol: 'TLSv1.2', cipher: { name: 'ECDHE-ECDSA-AES128-SHA', standardName: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', version: 'TLSv1.2' }, authorized: true, spkiSha256: '' };
  checkTlsProfile(c, R.tlsProfile, 'token_endpoint', probe);
  expect(c.failed()[0]).toMatchObject({ requirement: R.tlsProfile, actual: 'TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA' });
});
