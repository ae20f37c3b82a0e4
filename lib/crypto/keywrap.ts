import { aeskw } from '@noble/ciphers/aes.js';

/**
 * RFC 3394 AES key wrap, as TS 33.180 9.3.4.2 uses it for key material in
 * xmlenc ('http://www.w3.org/2001/04/xmlenc#kw-aes256': 256-bit KEK).
 * 128- and 192-bit KEKs are accepted too (RFC 3394 section 4 vectors use them).
 */

export type UnwrapResult = { ok: true; key: Uint8Array } | { ok: false; reason: string };

export const XMLENC_KW_AES256 = 'http://www.w3.org/2001/04/xmlenc#kw-aes256';

function kekProblem(kek: Uint8Array): string | undefined {
  return kek.length === 16 || kek.length === 24 || kek.length === 32 ? undefined : `KEK must be 16, 24 or 32 octets, got ${kek.length}`;
}

/** Wraps key data (a multiple of 8 octets, at least 16). Throws on bad arguments: they are ours. */
export function wrapKey(kek: Uint8Array, keyData: Uint8Array): Uint8Array {
  const problem = kekProblem(kek);
  if (problem) throw new RangeError(problem);
  if (keyData.length < 16 || keyData.length % 8 !== 0) throw new RangeError(`key data must be a multiple of 8 octets, at least 16; got ${keyData.length}`);
  return aeskw(kek).encrypt(keyData);
}

/** Unwraps and checks the RFC 3394 2.2.3 integrity value; never throws. */
export function unwrapKey(kek: Uint8Array, wrapped: Uint8Array): UnwrapResult {
  const problem = kekProblem(kek);
  if (problem) return { ok: false, reason: problem };
  if (wrapped.length < 24 || wrapped.length % 8 !== 0) return { ok: false, reason: `wrapped key must be a multiple of 8 octets, at least 24; got ${wrapped.length}` };
  try {
    return { ok: true, key: aeskw(kek).decrypt(wrapped) };
  } catch {
    return { ok: false, reason: 'integrity check failed: initial value is not A6A6A6A6A6A6A6A6 (wrong KEK or corrupted data)' };
  }
}
