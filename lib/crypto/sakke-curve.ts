/**
 * The SAKKE curve E: y^2 = x^3 - 3x over F_p (RFC 6508 section 3), in
 * Jacobian coordinates so that scalar multiplication needs a single
 * inversion at the end. Points of order q are the ones SAKKE uses; the
 * group E(F_p) has order p + 1.
 */
import type { PrimeField } from './fp2.ts';

/** An affine point; `null` is the point at infinity. */
export type Affine = { x: bigint; y: bigint } | null;
/** Jacobian (X, Y, Z) meaning (X/Z^2, Y/Z^3); Z = 0 is infinity. */
export type Jacobian = { X: bigint; Y: bigint; Z: bigint };

export const INFINITY: Jacobian = Object.freeze({ X: 1n, Y: 1n, Z: 0n });

export interface SakkeCurve {
  F: PrimeField;
  q: bigint;
  P: { x: bigint; y: bigint };
  isOnCurve(x: bigint, y: bigint): boolean;
  toJacobian(a: Affine): Jacobian;
  toAffine(j: Jacobian): Affine;
  double(a: Jacobian): Jacobian;
  /** a + b with b affine (mixed addition). */
  addMixed(a: Jacobian, b: { x: bigint; y: bigint }): Jacobian;
  add(a: Jacobian, b: Jacobian): Jacobian;
  negate(a: Jacobian): Jacobian;
  /** [k]A for any k >= 0 (width-5 NAF). */
  multiply(a: { x: bigint; y: bigint }, k: bigint): Jacobian;
  equals(a: Jacobian, b: Affine): boolean;
  /** A table that makes [k]B for a fixed B cost about lg(q)/w mixed additions. */
  fixedBase(b: { x: bigint; y: bigint }): FixedBase;
}

export interface FixedBase {
  multiply(k: bigint): Jacobian;
}

/** Signed digits of k in width-w NAF, least significant first. */
export function wnaf(k: bigint, w: number): number[] {
  const digits: number[] = [];
  const full = 1n << BigInt(w);
  const half = 1n << BigInt(w - 1);
  while (k > 0n) {
    if (k & 1n) {
      let d = k & (full - 1n);
      if (d >= half) d -= full;
      digits.push(Number(d));
      k -= d;
    } else {
      digits.push(0);
    }
    k >>= 1n;
  }
  return digits;
}

export function sakkeCurve(F: PrimeField, q: bigint, P: { x: bigint; y: bigint }): SakkeCurve {
  const { mod, mul, sqr, sub } = F;
  const p = F.p;

  const isOnCurve = (x: bigint, y: bigint): boolean => {
    if (x < 0n || x >= p || y < 0n || y >= p) return false;
    return sqr(y) === mod(x * x * x - 3n * x);
  };

  const toJacobian = (a: Affine): Jacobian => (a === null ? INFINITY : { X: a.x, Y: a.y, Z: 1n });

  const toAffine = (j: Jacobian): Affine => {
    if (j.Z === 0n) return null;
    if (j.Z === 1n) return { x: j.X, y: j.Y };
    const zi = F.inv(j.Z);
    const zi2 = sqr(zi);
    return { x: mul(j.X, zi2), y: mul(j.Y, mul(zi2, zi)) };
  };

  // Small multiples and differences are brought back to [0, p) by
  // conditional subtraction: a bigint division costs as much as a product.
  const twice = (a: bigint): bigint => {
    const r = a << 1n;
    return r >= p ? r - p : r;
  };
  const diff = (a: bigint, b: bigint): bigint => {
    const r = a - b;
    return r < 0n ? r + p : r;
  };

  // dbl-2001-b (a = -3): 3M + 5S.
  const double = (a: Jacobian): Jacobian => {
    if (a.Z === 0n || a.Y === 0n) return INFINITY;
    const delta = sqr(a.Z);
    const gamma = sqr(a.Y);
    const beta = mul(a.X, gamma);
    const alpha = mod(3n * (a.X - delta) * (a.X + delta));
    const X3 = mod(alpha * alpha - 8n * beta);
    const Z3 = mod((a.Y + a.Z) * (a.Y + a.Z) - gamma - delta);
    const Y3 = mod(alpha * (4n * beta - X3) - 8n * gamma * gamma);
    return { X: X3, Y: Y3, Z: Z3 };
  };

  // madd-2007-bl: 7M + 4S.
  const addMixed = (a: Jacobian, b: { x: bigint; y: bigint }): Jacobian => {
    if (a.Z === 0n) return { X: b.x, Y: b.y, Z: 1n };
    const Z1Z1 = sqr(a.Z);
    const U2 = mul(b.x, Z1Z1);
    const S2 = mul(b.y, mul(a.Z, Z1Z1));
    const H = diff(U2, a.X);
    const r = twice(diff(S2, a.Y));
    if (H === 0n) return r === 0n ? double(a) : INFINITY;
    const HH = sqr(H);
    const I = twice(twice(HH));
    const J = mul(H, I);
    const V = mul(a.X, I);
    const X3 = mod(r * r - J - 2n * V);
    const Y3 = mod(r * (V - X3) - 2n * a.Y * J);
    const Z3 = mod((a.Z + H) * (a.Z + H) - Z1Z1 - HH);
    return { X: X3, Y: Y3, Z: Z3 };
  };

  // add-2007-bl: 11M + 5S.
  const add = (a: Jacobian, b: Jacobian): Jacobian => {
    if (a.Z === 0n) return b;
    if (b.Z === 0n) return a;
    const Z1Z1 = sqr(a.Z);
    const Z2Z2 = sqr(b.Z);
    const U1 = mul(a.X, Z2Z2);
    const U2 = mul(b.X, Z1Z1);
    const S1 = mul(a.Y, mul(b.Z, Z2Z2));
    const S2 = mul(b.Y, mul(a.Z, Z1Z1));
    const H = sub(U2, U1);
    const r = mod(2n * (S2 - S1));
    if (H === 0n) return r === 0n ? double(a) : INFINITY;
    const I = sqr(mod(2n * H));
    const J = mul(H, I);
    const V = mul(U1, I);
    const X3 = mod(r * r - J - 2n * V);
    const Y3 = mod(r * (V - X3) - 2n * S1 * J);
    const Z3 = mul(mod((a.Z + b.Z) * (a.Z + b.Z) - Z1Z1 - Z2Z2), H);
    return { X: X3, Y: Y3, Z: Z3 };
  };

  const negate = (a: Jacobian): Jacobian => ({ X: a.X, Y: F.neg(a.Y), Z: a.Z });

  /** Affine odd multiples [1]A, [3]A, ..., [2^(w-1) - 1]A with one batch inversion. */
  const oddMultiples = (a: { x: bigint; y: bigint }, count: number): { x: bigint; y: bigint }[] => {
    const a2 = double(toJacobian(a));
    const jac: Jacobian[] = [toJacobian(a)];
    for (let k = 1; k < count; k++) jac.push(add(jac[k - 1], a2));
    return normalize(jac);
  };

  /** Jacobian to affine for many points at once (none may be infinity). */
  const normalize = (points: Jacobian[]): { x: bigint; y: bigint }[] => {
    const inverses = F.invBatch(points.map((j) => j.Z));
    return points.map((j, k) => {
      const zi2 = sqr(inverses[k]);
      return { x: mul(j.X, zi2), y: mul(j.Y, mul(zi2, inverses[k])) };
    });
  };

  const W = 5;
  const multiply = (a: { x: bigint; y: bigint }, k: bigint): Jacobian => {
    if (k === 0n) return INFINITY;
    const digits = wnaf(k, W);
    const table = oddMultiples(a, 1 << (W - 2));
    let acc: Jacobian = INFINITY;
    for (let idx = digits.length - 1; idx >= 0; idx--) {
      acc = double(acc);
      const d = digits[idx];
      if (d > 0) acc = addMixed(acc, table[(d - 1) >> 1]);
      else if (d < 0) {
        const t = table[(-d - 1) >> 1];
        acc = addMixed(acc, { x: t.x, y: F.neg(t.y) });
      }
    }
    return acc;
  };

  const equals = (a: Jacobian, b: Affine): boolean => {
    if (b === null) return a.Z === 0n;
    if (a.Z === 0n) return false;
    const z2 = sqr(a.Z);
    return a.X === mul(b.x, z2) && a.Y === mul(b.y, mul(z2, a.Z));
  };

  /**
   * Fixed-base signed windows of w bits: window j holds [d * 2^(w*j)]B for
   * d = 1 .. 2^(w-1), so [k]B costs one mixed addition per non-zero digit
   * (digits in [-2^(w-1), 2^(w-1)]).
   */
  const fixedBase = (b: { x: bigint; y: bigint }): FixedBase => {
    const w = 8;
    const half = 1 << (w - 1);
    const windows = Math.ceil(q.toString(2).length / w) + 1;
    const jac: Jacobian[] = [];
    let base: { x: bigint; y: bigint } = b;
    for (let j = 0; j < windows; j++) {
      let acc = toJacobian(base);
      jac.push(acc);
      for (let d = 2; d <= half; d++) {
        acc = addMixed(acc, base);
        jac.push(acc);
      }
      // [2^w]base = 2 * [2^(w-1)]base; affine again so the next row uses mixed additions.
      base = toAffine(double(acc)) as { x: bigint; y: bigint };
    }
    const table = normalize(jac);
    const mask = BigInt((1 << w) - 1);
    const shift = BigInt(w);
    const full = 1 << w;
    return {
      multiply(k: bigint): Jacobian {
        k = ((k % q) + q) % q;
        // madd-2007-bl inlined on local residues in (-p, p) (no object per
        // addition); the rare cases (infinity, equal points) go to addMixed.
        let X = 1n;
        let Y = 1n;
        let Z = 0n;
        let carry = 0;
        for (let j = 0; k > 0n || carry; j++, k >>= shift) {
          let d = Number(k & mask) + carry;
          carry = 0;
          if (d > half) {
            d -= full;
            carry = 1;
          }
          if (d === 0) continue;
          const t = table[j * half + (d > 0 ? d : -d) - 1];
          const ty = d > 0 ? t.y : -t.y;
          if (Z === 0n) {
            X = t.x;
            Y = ty;
            Z = 1n;
            continue;
          }
          const Z1Z1 = (Z * Z) % p;
          const H = (t.x * Z1Z1 - X) % p;
          const r2 = ((((ty * Z) % p) * Z1Z1 - Y) % p) << 1n;
          if (H === 0n) {
            const sum = addMixed({ X: mod(X), Y: mod(Y), Z: mod(Z) }, { x: t.x, y: mod(ty) });
            X = sum.X;
            Y = sum.Y;
            Z = sum.Z;
            continue;
          }
          const HH = (H * H) % p;
          const I = HH << 2n;
          const J = (H * I) % p;
          const V = (X * I) % p;
          const X3 = (r2 * r2 - J - (V << 1n)) % p;
          Y = (r2 * (V - X3) - ((Y * J) << 1n)) % p;
          Z = ((Z + H) * (Z + H) - Z1Z1 - HH) % p;
          X = X3;
        }
        return Z === 0n ? INFINITY : { X: mod(X), Y: mod(Y), Z: mod(Z) };
      },
    };
  };

  return { F, q, P, isOnCurve, toJacobian, toAffine, double, addMixed, add, negate, multiply, equals, fixedBase };
}
