/**
 * HashToIntegerRange(s, n, hashfn) of RFC 6508 section 5.1 with SHA-256:
 * l = ceil(lg(n) / 256) chained blocks h_i = H(h_(i-1)), v_i = H(h_i || H(s)),
 * result (v_1 || ... || v_l) mod n.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from './bytes.ts';

const HASH_BITS = 256;

export function hashToIntegerRange(s: Uint8Array, n: bigint): bigint {
  if (n < 2n) throw new RangeError('HashToIntegerRange: n must be at least 2');
  const A = sha256(s);
  // ceil(lg n) is the bit length of n - 1.
  const blocks = Math.ceil((n - 1n).toString(2).length / HASH_BITS);
  let h: Uint8Array = new Uint8Array(32);
  let v = 0n;
  for (let i = 0; i < blocks; i++) {
    h = sha256(h);
    const vi = sha256(concatBytes(h, A));
    v = (v << BigInt(HASH_BITS)) | BigInt('0x' + Buffer.from(vi).toString('hex'));
  }
  return v % n;
}
