import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, u32be } from './bytes.ts';

/**
 * MIKEY key derivation (RFC 3830 section 4.1.3) with the PRF-HMAC-SHA-256
 * of RFC 6043 section 6.1, as TS 33.180 7.4.1 (PCK), 7.4.2 (GMK with GUK-ID)
 * and 9.4.6 (CSK/MuSiK for SRTCP) use it: TGK -> SRTP master key and salt.
 */

/** RFC 3830 4.1.3 label constants. */
export const MIKEY_KEY_CONSTANT = {
  tek: 0x2ad01c64,
  encryption: 0x15798cef,
  authentication: 0x1b5c7973,
  salt: 0x39a2c14b,
} as const;

const SHA256_BYTES = 32;
/** RFC 3830 4.1.2: the inkey is split into 256-bit pieces. */
const INKEY_BLOCK_BYTES = 32;

/** RFC 3830 4.1.2 P(s, label, m) with HMAC-SHA-256: HMAC(s, A_i || label), A_0 = label, A_i = HMAC(s, A_{i-1}). */
function pHash(s: Uint8Array, label: Uint8Array, m: number): Uint8Array {
  const out = new Uint8Array(m * SHA256_BYTES);
  const mac = hmac.create(sha256, s);
  let a = label;
  for (let i = 0; i < m; i++) {
    a = mac.clone().update(a).digest();
    out.set(mac.clone().update(a).update(label).digest(), i * SHA256_BYTES);
  }
  mac.destroy();
  return out;
}

/**
 * PRF-HMAC-SHA-256(inkey, label) truncated to outLength octets: the xor of
 * P(s_j, label, m) over the 256-bit pieces s_j of inkey, m = ceil(outLength / 32).
 */
export function mikeyPrf(inkey: Uint8Array, label: Uint8Array, outLength: number): Uint8Array {
  if (!Number.isInteger(outLength) || outLength <= 0) throw new RangeError(`PRF output length must be a positive integer, got ${outLength}`);
  if (inkey.length === 0) throw new RangeError('PRF inkey must not be empty');
  const m = Math.ceil(outLength / SHA256_BYTES);
  const out = new Uint8Array(m * SHA256_BYTES);
  for (let at = 0; at < inkey.length; at += INKEY_BLOCK_BYTES) {
    const p = pHash(inkey.subarray(at, at + INKEY_BLOCK_BYTES), label, m);
    for (let i = 0; i < out.length; i++) out[i] ^= p[i];
  }
  return out.slice(0, outLength);
}

/** RFC 3830 4.1.3 label: constant (4) || CS-ID (1) || CSB-ID (4) || RAND. */
export function mikeyLabel(constant: number, csId: number, csbId: Uint8Array, rand: Uint8Array): Uint8Array {
  if (!Number.isInteger(csId) || csId < 0 || csId > 0xff) throw new RangeError(`CS-ID must be 0..255, got ${csId}`);
  if (csbId.length !== 4) throw new RangeError(`CSB-ID must be 4 octets, got ${csbId.length}`);
  return concatBytes(u32be(constant), Uint8Array.of(csId), csbId, rand);
}

export interface SrtpMasterInput {
  /** The TGK: PCK, GMK, CSK, MuSiK or MKFC. */
  tgk: Uint8Array;
  /** CS-ID (TS 33.180 Table E.1.3-1). */
  csId: number;
  /** CSB-ID: PCK-ID, GUK-ID, CSK-ID ... (4 octets). */
  csbId: Uint8Array;
  /** The MIKEY RAND payload value. */
  rand: Uint8Array;
  /** Master key length, default 16 (AEAD_AES_128_GCM). */
  keyLength?: number;
  /** Master salt length, default 12 (AEAD_AES_128_GCM). */
  saltLength?: number;
}

export interface SrtpMaster {
  masterKey: Uint8Array;
  masterSalt: Uint8Array;
}

/** TS 33.180 7.4.1 / 7.4.2 / 9.4.6: SRTP master key (TEK constant) and master salt (salt constant) from the TGK. */
export function srtpMasterFromTgk(input: SrtpMasterInput): SrtpMaster {
  const { tgk, csId, csbId, rand } = input;
  return {
    masterKey: mikeyPrf(tgk, mikeyLabel(MIKEY_KEY_CONSTANT.tek, csId, csbId, rand), input.keyLength ?? 16),
    masterSalt: mikeyPrf(tgk, mikeyLabel(MIKEY_KEY_CONSTANT.salt, csId, csbId, rand), input.saltLength ?? 12),
  };
}
