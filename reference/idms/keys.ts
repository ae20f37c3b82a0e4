import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, calculateJwkThumbprint, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';

/**
 * The signing key of one IdMS instance, drawn at each start. ES256: RFC 7518
 * names it and JWS (RFC 7515, required by B.2.2.1) carries it; it is also
 * quick to generate, which keeps the domain start short.
 */
export interface SigningKey {
  alg: 'ES256';
  kid: string;
  /** Private JWK, handed to oidc-provider's `jwks`. */
  privateJwk: JWK;
  publicJwk: JWK;
  privateKey: CryptoKey;
}

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const meta = { kid, alg: 'ES256', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), ...meta };
  return {
    alg: 'ES256',
    kid,
    privateJwk,
    publicJwk: { ...publicJwk, ...meta },
    privateKey: (await importJWK(privateJwk, 'ES256')) as CryptoKey,
  };
}

/** Signs a JWT with the instance key (security tokens of B.8, re-signed tokens of fault switches). */
export async function signJwt(key: SigningKey | { privateKey: CryptoKey; kid: string; alg: string }, payload: JWTPayload, typ = 'JWT'): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ }).sign(key.privateKey);
}

export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
