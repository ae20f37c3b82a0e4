import { test, expect } from '@playwright/test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { s256Challenge, createPkcePair } from './pkce.ts';
import { buildAuthorizationRequest } from './authorization-request.ts';
import { isRedirectTo, parseRedirect } from './redirect.ts';
import { splitSetCookie, CookieJar } from './cookies.ts';
import { findLoginForm, formValues, parseForms } from './html-form.ts';
import { decodeJwtSafe, verifyJwsSignature } from './jwt.ts';
import { mintUntrustedAssertion, tamperJwt } from './jwt-forge.ts';
import { assessTlsProfile } from './tls-probe.ts';
import { basicAuthorization, refusalOf, type TokenResult } from './token-request.ts';
import { readJsonObject } from './json-response.ts';

test('PKCE S256 matches RFC 7636 Appendix B', () => {
  expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  const p = createPkcePair();
  expect(p.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(p.challenge).toBe(s256Challenge(p.verifier));
});

test('authentication request carries every REQUIRED parameter of B.4.2.2', () => {
  const r = buildAuthorizationRequest({ authorizationEndpoint: 'https://idms.example/auth?x=1', clientId: 'c', redirectUri: 'mcptt://cb', scope: ['openid', '3gpp:mc:ptt_service'] });
  const q = new URL(r.url).searchParams;
  expect(Object.fromEntries(q)).toMatchObject({ x: '1', response_type: 'code', client_id: 'c', scope: 'openid 3gpp:mc:ptt_service', redirect_uri: 'mcptt://cb', state: r.state, acr_values: '3gpp:acr:password', code_challenge: r.pkce!.challenge, code_challenge_method: 'S256', nonce: r.nonce });
  const none = buildAuthorizationRequest({ authorizationEndpoint: 'https://i/a', clientId: 'c', redirectUri: 'https://c/cb', scope: ['openid'], pkce: 'none' });
  expect(new URL(none.url).searchParams.has('code_challenge')).toBe(false);
  const plain = buildAuthorizationRequest({ authorizationEndpoint: 'https://i/a', clientId: 'c', redirectUri: 'https://c/cb', scope: ['openid'], pkce: 'plain' });
  expect(plain.pkce).toMatchObject({ method: 'plain', challenge: plain.pkce!.verifier });
});

test('redirect parsing: query, fragment, match against the redirect URI', () => {
  expect(isRedirectTo('https://c.example/cb?code=1', 'https://c.example/cb')).toBe(true);
  expect(isRedirectTo('https://c.example/cb/', 'https://c.example/cb')).toBe(true);
  expect(isRedirectTo('https://evil.example/cb?code=1', 'https://c.example/cb')).toBe(false);
  expect(isRedirectTo('mcptt://client/cb?code=1', 'mcptt://client/cb')).toBe(true);
  expect(parseRedirect('https://c/cb?code=a&state=b#code=c')).toMatchObject({ query: { code: 'a', state: 'b' }, fragment: { code: 'c' } });
});

test('cookies survive comma-joined Set-Cookie headers with Expires dates', () => {
  expect(splitSetCookie('a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Path=/, b=2')).toEqual(['a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Path=/', 'b=2']);
  const jar = new CookieJar();
  jar.store('https://h.example/login', 'a=1; Path=/, b=2; Path=/x, gone=1; Max-Age=0');
  expect(jar.header('https://h.example/x/y')).toBe('a=1; b=2');
  expect(jar.header('https://h.example/')).toBe('a=1');
  expect(jar.header('https://other.example/')).toBeUndefined();
});

test('login form parsing finds the username and password fields and hidden inputs', () => {
  const html = `<form action="/x" method="POST"><input type=hidden name=uid value="a&amp;b"><input name="login" type="text"><input type='password' name='pw'><input type="checkbox" name="remember"><button type="submit" name="go" value="1">Go</button></form>`;
  const forms = parseForms(html);
  const login = findLoginForm(forms)!;
  expect(login).toMatchObject({ usernameField: 'login', passwordField: 'pw' });
  expect(formValues(login.form)).toEqual({ uid: 'a&b', login: '', pw: '', go: '1' });
  expect(findLoginForm(parseForms('<form><input name=q></form>'))).toBeUndefined();
});

test('JWT decode and signature verification against a JWKS; tampering and foreign keys fail', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const token = await new SignJWT({ sub: 'u', scope: 'openid' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuedAt().sign(privateKey);
  const jwks = { keys: [jwk] };
  expect(decodeJwtSafe(token)).toMatchObject({ ok: true, jwt: { header: { alg: 'ES256', kid: 'k1' }, claims: { sub: 'u' } } });
  expect(await verifyJwsSignature(token, jwks)).toEqual({ ok: true, alg: 'ES256', kid: 'k1' });
  const tampered = tamperJwt(token, { sub: 'mallory' });
  expect(decodeJwtSafe(tampered)).toMatchObject({ ok: true, jwt: { claims: { sub: 'mallory' } } });
  expect((await verifyJwsSignature(tampered, jwks)).ok).toBe(false);
  const foreign = await mintUntrustedAssertion({ iss: 'https://evil.example', sub: 'u' });
  const v = await verifyJwsSignature(foreign, jwks);
  expect(v.ok).toBe(false);
  expect(decodeJwtSafe('opaque-token').ok).toBe(false);
  expect(decodeJwtSafe('a.b.c.d.e')).toEqual({ ok: false, reason: 'a JWE (5 parts), not a signed JWT' });
  expect(decodeJwtSafe('eyJhbGciOiJub25lIn0.bm90IGpzb24.')).toMatchObject({ ok: false });
  expect(await verifyJwsSignature('eyJhbGciOiJub25lIn0.e30.', jwks)).toMatchObject({ ok: false });
});

test('TLS profile of TS 33.310 Annex E', () => {
  expect(assessTlsProfile('TLSv1.3', 'TLS_AES_128_GCM_SHA256').ok).toBe(true);
  expect(assessTlsProfile('TLSv1.2', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256').ok).toBe(true);
  expect(assessTlsProfile('TLSv1.2', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256').ok).toBe(true);
  expect(assessTlsProfile('TLSv1.2', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA').reason).toMatch(/not AEAD/);
  expect(assessTlsProfile('TLSv1.2', 'TLS_RSA_WITH_AES_128_GCM_SHA256').reason).toMatch(/forward secrecy/);
  expect(assessTlsProfile('TLSv1.1', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA').reason).toMatch(/below TLS 1.2/);
});

test('token endpoint answers: refusals, acceptances and unclear answers', () => {
  const r = (status: number | undefined, json?: Record<string, unknown>, problem?: string): TokenResult => ({ http: { ok: false, error: 'x', durationMs: 0 }, status, headers: {}, json, problem, unreachable: status === undefined });
  expect(refusalOf(r(400, { error: 'invalid_grant' }))).toEqual({ verdict: 'refused', detail: '400 error=invalid_grant' });
  expect(refusalOf(r(200, { access_token: 'x' })).verdict).toBe('accepted');
  expect(refusalOf(r(500, undefined, 'token endpoint answered 500 with text/html that is not JSON')).verdict).toBe('unclear');
  expect(refusalOf(r(undefined, undefined, 'ECONNREFUSED')).verdict).toBe('unclear');
  expect(basicAuthorization('my client', 'p:w')).toBe(`Basic ${Buffer.from('my+client:p%3Aw').toString('base64')}`);
});

test('JSON answers: HTML, arrays and unreachable endpoints give exact reasons', () => {
  const res = (body: string, type = 'application/json') => ({ ok: true as const, status: 200, headers: { 'content-type': type }, bodyText: body, truncated: false, durationMs: 1 });
  expect(readJsonObject(res('{"a":1}'), 'x')).toMatchObject({ ok: true, value: { a: 1 } });
  expect(readJsonObject(res('<html><title>Oops</title></html>', 'text/html'), 'token endpoint')).toMatchObject({ ok: false, reason: expect.stringMatching(/token endpoint answered 200 with text\/html that is not JSON: HTML \(Oops/) });
  expect(readJsonObject(res('[1]'), 'x')).toMatchObject({ ok: false, reason: expect.stringMatching(/not an object/) });
  expect(readJsonObject({ ok: false, error: 'ECONNREFUSED: connect', durationMs: 1 }, 'JWKS')).toEqual({ ok: false, unreachable: true, reason: 'JWKS unreachable: ECONNREFUSED: connect' });
});
