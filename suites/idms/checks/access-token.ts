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
  /** Whether a granted service's ID can be expected (a partner only knows the IDs the assertion carried). */
  serviceIdExpected?: (s: (typeof SERVICES)[number]) => boolean;
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
      if (ctx.serviceIdExpected && !ctx.serviceIdExpected(s)) continue;
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

/**
 * Why an access token is unfit to stand for the user in later steps (the
 * subject_token of a token exchange, a bearer at the KMS), or undefined. A
 * defect found here is judged by the access token checks; the later steps
 * are then INCONCLUSIVE rather than blamed for refusing it.
 */
export function accessTokenDefect(decoded: DecodeResult, signature: VerifyResult | undefined, now: number): string | undefined {
  if (!decoded.ok) return `not a JWT: ${decoded.reason}`;
  if (!signature?.ok) return `signature does not verify: ${signature?.reason ?? 'not verified'}`;
  const c = decoded.jwt.claims;
  if (!isNumericDate(c.exp) || c.exp <= now) return `exp ${JSON.stringify(c.exp)} missing or past`;
  if (typeof c.scope !== 'string') return 'no scope string';
  if (typeof c.client_id !== 'string') return 'no client_id';
  return undefined;
}
