/**
 * Whether a token is fit to stand in a later step (a subject_token, an
 * assertion, a bearer at the KMS). A defect found here is judged by the
 * checks of the token itself; the later steps are then INCONCLUSIVE rather
 * than blamed for refusing it.
 */
import type { DecodeResult, VerifyResult } from './jwt.ts';
import { audiences, byteLength, isNumericDate } from './claims.ts';

export function accessTokenDefect(decoded: DecodeResult, signature: VerifyResult | undefined, now: number): string | undefined {
  if (!decoded.ok) return `not a JWT: ${decoded.reason}`;
  if (!signature?.ok) return `signature does not verify: ${signature?.reason ?? 'not verified'}`;
  const c = decoded.jwt.claims;
  if (!isNumericDate(c.exp) || c.exp <= now) return `exp ${JSON.stringify(c.exp)} missing or past`;
  if (typeof c.scope !== 'string') return 'no scope string';
  if (typeof c.client_id !== 'string') return 'no client_id';
  return undefined;
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
