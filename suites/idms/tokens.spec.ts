import { test, declare, firstUser, narrowScopes, type CodeFlow } from '../../lib/oidc/suite-fixtures.ts';
import { SERVICES, serviceGranted } from '../../lib/oidc/claims.ts';
import { ID_TOKEN_CLAIMS, ID_TOKEN_MCX, ID_TOKEN_SIGNATURE, type IdTokenInput } from './checks/id-token.ts';
import { ACCESS_TOKEN, NARROW_ACCESS_TOKEN } from './checks/access-token.ts';

// The ID token (B.2.1, validated as OIDC Core 3.1.3.7 says) and the access
// token (B.2.2) of the shared login; then a login asking for MCPTT only.

function idInput(flow: Extract<CodeFlow, { ok: true }>, issuer: string, clientId: string, user = undefined as IdTokenInput['user']): IdTokenInput {
  return { decoded: flow.idToken.decoded, signature: flow.idToken.signature, issuer, clientId, nonce: flow.request.nonce, sentAt: flow.sentAt, receivedAt: flow.receivedAt, grantedScopes: flow.grantedScopes, user };
}

test('B.2.1.1 ID token is a JWS verifying with the provider JWKS', { annotation: declare(ID_TOKEN_SIGNATURE), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const flow = await idms.login();
  await verify.run(ID_TOKEN_SIGNATURE, idInput(flow, target.idms!.issuer, target.idms!.clientId));
});

test('B.2.1.2 ID token standard claims: iss, sub, aud, exp, iat, clock skew, nonce, acr', { annotation: declare(ID_TOKEN_CLAIMS), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const flow = await idms.login();
  await verify.run(ID_TOKEN_CLAIMS, idInput(flow, target.idms!.issuer, target.idms!.clientId));
});

test('B.2.1.3 ID token MC service IDs for the granted services', { annotation: declare(ID_TOKEN_MCX), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const flow = await idms.login();
  if (!SERVICES.some((s) => serviceGranted(s, flow.grantedScopes))) return verify.stop('no MC service scope was granted', 'precondition');
  await verify.run(ID_TOKEN_MCX, idInput(flow, target.idms!.issuer, target.idms!.clientId, firstUser(target)));
});

test('B.2.2 access token: signed JWT with exp, scope, client_id and MC service IDs', { annotation: declare(ACCESS_TOKEN), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const flow = await idms.login();
  await verify.run(ACCESS_TOKEN, { decoded: flow.accessToken.decoded, signature: flow.accessToken.signature, clientId: target.idms!.clientId, requestedScopes: flow.request.scope, user: firstUser(target) });
});

test('B.2.2.2 access token for an MCPTT-only request: scope as asked, no MCVideo or MCData ID', { annotation: declare(NARROW_ACCESS_TOKEN), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  await idms.login();
  const scope = narrowScopes(target.idms!.scopes);
  const { request, code } = await idms.freshCode({ scope });
  const res = await idms.redeem(request, code);
  if (res.status !== 200 || typeof res.json?.access_token !== 'string') return verify.stop(`the narrow-scope token request failed: ${res.problem ?? res.status}`, res.unreachable ? 'unreachable' : 'precondition');
  const provider = await idms.provider();
  const at = await idms.decode(res.json.access_token, provider.jwks);
  idms.recordJwt('access_token (narrow scope)', at);
  if (!at.decoded.ok) return verify.stop(`the access token is not a JWT: ${at.decoded.reason}`, 'precondition');
  await verify.run(NARROW_ACCESS_TOKEN, { decoded: at.decoded, signature: at.signature, clientId: target.idms!.clientId, requestedScopes: scope, user: firstUser(target) });
});
