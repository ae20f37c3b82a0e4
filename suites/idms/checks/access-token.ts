import type { Checker } from '../../../lib/harness/index.ts';
import type { TestUser } from '../../../lib/target/types.ts';
import type { DecodeResult, VerifyResult } from '../../../lib/oidc/jwt.ts';
import { isNumericDate, scopeList } from './claims.ts';
import { R, SERVICES, serviceGranted } from './ids.ts';

/**
 * The access token of B.2.2 (and of a partner, B.9): a signed JWT with exp,
 * scope, client_id and the MC service IDs of the granted services, and none
 * for a service not asked for.
 */
export interface AccessTokenContext {
  decoded: DecodeResult;
  signature: VerifyResult | undefined;
  clientId: string;
  requestedScopes: readonly string[];
  user?: TestUser;
}

/** Which requirement each finding goes to; defaults are the primary IdMS's (B.2.2). */
export interface AccessTokenIds {
  jwt: string;
  signed: string;
  exp: string;
  scope: string;
  clientId: string;
  service: (s: (typeof SERVICES)[number]) => string;
  /** Where a service ID for a service not asked for is reported (default: service). */
  serviceNotRequested?: (s: (typeof SERVICES)[number]) => string;
}

export const PRIMARY_ACCESS_TOKEN_IDS: AccessTokenIds = {
  jwt: R.atJwt,
  signed: R.atSigned,
  exp: R.atExp,
  scope: R.atScope,
  clientId: R.atClientId,
  service: (s) => s.accessToken,
};

export function checkAccessTokenFormat(verify: Checker, ctx: AccessTokenContext, ids: AccessTokenIds = PRIMARY_ACCESS_TOKEN_IDS): boolean {
  if (!ctx.decoded.ok) {
    verify.check(ids.jwt, 'access token is a JWT (RFC 7519)', false, { field: 'access_token', reason: 'invalid', detail: ctx.decoded.reason });
    return false;
  }
  verify.check(ids.jwt, 'access token is a JWT (RFC 7519)', true, { field: 'access_token', actual: `alg ${String(ctx.decoded.jwt.header.alg)}` });
  const sig = ctx.signature;
  verify.check(ids.signed, 'access token JWS signature verifies with the issuer JWKS (RFC 7515)', !!sig?.ok, {
    field: 'access_token (JWS)',
    expected: 'a signature by a key of jwks_uri',
    actual: sig?.ok ? `${sig.alg} kid ${sig.kid ?? '-'}` : sig?.reason ?? 'not verified',
    reason: 'invalid',
  });
  return true;
}

export function checkAccessTokenClaims(verify: Checker, ctx: AccessTokenContext, ids: AccessTokenIds = PRIMARY_ACCESS_TOKEN_IDS): void {
  if (!ctx.decoded.ok) return;
  const c = ctx.decoded.jwt.claims;
  verify.check(ids.exp, 'access token exp present as NumericDate', isNumericDate(c.exp), { field: 'exp', expected: 'seconds since the epoch', actual: c.exp, reason: c.exp === undefined ? 'missing' : 'invalid' });
  verify.equal(ids.clientId, 'access token client_id is the client', ctx.clientId, c.client_id, { field: 'client_id' });
  const scope = scopeList(c.scope);
  if (!scope.ok) {
    verify.check(ids.scope, 'access token scope is a space-separated string', false, { field: 'scope', actual: c.scope, reason: scope.reason === 'missing' ? 'missing' : 'invalid', detail: scope.reason });
  } else {
    const requestedMcx = ctx.requestedScopes.filter((s) => s !== 'openid');
    const extra = scope.scopes.filter((s) => s !== 'openid' && !ctx.requestedScopes.includes(s));
    const missing = requestedMcx.filter((s) => !scope.scopes.includes(s));
    verify.check(ids.scope, 'access token scope reflects the requested scopes', extra.length === 0 && scope.scopes.some((s) => s !== 'openid') && missing.length < requestedMcx.length, {
      field: 'scope',
      expected: `a subset of: ${ctx.requestedScopes.join(' ')}`,
      actual: c.scope,
      reason: 'mismatch',
      detail: extra.length ? `not requested: ${extra.join(' ')}` : missing.length ? `requested but not granted: ${missing.join(' ')}` : undefined,
    });
  }
  const granted = scope.ok ? scope.scopes : [...ctx.requestedScopes];
  for (const s of SERVICES) {
    const value = c[s.claim];
    if (serviceGranted(s, granted)) {
      const expected = ctx.user?.[s.userField];
      verify.check(ids.service(s), `access token ${s.claim} present (${s.name} granted)`, typeof value === 'string' && value.length > 0 && (expected === undefined || value === expected), {
        field: s.claim,
        expected: expected ?? 'a non-empty MC service ID',
        actual: value,
        reason: value === undefined ? 'missing' : 'mismatch',
      });
    } else if (!serviceGranted(s, ctx.requestedScopes)) {
      verify.check((ids.serviceNotRequested ?? ids.service)(s), `access token carries no ${s.claim} (${s.name} not requested)`, value === undefined, { field: s.claim, expected: 'absent', actual: value, reason: 'mismatch' });
    }
  }
}
