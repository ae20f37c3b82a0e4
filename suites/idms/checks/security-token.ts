import type { Checker } from '../../../lib/harness/index.ts';
import type { DecodeResult, VerifyResult } from '../../../lib/oidc/jwt.ts';
import { audiences, byteLength, isNumericDate } from './claims.ts';
import { MAX_SKEW_S } from './id-token.ts';
import { R } from './ids.ts';

/** The security token of B.8 (from the token exchange of B.7.3), signed by the primary (5.1.4.2). */
export interface SecurityTokenContext {
  decoded: DecodeResult;
  signature: VerifyResult | undefined;
  issuer: string;
  clientId: string;
  resource: string;
  receivedAt: number;
}

export function checkSecurityToken(verify: Checker, ctx: SecurityTokenContext): void {
  if (!ctx.decoded.ok) {
    verify.check(R.securityTokenSigned, 'security token is a JWS (RFC 7515)', false, { field: 'access_token', reason: 'invalid', detail: ctx.decoded.reason });
    return;
  }
  const sig = ctx.signature;
  verify.check(R.securityTokenSigned, 'security token JWS verifies with the primary IdMS JWKS', !!sig?.ok, {
    field: 'access_token (JWS)',
    expected: 'a signature by a key of the primary jwks_uri',
    actual: sig?.ok ? `${sig.alg} kid ${sig.kid ?? '-'}` : sig?.reason ?? 'not verified',
    reason: 'invalid',
  });
  const c = ctx.decoded.jwt.claims;
  verify.equal(R.stIss, 'security token iss is the primary issuer', ctx.issuer, c.iss, { field: 'iss' });
  verify.check(R.stSub, 'security token sub present, at most 255 bytes', typeof c.sub === 'string' && c.sub.length > 0 && byteLength(c.sub) <= 255, {
    field: 'sub',
    expected: 'a non-empty string of at most 255 bytes',
    actual: typeof c.sub === 'string' ? `${byteLength(c.sub)} bytes` : c.sub,
    reason: c.sub === undefined ? 'missing' : 'invalid',
  });
  const aud = audiences(c.aud);
  verify.check(R.stAud, 'security token aud holds the client_id and the resource', aud.includes(ctx.clientId) && aud.includes(ctx.resource), {
    field: 'aud',
    expected: [ctx.clientId, ctx.resource],
    actual: c.aud,
    reason: c.aud === undefined ? 'missing' : 'mismatch',
  });
  verify.check(R.stExp, 'security token exp present and in the future', isNumericDate(c.exp) && c.exp > ctx.receivedAt - MAX_SKEW_S && (!isNumericDate(c.iat) || c.exp > c.iat), {
    field: 'exp',
    expected: `a NumericDate after now (${ctx.receivedAt})`,
    actual: c.exp,
    reason: c.exp === undefined ? 'missing' : 'invalid',
  });
  verify.check(R.stIat, 'security token iat present as NumericDate', isNumericDate(c.iat), { field: 'iat', expected: 'seconds since the epoch', actual: c.iat, reason: c.iat === undefined ? 'missing' : 'invalid' });
}

/** Why a security token cannot serve as a valid assertion at the partner, or undefined when it can. */
export function securityTokenDefect(decoded: DecodeResult, signature: VerifyResult | undefined, issuer: string, resource: string, now: number): string | undefined {
  if (!decoded.ok) return `not a JWT: ${decoded.reason}`;
  if (!signature?.ok) return `signature does not verify with the primary JWKS: ${signature?.reason ?? 'not verified'}`;
  const c = decoded.jwt.claims;
  if (c.iss !== issuer) return `iss ${JSON.stringify(c.iss)} is not the primary issuer`;
  if (typeof c.sub !== 'string' || !c.sub || byteLength(c.sub) > 255) return 'sub missing or over 255 bytes';
  if (!audiences(c.aud).includes(resource)) return `aud ${JSON.stringify(c.aud)} lacks the partner token endpoint`;
  if (!isNumericDate(c.exp) || c.exp <= now) return `exp ${JSON.stringify(c.exp)} missing or past`;
  if (!isNumericDate(c.iat)) return 'iat missing';
  return undefined;
}
