import { test, requirements, primaryClient } from './fixtures.ts';
import { checkTokenResponseFields } from './checks/token-response.ts';
import { checkTokenRequestRefused } from './checks/refusal.ts';
import { R } from './checks/ids.ts';
import { randomUrlSafe } from '../../lib/oidc/pkce.ts';

// Token request and response (B.4.2.4, B.4.2.5, C.1 step 3f): the shared
// login's token response, then token requests the IdMS must refuse, each on
// a fresh code.

test('B.4.2.5 token response: access, ID and refresh tokens, bearer, expires_in, Cache-Control no-store', { annotation: requirements('MCXSEC-B.4.2.5-01', 'MCXSEC-B.4.2.5-02', 'MCXSEC-B.4.2.5-03', 'MCXSEC-B.4.2.5-04', 'MCXSEC-B.4.2.5-05', 'MCXSEC-B.4.2.4-02', 'MCXSEC-B.4.2.1-02'), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const ids = [R.allTokens, R.accessToken, R.bearer, R.expiresIn, R.noStore, R.grantAuthCode, R.basicAuth];
  const flow = await idms.login(ids);
  const j = flow.token.json ?? {};
  verify.check(R.grantAuthCode, 'grant_type authorization_code accepted', flow.token.status === 200, { field: 'status', expected: 200, actual: flow.token.status });
  if (target.idms!.clientSecret) verify.check(R.basicAuth, 'client authenticated with HTTP Basic (RFC 6749 2.3.1)', flow.token.status === 200, { field: 'status', expected: 200, actual: flow.token.status });
  const missing = ['access_token', 'id_token', 'refresh_token'].filter((k) => typeof j[k] !== 'string' || !j[k]);
  verify.check(R.allTokens, 'ID token, access token and refresh token all returned', missing.length === 0, { field: missing.join(', ') || 'tokens', expected: 'access_token, id_token, refresh_token', actual: missing.length ? `missing ${missing.join(', ')}` : 'all present', reason: 'missing' });
  checkTokenResponseFields(verify, flow.token, { accessToken: R.accessToken, tokenType: R.bearer, expiresIn: R.expiresIn, noStore: R.noStore });
});

test('C.1 a code_verifier that does not match the code_challenge is refused', { annotation: requirements('MCXSEC-C.1-02'), tag: ['@idms'] }, async ({ idms, verify }) => {
  const { request, code } = await idms.freshCode([R.verifierMatches]);
  const res = await idms.redeem(request, code, { code_verifier: randomUrlSafe(32) });
  checkTokenRequestRefused(verify, R.verifierMatches, 'token request with a wrong code_verifier', res);
});

test('B.4.2.4 a token request without code_verifier is refused', { annotation: requirements('MCXSEC-B.4.2.4-06'), tag: ['@idms'] }, async ({ idms, verify }) => {
  const { request, code } = await idms.freshCode([R.codeVerifierRequired]);
  const res = await idms.redeem(request, code, { code_verifier: undefined });
  checkTokenRequestRefused(verify, R.codeVerifierRequired, 'token request without code_verifier', res);
});

test('B.4.2.4 an authorization code is single use', { annotation: requirements('MCXSEC-B.4.2.4-03'), tag: ['@idms'] }, async ({ idms, verify }) => {
  const { request, code } = await idms.freshCode([R.codeSingleUse]);
  const first = await idms.redeem(request, code);
  if (first.status !== 200) return verify.inconclusive([R.codeSingleUse], `the first exchange of the code failed: ${first.problem ?? first.status}`, first.unreachable ? 'unreachable' : 'precondition');
  const second = await idms.redeem(request, code);
  checkTokenRequestRefused(verify, R.codeSingleUse, 'second exchange of the same code', second);
});

test('B.4.2.4 a token request whose redirect_uri differs from the authentication request is refused', { annotation: requirements('MCXSEC-B.4.2.4-05'), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const { request, code } = await idms.freshCode([R.tokenRedirectUri]);
  const other = new URL('/mcx-conformance-other-cb', target.idms!.redirectUri).toString();
  const res = await idms.redeem(request, code, { redirect_uri: other });
  checkTokenRequestRefused(verify, R.tokenRedirectUri, 'token request with a different redirect_uri', res);
});

test('B.4.2.4 a token request whose client_id is not the registered client is refused', { annotation: requirements('MCXSEC-B.4.2.4-04'), tag: ['@idms'] }, async ({ idms, verify }) => {
  const { request, code } = await idms.freshCode([R.tokenClientId]);
  const res = await idms.redeem(request, code, { client_id: 'mcx-conformance-unregistered-client' });
  checkTokenRequestRefused(verify, R.tokenClientId, 'token request with another client_id', res);
});

test('B.4.2.4 client authentication is enforced for a client with a secret', { annotation: requirements('MCXSEC-B.4.2.4-01'), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.client-secret');
  if (!target.idms?.clientSecret) return verify.inconclusive([R.clientAuth], 'the ICS claims a client secret but the target gives none');
  const none = await idms.freshCode([R.clientAuth]);
  checkTokenRequestRefused(verify, R.clientAuth, 'token request without client authentication', await idms.redeem(none.request, none.code, {}, null));
  const wrong = await idms.freshCode([R.clientAuth]);
  const badClient = { ...primaryClient(target), clientSecret: `${target.idms.clientSecret}-wrong` };
  checkTokenRequestRefused(verify, R.clientAuth, 'token request with a wrong client secret', await idms.redeem(wrong.request, wrong.code, {}, badClient));
});
