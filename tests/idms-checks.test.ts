import { test, expect, type TestInfo } from '@playwright/test';
import { Checker, Redactor, type CheckTable } from '../lib/harness/index.ts';
import type { DecodeResult } from '../lib/oidc/jwt.ts';
import type { TokenResult } from '../lib/oidc/token-request.ts';
import type { AuthorizeOutcome } from '../lib/oidc/login-driver.ts';
import type { TlsProbeResult } from '../lib/oidc/tls-probe.ts';
import { buildAuthorizationRequest } from '../lib/oidc/authorization-request.ts';
import { securityTokenDefect } from '../lib/oidc/token-defects.ts';
import { DISCOVERY, ENDPOINTS, TLS_PROFILE } from '../suites/idms/checks/discovery.ts';
import { NO_CODE_CHALLENGE, PLAIN_PKCE, UNREGISTERED_CLIENT, UNREGISTERED_REDIRECT } from '../suites/idms/checks/authorization-request.ts';
import { CONSENT, LOGIN, WRONG_PASSWORD } from '../suites/idms/checks/login.ts';
import { AUTH_CODE_RESPONSE } from '../suites/idms/checks/token-response.ts';
import { CLIENT_AUTH, CODE_REUSE, NO_VERIFIER, OTHER_CLIENT_ID, OTHER_REDIRECT_URI, WRONG_VERIFIER } from '../suites/idms/checks/token-request.ts';
import { ID_TOKEN_CLAIMS, ID_TOKEN_MCX, ID_TOKEN_SIGNATURE, type IdTokenInput } from '../suites/idms/checks/id-token.ts';
import { ACCESS_TOKEN, NARROW_ACCESS_TOKEN } from '../suites/idms/checks/access-token.ts';
import { REFRESH_CLIENT_AUTH, REFRESH_NARROWER, REFRESH_ROTATION, REFRESH_WIDER } from '../suites/idms/checks/refresh.ts';
import { EXCHANGE, EXPIRED_SUBJECT, GARBAGE_SUBJECT, NO_RESOURCE, TAMPERED_SUBJECT } from '../suites/idms/checks/token-exchange.ts';
import { EXPIRES_IN, KMS_EXPIRED } from '../suites/idms/checks/expiry.ts';
import { EXPIRED_ASSERTION, FOREIGN_AUDIENCE, JWT_BEARER, PARTNER_TLS, TAMPERED_ASSERTION, UNREGISTERED_CLIENT as PARTNER_UNREGISTERED_CLIENT, UNTRUSTED_ISSUER } from '../suites/partner-idms/checks/jwt-bearer.ts';
import type { Provider } from '../lib/oidc/discovery.ts';

/**
 * The idms and partner-idms check tables on hand-made exchanges: every
 * check records exactly one finding; each table passes on a conforming
 * input and fails, naming its check, on the defect its fault switch
 * introduces; non-answers are never passes.
 */
const checker = () => new Checker({ attach: async () => undefined, annotations: [] } as unknown as TestInfo, new Redactor());
const now = Math.floor(Date.now() / 1000);
const jwt = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'ES256', kid: 'k' }): DecodeResult => ({ ok: true, jwt: { header, claims } });
const sigOk = { ok: true as const, alg: 'ES256', kid: 'k' };

async function runTable<I>(table: CheckTable<I>, input: I) {
  const c = checker();
  await c.run(table, input);
  // One finding per check, whatever the input.
  expect(c.findings.map((f) => f.checkId)).toEqual(table.checks.map((k) => k.id));
  const by = (v: string) => c.findings.filter((f) => f.verdict === v).map((f) => f.checkId!);
  return { findings: c.findings, failed: by('fail'), passed: by('pass'), inconclusive: by('inconclusive'), na: by('not-applicable'), errors: by('error') };
}

function tokenResult(json: Record<string, unknown> | undefined, headers: Record<string, string> = { 'cache-control': 'no-store' }, status = 200): TokenResult {
  return { http: { ok: true, status, headers, bodyText: JSON.stringify(json ?? ''), truncated: false, durationMs: 1 }, status, headers, json, ...(json ? { contentType: 'application/json; charset=utf-8', duplicates: [] } : {}), unreachable: false };
}
const unreachable: TokenResult = { http: { ok: false, error: 'ECONNRESET', durationMs: 1 }, headers: {}, problem: 'token endpoint unreachable', unreachable: true };
const redirect = (location: string, extra: Partial<Extract<AuthorizeOutcome, { kind: 'redirect' }>> = {}): AuthorizeOutcome => {
  const u = new URL(location);
  return { kind: 'redirect', redirect: { location, query: Object.fromEntries(u.searchParams), fragment: Object.fromEntries(new URLSearchParams(u.hash.slice(1))) }, loginShown: true, consentShown: false, steps: [], ...extra };
};
const stuck = (detail: string): AuthorizeOutcome => ({ kind: 'stuck', detail, steps: [] });

test('provider endpoints and discovery', async () => {
  const provider = { authorizationEndpoint: 'https://i/authorize', tokenEndpoint: 'https://i/token', metadata: { issuer: 'https://i', id_token_signing_alg_values_supported: ['ES256'] }, jwks: { keys: [{ kty: 'EC' }] }, discoveryAnswer: { contentType: 'application/json', duplicates: [] }, jwksAnswer: { contentType: 'application/json', duplicates: [] } } as unknown as Provider;
  expect((await runTable(ENDPOINTS, provider)).failed).toEqual([]);
  expect((await runTable(ENDPOINTS, { ...provider, tokenEndpoint: 'http://i/authorize' } as Provider)).failed).toEqual(['idms.endpoints.token-https', 'idms.endpoints.token-tls']);
  expect((await runTable(DISCOVERY, { provider, issuer: 'https://i', idTokenAlg: { alg: 'ES256' } })).failed).toEqual([]);
  const bad = await runTable(DISCOVERY, { provider, issuer: 'https://other', idTokenAlg: { missing: 'login failed' } });
  expect(bad.failed).toEqual(['idms.discovery.issuer']);
  expect(bad.inconclusive).toEqual(['idms.discovery.signing-alg']);
  // How the document was served: media type (OIDC Discovery 4.2), unique names (RFC 8259 4), UTF-8 (RFC 8259 8.1).
  const served = { ...provider, discoveryAnswer: { contentType: 'text/plain', duplicates: ['issuer'], invalidUtf8At: 7 }, jwksAnswer: { contentType: 'application/json', duplicates: [], invalidUtf8At: 3 } } as Provider;
  const ill = await runTable(DISCOVERY, { provider: served, issuer: 'https://i', idTokenAlg: { alg: 'ES256' } });
  expect(ill.failed).toEqual(['idms.discovery.media-type', 'idms.discovery.unique-names', 'idms.discovery.utf8']);
  expect(JSON.stringify(ill.findings)).toContain('discovery document: invalid UTF-8 at byte 7; JWKS: invalid UTF-8 at byte 3');
});

test('TLS profile: AEAD passes, CBC fails, no handshake is inconclusive', async () => {
  const probe = (protocol: string, standardName: string): TlsProbeResult => ({ ok: true, host: 'h', port: 1, protocol, cipher: { name: standardName, standardName, version: protocol }, authorized: true, spkiSha256: '' });
  const good = probe('TLSv1.3', 'TLS_AES_128_GCM_SHA256');
  expect((await runTable(TLS_PROFILE, { probes: { authorization_endpoint: good, token_endpoint: good } })).passed).toHaveLength(2);
  const r = await runTable(TLS_PROFILE, { probes: { authorization_endpoint: probe('TLSv1.2', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'), token_endpoint: { ok: false, host: 'h', port: 1, reason: 'ECONNREFUSED' } } });
  expect(r.failed).toEqual(['idms.tls.authorization-endpoint-profile']);
  expect(r.inconclusive).toEqual(['idms.tls.token-endpoint-profile']);
  expect(r.findings[0]).toMatchObject({ actual: 'TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA' });
});

test('authorization refusals: error redirect or 4xx page passes; a code fails; stuck, timeouts and 5xx are inconclusive', async () => {
  for (const table of [UNREGISTERED_CLIENT, NO_CODE_CHALLENGE, PLAIN_PKCE]) {
    expect((await runTable(table, { outcome: redirect('https://c/cb?error=invalid_request&state=s') })).failed).toEqual([]);
    expect((await runTable(table, { outcome: { kind: 'error', status: 400, detail: '400: bad client', steps: [] } })).inconclusive).toEqual([]);
    expect((await runTable(table, { outcome: redirect('https://c/cb?code=1&state=s') })).failed).toEqual(table.checks.map((c) => c.id));
    // Not positive evidence of a refusal: never a pass.
    for (const outcome of [stuck('browser: Target page, context or browser has been closed'), stuck('no login form, consent form or redirect within 15000 ms'), stuck('more than 12 steps without reaching the redirect URI'), { kind: 'error' as const, status: 502, detail: '502', steps: [] }, redirect('https://c/cb?state=s')]) {
      const r = await runTable(table, { outcome });
      expect(r.passed, JSON.stringify(outcome)).toEqual([]);
      expect(r.inconclusive).toEqual(table.checks.map((c) => c.id));
    }
  }
  const forbidden = 'https://c/evil';
  expect((await runTable(UNREGISTERED_REDIRECT, { outcome: redirect(`${forbidden}?error=invalid_request`), forbiddenRedirect: forbidden })).failed).toHaveLength(2);
  expect((await runTable(UNREGISTERED_REDIRECT, { outcome: { kind: 'error', status: 400, detail: 'redirect_uri mismatch', steps: [] }, forbiddenRedirect: forbidden })).passed).toHaveLength(2);
});

const request = buildAuthorizationRequest({ authorizationEndpoint: 'https://i/authorize', clientId: 'c1', redirectUri: 'https://c/cb', scope: ['openid', '3gpp:mc:ptt_service'] });

test('login and authentication response: exact state echo, code in the query, redemption', async () => {
  const ok = redirect(`https://c/cb?code=abc&state=${request.state}`);
  const token = tokenResult({ access_token: 'a', id_token: 'i', token_type: 'Bearer', expires_in: 300 });
  expect((await runTable(LOGIN, { request, outcome: ok, token })).passed).toHaveLength(LOGIN.checks.length);
  const altered = await runTable(LOGIN, { request, outcome: redirect(`https://c/cb?code=abc&state=${request.state}x`), token: { skipped: 'state differs' } });
  expect(altered.failed).toEqual(['idms.authorization-response.state-echo', 'idms.authorization-request.state-returned']);
  expect(altered.inconclusive).toEqual(['idms.token-request.id-token-for-scopes', 'idms.token-request.pkce-redeemed']);
  const fragment = await runTable(LOGIN, { request, outcome: redirect(`https://c/cb#code=abc&state=${request.state}`), token: { skipped: 'no code in the query' } });
  expect(fragment.failed).toEqual(['idms.authorization-response.code-in-query']);
  const failedLogin = await runTable(LOGIN, { request, outcome: { kind: 'login-rejected', detail: 'form again', steps: [] }, token: { skipped: 'no response' } });
  expect(failedLogin.failed).toEqual(['idms.login.password-form']);
});

test('wrong password: needs the right password to work; a code fails; a login form again passes; stuck is inconclusive', async () => {
  const control = redirect('https://c/cb?code=abc&state=s');
  const rejected: AuthorizeOutcome = { kind: 'login-rejected', detail: 'login form shown again', steps: [] };
  expect((await runTable(WRONG_PASSWORD, { control, outcome: rejected })).passed).toEqual(['idms.login.wrong-password-refused']);
  expect((await runTable(WRONG_PASSWORD, { control, outcome: control })).failed).toEqual(['idms.login.wrong-password-refused']);
  expect((await runTable(WRONG_PASSWORD, { control, outcome: stuck('timeout') })).inconclusive).toEqual(['idms.login.wrong-password-refused']);
  // A broken login page "refuses" everything: without a working control there is no verdict.
  const broken = await runTable(WRONG_PASSWORD, { control: rejected, outcome: rejected });
  expect(broken.inconclusive).toEqual(['idms.login.wrong-password-refused']);
  expect(broken.findings[0]).toMatchObject({ blame: 'precondition' });
  expect((await runTable(CONSENT, { consentShown: true })).passed).toHaveLength(1);
  expect((await runTable(CONSENT, { consentShown: false })).failed).toHaveLength(1);
});

test('authorization_code token response', async () => {
  const good = tokenResult({ access_token: 'a', id_token: 'i', refresh_token: 'r', token_type: 'Bearer', expires_in: 300 }, { 'cache-control': 'private, no-store' });
  expect((await runTable(AUTH_CODE_RESPONSE, good)).failed).toEqual([]);
  expect((await runTable(AUTH_CODE_RESPONSE, { ...good, contentType: 'text/plain' })).failed).toEqual(['idms.token-response.media-type']);
  const bad = await runTable(AUTH_CODE_RESPONSE, tokenResult({ access_token: 'a', id_token: 'i', token_type: 'pop' }, {}));
  expect(bad.failed).toEqual(['idms.token-response.all-tokens', 'idms.token-response.token-type', 'idms.token-response.expires-in', 'idms.token-response.no-store']);
});

test('token request refusals: 4xx passes, 200 fails, 5xx and silence are inconclusive', async () => {
  for (const table of [WRONG_VERIFIER, NO_VERIFIER, CODE_REUSE, OTHER_REDIRECT_URI, OTHER_CLIENT_ID, NO_RESOURCE, GARBAGE_SUBJECT, TAMPERED_SUBJECT, EXPIRED_SUBJECT, FOREIGN_AUDIENCE, TAMPERED_ASSERTION, UNTRUSTED_ISSUER, EXPIRED_ASSERTION]) {
    expect((await runTable(table, tokenResult({ error: 'invalid_grant' }, {}, 400))).passed).toHaveLength(table.checks.length);
    expect((await runTable(table, tokenResult({ access_token: 'x' }))).failed).toHaveLength(table.checks.length);
    expect((await runTable(table, tokenResult(undefined, {}, 500))).inconclusive).toHaveLength(table.checks.length);
    expect((await runTable(table, unreachable)).findings[0]).toMatchObject({ verdict: 'inconclusive', blame: 'unreachable' });
  }
});

test('partner unregistered client_id: only invalid_client or unauthorized_client is evidence the client was refused (B.7.4-04)', async () => {
  expect((await runTable(PARTNER_UNREGISTERED_CLIENT, tokenResult({ error: 'invalid_client' }, {}, 401))).passed).toHaveLength(1);
  expect((await runTable(PARTNER_UNREGISTERED_CLIENT, tokenResult({ error: 'unauthorized_client' }, {}, 400))).passed).toHaveLength(1);
  expect((await runTable(PARTNER_UNREGISTERED_CLIENT, tokenResult({ access_token: 'x' }))).failed).toHaveLength(1);
  expect((await runTable(PARTNER_UNREGISTERED_CLIENT, tokenResult({ error: 'invalid_grant' }, {}, 400))).inconclusive).toHaveLength(1);
  expect((await runTable(PARTNER_UNREGISTERED_CLIENT, unreachable)).findings[0]).toMatchObject({ verdict: 'inconclusive', blame: 'unreachable' });
});

test('refresh without client authentication (B.5.2-02): refused passes when the authenticated refresh works; public client not applicable', async () => {
  const ok = tokenResult({ access_token: 'a' });
  const refused = tokenResult({ error: 'invalid_client' }, {}, 401);
  expect((await runTable(REFRESH_CLIENT_AUTH, { confidential: true, withoutAuthentication: refused, withAuthentication: ok })).passed).toHaveLength(1);
  expect((await runTable(REFRESH_CLIENT_AUTH, { confidential: true, withoutAuthentication: ok, withAuthentication: ok })).failed).toHaveLength(1);
  expect((await runTable(REFRESH_CLIENT_AUTH, { confidential: true, withoutAuthentication: refused, withAuthentication: refused })).findings[0]).toMatchObject({ verdict: 'inconclusive', blame: 'precondition' });
  expect((await runTable(REFRESH_CLIENT_AUTH, { confidential: true, withoutAuthentication: unreachable, withAuthentication: ok })).findings[0]).toMatchObject({ verdict: 'inconclusive', blame: 'unreachable' });
  expect((await runTable(REFRESH_CLIENT_AUTH, { confidential: false })).findings[0]).toMatchObject({ verdict: 'not-applicable' });
});

test('client authentication: a wrong secret must be refused (B.4.2.1-02 is not passed by a 200 alone)', async () => {
  const right = tokenResult({ access_token: 'a' });
  const refused = tokenResult({ error: 'invalid_client' }, {}, 401);
  expect((await runTable(CLIENT_AUTH, { rightSecret: right, noAuthentication: refused, wrongSecret: refused })).passed).toHaveLength(3);
  const ignoresBasic = await runTable(CLIENT_AUTH, { rightSecret: right, noAuthentication: refused, wrongSecret: right });
  expect(ignoresBasic.failed).toEqual(['idms.token-request.wrong-secret-refused', 'idms.token-request.basic-auth']);
  expect((await runTable(CLIENT_AUTH, { rightSecret: refused, noAuthentication: refused, wrongSecret: refused })).inconclusive).toEqual(['idms.token-request.basic-auth']);
});

const idInput = (claims: Record<string, unknown>, extra: Partial<IdTokenInput> = {}): IdTokenInput => ({
  decoded: jwt(claims),
  signature: sigOk,
  issuer: 'https://idms.example',
  clientId: 'c1',
  nonce: 'n1',
  sentAt: now,
  receivedAt: now,
  grantedScopes: ['openid', '3gpp:mc:ptt_service', '3gpp:mc:data_service'],
  ...extra,
});
const goodId = { iss: 'https://idms.example', sub: 'alice', aud: ['c1', 'x'], exp: now + 300, iat: now, nonce: 'n1', acr: '3gpp:acr:password', mcptt_id: 'sip:a@x', mcdata_id: 'sip:a.d@x' };

test('ID token: signature, standard claims one by one, acr required, MC service IDs', async () => {
  expect((await runTable(ID_TOKEN_SIGNATURE, idInput(goodId))).passed).toHaveLength(2);
  const dup = idInput(goodId);
  if (dup.decoded.ok) dup.decoded.jwt.duplicateClaims = ['iss'];
  expect((await runTable(ID_TOKEN_SIGNATURE, dup)).failed).toEqual(['idms.id-token.unique-claims']);
  expect((await runTable(ID_TOKEN_SIGNATURE, idInput(goodId, { signature: { ok: false, reason: 'ERR_JWKS_NO_MATCHING_KEY' } }))).failed).toEqual(['idms.id-token.signature']);
  expect((await runTable(ID_TOKEN_CLAIMS, idInput(goodId))).failed).toEqual([]);
  const cases: [Record<string, unknown>, string][] = [
    [{ iss: 'https://idms.example/other' }, 'idms.id-token.iss'],
    [{ sub: 'x'.repeat(300) }, 'idms.id-token.sub'],
    [{ aud: 'other-client' }, 'idms.id-token.aud'],
    [{ exp: now - 600 }, 'idms.id-token.exp'],
    [{ iat: now - 120 }, 'idms.id-token.clock-skew'],
    [{ iat: undefined }, 'idms.id-token.iat'],
    [{ nonce: 'other' }, 'idms.id-token.nonce'],
    [{ acr: 'urn:mace:incommon:iap:silver' }, 'idms.id-token.acr'],
    // B.4.2.2-06: an ID token without acr does not pass.
    [{ acr: undefined }, 'idms.id-token.acr'],
  ];
  for (const [patch, id] of cases) expect((await runTable(ID_TOKEN_CLAIMS, idInput({ ...goodId, ...patch }))).failed, JSON.stringify(patch)).toEqual([id]);
  const notJwt = await runTable(ID_TOKEN_CLAIMS, idInput(goodId, { decoded: { ok: false, reason: 'not a compact JWS' } }));
  expect(notJwt.inconclusive).toHaveLength(ID_TOKEN_CLAIMS.checks.length);
  const mcx = await runTable(ID_TOKEN_MCX, idInput(goodId));
  expect(mcx.passed).toEqual(['idms.id-token.mcptt-id', 'idms.id-token.mcdata-id']);
  expect(mcx.na).toEqual(['idms.id-token.mcvideo-id']);
  expect((await runTable(ID_TOKEN_MCX, idInput({ ...goodId, mcdata_id: undefined }))).failed).toEqual(['idms.id-token.mcdata-id']);
});

test('access token: format, claims, and no service ID for a service not asked for', async () => {
  const claims = { exp: now + 300, client_id: 'c1', scope: 'openid 3gpp:mc:ptt_service', mcptt_id: 'sip:a@x' };
  const input = (c: Record<string, unknown>, decoded: DecodeResult = jwt(c)) => ({ decoded, signature: sigOk, clientId: 'c1', requestedScopes: ['openid', '3gpp:mc:ptt_service'] });
  expect((await runTable(ACCESS_TOKEN, input(claims))).failed).toEqual([]);
  const narrow = await runTable(NARROW_ACCESS_TOKEN, input(claims));
  expect(narrow.passed).toEqual(['idms.narrow-access-token.exp', 'idms.narrow-access-token.client-id', 'idms.narrow-access-token.scope', 'idms.narrow-access-token.mcptt-id', 'idms.narrow-access-token.no-mcvideo-id', 'idms.narrow-access-token.no-mcdata-id']);
  expect((await runTable(NARROW_ACCESS_TOKEN, input({ ...claims, scope: 'openid 3gpp:mc:ptt_service 3gpp:mc:video_service', mcvideo_id: 'v' }))).failed).toEqual(['idms.narrow-access-token.scope', 'idms.narrow-access-token.no-mcvideo-id']);
  expect((await runTable(ACCESS_TOKEN, input({ ...claims, mcdata_id: 'd' }))).failed).toEqual(['idms.access-token.no-mcdata-id']);
  expect((await runTable(ACCESS_TOKEN, input({ ...claims, scope: ['openid', '3gpp:mc:ptt_service'] }))).failed).toEqual(['idms.access-token.scope']);
  const opaque = await runTable(ACCESS_TOKEN, input(claims, { ok: false, reason: 'not a compact JWS: 1 dot-separated part' }));
  expect(opaque.failed).toEqual(['idms.access-token.jwt']);
  expect(opaque.inconclusive).toHaveLength(ACCESS_TOKEN.checks.length - 1);
});

test('refresh: narrower scope, no wider scope without evidence, rotation', async () => {
  const scope = ['openid', '3gpp:mc:ptt_service'];
  const res = tokenResult({ access_token: 'new', token_type: 'Bearer', expires_in: 300 });
  const at = jwt({ scope: 'openid 3gpp:mc:ptt_service', mcptt_id: 'p' });
  expect((await runTable(REFRESH_NARROWER, { res, previousAccessToken: 'old', accessToken: at, scope })).failed).toEqual([]);
  const wide = await runTable(REFRESH_NARROWER, { res, previousAccessToken: 'new', accessToken: jwt({ scope: 'openid 3gpp:mc:ptt_service 3gpp:mc:video_service', mcvideo_id: 'v' }), scope });
  expect(wide.failed).toEqual(['idms.refresh.new-access-token', 'idms.refresh.scope-narrowed', 'idms.refresh.no-mcvideo-id']);
  const refused = await runTable(REFRESH_NARROWER, { res: tokenResult({ error: 'invalid_scope' }, {}, 400), accessToken: { ok: false, reason: 'none' }, scope });
  expect(refused.failed).toEqual(['idms.refresh.accepted']);
  expect(refused.inconclusive).toHaveLength(REFRESH_NARROWER.checks.length - 1);

  const original = scope;
  expect((await runTable(REFRESH_WIDER, { res: tokenResult({ error: 'invalid_scope' }, {}, 400), original })).passed).toHaveLength(1);
  expect((await runTable(REFRESH_WIDER, { res: tokenResult({ access_token: 'x', scope: 'openid 3gpp:mc:ptt_service 3gpp:mc:video_service' }), original })).failed).toHaveLength(1);
  expect((await runTable(REFRESH_WIDER, { res: tokenResult({ access_token: 'x' }), original, accessToken: jwt({ scope: 'openid 3gpp:mc:ptt_service' }) })).passed).toHaveLength(1);
  // B.5.2-01: a 200 showing no scope at all is not evidence of "not widened".
  expect((await runTable(REFRESH_WIDER, { res: tokenResult({ access_token: 'opaque' }), original, accessToken: { ok: false, reason: 'not a JWT' } })).inconclusive).toHaveLength(1);

  const first = tokenResult({ access_token: 'a', refresh_token: 'r2' });
  expect((await runTable(REFRESH_ROTATION, { original: 'r1', first, again: tokenResult({ error: 'invalid_grant' }, {}, 400) })).passed).toHaveLength(2);
  expect((await runTable(REFRESH_ROTATION, { original: 'r1', first, again: first })).failed).toEqual(['idms.refresh.replaced-token-refused']);
});

test('token exchange and the security token', async () => {
  const claims = { iss: 'https://idms.example', sub: 'alice', aud: ['c1', 'https://partner/token'], exp: now + 300, iat: now };
  const base = { issuer: 'https://idms.example', clientId: 'c1', resource: 'https://partner/token', receivedAt: now };
  const res = tokenResult({ access_token: 'st', token_type: 'Bearer', expires_in: 300, issued_token_type: 'urn:ietf:params:oauth:token-type:jwt' });
  expect((await runTable(EXCHANGE, { ...base, res, securityToken: { decoded: jwt(claims), signature: sigOk } })).failed).toEqual([]);
  expect((await runTable(EXCHANGE, { ...base, res, securityToken: { decoded: jwt({ ...claims, aud: 'c1' }), signature: sigOk } })).failed).toEqual(['idms.security-token.aud']);
  const refused = await runTable(EXCHANGE, { ...base, res: tokenResult({ error: 'unsupported_grant_type' }, {}, 400), securityToken: { decoded: { ok: false, reason: 'none' } } });
  expect(refused.failed).toEqual(['idms.token-exchange.accepted']);
  expect(refused.inconclusive).toHaveLength(EXCHANGE.checks.length - 1);
  expect(securityTokenDefect(jwt(claims), sigOk, 'https://idms.example', 'https://partner/token', now)).toBeUndefined();
  expect(securityTokenDefect(jwt({ ...claims, exp: undefined }), sigOk, 'https://idms.example', 'https://partner/token', now)).toMatch(/exp/);
});

test('expiry: expires_in agrees with exp; missing inputs are inconclusive; the KMS control', async () => {
  expect((await runTable(EXPIRES_IN, { expiresIn: 300, exp: now + 302, receivedAt: now })).passed).toHaveLength(1);
  expect((await runTable(EXPIRES_IN, { expiresIn: 1800, exp: now + 300, receivedAt: now })).failed).toHaveLength(1);
  expect((await runTable(EXPIRES_IN, { expiresIn: undefined, exp: now, receivedAt: now })).inconclusive).toHaveLength(1);
  expect((await runTable(KMS_EXPIRED, { controlStatus: 200, status: 401, expiredSecondsAgo: 120 })).passed).toHaveLength(1);
  expect((await runTable(KMS_EXPIRED, { controlStatus: 200, status: 200, expiredSecondsAgo: 120 })).failed).toHaveLength(1);
  expect((await runTable(KMS_EXPIRED, { controlStatus: 401, status: 401, expiredSecondsAgo: 120 })).inconclusive).toHaveLength(1);
});

test('partner: JWT-bearer grant and access token (B.9), transport with tls.verify off is inconclusive', async () => {
  const claims = { exp: now + 300, client_id: 'p1', scope: '3gpp:mc:ptt_service', mcptt_id: 'sip:a@x' };
  const accessToken = { decoded: jwt(claims), signature: sigOk, clientId: 'p1', requestedScopes: ['3gpp:mc:ptt_service'], serviceIdExpected: () => true };
  const res = tokenResult({ access_token: 'pat', token_type: 'Bearer', expires_in: 300 });
  expect((await runTable(JWT_BEARER, { res, accessToken })).failed).toEqual([]);
  const noClient = await runTable(JWT_BEARER, { res, accessToken: { ...accessToken, decoded: jwt({ ...claims, client_id: undefined }) } });
  expect(noClient.failed).toEqual(['partner-idms.access-token.client-id']);
  expect((await runTable(JWT_BEARER, { res: tokenResult({ error: 'unsupported_grant_type' }, {}, 400), accessToken })).failed).toEqual(['partner-idms.jwt-bearer.accepted']);

  const probe: TlsProbeResult = { ok: true, host: 'h', port: 1, protocol: 'TLSv1.3', cipher: { name: 'x', standardName: 'TLS_AES_128_GCM_SHA256', version: 'TLSv1.3' }, authorized: false, authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN', spkiSha256: '' };
  expect((await runTable(PARTNER_TLS, { url: 'https://p/token', probe: { ...probe, authorized: true, authorizationError: undefined }, verifyTls: true })).failed).toEqual([]);
  expect((await runTable(PARTNER_TLS, { url: 'https://p/token', probe, verifyTls: true })).failed).toEqual(['partner-idms.tls.verified']);
  // B.12-04 cannot pass when certificate verification is off.
  const off = await runTable(PARTNER_TLS, { url: 'https://p/token', probe: { ...probe, authorized: true }, verifyTls: false });
  expect(off.findings.find((f) => f.checkId === 'partner-idms.tls.verified')).toMatchObject({ verdict: 'inconclusive', blame: 'configuration', detail: expect.stringMatching(/tls\.verify/) });
  expect((await runTable(PARTNER_TLS, { url: 'http://p/token', probe, verifyTls: true })).failed).toEqual(['partner-idms.tls.https']);
});

