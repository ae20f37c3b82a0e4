/** Token requests the IdMS must refuse (B.4.2.1, B.4.2.4, C.1), each a 4xx. */
import { checkTable, fail, inconclusive, pass } from '../../../lib/harness/check.ts';
import { tokenRefusalOutcome, tokenRefusalTable } from '../../../lib/oidc/checks/refusal.ts';
import type { TokenResult } from '../../../lib/oidc/token-request.ts';

export const WRONG_VERIFIER = tokenRefusalTable('idms token request with a wrong code_verifier', [
  { id: 'idms.token-request.wrong-verifier-refused', requirement: 'MCXSEC-C.1-02', title: 'token request with a code_verifier not matching the code_challenge refused' },
]);

export const NO_VERIFIER = tokenRefusalTable('idms token request without code_verifier', [
  { id: 'idms.token-request.verifier-required', requirement: 'MCXSEC-B.4.2.4-06', title: 'token request without code_verifier refused' },
]);

export const CODE_REUSE = tokenRefusalTable('idms second token request with the same code', [
  { id: 'idms.token-request.code-single-use', requirement: 'MCXSEC-B.4.2.4-03', title: 'second exchange of the same code refused' },
]);

export const OTHER_REDIRECT_URI = tokenRefusalTable('idms token request with another redirect_uri', [
  { id: 'idms.token-request.redirect-uri-must-match', requirement: 'MCXSEC-B.4.2.4-05', title: 'token request whose redirect_uri differs from the authentication request refused' },
]);

export const OTHER_CLIENT_ID = tokenRefusalTable('idms token request with another client_id', [
  { id: 'idms.token-request.client-id-must-match', requirement: 'MCXSEC-B.4.2.4-04', title: 'token request with a client_id other than the registered client refused' },
]);

export interface ClientAuthInput {
  /** The shared login's token request, with the right secret in HTTP Basic. */
  rightSecret: TokenResult;
  noAuthentication: TokenResult;
  wrongSecret: TokenResult;
}

export const CLIENT_AUTH = checkTable<ClientAuthInput>('idms token requests with and without client authentication', [
  { id: 'idms.token-request.no-client-auth-refused', requirement: 'MCXSEC-B.4.2.4-01', title: 'token request without client authentication refused', run: (i) => tokenRefusalOutcome(i.noAuthentication) },
  { id: 'idms.token-request.wrong-secret-refused', requirement: 'MCXSEC-B.4.2.4-01', title: 'token request with a wrong client secret refused', run: (i) => tokenRefusalOutcome(i.wrongSecret) },
  {
    id: 'idms.token-request.basic-auth',
    requirement: 'MCXSEC-B.4.2.1-02',
    title: 'HTTP Basic client authentication is verified: the right secret accepted, a wrong one refused (RFC 6749 2.3.1)',
    run: ({ rightSecret, wrongSecret }) => {
      if (rightSecret.status !== 200) return inconclusive(`the request with the right secret was not accepted either (${rightSecret.problem ?? rightSecret.status})`, 'precondition');
      const wrong = tokenRefusalOutcome(wrongSecret);
      if (wrong.verdict === 'pass') return pass('status', `right secret 200, wrong secret ${wrongSecret.status}`, 'right secret 200, wrong secret 4xx');
      if (wrong.verdict === 'fail') return fail('status', 'right secret 200, wrong secret 4xx', `right secret 200, wrong secret ${wrongSecret.status}`, 'not_refused', 'the IdMS does not check the Basic credentials');
      return wrong;
    },
  },
]);
