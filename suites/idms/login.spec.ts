import { test, requirements, launchDriver, runCodeFlow, authorizeWith, firstUser, type LoggedExchange } from './fixtures.ts';
import { buildAuthorizationRequest } from '../../lib/oidc/authorization-request.ts';
import { checkAuthorizationResponse } from './checks/authorization-response.ts';
import { R } from './checks/ids.ts';
import type { LoginDriver } from '../../lib/oidc/login-driver.ts';

// Login through the IdMS's own form (5.1.2.3.2, B.4.2.2, B.4.2.3, C.1), with
// a fresh session each time so the login form is really shown.

const LOGIN_IDS = [R.passwordLogin, R.responseTypeCode, R.authScope, R.authState, R.codeInQuery, R.stateEcho, R.pkceFlow];

for (const mode of ['browser', 'form'] as const) {
  test(`5.1.2.3.2 username/password login in ${mode === 'browser' ? 'Chromium' : 'plain HTTP form posts'}: code and exact state on the redirect URI`, { annotation: requirements('MCXSEC-5.1.2.3.1-01', 'MCXSEC-B.4.2.2-01', 'MCXSEC-B.4.2.2-03', 'MCXSEC-B.4.2.2-05', 'MCXSEC-B.4.2.3-01', 'MCXSEC-B.4.2.3-02', 'MCXSEC-B.4.2.1-01'), tag: ['@idms', `@login-${mode}`] }, async ({ idms, verify, evidence, target }) => {
    test.skip(mode === 'form' && target.idms?.login?.mode === 'browser', 'not-applicable: the target file says its login form needs a browser');
    const provider = await idms.provider(LOGIN_IDS);
    const launched = await launchDriver(target, provider, idms.http, mode);
    if (!launched.ok) return verify.inconclusive(LOGIN_IDS, launched.reason);
    const driver: LoginDriver = launched.driver;
    try {
      const user = firstUser(target);
      if (!user) return verify.inconclusive(LOGIN_IDS, 'the target names no test user');
      const request = buildAuthorizationRequest({ authorizationEndpoint: provider.authorizationEndpoint, clientId: target.idms!.clientId, redirectUri: target.idms!.redirectUri, scope: target.idms!.scopes });
      const outcome = await authorizeWith(driver, request, target, idms.http);
      evidence.record('text', `${mode} login steps`, { request: request.params, outcome: outcome.kind === 'redirect' ? { kind: outcome.kind, loginShown: outcome.loginShown, consentShown: outcome.consentShown, params: Object.keys(outcome.redirect.query) } : outcome, steps: outcome.steps });
      if (outcome.kind === 'unreachable') return verify.inconclusive(LOGIN_IDS, `IdMS unreachable during login: ${outcome.detail}`, 'unreachable');
      verify.check(R.passwordLogin, 'the IdMS shows a username/password form and accepts valid credentials', outcome.kind === 'redirect' && outcome.loginShown, {
        expected: 'login form, then a redirect to the client',
        actual: outcome.kind === 'redirect' ? (outcome.loginShown ? 'redirect after login' : 'redirect without a login form') : `${outcome.kind}: ${outcome.detail}`,
        reason: 'check_failed',
        fatal: true,
      });
      if (outcome.kind !== 'redirect') return;
      if (outcome.redirect.query.code) idms.worker.redactor.add(outcome.redirect.query.code);
      verify.check(R.responseTypeCode, 'response_type code answered with a code', !!(outcome.redirect.query.code ?? outcome.redirect.fragment.code), { field: 'code', expected: 'a code', actual: outcome.redirect.query.error ?? 'none', reason: 'missing' });
      const code = checkAuthorizationResponse(verify, request, outcome);
      verify.check(R.authState, 'the request state reached the response', (outcome.redirect.query.state ?? outcome.redirect.fragment.state) !== undefined, { field: 'state', reason: 'missing' });
      if (!code) return;
      const token = await idms.redeem(request, code);
      // Only an OAuth answer (JSON) judges the exchange; anything else says nothing about PKCE or scopes.
      if (!token.json || (token.status ?? 500) >= 500) return verify.inconclusive([R.authScope, R.pkceFlow], `the code could not be redeemed: ${token.problem ?? `status ${token.status}`}`, token.unreachable ? 'unreachable' : 'precondition');
      verify.check(R.authScope, 'openid and MCX scopes accepted: an ID token is returned', typeof token.json?.id_token === 'string', { field: 'id_token', expected: 'an ID token', actual: token.problem ?? token.status, reason: 'missing' });
      verify.check(R.pkceFlow, 'code with S256 PKCE redeemed with its verifier', token.status === 200 && typeof token.json?.access_token === 'string', { field: 'status', expected: 200, actual: token.status, reason: 'check_failed', detail: token.problem });
    } finally {
      await driver.close();
    }
  });
}

test('5.1.2.1 a wrong password gets no code', { annotation: requirements('MCXSEC-5.1.2.1-06'), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const ids = [R.verifiesCredentials];
  const provider = await idms.provider(ids);
  const launched = await launchDriver(target, provider, idms.http);
  if (!launched.ok) return verify.inconclusive(ids, launched.reason);
  try {
    const request = buildAuthorizationRequest({ authorizationEndpoint: provider.authorizationEndpoint, clientId: target.idms!.clientId, redirectUri: target.idms!.redirectUri, scope: target.idms!.scopes });
    const user = firstUser(target);
    if (!user) return verify.inconclusive(ids, 'the target names no test user');
    const outcome = await authorizeWith(launched.driver, request, target, idms.http, request.redirectUri, `${user.password}-wrong`);
    idms.evidence.record('text', 'login with a wrong password', { outcome: outcome.kind, detail: outcome.kind === 'redirect' ? Object.keys(outcome.redirect.query) : outcome.detail, steps: outcome.steps });
    if (outcome.kind === 'unreachable') return verify.inconclusive(ids, outcome.detail, 'unreachable');
    const issued = outcome.kind === 'redirect' && !!outcome.redirect.query.code;
    verify.refused(R.verifiesCredentials, 'login with a wrong password refused', !issued, { expected: 'the login form again or an error, no code', actual: issued ? 'a code was issued' : outcome.kind });
  } finally {
    await launched.driver.close();
  }
});

test('C.1 consent page (step 3c) can be completed and leads to the code', { annotation: requirements('MCXSEC-C.1-01'), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.consent-page');
  const provider = await idms.provider([R.consent]);
  const launched = await launchDriver(target, provider, idms.http);
  if (!launched.ok) return verify.inconclusive([R.consent], launched.reason);
  try {
    const log: LoggedExchange[] = [];
    const flow = await runCodeFlow({ target, provider, driver: launched.driver, http: idms.http, redactor: idms.worker.redactor, scope: target.idms!.scopes, log });
    if (!flow.ok) return verify.inconclusive([R.consent], flow.reason, flow.unreachable ? 'unreachable' : 'precondition');
    verify.check(R.consent, 'a consent page was shown and completed', flow.outcome.consentShown, { expected: 'consent page', actual: flow.outcome.consentShown ? 'shown' : 'not shown', reason: 'missing' });
  } finally {
    await launched.driver.close();
  }
});
