import { test, declare, primaryClient } from '../../lib/oidc/suite-fixtures.ts';
import { randomUrlSafe } from '../../lib/oidc/pkce.ts';
import { AUTH_CODE_RESPONSE } from './checks/token-response.ts';
import { CLIENT_AUTH, CODE_REUSE, NO_VERIFIER, OTHER_CLIENT_ID, OTHER_REDIRECT_URI, WRONG_VERIFIER } from './checks/token-request.ts';

// Token request and response (B.4.2.4, B.4.2.5, C.1 step 3f): the shared
// login's token response, then token requests the IdMS must refuse, each on
// a fresh code.

test('B.4.2.5 token response: access, ID and refresh tokens, bearer, expires_in, Cache-Control no-store', { annotation: declare(AUTH_CODE_RESPONSE), tag: ['@idms'] }, async ({ idms, verify }) => {
  const flow = await idms.loginOutcome();
  if (flow.ok) return verify.run(AUTH_CODE_RESPONSE, flow.token);
  // The shared login failed (perhaps at its token request): the answer to a fresh code's token request is what this table judges.
  const { request, code } = await idms.freshCode();
  await verify.run(AUTH_CODE_RESPONSE, await idms.redeem(request, code));
});

test('C.1 a code_verifier that does not match the code_challenge is refused', { annotation: declare(WRONG_VERIFIER), tag: ['@idms'] }, async ({ idms, verify }) => {
  const { request, code } = await idms.freshCode();
  await verify.run(WRONG_VERIFIER, await idms.redeem(request, code, { code_verifier: randomUrlSafe(32) }));
});

test('B.4.2.4 a token request without code_verifier is refused', { annotation: declare(NO_VERIFIER), tag: ['@idms'] }, async ({ idms, verify }) => {
  const { request, code } = await idms.freshCode();
  await verify.run(NO_VERIFIER, await idms.redeem(request, code, { code_verifier: undefined }));
});

test('B.4.2.4 an authorization code is single use', { annotation: declare(CODE_REUSE), tag: ['@idms'] }, async ({ idms, verify }) => {
  const { request, code } = await idms.freshCode();
  const first = await idms.redeem(request, code);
  if (first.status !== 200) return verify.stop(`the first exchange of the code failed: ${first.problem ?? first.status}`, first.unreachable ? 'unreachable' : 'precondition');
  await verify.run(CODE_REUSE, await idms.redeem(request, code));
});

test('B.4.2.4 a token request whose redirect_uri differs from the authentication request is refused', { annotation: declare(OTHER_REDIRECT_URI), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const { request, code } = await idms.freshCode();
  const other = new URL('/mcx-conformance-other-cb', target.idms!.redirectUri).toString();
  await verify.run(OTHER_REDIRECT_URI, await idms.redeem(request, code, { redirect_uri: other }));
});

test('B.4.2.4 a token request whose client_id is not the registered client is refused', { annotation: declare(OTHER_CLIENT_ID), tag: ['@idms'] }, async ({ idms, verify }) => {
  const { request, code } = await idms.freshCode();
  await verify.run(OTHER_CLIENT_ID, await idms.redeem(request, code, { client_id: 'mcx-conformance-unregistered-client' }));
});

test('B.4.2.4 client authentication is enforced for a client with a secret (B.4.2.1 HTTP Basic)', { annotation: declare(CLIENT_AUTH), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.client-secret');
  if (!target.idms?.clientSecret) return verify.stop('the ICS claims a client secret but the target gives none (idms.clientSecret)', 'configuration');
  const flow = await idms.login();
  const none = await idms.freshCode();
  const noAuthentication = await idms.redeem(none.request, none.code, {}, null);
  const wrong = await idms.freshCode();
  const badClient = { ...primaryClient(target), clientSecret: `${target.idms.clientSecret}-wrong` };
  const wrongSecret = await idms.redeem(wrong.request, wrong.code, {}, badClient);
  await verify.run(CLIENT_AUTH, { rightSecret: flow.token, noAuthentication, wrongSecret });
});
