import type { Checker } from '../../../lib/harness/index.ts';
import type { TestUser } from '../../../lib/target/types.ts';
import type { DecodeResult, VerifyResult } from '../../../lib/oidc/jwt.ts';
import { ACR_PASSWORD } from '../../../lib/oidc/authorization-request.ts';
import { audiences, byteLength, isNumericDate } from './claims.ts';
import { R, SERVICES, serviceGranted } from './ids.ts';

/** Clock skew the profile allows (B.2.1.2, B.2.2.2, B.8). */
export const MAX_SKEW_S = 30;

export interface IdTokenContext {
  decoded: DecodeResult;
  signature: VerifyResult | undefined;
  issuer: string;
  clientId: string;
  /** Sent nonce (OIDC Core 3.1.2.1). */
  nonce?: string;
  /** Unix seconds when the request was sent and the answer received. */
  sentAt: number;
  receivedAt: number;
  grantedScopes: readonly string[];
  user?: TestUser;
}

/** B.2.1.1: a JWS that verifies with a key of the provider's JWKS. */
export function checkIdTokenSignature(verify: Checker, ctx: IdTokenContext): boolean {
  if (!ctx.decoded.ok) return verify.check(R.idTokenJwt, 'ID token is a JWT', false, { field: 'id_token', reason: 'invalid', detail: ctx.decoded.reason });
  const sig = ctx.signature;
  return verify.check(R.idTokenJwt, 'ID token JWS signature verifies with the provider JWKS', !!sig?.ok, {
    field: 'id_token (JWS)',
    expected: 'a signature by a key of jwks_uri',
    actual: sig?.ok ? `${sig.alg} kid ${sig.kid ?? '-'}` : sig?.reason ?? 'not verified',
    reason: 'invalid',
  });
}

/** B.2.1.2 standard claims, plus nonce (OIDC Core 3.1.3.7 step 11) and acr (B.4.2.2). */
export function checkIdTokenStandardClaims(verify: Checker, ctx: IdTokenContext): void {
  if (!ctx.decoded.ok) return;
  const c = ctx.decoded.jwt.claims;
  verify.equal(R.idIss, 'ID token iss equals the issuer', ctx.issuer, c.iss, { field: 'iss' });
  const sub = c.sub;
  verify.check(R.idSub, 'ID token sub present, at most 255 bytes', typeof sub === 'string' && sub.length > 0 && byteLength(sub) <= 255, {
    field: 'sub',
    expected: 'a non-empty string of at most 255 bytes',
    actual: typeof sub === 'string' ? `${byteLength(sub)} bytes` : sub,
    reason: sub === undefined ? 'missing' : 'invalid',
  });
  const aud = audiences(c.aud);
  verify.check(R.idAud, 'ID token aud holds the client_id', aud.includes(ctx.clientId), { field: 'aud', expected: ctx.clientId, actual: c.aud, reason: c.aud === undefined ? 'missing' : 'mismatch' });
  const exp = c.exp;
  const iat = c.iat;
  verify.check(R.idIat, 'ID token iat present as NumericDate', isNumericDate(iat), { field: 'iat', expected: 'seconds since the epoch', actual: iat, reason: iat === undefined ? 'missing' : 'invalid' });
  verify.check(R.idExp, 'ID token exp present, after iat and after now', isNumericDate(exp) && exp > ctx.receivedAt - MAX_SKEW_S && (!isNumericDate(iat) || exp > iat), {
    field: 'exp',
    expected: `a NumericDate after iat (${iat}) and now (${ctx.receivedAt})`,
    actual: exp,
    reason: exp === undefined ? 'missing' : 'invalid',
  });
  if (isNumericDate(iat)) {
    // The IdMS clock may differ from UTC (our clock) by at most the allowed skew.
    const ok = iat >= ctx.sentAt - MAX_SKEW_S && iat <= ctx.receivedAt + MAX_SKEW_S;
    verify.check(R.clockSkew, `ID token iat within ${MAX_SKEW_S} s of the time it was issued`, ok, {
      field: 'iat',
      expected: `between ${ctx.sentAt - MAX_SKEW_S} and ${ctx.receivedAt + MAX_SKEW_S}`,
      actual: iat,
      reason: 'mismatch',
      detail: `IdMS clock differs from the suite's by about ${iat - ctx.receivedAt} s (the suite's clock is taken as UTC)`,
    });
  }
  if (ctx.nonce !== undefined) verify.equal(R.oidc, 'ID token nonce echoes the request nonce (OIDC Core 3.1.3.7)', ctx.nonce, c.nonce, { field: 'nonce' });
  if (c.acr !== undefined) verify.equal(R.acr, 'ID token acr is the requested password acr', ACR_PASSWORD, c.acr, { field: 'acr' });
}

/** B.2.1.3: an MC service ID for every service whose scopes were granted. */
export function checkIdTokenMcxClaims(verify: Checker, ctx: IdTokenContext): void {
  if (!ctx.decoded.ok) return;
  const c = ctx.decoded.jwt.claims;
  for (const s of SERVICES) {
    if (!serviceGranted(s, ctx.grantedScopes)) continue;
    const value = c[s.claim];
    const expected = ctx.user?.[s.userField];
    const ok = typeof value === 'string' && value.length > 0 && (expected === undefined || value === expected);
    verify.check(s.idToken, `ID token ${s.claim} present (${s.name} granted)`, ok, {
      field: s.claim,
      expected: expected ?? 'a non-empty MC service ID',
      actual: value,
      reason: value === undefined ? 'missing' : 'mismatch',
    });
  }
}
