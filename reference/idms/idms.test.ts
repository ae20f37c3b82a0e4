import { test, expect } from '@playwright/test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startPair, type RunningPair } from './test-pair.ts';
import { authorize, basic, claimsOf, pkcePair } from './test-kit.ts';

/**
 * The reference IdMS pair with no fault on: start/stop, discovery, the code
 * flow with PKCE through the login form, refresh, token exchange and the
 * partner's JWT-bearer grant (5.1, Annex B).
 */
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

let pair: RunningPair;
test.beforeAll(async () => {
  pair = await startPair();
});
test.afterAll(async () => {
  await pair?.stop();
});

async function codeFlow(scope?: string, nonce?: string) {
  const { verifier, challenge } = pkcePair();
  const state = `st-${Math.random()}`;
  const a = await authorize(pair.client, pair.idms, { challenge, scope, state, nonce });
  expect(a.location?.pathname, a.reply.text).toBe('/cb');
  expect(a.location!.searchParams.get('state')).toBe(state);
  const code = a.location!.searchParams.get('code')!;
  const tok = await pair.client.send(`${pair.idms.issuer}/token`, {
    form: { grant_type: 'authorization_code', code, redirect_uri: pair.idms.redirectUri, code_verifier: verifier },
    headers: { authorization: basic(pair.idms.clientId, pair.idms.clientSecret) },
  });
  return { tok, code, verifier };
}

test('starts in under 5 s and stops', async () => {
  const t0 = Date.now();
  const p = await startPair();
  expect(Date.now() - t0).toBeLessThan(5000);
  const d = await p.client.send(`${p.idms.issuer}/.well-known/openid-configuration`);
  expect(d.status).toBe(200);
  await p.stop();
});

test('discovery names separate HTTPS endpoints, S256 only, the MCX scopes and acr (5.1.2.1, B.4.2.2)', async () => {
  const d = await pair.client.send(`${pair.idms.issuer}/.well-known/openid-configuration`);
  expect(d.status).toBe(200);
  const m = d.json;
  expect(m.issuer).toBe(pair.idms.issuer);
  expect(m.authorization_endpoint).toMatch(/^https:\/\//);
  expect(m.token_endpoint).toMatch(/^https:\/\//);
  expect(m.authorization_endpoint).not.toBe(m.token_endpoint);
  expect(m.code_challenge_methods_supported).toEqual(['S256']);
  expect(m.acr_values_supported).toContain('3gpp:acr:password');
  expect(m.scopes_supported).toEqual(expect.arrayContaining(['openid', '3gpp:mc:ptt_service', '3gpp:mc:ptt_key_management_service', '3gpp:mc:auth:role:client:ptt']));
  expect(m.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', EXCHANGE]));
  expect(m.response_types_supported).toEqual(['code']);
  const jwks = await pair.client.send(m.jwks_uri);
  expect(jwks.json.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
  expect(jwks.json.keys[0].d).toBeUndefined();
  expect(m.id_token_signing_alg_values_supported).toContain(jwks.json.keys[0].alg);
});

test('ICS claims and target sections follow lib/target/types.ts', async () => {
  expect(pair.ics).toMatchObject({ 'idms.token-exchange': true, 'idms.refresh-token-rotation': true, 'idms.consent-page': false, 'idms.client-secret': true, 'partner-idms.jwt-bearer': true });
  expect(pair.target.idms.login).toEqual({ mode: 'form', usernameField: 'username', passwordField: 'password' });
  expect(pair.target.idms.users).toHaveLength(2);
  expect(pair.target.idms.clientSecret).toEqual({ env: 'MCX_REF_IDMS_CLIENT_SECRET' });
  expect(pair.env.MCX_REF_ALICE_PASSWORD).toBeTruthy();
  expect(pair.target.partnerIdms.tokenEndpoint).toBe(`${pair.target.partnerIdms.issuer}/token`);
});

test('code flow with PKCE: ID token and JWT access token carry the B.2 claims for the granted scopes', async () => {
  const { tok } = await codeFlow(undefined, 'nonce-1');
  expect(tok.status, tok.text).toBe(200);
  expect(tok.headers['cache-control']).toMatch(/no-store/);
  expect(tok.json.token_type).toMatch(/^bearer$/i);
  expect(tok.json.expires_in).toBeGreaterThan(0);
  expect(tok.json.refresh_token).toBeTruthy();
  const jwks = createLocalJWKSet((await pair.client.send(`${pair.idms.issuer}/jwks`)).json);
  const id = (await jwtVerify(tok.json.id_token, jwks, { issuer: pair.idms.issuer, audience: pair.idms.clientId })).payload;
  expect(id).toMatchObject({ sub: 'alice-0001', mcptt_id: 'sip:alice@mcx.example.org', acr: '3gpp:acr:password', nonce: 'nonce-1' });
  expect(id.mcvideo_id).toBeUndefined();
  const at = await jwtVerify(tok.json.access_token, jwks, { issuer: pair.idms.issuer, typ: 'at+jwt' });
  expect(at.payload).toMatchObject({ client_id: pair.idms.clientId, scope: '3gpp:mc:ptt_service 3gpp:mc:ptt_key_management_service', mcptt_id: 'sip:alice@mcx.example.org', aud: pair.idms.resource });
  expect(at.payload.mcdata_id).toBeUndefined();
  expect((at.payload.exp as number) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(tok.json.expires_in);
});

test('all MCX scopes bring all three service IDs; auth scopes pass to the access token (J.3)', async () => {
  const scope = ['openid', ...pair.target.idms.scopes.filter((s: string) => s !== 'openid'), '3gpp:mc:auth:role:client:ptt'].join(' ');
  const { tok } = await codeFlow(scope);
  expect(tok.status, tok.text).toBe(200);
  const at = claimsOf(tok.json.access_token);
  expect(at).toMatchObject({ mcptt_id: 'sip:alice@mcx.example.org', mcvideo_id: 'sip:alice.video@mcx.example.org', mcdata_id: 'sip:alice.data@mcx.example.org' });
  expect(at.scope.split(' ')).toContain('3gpp:mc:auth:role:client:ptt');
  expect(claimsOf(tok.json.id_token)).toMatchObject({ mcvideo_id: 'sip:alice.video@mcx.example.org', mcdata_id: 'sip:alice.data@mcx.example.org' });
});

test('PKCE: wrong, missing verifier and plain or absent challenge are refused; a code is single use (B.4.2.2, B.4.2.4)', async () => {
  const { verifier, challenge } = pkcePair();
  const a = await authorize(pair.client, pair.idms, { challenge });
  const code = a.location!.searchParams.get('code')!;
  const auth = { authorization: basic(pair.idms.clientId, pair.idms.clientSecret) };
  const form = { grant_type: 'authorization_code', code, redirect_uri: pair.idms.redirectUri };
  const wrong = await pair.client.send(`${pair.idms.issuer}/token`, { form: { ...form, code_verifier: pkcePair().verifier }, headers: auth });
  expect(wrong.json.error).toBe('invalid_grant');
  // A refused exchange spends the code in oidc-provider? It must not: the right verifier still works once, then never again.
  const { tok } = await codeFlow();
  expect(tok.status).toBe(200);
  const b = await authorize(pair.client, pair.idms, { challenge });
  const code2 = b.location!.searchParams.get('code')!;
  const missing = await pair.client.send(`${pair.idms.issuer}/token`, { form: { ...form, code: code2 }, headers: auth });
  expect(missing.json.error).toBe('invalid_grant');
  const c = await authorize(pair.client, pair.idms, { challenge });
  const code3 = c.location!.searchParams.get('code')!;
  const first = await pair.client.send(`${pair.idms.issuer}/token`, { form: { ...form, code: code3, code_verifier: verifier }, headers: auth });
  expect(first.status).toBe(200);
  const again = await pair.client.send(`${pair.idms.issuer}/token`, { form: { ...form, code: code3, code_verifier: verifier }, headers: auth });
  expect(again.json.error).toBe('invalid_grant');
  const plain = await authorize(pair.client, pair.idms, { challenge: verifier, method: 'plain' });
  expect(plain.location?.searchParams.get('code') ?? null).toBeNull();
  expect(plain.location?.searchParams.get('error')).toBe('invalid_request');
  const none = await authorize(pair.client, pair.idms, { challenge: null, method: null });
  expect(none.location?.searchParams.get('error')).toBe('invalid_request');
});

test('redirect URI, client and password checks (B.3, B.4.2.2, B.4.2.4)', async () => {
  const bad = await authorize(pair.client, pair.idms, { redirectUri: 'https://attacker.example/cb' });
  expect(bad.location).toBeUndefined();
  expect(bad.reply.status).toBe(400);
  const unknown = await authorize(pair.client, pair.idms, { clientId: 'nobody' });
  expect(unknown.location).toBeUndefined();
  expect(unknown.reply.status).toBe(400);
  const wrongPw = await authorize(pair.client, { ...pair.idms, password: 'not-the-password' });
  expect(wrongPw.location).toBeUndefined();
  expect(wrongPw.reply.status).toBe(401);
  const { verifier, challenge } = pkcePair();
  const a = await authorize(pair.client, pair.idms, { challenge });
  const code = a.location!.searchParams.get('code')!;
  const form = { grant_type: 'authorization_code', code, redirect_uri: `${pair.idms.redirectUri}?x=1`, code_verifier: verifier };
  const mismatch = await pair.client.send(`${pair.idms.issuer}/token`, { form, headers: { authorization: basic(pair.idms.clientId, pair.idms.clientSecret) } });
  expect(mismatch.json.error).toBe('invalid_grant');
  const noSecret = await pair.client.send(`${pair.idms.issuer}/token`, { form: { ...form, redirect_uri: pair.idms.redirectUri, client_id: pair.idms.clientId } });
  expect(noSecret.status).toBe(401);
  expect(noSecret.json.error).toBe('invalid_client');
  const wrongSecret = await pair.client.send(`${pair.idms.issuer}/token`, { form: { ...form, redirect_uri: pair.idms.redirectUri }, headers: { authorization: basic(pair.idms.clientId, 'nope') } });
  expect(wrongSecret.json.error).toBe('invalid_client');
});

test('refresh: narrower scope allowed, wider refused, rotated token refused (B.5)', async () => {
  const { tok } = await codeFlow();
  const auth = { authorization: basic(pair.idms.clientId, pair.idms.clientSecret) };
  const narrow = await pair.client.send(`${pair.idms.issuer}/token`, { form: { grant_type: 'refresh_token', refresh_token: tok.json.refresh_token, scope: '3gpp:mc:ptt_service' }, headers: auth });
  expect(narrow.status, narrow.text).toBe(200);
  expect(claimsOf(narrow.json.access_token).scope).toBe('3gpp:mc:ptt_service');
  expect(narrow.json.refresh_token).not.toBe(tok.json.refresh_token);
  const wide = await pair.client.send(`${pair.idms.issuer}/token`, { form: { grant_type: 'refresh_token', refresh_token: narrow.json.refresh_token, scope: '3gpp:mc:ptt_service 3gpp:mc:video_service' }, headers: auth });
  expect(wide.json.error).toBe('invalid_scope');
  const old = await pair.client.send(`${pair.idms.issuer}/token`, { form: { grant_type: 'refresh_token', refresh_token: tok.json.refresh_token }, headers: auth });
  expect(old.json.error).toBe('invalid_grant');
});

test('token exchange issues a B.8 security token the partner turns into a B.2.2 access token (B.7)', async () => {
  const { tok } = await codeFlow();
  const auth = { authorization: basic(pair.idms.clientId, pair.idms.clientSecret) };
  const x = await pair.client.send(`${pair.idms.issuer}/token`, {
    form: { grant_type: EXCHANGE, subject_token: tok.json.access_token, subject_token_type: JWT_TYPE, resource: pair.partner.tokenEndpoint },
    headers: auth,
  });
  expect(x.status, x.text).toBe(200);
  expect(x.headers['cache-control']).toMatch(/no-store/);
  expect(x.json).toMatchObject({ issued_token_type: JWT_TYPE, token_type: 'Bearer', expires_in: 300 });
  const st = claimsOf(x.json.access_token);
  expect(st).toMatchObject({ iss: pair.idms.issuer, sub: 'alice-0001', aud: [pair.idms.clientId, pair.partner.tokenEndpoint] });
  expect(st.exp - st.iat).toBe(300);
  const p = await pair.client.send(pair.partner.tokenEndpoint, {
    form: { grant_type: JWT_BEARER, assertion: x.json.access_token, client_id: pair.partner.clientId, scope: '3gpp:mc:ptt_group_management_service' },
  });
  expect(p.status, p.text).toBe(200);
  expect(p.json.token_type).toBe('Bearer');
  const jwks = createLocalJWKSet((await pair.client.send(`${pair.partner.issuer}/jwks`)).json);
  const pat = (await jwtVerify(p.json.access_token, jwks, { issuer: pair.partner.issuer })).payload;
  expect(pat).toMatchObject({ scope: '3gpp:mc:ptt_group_management_service', client_id: pair.partner.clientId, mcptt_id: 'sip:alice@mcx.example.org', sub: 'alice-0001' });
  expect(pat.exp).toBeDefined();
});

test('token exchange refusals: missing resource, tampered, garbage and expired subject tokens', async () => {
  const { tok } = await codeFlow();
  const auth = { authorization: basic(pair.idms.clientId, pair.idms.clientSecret) };
  const send = (form: Record<string, string | undefined>) =>
    pair.client.send(`${pair.idms.issuer}/token`, { form: { grant_type: EXCHANGE, subject_token_type: JWT_TYPE, resource: pair.partner.tokenEndpoint, ...form }, headers: auth });
  expect((await send({ subject_token: tok.json.access_token, resource: undefined })).json.error).toBe('invalid_request');
  const [h, b, s] = tok.json.access_token.split('.');
  const claims = JSON.parse(Buffer.from(b, 'base64url').toString());
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'bob-0001' })).toString('base64url')}.${s}`;
  expect((await send({ subject_token: tampered })).json.error).toBe('invalid_grant');
  expect((await send({ subject_token: 'not-a-jwt' })).json.error).toBe('invalid_grant');
  expect((await send({ subject_token: pair.env.MCX_REF_IDMS_EXPIRED_ACCESS_TOKEN })).json.error).toBe('invalid_grant');
  const other = await send({ subject_token: tok.json.access_token, resource: pair.target.idms.otherPartnerResource });
  expect(other.status).toBe(200);
  expect(claimsOf(other.json.access_token).aud).toContain(pair.target.idms.otherPartnerResource);
  // ... which the partner refuses: its aud names another IdMS.
  const refused = await pair.client.send(pair.partner.tokenEndpoint, { form: { grant_type: JWT_BEARER, assertion: other.json.access_token, client_id: pair.partner.clientId, scope: '3gpp:mc:ptt_service' } });
  expect(refused.json.error).toBe('invalid_grant');
});

test('partner refusals: expired, tampered and foreign assertions; missing scope', async () => {
  const send = (assertion: string, scope: string | undefined = '3gpp:mc:ptt_service') =>
    pair.client.send(pair.partner.tokenEndpoint, { form: { grant_type: JWT_BEARER, assertion, client_id: pair.partner.clientId, scope } });
  expect((await send(pair.env.MCX_REF_PARTNER_EXPIRED_ASSERTION)).json.error).toBe('invalid_grant');
  const expiredClaims = claimsOf(pair.env.MCX_REF_PARTNER_EXPIRED_ASSERTION);
  expect(expiredClaims.aud).toEqual([pair.idms.clientId, pair.partner.tokenEndpoint]);
  expect(Math.floor(Date.now() / 1000) - expiredClaims.exp).toBeGreaterThan(30);
  const { SignJWT, generateKeyPair, exportJWK } = await import('jose');
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const now = Math.floor(Date.now() / 1000);
  const foreign = await new SignJWT({ sub: 'alice-0001', aud: [pair.idms.clientId, pair.partner.tokenEndpoint], mcptt_id: 'sip:alice@mcx.example.org' })
    .setProtectedHeader({ alg: 'ES256', jwk: await exportJWK(publicKey) })
    .setIssuer('https://rogue.example.org')
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(privateKey);
  expect((await send(foreign)).json.error).toBe('invalid_grant');
  expect((await send('a.b.c')).json.error).toBe('invalid_grant');
  expect((await send(foreign, '')).json.error).toBe('invalid_request');
});
