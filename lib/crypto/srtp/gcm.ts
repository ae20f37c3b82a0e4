import { createCipheriv, type Cipher } from 'node:crypto';

/**
 * AES-GCM (NIST SP 800-38D) for short SRTP/SRTCP packets with a context kept
 * per session key: one persistent AES-ECB cipher (node's OpenSSL) makes the
 * counter-mode keystream and E(J0) for a whole packet in one call, and GHASH
 * runs here with Shoup's 8-bit tables for H (4 KiB per key). node's
 * createDecipheriv('aes-128-gcm') per packet costs more than the packet
 * itself: it sets up the key schedule and the GHASH key every time.
 *
 * Only 96-bit IVs (all SRTP/SRTCP uses) and 16-octet tags.
 *
 * Timing: the GHASH tables are indexed by octets of the AAD and ciphertext
 * (data on the wire) and derived from H (secret): table look-ups can leak
 * through the cache, like every table GHASH. The tag check itself does not
 * stop at the first differing octet. This is a conformance suite running
 * test keys; JavaScript gives no constant-time guarantee in any case.
 */

export const GCM_TAG_OCTETS = 16;

/** R8[b]: the top 16 bits XORed in when octet b is shifted out by x^8 (reduction by x^128 + x^7 + x^2 + x + 1). */
const R8 = (() => {
  const table = new Uint16Array(256);
  for (let b = 0; b < 256; b++) {
    // Shift a 128-bit value whose low octet is b right by 8, one bit at a time.
    let top = 0; // the top 16 bits of the result
    let low = b;
    for (let k = 0; k < 8; k++) {
      const carry = low & 1;
      low >>>= 1;
      top >>>= 1;
      if (carry) top ^= 0xe100;
    }
    // (The XORed 0xE1 octets stay within the top 16 bits over 8 shifts.)
    table[b] = top;
  }
  return table;
})();

/** X * H by the bit-serial algorithm of SP 800-38D 6.3 (table building only). */
function slowMultiply(x: Uint32Array, h: Uint32Array): Uint32Array {
  const z = new Uint32Array(4);
  const v = Uint32Array.from(h);
  for (let i = 0; i < 128; i++) {
    if ((x[i >>> 5] >>> (31 - (i & 31))) & 1) {
      z[0] ^= v[0];
      z[1] ^= v[1];
      z[2] ^= v[2];
      z[3] ^= v[3];
    }
    const lsb = v[3] & 1;
    v[3] = (v[3] >>> 1) | (v[2] << 31);
    v[2] = (v[2] >>> 1) | (v[1] << 31);
    v[1] = (v[1] >>> 1) | (v[0] << 31);
    v[0] >>>= 1;
    if (lsb) v[0] ^= 0xe1000000;
  }
  return z;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}

/** u32 with the octets at or past `end` read as zero. */
function u32pad(b: Uint8Array, at: number, end: number): number {
  if (at + 4 <= end) return u32(b, at);
  let v = 0;
  for (let k = 0; k < 4; k++) v = (v << 8) | (at + k < end ? b[at + k] : 0);
  return v;
}

/**
 * Octet arrays for packet outputs, cut from 64 KiB slabs: V8 allocates a
 * typed array over 64 octets off the heap, which costs more than the GHASH
 * of a voice packet. Each region is handed out once (zeroed, never reused);
 * a slab is freed when no view of it is left.
 */
const SLAB_OCTETS = 1 << 16;
let slab = new ArrayBuffer(SLAB_OCTETS);
let slabAt = 0;
export function allocBytes(n: number): Uint8Array {
  if (n <= 64 || n > 4096) return new Uint8Array(n);
  if (slabAt + n > SLAB_OCTETS) {
    slab = new ArrayBuffer(SLAB_OCTETS);
    slabAt = 0;
  }
  const out = new Uint8Array(slab, slabAt, n);
  slabAt += (n + 7) & ~7;
  return out;
}

export class GcmKey {
  /** A copy of the key, to notice a caller reusing the key object with other octets. */
  readonly key: Uint8Array;
  private readonly ecb: Cipher;
  /** M[b] = b * H, four 32-bit words per octet value b. */
  private readonly m = new Int32Array(1024);
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES-GCM key must be 16 or 32 octets, got ${key.length}`);
    this.key = Uint8Array.from(key);
    this.ecb = createCipheriv(key.length === 32 ? 'aes-256-ecb' : 'aes-128-ecb', key, null);
    this.ecb.setAutoPadding(false);
    const hBytes = this.ecb.update(new Uint8Array(16));
    const h = Uint32Array.of(u32(hBytes, 0), u32(hBytes, 4), u32(hBytes, 8), u32(hBytes, 12));
    for (let b = 0; b < 256; b++) {
      const z = slowMultiply(Uint32Array.of(b << 24, 0, 0, 0), h);
      this.m.set(z, 4 * b);
    }
  }

  sameKey(key: Uint8Array): boolean {
    const k = this.key;
    if (key.length !== k.length) return false;
    for (let i = 0; i < k.length; i++) if (key[i] !== k[i]) return false;
    return true;
  }

  /** state = (state ^ X) * H for the 16 octets of `block` from `at` (X zero-padded past `end`). */
  private absorb(data: Uint8Array, at: number, end: number): void {
    let x0: number, x1: number, x2: number, x3: number;
    if (at + 16 <= end) {
      x0 = u32(data, at);
      x1 = u32(data, at + 4);
      x2 = u32(data, at + 8);
      x3 = u32(data, at + 12);
    } else {
      x0 = u32pad(data, at, end);
      x1 = u32pad(data, at + 4, end);
      x2 = u32pad(data, at + 8, end);
      x3 = u32pad(data, at + 12, end);
    }
    this.multiply(this.s0 ^ x0, this.s1 ^ x1, this.s2 ^ x2, this.s3 ^ x3);
  }

  /** state = X * H (Horner over the octets of X, last octet first; unrolled). */
  private multiply(x0: number, x1: number, x2: number, x3: number): void {
    const m = this.m;
    let b = (x3 & 0xff) << 2;
    let z0 = m[b];
    let z1 = m[b + 1];
    let z2 = m[b + 2];
    let z3 = m[b + 3];
    let rem = 0;
    b = ((x3 >>> 8) & 0xff) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = ((x3 >>> 16) & 0xff) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = (x3 >>> 24) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = ((x2) & 0xff) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = ((x2 >>> 8) & 0xff) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = ((x2 >>> 16) & 0xff) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = (x2 >>> 24) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = ((x1) & 0xff) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = ((x1 >>> 8) & 0xff) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = ((x1 >>> 16) & 0xff) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = (x1 >>> 24) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = ((x0) & 0xff) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = ((x0 >>> 8) & 0xff) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = ((x0 >>> 16) & 0xff) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    b = (x0 >>> 24) << 2;
    rem = z3 & 0xff;
    z3 = ((z3 >>> 8) | (z2 << 24)) ^ m[b + 3];
    z2 = ((z2 >>> 8) | (z1 << 24)) ^ m[b + 2];
    z1 = ((z1 >>> 8) | (z0 << 24)) ^ m[b + 1];
    z0 = (z0 >>> 8) ^ (R8[rem] << 16) ^ m[b];
    this.s0 = z0;
    this.s1 = z1;
    this.s2 = z2;
    this.s3 = z3;
  }

  /** GHASH(AAD, C) into the state. */
  private ghash(aad: Uint8Array, c: Uint8Array, cStart: number, cEnd: number): void {
    this.s0 = this.s1 = this.s2 = this.s3 = 0;
    for (let at = 0; at < aad.length; at += 16) this.absorb(aad, at, aad.length);
    for (let at = cStart; at < cEnd; at += 16) this.absorb(c, at, cEnd);
    const aBits = aad.length * 8;
    const cBits = (cEnd - cStart) * 8;
    this.multiply(this.s0 ^ Math.floor(aBits / 2 ** 32), this.s1 ^ (aBits >>> 0), this.s2 ^ Math.floor(cBits / 2 ** 32), this.s3 ^ (cBits >>> 0));
  }

  /** Counter blocks, kept between packets (only the IV and counter octets change). */
  private counters = new Uint8Array(0);

  /** E(J0) followed by the keystream for `length` octets (J0 = IV || 1). */
  private keystream(iv: Uint8Array, length: number): Uint8Array {
    const blocks = 1 + ((length + 15) >>> 4);
    if (this.counters.length < 16 * blocks) this.counters = new Uint8Array(16 * Math.max(blocks, 8));
    const counters = this.counters;
    for (let k = 0; k < blocks; k++) {
      const at = 16 * k;
      for (let i = 0; i < 12; i++) counters[at + i] = iv[i];
      const n = k + 1;
      counters[at + 12] = n >>> 24;
      counters[at + 13] = (n >>> 16) & 0xff;
      counters[at + 14] = (n >>> 8) & 0xff;
      counters[at + 15] = n & 0xff;
    }
    return this.ecb.update(blocks * 16 === counters.length ? counters : counters.subarray(0, 16 * blocks));
  }

  /** ciphertext || tag for a 12-octet IV. */
  seal(iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const n = plaintext.length;
    const ks = this.keystream(iv, n);
    const out = allocBytes(n + GCM_TAG_OCTETS);
    for (let i = 0; i < n; i++) out[i] = plaintext[i] ^ ks[16 + i];
    this.ghash(aad, out, 0, n);
    this.writeTag(out, n, ks);
    return out;
  }

  /** Opens ciphertext || tag; undefined when the tag does not verify. */
  open(iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
    const n = sealed.length - GCM_TAG_OCTETS;
    if (n < 0) return undefined;
    const out = allocBytes(n);
    return this.openInto(iv, aad, sealed, out, 0) ? out : undefined;
  }

  /**
   * Opens ciphertext || tag into out[at ..]; false (and nothing written)
   * when the tag does not verify.
   */
  openInto(iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array, out: Uint8Array, at: number): boolean {
    const n = sealed.length - GCM_TAG_OCTETS;
    if (n < 0) return false;
    return this.openWithKeystream(this.keystream(iv, n), 0, aad, sealed, out, at);
  }

  /**
   * E(J0) || keystream of `blocks` - 1 blocks for each of `count` IVs
   * (12 octets each, back to back in `ivs`), in one AES call: a receiver
   * asks for the packets it expects next (see aead.ts).
   */
  keystreamFor(ivs: Uint8Array, count: number, blocks: number): Uint8Array {
    const total = count * blocks;
    if (this.counters.length < 16 * total) this.counters = new Uint8Array(16 * Math.max(total, 8));
    const counters = this.counters;
    for (let p = 0; p < count; p++) {
      for (let k = 0; k < blocks; k++) {
        const at = 16 * (p * blocks + k);
        for (let i = 0; i < 12; i++) counters[at + i] = ivs[12 * p + i];
        const n = k + 1;
        counters[at + 12] = n >>> 24;
        counters[at + 13] = (n >>> 16) & 0xff;
        counters[at + 14] = (n >>> 8) & 0xff;
        counters[at + 15] = n & 0xff;
      }
    }
    return this.ecb.update(16 * total === counters.length ? counters : counters.subarray(0, 16 * total));
  }

  /** openInto with E(J0) || keystream given at ks[ksAt ..] (from keystreamFor). */
  openWithKeystream(ks: Uint8Array, ksAt: number, aad: Uint8Array, sealed: Uint8Array, out: Uint8Array, at: number): boolean {
    const n = sealed.length - GCM_TAG_OCTETS;
    if (n < 0 || out.length - at < n || ks.length - ksAt < 16 + n) return false;
    this.ghash(aad, sealed, 0, n);
    // Tag check: every octet compared, no early exit.
    const diff =
      tagDiff(this.s0, ks, ksAt, sealed, n) | tagDiff(this.s1, ks, ksAt + 4, sealed, n + 4) | tagDiff(this.s2, ks, ksAt + 8, sealed, n + 8) | tagDiff(this.s3, ks, ksAt + 12, sealed, n + 12);
    if (diff !== 0) return false;
    const k0 = ksAt + 16;
    for (let i = 0; i < n; i++) out[at + i] = sealed[i] ^ ks[k0 + i];
    return true;
  }

  private writeTag(out: Uint8Array, at: number, ks: Uint8Array): void {
    const s = [this.s0, this.s1, this.s2, this.s3];
    for (let w = 0; w < 4; w++) {
      const v = s[w];
      out[at + 4 * w] = (v >>> 24) ^ ks[4 * w];
      out[at + 4 * w + 1] = ((v >>> 16) & 0xff) ^ ks[4 * w + 1];
      out[at + 4 * w + 2] = ((v >>> 8) & 0xff) ^ ks[4 * w + 2];
      out[at + 4 * w + 3] = (v & 0xff) ^ ks[4 * w + 3];
    }
  }
}

/** Non-zero when the 4 tag octets v ^ ks[k..] differ from sealed[t..]. */
function tagDiff(v: number, ks: Uint8Array, k: number, sealed: Uint8Array, t: number): number {
  return ((v >>> 24) ^ ks[k] ^ sealed[t]) | (((v >>> 16) & 0xff) ^ ks[k + 1] ^ sealed[t + 1]) | (((v >>> 8) & 0xff) ^ ks[k + 2] ^ sealed[t + 2]) | ((v & 0xff) ^ ks[k + 3] ^ sealed[t + 3]);
}

/** One context per session key object (and its octets). */
const contexts = new WeakMap<Uint8Array, GcmKey>();

export function gcmKey(key: Uint8Array): GcmKey {
  let ctx = contexts.get(key);
  if (!ctx || !ctx.sameKey(key)) {
    ctx = new GcmKey(key);
    contexts.set(key, ctx);
  }
  return ctx;
}
