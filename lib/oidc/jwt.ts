import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { readJson, type JsonLimits } from '../http/json.ts';

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
  /** Claim names that appear more than once in the claim set (RFC 7519 section 4: they must be unique). */
  duplicateClaims?: string[];
}

/** Bounds of the bounded reader for the two JSON parts of a JWT: a header is a handful of members, a claim set a few dozen. */
export const JWT_HEADER_LIMITS: Partial<JsonLimits> = { maxBytes: 16 * 1024, maxDepth: 8, maxMembers: 100 };
export const JWT_CLAIMS_LIMITS: Partial<JsonLimits> = { maxBytes: 256 * 1024, maxDepth: 16, maxMembers: 1000 };

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodePart(part: string, what: string, limits: Partial<JsonLimits>): { ok: true; value: Record<string, unknown>; duplicates: string[] } | { ok: false; reason: string } {
  if (!B64URL.test(part)) return { ok: false, reason: `the ${what} is not base64url` };
  // Bound before decoding: base64url expands 3 bytes to 4 characters.
  const max = limits.maxBytes ?? Infinity;
  if ((part.length * 3) / 4 > max) return { ok: false, reason: `the ${what} (${Math.floor((part.length * 3) / 4)} bytes) exceeds the ${max / 1024} KiB limit` };
  const read = readJson(Buffer.from(part, 'base64url'), `the ${what}`, limits);
  if (!read.ok) return { ok: false, reason: read.reason };
  if (!read.value || typeof read.value !== 'object' || Array.isArray(read.value)) return { ok: false, reason: `the ${what} is not a JSON object` };
  return { ok: true, value: read.value as Record<string, unknown>, duplicates: read.duplicates };
}

export type DecodeResult = { ok: true; jwt: DecodedJwt } | { ok: false; reason: string };

export function decodeJwtSafe(token: unknown): DecodeResult {
  if (typeof token !== 'string' || token.length === 0) return { ok: false, reason: `not a string token (${typeof token})` };
  const parts = token.split('.');
  if (parts.length === 5) return { ok: false, reason: 'a JWE (5 parts), not a signed JWT' };
  if (parts.length !== 3) return { ok: false, reason: `not a compact JWS: ${parts.length} dot-separated part(s) instead of 3` };
  const header = decodePart(parts[0], 'JWT header', JWT_HEADER_LIMITS);
  if (!header.ok) return { ok: false, reason: `not a decodable JWT: ${header.reason}` };
  const claims = decodePart(parts[1], 'JWT claims set', JWT_CLAIMS_LIMITS);
  if (!claims.ok) return { ok: false, reason: `not a decodable JWT: ${claims.reason}` };
  return { ok: true, jwt: { header: header.value, claims: claims.value, ...(claims.duplicates.length ? { duplicateClaims: claims.duplicates } : {}) } };
}

export type VerifyResult = { ok: true; alg: string; kid?: string } | { ok: false; reason: string };

/** Verifies the JWS signature only (no claim checks) against a JWKS. */
export async function verifyJwsSignature(token: string, jwks: unknown): Promise<VerifyResult> {
  if (!isJwks(jwks)) return { ok: false, reason: 'the JWKS is not a {keys: [...]} document' };
  const parts = typeof token === 'string' ? token.split('.') : [];
  const decoded = parts.length === 3 ? decodePart(parts[0], 'JWS header', JWT_HEADER_LIMITS) : { ok: false as const, reason: `${parts.length} dot-separated part(s) instead of 3` };
  if (!decoded.ok) return { ok: false, reason: `no decodable JWS header: ${decoded.reason}` };
  const header = decoded.value;
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
