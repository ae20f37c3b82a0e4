import { test, requirements } from './fixtures.ts';
import { checkAuthorizationRefused } from './checks/refusal.ts';
import { R } from './checks/ids.ts';

// Authentication requests the IdMS must refuse (B.3, B.4.2.2). They ride on
// the worker's IdMS session; a refusal is "no code issued".

test('B.4.2.2 an unregistered redirect_uri is refused and never redirected to', { annotation: requirements('MCXSEC-B.4.2.2-04', 'MCXSEC-B.3-02'), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const ids = [R.authRedirectUri, R.registeredRedirect];
  await idms.login(ids); // an IdMS session, so the refusal is not hidden behind the login form
  const unregistered = new URL('/mcx-conformance-unregistered-cb', target.idms!.redirectUri).toString();
  const { outcome } = await idms.authorize(ids, { redirectUri: unregistered });
  checkAuthorizationRefused(verify, ids, 'authentication request with an unregistered redirect_uri', outcome, unregistered);
});

test('B.4.2.2 an unregistered client_id gets no code', { annotation: requirements('MCXSEC-B.4.2.2-02', 'MCXSEC-B.3-01'), tag: ['@idms'] }, async ({ idms, verify }) => {
  const ids = [R.authClientId, R.registeredClient];
  await idms.login(ids);
  const { outcome } = await idms.authorize(ids, { clientId: 'mcx-conformance-unregistered-client' });
  checkAuthorizationRefused(verify, ids, 'authentication request with an unregistered client_id', outcome);
});

test('B.4.2.2 a request without code_challenge is refused', { annotation: requirements('MCXSEC-B.4.2.2-07'), tag: ['@idms'] }, async ({ idms, verify }) => {
  await idms.login([R.codeChallenge]);
  const { outcome } = await idms.authorize([R.codeChallenge], { pkce: 'none' });
  checkAuthorizationRefused(verify, [R.codeChallenge], 'authentication request without code_challenge', outcome);
});

test('B.4.2.2 code_challenge_method plain is refused (S256 only)', { annotation: requirements('MCXSEC-B.4.2.2-08'), tag: ['@idms'] }, async ({ idms, verify }) => {
  await idms.login([R.s256]);
  const { outcome } = await idms.authorize([R.s256], { pkce: 'plain' });
  checkAuthorizationRefused(verify, [R.s256], 'authentication request with code_challenge_method plain', outcome);
});
