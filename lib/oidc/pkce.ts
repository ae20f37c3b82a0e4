import { createHash, randomBytes } from 'node:crypto';

/**
 * PKCE (RFC 7636) as a native MCX client uses it (B.4.2.1, B.4.2.2): a
 * high-entropy verifier and its S256 challenge.
 */
export interface PkcePair {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/** base64url without padding of n random bytes; 32 bytes give a 43-char verifier. */
export function randomUrlSafe(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** RFC 7636 4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function createPkcePair(): PkcePair {
  const verifier = randomUrlSafe(32);
  return { verifier, challenge: s256Challenge(verifier), method: 'S256' };
}
