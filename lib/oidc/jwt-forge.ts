import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { readJson } from '../http/json.ts';
import { JWT_CLAIMS_LIMITS } from './jwt.ts';

/**
 * Tokens a conforming server must refuse: a real token with its payload
 * changed under the old signature, and an assertion from an issuer nobody
 * trusts, signed with a fresh key that it also offers in its `jwk` header
 * (the trap of trusting a key the token brings along).
 */
export function tamperJwt(token: string, patch: Record<string, unknown>): string {
  const parts = token.split('.');
  if (parts.length !== 3) return `${token}x`; // not a JWS: any change is tampering
  const [h, p, s] = parts;
  // The bounded reader (a hostile claim set cannot blow the stack); not a JWT: keep empty.
  const read = readJson(Buffer.from(p, 'base64url'), 'JWT claims set', JWT_CLAIMS_LIMITS);
  const claims: Record<string, unknown> = read.ok && read.value && typeof read.value === 'object' && !Array.isArray(read.value) ? (read.value as Record<string, unknown>) : {};
  const changed = Buffer.from(JSON.stringify({ ...claims, ...patch })).toString('base64url');
  return `${h}.${changed}.${s}`;
}

export async function mintUntrustedAssertion(claims: Record<string, unknown>): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'mcx-conformance-untrusted', jwk }).sign(privateKey);
}
