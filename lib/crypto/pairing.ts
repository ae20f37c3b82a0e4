/**
 * The reduced Tate-Lichtenbaum pairing of RFC 6508 section 3.2 on the
 * SAKKE curve, with the distortion map psi(x, y) = (-x, i*y):
 *
 *   <A, B> = f_(q,A)(psi(B)) ^ ((p^2 - 1) / q), shown as an element of PF_p.
 *
 * Miller's loop runs on A in Jacobian coordinates. Every line is written as
 * (a*x + b) + i*(c*y) at the distorted point; factors in F_p vanish under
 * the final exponentiation, so each line is scaled to c = 1 (one batch
 * inversion for the whole loop) and the vertical lines are dropped.
 * Preparing A once (`prepareMiller`) makes each further pairing with the
 * same A cost only the F_p^2 work: a receiver pairs with one RSK many times.
 *
 * Final exponentiation: RFC 6508 computes the pairing in PF_p, the group
 * F_p^2* / F_p* of order p + 1, so the Miller value is raised to
 * (p + 1)/q, which is 4 for parameter set 1: two squarings. (Raising to
 * (p^2 - 1)/q in F_p^2 gives a different, equally bilinear, value whose
 * representative is not the published g; the vector test pins this.)
 */
import type { Fp2, PrimeField } from './fp2.ts';
import type { SakkeCurve, Jacobian } from './sakke-curve.ts';
import { wnaf } from './sakke-curve.ts';

export interface MillerLines {
  /** Per step: square the accumulator first (a doubling step) or not (an addition step). */
  square: boolean[];
  a: bigint[];
  b: bigint[];
}

/**
 * Lines of Miller's loop for f_(q,A), A of order q given in affine form.
 * Digits of q in NAF; the last addition ([q-1]A + A = O) is vertical and
 * is left out.
 */
export function prepareMiller(curve: SakkeCurve, A: { x: bigint; y: bigint }): MillerLines {
  const { F, q } = curve;
  const { mod, mul, sqr } = F;
  const digits = wnaf(q, 2);
  const square: boolean[] = [];
  const as: bigint[] = [];
  const bs: bigint[] = [];
  const cs: bigint[] = [];
  let C: Jacobian = { X: A.x, Y: A.y, Z: 1n };
  for (let idx = digits.length - 2; idx >= 0; idx--) {
    // Tangent at C: lambda = 3(X^2 - Z^4) / (2YZ); scaled by 2YZ^3.
    const Z2 = sqr(C.Z);
    const t = mod(3n * (C.X * C.X - Z2 * Z2));
    square.push(true);
    as.push(mul(t, Z2));
    bs.push(mod(t * C.X - 2n * C.Y * C.Y));
    cs.push(mod(2n * C.Y * Z2 * C.Z));
    C = curve.double(C);
    const d = digits[idx];
    if (d !== 0 && idx > 0) {
      // Chord through C and +-A: lambda = (yA Z^3 - Y) / (Z (xA Z^2 - X)).
      const yA = d > 0 ? A.y : F.neg(A.y);
      const Z2c = sqr(C.Z);
      const num = mod(yA * Z2c * C.Z - C.Y);
      const den = mod(C.Z * (A.x * Z2c - C.X));
      square.push(false);
      as.push(num);
      bs.push(mod(num * A.x - yA * den));
      cs.push(den);
      C = curve.addMixed(C, { x: A.x, y: yA });
    }
  }
  const inverses = F.invBatch(cs);
  return {
    square,
    a: as.map((v, k) => mul(v, inverses[k])),
    b: bs.map((v, k) => mul(v, inverses[k])),
  };
}

/** f_(q,A)(psi(B)) up to a factor in F_p. */
export function millerValue(F: PrimeField, lines: MillerLines, B: { x: bigint; y: bigint }): Fp2 {
  const { mod } = F;
  const { square, a, b } = lines;
  const qx = B.x;
  const qy = B.y;
  let v0 = 1n;
  let v1 = 0n;
  for (let k = 0; k < square.length; k++) {
    if (square[k]) {
      const s0 = mod((v0 + v1) * (v0 - v1));
      v1 = mod(2n * v0 * v1);
      v0 = s0;
    }
    // v *= (c + i*qy), Karatsuba.
    const c = mod(a[k] * qx + b[k]);
    const t0 = v0 * c;
    const t1 = v1 * qy;
    const t2 = (v0 + v1) * (c + qy);
    v0 = mod(t0 - t1);
    v1 = mod(t2 - t0 - t1);
  }
  return [v0, v1];
}

/**
 * The reduced pairing as a point of PF_p (up to a factor in F_p*):
 * f^((p + 1)/q). Use `pfpValue` for its F_p representative.
 */
export function finalExponentiation(F: PrimeField, f: Fp2, exponent: bigint): Fp2 {
  return F.pow2(f, exponent);
}

/**
 * RFC 6508 section 2.1: the element x1 + i*x2 of PF_p is represented by
 * x2/x1 in F_p. (x1 = 0 cannot occur for a value of order q.)
 */
export function pfpValue(F: PrimeField, a: Fp2): bigint {
  return F.mul(a[1], F.inv(a[0]));
}

/** The inverse of pfpValue: 1 + i*t. */
export function pfpLift(t: bigint): Fp2 {
  return [1n, t];
}

/** <A, B> of RFC 6508 section 3.2 as its F_p representative. */
export function tatePairing(curve: SakkeCurve, A: { x: bigint; y: bigint }, B: { x: bigint; y: bigint }, lines?: MillerLines): bigint {
  const F = curve.F;
  const f = millerValue(F, lines ?? prepareMiller(curve, A), B);
  return pfpValue(F, finalExponentiation(F, f, (F.p + 1n) / curve.q));
}
