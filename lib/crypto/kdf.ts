import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, readU32be, u32be } from './bytes.ts';

/**
 * The generic KDF of TS 33.220 Annex B.2 and its uses in TS 33.180 Annex F.1.
 *
 * derived key = HMAC-SHA-256(Key, S), S = FC || P0 || L0 || P1 || L1 || ...
 * where Li is the two-octet big-endian length of Pi (B.2.0).
 */

/** A KDF input parameter: raw octets, a character string, or a non-negative integer. */
export type KdfParam = Uint8Array | string | number | bigint;

/** B.2.1.2: character strings are UTF-8 after NFKC normalisation. */
export function encodeString(text: string): Uint8Array {
  return new TextEncoder().encode(text.normalize('NFKC'));
}

/**
 * B.2.1.3: a non-negative integer as big-endian octets, fewest octets that
 * hold it; zero is the single octet 0x00 (F.2.1.2 encodes P4 = 0 as 0x00, L4 = 1).
 */
export function encodeInteger(value: number | bigint): Uint8Array {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`integer KDF parameter must be a safe integer, got ${value}`);
  let n = BigInt(value);
  if (n < 0n) throw new RangeError(`integer KDF parameter must be non-negative, got ${value}`);
  const out: number[] = [];
  do {
    out.unshift(Number(n & 0xffn));
    n >>= 8n;
  } while (n > 0n);
  return Uint8Array.from(out);
}

export function encodeParam(param: KdfParam): Uint8Array {
  if (param instanceof Uint8Array) return param;
  if (typeof param === 'string') return encodeString(param);
  return encodeInteger(param);
}

/** FC is one octet, or 0xFF followed by one octet (B.2.0). */
function encodeFc(fc: number | Uint8Array): Uint8Array {
  if (fc instanceof Uint8Array) {
    if (fc.length === 1 || (fc.length === 2 && fc[0] === 0xff)) return fc;
    throw new RangeError(`FC must be one octet or 0xFF || one octet, got ${fc.length} octets`);
  }
  if (!Number.isInteger(fc) || fc < 0 || fc > 0xff) throw new RangeError(`FC must be an octet value 0..255, got ${fc}`);
  return Uint8Array.of(fc);
}

/** Builds S = FC || P0 || L0 || ... (B.2.0). Also the hash input of F.2.1. */
export function kdfInput(fc: number | Uint8Array, params: readonly KdfParam[]): Uint8Array {
  const parts: Uint8Array[] = [encodeFc(fc)];
  for (const [i, param] of params.entries()) {
    const p = encodeParam(param);
    if (p.length > 0xffff) throw new RangeError(`KDF parameter P${i} is ${p.length} octets; at most 65535`);
    parts.push(p, Uint8Array.of(p.length >> 8, p.length & 0xff));
  }
  return concatBytes(...parts);
}

/** TS 33.220 B.2.0: HMAC-SHA-256(key, S). 32 octets. */
export function kdf(key: Uint8Array, fc: number | Uint8Array, params: readonly KdfParam[]): Uint8Array {
  return hmac(sha256, key, kdfInput(fc, params));
}

/** FC values TS 33.180 Annex F.1 uses. */
export const FC = {
  userSalt: 0x50,
  xmlConfidentiality: 0x51,
  xmlIntegrity: 0x52,
  mcdataPayload: 0x53,
} as const;

const LOW_28_BITS = 0x0fffffff;
const PURPOSE_TAG_MASK = 0xf0000000;

/** F.1.3: the 28 least significant bits of KDF(GMK, 0x50, MC service user ID). */
export function userSalt(gmk: Uint8Array, mcServiceUserId: string): number {
  const out = kdf(gmk, FC.userSalt, [mcServiceUserId]);
  return readU32be(out, 28) & LOW_28_BITS;
}

/** Key identifiers are 32-bit; accept 4 octets or a number. */
function keyIdNumber(keyId: Uint8Array | number, title: string): number {
  if (typeof keyId === 'number') {
    if (!Number.isInteger(keyId) || keyId < 0 || keyId > 0xffffffff) throw new RangeError(`${title} must be a 32-bit unsigned integer, got ${keyId}`);
    return keyId;
  }
  if (keyId.length !== 4) throw new RangeError(`${title} must be 4 octets, got ${keyId.length}`);
  return readU32be(keyId);
}

/**
 * 5.2.3 / F.1.3: GUK-ID = purpose tag of GMK-ID || (28 LSB of GMK-ID xor User Salt).
 * The operation is its own inverse: pass a GUK-ID to get the GMK-ID back.
 */
export function gukId(gmk: Uint8Array, gmkId: Uint8Array | number, mcServiceUserId: string): Uint8Array {
  const id = keyIdNumber(gmkId, 'GMK-ID');
  const salt = userSalt(gmk, mcServiceUserId);
  return u32be(((id & PURPOSE_TAG_MASK) | ((id ^ salt) & LOW_28_BITS)) >>> 0);
}

/** 5.2.3: the receiver recovers the GMK-ID from a GUK-ID with its own URI. */
export function gmkIdFromGukId(gmk: Uint8Array, gukIdValue: Uint8Array | number, mcServiceUserId: string): Uint8Array {
  return gukId(gmk, gukIdValue, mcServiceUserId);
}

/** Annex G: the purpose tag is the top four bits of a key identifier. */
export function purposeTag(keyId: Uint8Array | number): number {
  return keyIdNumber(keyId, 'key identifier') >>> 28;
}

/** F.1.4 / F.1.5: a 128-bit key takes the 128 LSB of the KDF output; a 256-bit key all of it. */
function truncateForKeyLength(out: Uint8Array, parentKeyLength: number, title: string): Uint8Array {
  if (parentKeyLength === 16) return out.slice(16);
  if (parentKeyLength === 32) return out;
  throw new RangeError(`${title} must be 16 or 32 octets, got ${parentKeyLength}`);
}

/** F.1.4: XML confidentiality (FC 0x51) or integrity (FC 0x52) key from the XPK. */
export function xmlProtectionKey(
  xpk: Uint8Array,
  use: 'confidentiality' | 'integrity',
  mcServiceUserId: string,
  xpkId: Uint8Array,
): Uint8Array {
  const fc = use === 'confidentiality' ? FC.xmlConfidentiality : FC.xmlIntegrity;
  return truncateForKeyLength(kdf(xpk, fc, [mcServiceUserId, xpkId]), xpk.length, 'XPK');
}

/**
 * F.1.5: DPCK from the DPPK (FC 0x53, P0 = DPPK-ID). The output length follows
 * the algorithm: DP_AES_128_GCM takes the 128 LSB, DP_AES_256_GCM all 256 bits.
 */
export function dpck(dppk: Uint8Array, dppkId: Uint8Array, keyLength: 16 | 32 = dppk.length as 16 | 32): Uint8Array {
  return truncateForKeyLength(kdf(dppk, FC.mcdataPayload, [dppkId]), keyLength, 'DPCK length');
}
