import { test, requirements, firstUser, narrowScopes } from './fixtures.ts';
import { checkIdTokenMcxClaims, checkIdTokenSignature, checkIdTokenStandardClaims, type IdTokenContext } from './checks/id-token.ts';
import { checkAccessTokenClaims, checkAccessTokenFormat } from './checks/access-token.ts';
import { R, SERVICES, serviceGranted } from './checks/ids.ts';
import type { CodeFlow } from './fixtures.ts';

// The ID token (B.2.1, validated as OIDC Core 3.1.3.7 says) and the access
// token (B.2.2) of the shared login; then a login asking for MCPTT only.

function idContext(flow: Extract<CodeFlow, { ok: true }>, issuer: string, clientId: string, user = undefined as IdTokenContext['user']): IdTokenContext {
  return { decoded: flow.idToken.decoded, signature: flow.idToken.signature, issuer, clientId, nonce: flow.request.nonce, sentAt: flow.sentAt, receivedAt: flow.receivedAt, grantedScopes: flow.grantedScopes, user };
}

test('B.2.1.1 ID token is a JWS verifying with the provider JWKS', { annotation: requirements('MCXSEC-B.2.1.1-01'), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const flow = await idms.login([R.idTokenJwt]);
  checkIdTokenSignature(verify, idContext(flow, target.idms!.issuer, target.idms!.clientId));
});

const STD = [R.idIss, R.idSub, R.idAud, R.idExp, R.clockSkew, R.idIat, R.oidc, R.acr];
test('B.2.1.2 ID token standard claims: iss, sub, aud, exp, iat, clock skew, nonce, acr', { annotation: requirements('MCXSEC-B.2.1.2-01', 'MCXSEC-B.2.1.2-02', 'MCXSEC-B.2.1.2-03', 'MCXSEC-B.2.1.2-04', 'MCXSEC-B.2.1.2-05', 'MCXSEC-B.2.1.2-06', 'MCXSEC-5.1.2.1-01', 'MCXSEC-B.4.2.2-06'), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const flow = await idms.login(STD);
  if (!flow.idToken.decoded.ok) return verify.inconclusive(STD, `no decodable ID token: ${flow.idToken.decoded.reason}`);
  checkIdTokenStandardClaims(verify, idContext(flow, target.idms!.issuer, target.idms!.clientId));
});

const MCX_ID = [R.idMcptt, R.idMcvideo, R.idMcdata];
test('B.2.1.3 ID token MC service IDs for the granted services', { annotation: requirements('MCXSEC-B.2.1.3-01', 'MCXSEC-B.2.1.3-02', 'MCXSEC-B.2.1.3-03'), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const flow = await idms.login(MCX_ID);
  if (!flow.idToken.decoded.ok) return verify.inconclusive(MCX_ID, `no decodable ID token: ${flow.idToken.decoded.reason}`);
  const notGranted = SERVICES.filter((s) => !serviceGranted(s, flow.grantedScopes));
  if (notGranted.length === SERVICES.length) return verify.inconclusive(MCX_ID, 'no MC service scope was granted');
  checkIdTokenMcxClaims(verify, idContext(flow, target.idms!.issuer, target.idms!.clientId, firstUser(target)));
});

const AT = [R.atJwt, R.atSigned, R.atExp, R.atScope, R.atClientId, R.atMcptt, R.atMcvideo, R.atMcdata];
test('B.2.2 access token: signed JWT with exp, scope, client_id and MC service IDs', { annotation: requirements('MCXSEC-B.2.2.1-01', 'MCXSEC-B.2.2.1-02', 'MCXSEC-B.2.2.2-01', 'MCXSEC-B.2.2.2-03', 'MCXSEC-B.2.2.2-04', 'MCXSEC-B.2.2.3-01', 'MCXSEC-B.2.2.3-02', 'MCXSEC-B.2.2.3-03'), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const flow = await idms.login(AT);
  const ctx = { decoded: flow.accessToken.decoded, signature: flow.accessToken.signature, clientId: target.idms!.clientId, requestedScopes: flow.request.scope, user: firstUser(target) };
  if (checkAccessTokenFormat(verify, ctx)) checkAccessTokenClaims(verify, ctx);
});

const NARROW = [R.atScope, R.atMcptt, R.atMcvideo, R.atMcdata, R.atExp, R.atClientId];
test('B.2.2.2 access token for an MCPTT-only request: scope as asked, no MCVideo or MCData ID', { annotation: requirements('MCXSEC-B.2.2.2-03', 'MCXSEC-B.2.2.3-01', 'MCXSEC-B.2.2.3-02', 'MCXSEC-B.2.2.3-03', 'MCXSEC-B.2.2.2-01', 'MCXSEC-B.2.2.2-04'), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  await idms.login(NARROW);
  const scope = narrowScopes(target.idms!.scopes);
  const { request, code } = await idms.freshCode(NARROW, { scope });
  const res = await idms.redeem(request, code);
  if (res.status !== 200 || typeof res.json?.access_token !== 'string') return verify.inconclusive(NARROW, `the narrow-scope token request failed: ${res.problem ?? res.status}`);
  const provider = await idms.provider(NARROW);
  const at = await idms.decode(res.json.access_token, provider.jwks);
  idms.recordJwt('access_token (narrow scope)', at);
  if (!at.decoded.ok) return verify.inconclusive(NARROW, `the access token is not a JWT: ${at.decoded.reason}`);
  checkAccessTokenClaims(verify, { decoded: at.decoded, signature: at.signature, clientId: target.idms!.clientId, requestedScopes: scope, user: firstUser(target) });
});
