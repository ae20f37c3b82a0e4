/**
 * Arithmetic in F_p and F_p^2 = F_p[i] / (i^2 + 1) on bigint, for a prime
 * p = 3 mod 4 (RFC 6508 section 2.1). Elements of F_p^2 are pairs
 * [x1, x2] meaning x1 + i*x2, always reduced to [0, p).
 *
 * One field object per prime; everything here is variable-time, which is
 * acceptable for the conformance suite (it handles test keys only).
 */
export type Fp2 = readonly [bigint, bigint];

export interface PrimeField {
  p: bigint;
  /** Octets of an element, ceil(lg(p) / 8). */
  bytes: number;
  mod(a: bigint): bigint;
  add(a: bigint, b: bigint): bigint;
  sub(a: bigint, b: bigint): bigint;
  mul(a: bigint, b: bigint): bigint;
  sqr(a: bigint): bigint;
  neg(a: bigint): bigint;
  /** Multiplicative inverse; throws RangeError for 0 (callers check first). */
  inv(a: bigint): bigint;
  pow(a: bigint, e: bigint): bigint;
  /** Inverts every element at the cost of one inversion (Montgomery's trick). */
  invBatch(values: bigint[]): bigint[];
  // F_p^2
  mul2(a: Fp2, b: Fp2): Fp2;
  sqr2(a: Fp2): Fp2;
  conj2(a: Fp2): Fp2;
  inv2(a: Fp2): Fp2;
  pow2(a: Fp2, e: bigint): Fp2;
  eq2(a: Fp2, b: Fp2): boolean;
}

export function primeField(p: bigint): PrimeField {
  const mod = (a: bigint): bigint => {
    const r = a % p;
    return r < 0n ? r + p : r;
  };
  const add = (a: bigint, b: bigint): bigint => {
    const r = a + b;
    return r >= p ? r - p : r;
  };
  const sub = (a: bigint, b: bigint): bigint => {
    const r = a - b;
    return r < 0n ? r + p : r;
  };
  const mul = (a: bigint, b: bigint): bigint => (a * b) % p;
  const sqr = (a: bigint): bigint => (a * a) % p;
  const neg = (a: bigint): bigint => (a === 0n ? 0n : p - a);

  // Extended Euclid: far cheaper than Fermat for 1024-bit bigint.
  const inv = (a: bigint): bigint => {
    let r0 = mod(a);
    if (r0 === 0n) throw new RangeError('inverse of zero');
    let r1 = p;
    let s0 = 1n;
    let s1 = 0n;
    while (r1 !== 0n) {
      const q = r0 / r1;
      [r0, r1] = [r1, r0 - q * r1];
      [s0, s1] = [s1, s0 - q * s1];
    }
    return mod(s0);
  };

  const pow = (a: bigint, e: bigint): bigint => {
    let result = 1n;
    let base = mod(a);
    while (e > 0n) {
      if (e & 1n) result = mul(result, base);
      base = sqr(base);
      e >>= 1n;
    }
    return result;
  };

  const invBatch = (values: bigint[]): bigint[] => {
    const prefix: bigint[] = new Array(values.length);
    let acc = 1n;
    for (let k = 0; k < values.length; k++) {
      prefix[k] = acc;
      acc = mul(acc, values[k]);
    }
    let accInv = inv(acc);
    const out: bigint[] = new Array(values.length);
    for (let k = values.length - 1; k >= 0; k--) {
      out[k] = mul(accInv, prefix[k]);
      accInv = mul(accInv, values[k]);
    }
    return out;
  };

  // Karatsuba: three multiplications, two reductions.
  const mul2 = (a: Fp2, b: Fp2): Fp2 => {
    const t0 = a[0] * b[0];
    const t1 = a[1] * b[1];
    const t2 = (a[0] + a[1]) * (b[0] + b[1]);
    return [mod(t0 - t1), mod(t2 - t0 - t1)];
  };
  const sqr2 = (a: Fp2): Fp2 => [mod((a[0] + a[1]) * (a[0] - a[1])), mod(2n * a[0] * a[1])];
  const conj2 = (a: Fp2): Fp2 => [a[0], neg(a[1])];
  const inv2 = (a: Fp2): Fp2 => {
    const n = inv(a[0] * a[0] + a[1] * a[1]);
    return [mul(a[0], n), mul(neg(a[1]), n)];
  };
  const pow2 = (a: Fp2, e: bigint): Fp2 => {
    let result: Fp2 = [1n, 0n];
    for (let bit = BigInt(e.toString(2).length - 1); bit >= 0n; bit--) {
      result = sqr2(result);
      if ((e >> bit) & 1n) result = mul2(result, a);
    }
    return result;
  };
  const eq2 = (a: Fp2, b: Fp2): boolean => a[0] === b[0] && a[1] === b[1];

  return {
    p,
    bytes: Math.ceil(p.toString(2).length / 8),
    mod, add, sub, mul, sqr, neg, inv, pow, invBatch,
    mul2, sqr2, conj2, inv2, pow2, eq2,
  };
}
