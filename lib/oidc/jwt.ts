import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';

/**
 * Decoding and signature verification of the MCX tokens (ID token B.2.1,
 * access token B.2.2, security token B.8). Claims are checked by the
 * suites' checks, one requirement each; this module only says whether the
 * token is a JWT at all and whether its JWS signature verifies with a key of
 * the issuer's JWKS (the discovered jwks_uri), never throwing.
 */
export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

export type DecodeResult = { ok: true; jwt: DecodedJwt } | { ok: false; reason: string };

export function decodeJwtSafe(token: unknown): DecodeResult {
  if (typeof token !== 'string' || token.length === 0) return { ok: false, reason: `not a string token (${typeof token})` };
  const parts = token.split('.');
  if (parts.length === 5) return { ok: false, reason: 'a JWE (5 parts), not a signed JWT' };
  if (parts.length !== 3) return { ok: false, reason: `not a compact JWS: ${parts.length} dot-separated part(s) instead of 3` };
  try {
    const header = decodeProtectedHeader(token) as Record<string, unknown>;
    const claims = decodeJwt(token) as Record<string, unknown>;
    return { ok: true, jwt: { header, claims } };
  } catch (err) {
    return { ok: false, reason: `not a decodable JWT: ${(err as Error).message}` };
  }
}

export type VerifyResult = { ok: true; alg: string; kid?: string } | { ok: false; reason: string };

/** Verifies the JWS signature only (no claim checks) against a JWKS. */
export async function verifyJwsSignature(token: string, jwks: unknown): Promise<VerifyResult> {
  if (!isJwks(jwks)) return { ok: false, reason: 'the JWKS is not a {keys: [...]} document' };
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch (err) {
    return { ok: false, reason: `no decodable JWS header: ${(err as Error).message}` };
  }
  if (header.alg === 'none' || typeof header.alg !== 'string') return { ok: false, reason: `unsigned or unknown alg ${JSON.stringify(header.alg)}` };
  try {
    await compactVerify(token, createLocalJWKSet(jwks));
    return { ok: true, alg: header.alg, kid: typeof header.kid === 'string' ? header.kid : undefined };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ok: false, reason: `${code ? `${code}: ` : ''}${(err as Error).message} (alg ${header.alg}, kid ${header.kid ?? 'none'})` };
  }
}

export function isJwks(value: unknown): value is JSONWebKeySet {
  return !!value && typeof value === 'object' && Array.isArray((value as { keys?: unknown }).keys);
}

/** Seconds since the epoch now, as JWT NumericDate. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
