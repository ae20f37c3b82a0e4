import { createRemoteJWKSet, customFetch, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import type { KmsTrust } from '../idms/index.ts';
import type { FaultSet } from '../fault.ts';

/**
 * Access token checks of the KMS as a resource server (5.1.3.1, B.2.2): a
 * JWT signed by a key of the IdMS's JWKS, from the trusted issuer, not
 * expired, scoped for key management (B.4.2.2); the MC service IDs it
 * carries say whose keys are issued.
 */

/** B.4.2.2 key management scopes, and the B.2.2.3 claim naming the identity each one covers. */
export const KEY_MANAGEMENT_SCOPES = {
  '3gpp:mc:ptt_key_management_service': 'mcptt_id',
  '3gpp:mc:video_key_management_service': 'mcvideo_id',
  '3gpp:mc:data_key_management_service': 'mcdata_id',
} as const;

/** J.3.3: scopes granting authorisations for an Authorised Identity (9.6.3.2). */
export const AUTHORISATION_SCOPE_PREFIX = '3gpp:mc:auth:';

/** B.2.2.2 allows some clock skew leeway, at most 30 seconds. */
const CLOCK_TOLERANCE_SECONDS = 30;

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface TokenGrant {
  /** MC service IDs the token lets the client have keys for, in claim order, without repeats. */
  identities: string[];
  /** J.3.3 scopes in the token. */
  authorisationScopes: string[];
  scopes: string[];
  /** kms.accepts-missing-token: no token was checked; the request's UserUri is taken on trust. */
  unauthenticated?: boolean;
}

export type TokenCheck =
  | { ok: true; grant: TokenGrant }
  | { ok: false; status: 401 | 403; error: 'invalid_token' | 'insufficient_scope'; reason: string };

export type TokenVerifier = (authorization: string | undefined) => Promise<TokenCheck>;

export function createTokenVerifier(trust: KmsTrust, caPem: string, faults: FaultSet): TokenVerifier {
  const agent = new Agent({ connect: { ca: caPem || undefined }, connectTimeout: 5_000 });
  const jwks = createRemoteJWKSet(new URL(trust.jwksUri), {
    timeoutDuration: 5_000,
    cooldownDuration: 1_000,
    [customFetch]: (url, options) =>
      undiciFetch(url, { headers: Object.fromEntries(options.headers.entries()), method: options.method, redirect: options.redirect, signal: options.signal, dispatcher: agent }) as unknown as Promise<Response>,
  });

  return async (authorization) => {
    // kms.refuses-bearer-header: a KMS that reads the token from elsewhere (an access_token parameter) never sees this header.
    const token = faults.has('kms.refuses-bearer-header') ? undefined : bearerToken(authorization);
    if (!token) {
      if (faults.has('kms.accepts-missing-token')) return { ok: true, grant: { identities: [], scopes: [], authorisationScopes: [], unauthenticated: true } };
      return { ok: false, status: 401, error: 'invalid_token', reason: 'no Bearer access token in the Authorization header' };
    }
    let payload: JWTPayload;
    try {
      if (faults.has('kms.accepts-untrusted-token-signer')) payload = claimsWithoutSignatureCheck(token, trust, faults);
      else {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: trust.issuer,
          // B.11.2 (RFC 7519 section 4.1.3): a token for another resource server is not for this KMS.
          audience: trust.audience && !faults.has('kms.ignores-token-audience') ? trust.audience : undefined,
          algorithms: ASYMMETRIC_ALGORITHMS,
          requiredClaims: ['exp'],
          clockTolerance: faults.has('kms.accepts-expired-token') ? 100 * 365 * 86_400 : faults.has('kms.expired-token-skew-1h') ? 3600 : CLOCK_TOLERANCE_SECONDS,
        }));
      }
    } catch (err) {
      return { ok: false, status: 401, error: 'invalid_token', reason: describeJoseError(err) };
    }
    const ignoreScope = faults.has('kms.ignores-token-scope');
    const grant = grantOf(payload, ignoreScope);
    if (!ignoreScope && !grant.scopes.some((s) => Object.hasOwn(KEY_MANAGEMENT_SCOPES, s))) {
      return { ok: false, status: 403, error: 'insufficient_scope', reason: 'the access token has no key management scope (B.4.2.2)' };
    }
    if (grant.identities.length === 0) {
      return { ok: false, status: 403, error: 'insufficient_scope', reason: 'the access token carries no MC service ID for its key management scope(s) (5.1.3.1)' };
    }
    return { ok: true, grant };
  };
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(authorization ?? '');
  return match?.[1];
}

/**
 * 5.1.3.1: keys are issued for the MC service IDs whose key management
 * scope the token grants (with `anyScope`, for every MC service ID it carries).
 */
export function grantOf(payload: JWTPayload, anyScope = false): TokenGrant {
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
  const identities: string[] = [];
  for (const [scope, claim] of Object.entries(KEY_MANAGEMENT_SCOPES)) {
    const id = payload[claim];
    if ((anyScope || scopes.includes(scope)) && typeof id === 'string' && id && !identities.includes(id)) identities.push(id);
  }
  return { identities, scopes, authorisationScopes: scopes.filter((s) => s.startsWith(AUTHORISATION_SCOPE_PREFIX)) };
}

/** kms.accepts-untrusted-token-signer: issuer, audience and expiry checked, the signature not (one deviation only). */
function claimsWithoutSignatureCheck(token: string, trust: KmsTrust, faults: FaultSet): JWTPayload {
  const payload = decodeJwt(token);
  if (payload.iss !== trust.issuer) throw new errors.JWTClaimValidationFailed('unexpected "iss" claim value', payload, 'iss', 'check_failed');
  const expired = typeof payload.exp !== 'number' || payload.exp + CLOCK_TOLERANCE_SECONDS < Date.now() / 1000;
  if (expired && !faults.has('kms.accepts-expired-token')) throw new errors.JWTExpired('"exp" claim timestamp check failed', payload);
  const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
  if (trust.audience && !faults.has('kms.ignores-token-audience') && !audiences.includes(trust.audience)) {
    throw new errors.JWTClaimValidationFailed('unexpected "aud" claim value', payload, 'aud', 'check_failed');
  }
  return payload;
}

function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the access token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `access token claim '${err.claim}' is not acceptable: ${err.reason}`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the access token signature does not verify';
  if (err instanceof errors.JWKSNoMatchingKey) return 'no key of the IdMS JWKS matches the access token';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'the access token is not signed with an asymmetric algorithm';
  if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid) return 'the access token is not a well-formed JWT';
  if (err instanceof errors.JWKSTimeout) return 'the IdMS JWKS could not be fetched in time';
  return `the access token was not accepted (${err instanceof Error ? err.name : 'error'})`;
}
