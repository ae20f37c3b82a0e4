import type { FaultSwitch } from '../fault.ts';

/**
 * Fault switches of the reference IdMS and partner IdMS: one per check of
 * suites/idms and suites/partner-idms. With a switch on, exactly the
 * requirements in `breaks` must turn to FAIL; other checks whose
 * precondition the fault removes turn INCONCLUSIVE, never FAIL (the suites
 * check preconditions, e.g. the partner tests verify the security token
 * against the primary's JWKS before relying on it).
 *
 * Owned by the idms suite; the reference IdMS implements each switch.
 * "auth-code response" = the token response to grant_type authorization_code;
 * faults on it leave refresh, token-exchange and JWT-bearer responses intact
 * unless the description says otherwise.
 */
const idms = (name: string, breaks: string[], description: string): FaultSwitch => ({ name: `idms.${name}`, role: 'idms', breaks, description });
const partner = (name: string, breaks: string[], description: string): FaultSwitch => ({ name: `partner-idms.${name}`, role: 'partner-idms', breaks, description });

export const IDMS_FAULTS: readonly FaultSwitch[] = [
  // Discovery and transport (5.1.2.1, B.12)
  idms('discovery-issuer-mismatch', ['MCXSEC-5.1.2.1-01'], 'provider metadata names an issuer other than the real one (tokens keep the real iss)'),
  idms('discovery-omits-signing-alg', ['MCXSEC-5.1.2.1-01'], 'id_token_signing_alg_values_supported in the metadata omits the alg the ID tokens are signed with'),
  idms('same-endpoint-url', ['MCXSEC-5.1.2.1-03'], 'metadata advertises the authorization endpoint URL as token_endpoint too'),
  idms('http-token-endpoint', ['MCXSEC-5.1.2.1-04', 'MCXSEC-B.12-04'], 'metadata advertises token_endpoint with scheme http:// (same host and port)'),
  idms('tls-cbc-cipher', ['MCXSEC-B.12-05'], 'the primary IdMS TLS server negotiates TLS 1.2 only, with a CBC suite without AEAD (e.g. ECDHE-ECDSA-AES128-SHA / AES128-SHA)'),
  // Authentication request and response (B.3, B.4.2.2, B.4.2.3, 5.1.2.1)
  idms('accepts-unregistered-redirect-uri', ['MCXSEC-B.3-02', 'MCXSEC-B.4.2.2-04'], 'authorization endpoint accepts any redirect_uri and redirects the code to it'),
  idms('accepts-unregistered-client', ['MCXSEC-B.3-01', 'MCXSEC-B.4.2.2-02'], 'authorization endpoint issues a code for an unknown client_id (as if it were the registered client)'),
  idms('pkce-optional', ['MCXSEC-B.4.2.2-07'], 'authorization request without code_challenge is accepted and gets a code'),
  idms('accepts-plain-pkce', ['MCXSEC-B.4.2.2-08'], 'code_challenge_method plain is accepted and gets a code'),
  idms('accepts-wrong-password', ['MCXSEC-5.1.2.1-06'], 'login form accepts a wrong password for an existing user'),
  idms('wrong-acr', ['MCXSEC-B.4.2.2-06'], "ID token acr is 'urn:mace:incommon:iap:silver' instead of 3gpp:acr:password"),
  idms('alters-state', ['MCXSEC-B.4.2.3-02'], 'authentication response returns the state with an extra character appended'),
  idms('code-in-fragment', ['MCXSEC-B.4.2.3-01'], 'code and state are returned in the fragment of the redirect URI instead of its query'),
  // Token request (B.4.2.4, C.1)
  idms('accepts-wrong-code-verifier', ['MCXSEC-C.1-02'], 'token endpoint accepts a code_verifier that does not hash to the code_challenge (a missing one is still refused)'),
  idms('accepts-missing-code-verifier', ['MCXSEC-B.4.2.4-06'], 'token endpoint accepts a token request without code_verifier (a wrong one is still refused)'),
  idms('reusable-code', ['MCXSEC-B.4.2.4-03'], 'an authorization code can be exchanged more than once'),
  idms('ignores-token-client-id', ['MCXSEC-B.4.2.4-04'], 'token endpoint ignores a client_id parameter naming another (unregistered) client; the code is redeemed for the authenticated client'),
  idms('ignores-token-redirect-uri', ['MCXSEC-B.4.2.4-05'], 'token endpoint ignores a redirect_uri that differs from the authentication request'),
  idms('skips-client-authentication', ['MCXSEC-B.4.2.4-01'], 'token endpoint accepts authorization_code requests of the confidential client without or with a wrong client secret (needs ICS idms.client-secret)'),
  // Token response (B.4.2.5)
  idms('no-cache-control', ['MCXSEC-B.4.2.5-05'], 'auth-code response sent without Cache-Control: no-store'),
  idms('token-type-not-bearer', ['MCXSEC-B.4.2.5-03'], "auth-code response token_type is 'pop'"),
  idms('omits-expires-in', ['MCXSEC-B.4.2.5-04'], 'auth-code response has no expires_in'),
  idms('omits-refresh-token', ['MCXSEC-B.4.2.5-01'], 'auth-code response has no refresh_token'),
  // ID token (B.2.1)
  idms('id-token-unknown-key', ['MCXSEC-B.2.1.1-01'], 'ID token is signed with a key that is not in the JWKS (same alg, kid of no published key)'),
  idms('id-token-wrong-iss', ['MCXSEC-B.2.1.2-01'], "ID token iss is the issuer with '/other' appended"),
  idms('id-token-long-sub', ['MCXSEC-B.2.1.2-02'], 'ID token sub is 300 bytes long (access and security tokens keep the normal sub)'),
  idms('id-token-wrong-aud', ['MCXSEC-B.2.1.2-03'], 'ID token aud is another client id'),
  idms('id-token-expired', ['MCXSEC-B.2.1.2-04'], 'ID token exp is 10 minutes before its iat'),
  idms('clock-skewed', ['MCXSEC-B.2.1.2-05'], 'ID token iat is 120 s in the past (exp unchanged)'),
  idms('id-token-omits-iat', ['MCXSEC-B.2.1.2-06'], 'ID token has no iat'),
  idms('id-token-omits-mcptt-id', ['MCXSEC-B.2.1.3-01'], 'ID token lacks mcptt_id although the MCPTT scopes were granted'),
  idms('id-token-omits-mcvideo-id', ['MCXSEC-B.2.1.3-02'], 'ID token lacks mcvideo_id although the MCVideo scopes were granted'),
  idms('id-token-omits-mcdata-id', ['MCXSEC-B.2.1.3-03'], 'ID token lacks mcdata_id although the MCData scopes were granted'),
  idms('ignores-nonce', ['MCXSEC-5.1.2.1-01'], 'ID token nonce differs from the nonce of the authentication request'),
  // Access token (B.2.2)
  idms('opaque-access-token', ['MCXSEC-B.2.2.1-01'], 'auth-code response access_token is an opaque random string (the IdMS still accepts it as subject_token)'),
  idms('access-token-unknown-key', ['MCXSEC-B.2.2.1-02'], 'access tokens are signed with a key that is not in the JWKS'),
  idms('access-token-omits-exp', ['MCXSEC-B.2.2.2-01'], 'access token has no exp'),
  idms('access-token-omits-scope', ['MCXSEC-B.2.2.2-03'], 'access token has no scope claim'),
  idms('access-token-omits-client-id', ['MCXSEC-B.2.2.2-04'], 'access token has no client_id claim'),
  idms('access-token-omits-mcptt-id', ['MCXSEC-B.2.2.3-01'], 'access token lacks mcptt_id although the MCPTT scopes were granted'),
  idms('access-token-omits-mcvideo-id', ['MCXSEC-B.2.2.3-02'], 'access token lacks mcvideo_id although the MCVideo scopes were granted'),
  idms('access-token-omits-mcdata-id', ['MCXSEC-B.2.2.3-03'], 'access token lacks mcdata_id although the MCData scopes were granted'),
  idms('grants-unrequested-scope', ['MCXSEC-B.2.2.2-03', 'MCXSEC-B.2.2.3-02', 'MCXSEC-B.2.2.3-03'], 'access tokens carry every scope the client is allowed (and all service IDs) whatever was requested, in auth-code and refresh grants'),
  // Refresh (B.5)
  idms('refresh-allows-wider-scope', ['MCXSEC-B.5.2-01'], 'refresh grant accepts a scope wider than originally granted and grants it'),
  idms('refresh-ignores-requested-scope', ['MCXSEC-B.2.2.2-03', 'MCXSEC-B.2.2.3-02', 'MCXSEC-B.2.2.3-03'], 'refresh grant with a narrower scope (MCPTT only) returns an access token with the original full scope and all service IDs'),
  idms('refresh-returns-no-access-token', ['MCXSEC-B.5.3-01'], 'refresh response (200) has no access_token'),
  idms('refresh-token-type-not-bearer', ['MCXSEC-B.5.3-02'], "refresh response token_type is 'pop'"),
  idms('refresh-omits-expires-in', ['MCXSEC-B.5.3-03'], 'refresh response has no expires_in'),
  idms('refresh-token-reusable', ['MCXSEC-B.5.3-04'], 'a rotated refresh token stays usable after the new one is issued (needs ICS idms.refresh-token-rotation)'),
  // Expiry (B.12)
  idms('expires-in-mismatch', ['MCXSEC-B.12-01'], 'auth-code response expires_in is 6 times the real access token lifetime'),
  // Token exchange (5.1.4.2, B.7.2, B.7.3, B.8)
  idms('token-exchange-unsupported', ['MCXSEC-B.7.2-01'], 'token endpoint answers 400 unsupported_grant_type to the token-exchange grant'),
  idms('exchange-without-resource', ['MCXSEC-B.7.2-02'], 'token exchange without resource is accepted (security token aud = client_id only)'),
  idms('accepts-invalid-subject-token', ['MCXSEC-B.7.2-03'], 'token exchange accepts a subject_token that is not a JWT at all'),
  idms('accepts-tampered-subject-token', ['MCXSEC-B.7.2-03'], 'token exchange does not verify the subject_token signature (a modified payload is accepted)'),
  idms('accepts-expired-subject-token', ['MCXSEC-B.12-02'], 'token exchange accepts an access token past its exp'),
  idms('exchange-wrong-issued-token-type', ['MCXSEC-B.7.3-03'], "token exchange response issued_token_type is 'urn:ietf:params:oauth:token-type:access_token'"),
  idms('exchange-token-type-not-bearer', ['MCXSEC-B.7.3-04'], "token exchange response token_type is 'N_A'"),
  idms('exchange-omits-expires-in', ['MCXSEC-B.7.3-05'], 'token exchange response has no expires_in'),
  idms('security-token-unknown-key', ['MCXSEC-5.1.4.2-05'], 'security tokens are signed with a key that is not in the primary JWKS'),
  idms('security-token-wrong-iss', ['MCXSEC-B.8-01'], "security token iss is the issuer with '/other' appended"),
  idms('security-token-long-sub', ['MCXSEC-B.8-02'], 'security token sub is 300 bytes long'),
  idms('security-token-aud-lacks-resource', ['MCXSEC-B.8-03'], 'security token aud carries the client_id only, not the resource'),
  idms('security-token-omits-exp', ['MCXSEC-B.8-04'], 'security token has no exp'),
  idms('security-token-omits-iat', ['MCXSEC-B.8-05'], 'security token has no iat'),

  // Partner IdMS: JWT-bearer grant (B.7.4, B.7.5, B.9, B.11.3)
  partner('jwt-bearer-unsupported', ['MCXSEC-B.7.4-03'], 'partner token endpoint answers 400 unsupported_grant_type to the JWT-bearer grant'),
  partner('token-type-not-bearer', ['MCXSEC-B.7.5-02'], "JWT-bearer response token_type is 'pop'"),
  partner('omits-expires-in', ['MCXSEC-B.7.5-03'], 'JWT-bearer response has no expires_in'),
  partner('grants-unrequested-scope', ['MCXSEC-B.7.4-05'], 'partner access token scope (and service IDs) cover every partner scope whatever was requested'),
  partner('access-token-omits-client-id', ['MCXSEC-B.9-01'], 'partner access token has no client_id claim'),
  partner('accepts-foreign-audience', ['MCXSEC-B.11.3-01'], 'partner accepts a security token whose aud names another IdMS and not its token endpoint'),
  partner('accepts-tampered-assertion', ['MCXSEC-B.11.3-01'], 'partner does not verify the assertion signature (a modified payload is accepted)'),
  partner('trusts-any-issuer', ['MCXSEC-B.11.3-01'], 'partner accepts an assertion whose iss it has no trust in (the suite signs it with its own key and puts that key in the JWS jwk header): verifies with the header key or not at all'),
  partner('accepts-expired-assertion', ['MCXSEC-B.12-02'], 'partner accepts a security token past its exp'),
];
