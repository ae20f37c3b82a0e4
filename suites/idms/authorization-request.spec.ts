import { test, declare } from '../../lib/oidc/suite-fixtures.ts';
import { NO_CODE_CHALLENGE, PLAIN_PKCE, UNREGISTERED_CLIENT, UNREGISTERED_REDIRECT } from './checks/authorization-request.ts';

// Authentication requests the IdMS must refuse (B.3, B.4.2.2). They ride on
// the worker's IdMS session (so the refusal is not hidden behind the login
// form); a refusal is an error redirect or a 4xx error page, never silence.

test('B.4.2.2 an unregistered redirect_uri is refused and never redirected to', { annotation: declare(UNREGISTERED_REDIRECT), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  await idms.login();
  const unregistered = new URL('/mcx-conformance-unregistered-cb', target.idms!.redirectUri).toString();
  const { outcome } = await idms.authorize({ redirectUri: unregistered });
  await verify.run(UNREGISTERED_REDIRECT, { outcome, forbiddenRedirect: unregistered });
});

test('B.4.2.2 an unregistered client_id gets no code', { annotation: declare(UNREGISTERED_CLIENT), tag: ['@idms'] }, async ({ idms, verify }) => {
  await idms.login();
  const { outcome } = await idms.authorize({ clientId: 'mcx-conformance-unregistered-client' });
  await verify.run(UNREGISTERED_CLIENT, { outcome });
});

test('B.4.2.2 a request without code_challenge is refused', { annotation: declare(NO_CODE_CHALLENGE), tag: ['@idms'] }, async ({ idms, verify }) => {
  await idms.login();
  const { outcome } = await idms.authorize({ pkce: 'none' });
  await verify.run(NO_CODE_CHALLENGE, { outcome });
});

test('B.4.2.2 code_challenge_method plain is refused (S256 only)', { annotation: declare(PLAIN_PKCE), tag: ['@idms'] }, async ({ idms, verify }) => {
  await idms.login();
  const { outcome } = await idms.authorize({ pkce: 'plain' });
  await verify.run(PLAIN_PKCE, { outcome });
});
