/** Authentication requests the IdMS must refuse (B.3, B.4.2.2): no code, and positive evidence of the refusal. */
import { authorizationRefusalTable } from '../../../lib/oidc/checks/refusal.ts';

export const UNREGISTERED_REDIRECT = authorizationRefusalTable('idms authentication request with an unregistered redirect_uri', [
  { id: 'idms.authorization-request.unregistered-redirect-refused', requirement: 'MCXSEC-B.4.2.2-04', title: 'authentication request with an unregistered redirect_uri refused' },
  { id: 'idms.authorization-request.only-registered-redirects', requirement: 'MCXSEC-B.3-02', title: 'nothing sent to a redirect URI not registered for the client' },
]);

export const UNREGISTERED_CLIENT = authorizationRefusalTable('idms authentication request with an unregistered client_id', [
  { id: 'idms.authorization-request.unregistered-client-refused', requirement: 'MCXSEC-B.4.2.2-02', title: 'authentication request with an unregistered client_id refused' },
  { id: 'idms.authorization-request.only-registered-clients', requirement: 'MCXSEC-B.3-01', title: 'no code for a client that is not registered' },
]);

export const NO_CODE_CHALLENGE = authorizationRefusalTable('idms authentication request without code_challenge', [
  { id: 'idms.authorization-request.code-challenge-required', requirement: 'MCXSEC-B.4.2.2-07', title: 'authentication request without code_challenge refused' },
]);

export const PLAIN_PKCE = authorizationRefusalTable('idms authentication request with code_challenge_method plain', [
  { id: 'idms.authorization-request.s256-only', requirement: 'MCXSEC-B.4.2.2-08', title: 'authentication request with code_challenge_method plain refused' },
]);
