import { test, declare, launchDriver, runCodeFlow, authorizeWith, firstUser, type LoggedExchange } from '../../lib/oidc/suite-fixtures.ts';
import { buildAuthorizationRequest } from '../../lib/oidc/authorization-request.ts';
import type { TokenResult } from '../../lib/oidc/token-request.ts';
import { CONSENT, LOGIN, WRONG_PASSWORD } from './checks/login.ts';

// Login through the IdMS's own form (5.1.2.3.2, B.4.2.2, B.4.2.3, C.1), with
// a fresh session each time so the login form is really shown.

for (const mode of ['browser', 'form'] as const) {
  test(`5.1.2.3.2 username/password login in ${mode === 'browser' ? 'Chromium' : 'plain HTTP form posts'}: code and exact state on the redirect URI`, { annotation: declare(LOGIN), tag: ['@idms', `@login-${mode}`] }, async ({ idms, verify, evidence, target }) => {
    test.skip(mode === 'form' && target.idms?.login?.mode === 'browser', 'not-applicable: the target file says its login form needs a browser');
    const provider = await idms.provider();
    const launched = await launchDriver(target, provider, idms.http, mode);
    if (!launched.ok) return verify.stop(launched.reason, 'precondition');
    const driver = launched.driver;
    try {
      if (!firstUser(target)) return verify.stop('the target names no test user', 'configuration');
      const request = buildAuthorizationRequest({ authorizationEndpoint: provider.authorizationEndpoint, clientId: target.idms!.clientId, redirectUri: target.idms!.redirectUri, scope: target.idms!.scopes });
      const outcome = await authorizeWith(driver, request, target, idms.http);
      evidence.record('text', `${mode} login steps`, { request: request.params, outcome: outcome.kind === 'redirect' ? { kind: outcome.kind, loginShown: outcome.loginShown, consentShown: outcome.consentShown, params: Object.keys(outcome.redirect.query) } : outcome, steps: outcome.steps });
      let token: TokenResult | { skipped: string } = { skipped: 'no authentication response' };
      if (outcome.kind === 'redirect') {
        const code = outcome.redirect.query.code;
        if (code) idms.worker.redactor.add(code);
        if (!code) token = { skipped: 'no code in the query of the redirect URI' };
        else if (outcome.redirect.query.state !== request.state) token = { skipped: 'the state differs from the request; a conforming client ignores the code' };
        else token = await idms.redeem(request, code);
      }
      await verify.run(LOGIN, { request, outcome, token });
    } finally {
      await driver.close();
    }
  });
}

test('5.1.2.1 a wrong password gets no code', { annotation: declare(WRONG_PASSWORD), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const provider = await idms.provider();
  const launched = await launchDriver(target, provider, idms.http);
  if (!launched.ok) return verify.stop(launched.reason, 'precondition');
  try {
    const user = firstUser(target);
    if (!user) return verify.stop('the target names no test user', 'configuration');
    const request = () => buildAuthorizationRequest({ authorizationEndpoint: provider.authorizationEndpoint, clientId: target.idms!.clientId, redirectUri: target.idms!.redirectUri, scope: target.idms!.scopes });
    // Control: the right password works on the same login page, so a refusal below is the IdMS judging the password.
    const control = await authorizeWith(launched.driver, request(), target, idms.http);
    if (control.kind === 'redirect' && control.redirect.query.code) idms.worker.redactor.add(control.redirect.query.code);
    idms.evidence.record('text', 'login with the right password (control)', { outcome: control.kind, detail: control.kind === 'redirect' ? Object.keys(control.redirect.query) : control.detail, steps: control.steps });
    await launched.driver.resetSession();
    const r = request();
    const outcome = await authorizeWith(launched.driver, r, target, idms.http, r.redirectUri, `${user.password}-wrong`);
    if (outcome.kind === 'redirect' && outcome.redirect.query.code) idms.worker.redactor.add(outcome.redirect.query.code);
    idms.evidence.record('text', 'login with a wrong password', { outcome: outcome.kind, detail: outcome.kind === 'redirect' ? Object.keys(outcome.redirect.query) : outcome.detail, steps: outcome.steps });
    await verify.run(WRONG_PASSWORD, { control, outcome });
  } finally {
    await launched.driver.close();
  }
});

test('C.1 consent page (step 3c) can be completed and leads to the code', { annotation: declare(CONSENT), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.consent-page');
  const provider = await idms.provider();
  const launched = await launchDriver(target, provider, idms.http);
  if (!launched.ok) return verify.stop(launched.reason, 'precondition');
  try {
    const log: LoggedExchange[] = [];
    const flow = await runCodeFlow({ target, provider, driver: launched.driver, http: idms.http, redactor: idms.worker.redactor, scope: target.idms!.scopes, log });
    if (!flow.ok) return verify.stop(flow.reason, flow.unreachable ? 'unreachable' : 'precondition');
    await verify.run(CONSENT, { consentShown: flow.outcome.consentShown });
  } finally {
    await launched.driver.close();
  }
});
