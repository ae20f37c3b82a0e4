/** Login through the IdMS's own pages (5.1.2.1, 5.1.2.3.2, C.1), the authentication response (B.4.2.2, B.4.2.3) and the redemption of its code. */
import { checkTable, fail, inconclusive, pass, unmet, verdictOf, type Outcome } from '../../../lib/harness/check.ts';
import type { AuthorizationRequest } from '../../../lib/oidc/authorization-request.ts';
import type { AuthorizeOutcome } from '../../../lib/oidc/login-driver.ts';
import type { TokenResult } from '../../../lib/oidc/token-request.ts';

export interface LoginInput {
  request: AuthorizationRequest;
  outcome: AuthorizeOutcome;
  /** The token request for the code, or why none was sent. */
  token: TokenResult | { skipped: string };
}

const redirected = ({ outcome }: LoginInput) => (outcome.kind === 'redirect' ? undefined : unmet(`no authentication response: ${outcome.kind}: ${outcome.detail}`, outcome.kind === 'unreachable' ? 'unreachable' : 'precondition'));
const redirectOf = (i: LoginInput) => (i.outcome as Extract<AuthorizeOutcome, { kind: 'redirect' }>).redirect;
const tokenAnswered = ({ token }: LoginInput) => {
  if ('skipped' in token) return unmet(`the code was not redeemed: ${token.skipped}`, 'precondition');
  if (!token.json || (token.status ?? 500) >= 500) return unmet(`the code could not be redeemed: ${token.problem ?? `status ${token.status}`}`, token.unreachable ? 'unreachable' : 'target');
  return undefined;
};
const stateEcho = (i: LoginInput): Outcome => {
  const r = redirectOf(i);
  const state = r.query.state ?? r.fragment.state;
  return verdictOf(state === i.request.state, 'redirect query state', i.request.state, state, state === undefined ? 'missing' : 'mismatch');
};

export const LOGIN = checkTable<LoginInput>('idms login and authentication response', [
  {
    id: 'idms.login.password-form',
    requirement: 'MCXSEC-5.1.2.3.1-01',
    title: 'the IdMS shows a username/password form and accepts valid credentials',
    run: ({ outcome }) => {
      const expected = 'login form, then a redirect to the client';
      if (outcome.kind === 'redirect') return verdictOf(outcome.loginShown, 'login', expected, outcome.loginShown ? 'redirect after login' : 'redirect without a login form', 'check_failed');
      if (outcome.kind === 'unreachable') return inconclusive(`IdMS unreachable during login: ${outcome.detail}`, 'unreachable');
      if (outcome.kind === 'stuck') return inconclusive(`the login driver could not go on: ${outcome.detail}`, 'target');
      return fail('login', expected, `${outcome.kind}: ${outcome.detail}`, 'check_failed');
    },
  },
  {
    id: 'idms.authorization-response.code',
    requirement: 'MCXSEC-B.4.2.2-01',
    title: 'response_type code answered with a code',
    needs: redirected,
    run: (i) => {
      const r = redirectOf(i);
      const code = r.query.code ?? r.fragment.code;
      return code ? pass('code', 'present', 'a code') : fail('code', 'a code', r.query.error ? `error=${r.query.error}` : 'none', 'missing');
    },
  },
  {
    id: 'idms.authorization-response.code-in-query',
    requirement: 'MCXSEC-B.4.2.3-01',
    title: 'code in the query of the redirect URI',
    // Where the code is, once there is one: a response without any code is graded by idms.authorization-response.code.
    needs: (i) => redirected(i) ?? (redirectOf(i).query.code || redirectOf(i).fragment.code ? undefined : unmet('no code in the authentication response (judged by idms.authorization-response.code)', 'target')),
    run: (i) => {
      const { query, fragment } = redirectOf(i);
      if (query.code) return pass('redirect query code', 'present', 'a code');
      return fail('redirect query code', 'a code', fragment.code ? 'only in the fragment' : query.error ? `error=${query.error}` : undefined, 'missing');
    },
  },
  { id: 'idms.authorization-response.state-echo', requirement: 'MCXSEC-B.4.2.3-02', title: 'state returned exactly', needs: redirected, run: stateEcho },
  { id: 'idms.authorization-request.state-returned', requirement: 'MCXSEC-B.4.2.2-05', title: 'the request state comes back exactly in the response', needs: redirected, run: stateEcho },
  {
    id: 'idms.token-request.id-token-for-scopes',
    requirement: 'MCXSEC-B.4.2.2-03',
    title: 'openid and MCX scopes accepted: an ID token is returned',
    needs: tokenAnswered,
    run: ({ token }) => {
      const t = token as TokenResult;
      return verdictOf(typeof t.json?.id_token === 'string', 'id_token', 'an ID token', t.json?.id_token === undefined ? `status ${t.status}, no id_token` : typeof t.json.id_token, 'missing');
    },
  },
  {
    id: 'idms.token-request.pkce-redeemed',
    requirement: 'MCXSEC-B.4.2.1-01',
    title: 'code with S256 PKCE redeemed with its verifier',
    needs: tokenAnswered,
    run: ({ token }) => {
      const t = token as TokenResult;
      return verdictOf(t.status === 200 && typeof t.json?.access_token === 'string', 'status', '200 with an access_token', `${t.status}${typeof t.json?.error === 'string' ? ` error=${t.json.error}` : ''}`, 'check_failed');
    },
  },
]);

export interface WrongPasswordInput {
  /** The same login with the right password, in a fresh session: it must work, or a refusal proves nothing. */
  control: AuthorizeOutcome;
  outcome: AuthorizeOutcome;
}

export const WRONG_PASSWORD = checkTable<WrongPasswordInput>('idms login with a wrong password', [
  {
    id: 'idms.login.wrong-password-refused',
    requirement: 'MCXSEC-5.1.2.1-06',
    title: 'login with a wrong password refused',
    needs: ({ control }) => {
      if (control.kind === 'unreachable') return unmet(`IdMS unreachable during the control login: ${control.detail}`, 'unreachable');
      if (control.kind !== 'redirect' || !control.redirect.query.code) return unmet(`the login with the right password did not give a code either (${control.kind === 'redirect' ? 'redirect without a code' : `${control.kind}: ${control.detail}`}), so a refusal proves nothing`, 'precondition');
      return undefined;
    },
    run: ({ outcome }) => {
      const expected = 'the login form again, an error page or an error redirect; no code';
      switch (outcome.kind) {
        case 'redirect':
          if (outcome.redirect.query.code ?? outcome.redirect.fragment.code) return fail('code', expected, 'a code was issued', 'not_refused');
          if (outcome.redirect.query.error ?? outcome.redirect.fragment.error) return pass('redirect error', `error=${outcome.redirect.query.error ?? outcome.redirect.fragment.error}`, expected);
          return inconclusive('redirect to the client with neither a code nor an error', 'target');
        case 'login-rejected':
          return pass('login', outcome.detail, expected);
        case 'error':
          if ((outcome.status ?? 0) >= 400 && (outcome.status ?? 0) < 500) return pass('status', outcome.detail, expected);
          return inconclusive(`the IdMS answered ${outcome.status ?? 'an error'}: ${outcome.detail}`, 'target');
        case 'stuck':
          return inconclusive(`no code, but no refusal either: ${outcome.detail}`, 'target');
        case 'unreachable':
          return inconclusive(outcome.detail, 'unreachable');
      }
    },
  },
]);

export const CONSENT = checkTable<{ consentShown: boolean }>('idms consent page', [
  {
    id: 'idms.login.consent-page',
    requirement: 'MCXSEC-C.1-01',
    title: 'a consent page was shown and completed',
    run: ({ consentShown }) => verdictOf(consentShown, 'consent', 'consent page', consentShown ? 'shown' : 'not shown', 'missing'),
  },
]);
