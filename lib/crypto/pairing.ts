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

/**
 * f_(q,A)(psi(B)) up to a factor in F_p, in one pass for an A met for the
 * first time (no lines kept): each step doubles (or adds) in Jacobian
 * coordinates and multiplies the line, already evaluated at psi(B), into
 * the accumulator. 17 products in F_p per doubling step (8 for the
 * doubling, 4 for the line, 5 for f^2 * l) against about 29 for
 * prepareMiller + millerValue; it pays when A will not come back.
 *
 * Digits of q in width-5 NAF (+-1, +-3, ..., +-15; one addition step in
 * six instead of one in three): f_(m+d) = f_m * f_d * l_([m]A, [d]A), with
 * [d]A and f_d = f_(d,A)(psi(B)) computed first, f_(-d) = conj(f_d) (the
 * vertical lines, in F_p at psi(B), vanish). The last addition ([q-d]A +
 * [d]A = O) is a vertical line: only f_d remains of it.
 *
 * Residues are kept in (-p, p) (JavaScript's % keeps the dividend's sign)
 * and brought to [0, p) at the end. Timing: the sequence of steps depends
 * on q only (public), but bigint arithmetic takes value-dependent time, and
 * A is the RSK, a secret, when decapsulating: variable time like the rest of
 * the SAKKE code here (see fp2.ts: the suite handles test keys only).
 */
export function millerDirect(curve: SakkeCurve, A: { x: bigint; y: bigint }, B: { x: bigint; y: bigint }): Fp2 {
  const p = curve.F.p;
  const W = 5;
  const digits = wnaf(curve.q, W);
  const xQ = B.x;
  const yQ = B.y;
  let X = 0n;
  let Y = 0n;
  let Z = 0n;

  /** T = 2T, returns the tangent line at T evaluated at psi(B). */
  const doubleLine = (): [bigint, bigint] => {
    // Tangent at T = (X, Y, Z), scaled by 2YZ^3, at psi(B) = (-xQ, i*yQ):
    //   l = [alpha (Z^2 xQ + X) - 2 Y^2] + i [2YZ * Z^2 * yQ],  alpha = 3(X - Z^2)(X + Z^2).
    // Doubling dbl-2001-b (a = -3) shares Z^2, Y^2 and alpha.
    const Z2 = (Z * Z) % p;
    const gamma = (Y * Y) % p;
    const t = (X - Z2) * (X + Z2);
    const alpha = (t + (t << 1n)) % p;
    const beta = (X * gamma) % p;
    const Z3 = ((Y * Z) << 1n) % p;
    const lr = (alpha * (((Z2 * xQ) % p) + X) - (gamma << 1n)) % p;
    const li = (((Z3 * Z2) % p) * yQ) % p;
    const X3 = (alpha * alpha - (beta << 3n)) % p;
    Y = (alpha * ((beta << 2n) - X3) - ((gamma * gamma) << 3n)) % p;
    X = X3;
    Z = Z3;
    return [lr, li];
  };

  /** T = T + (xA, yA) (affine), returns the chord evaluated at psi(B). */
  const addLine = (xA: bigint, yA: bigint, xQA: bigint): [bigint, bigint] => {
    // Chord through T and (xA, yA), scaled by den = Z (xA Z^2 - X):
    //   l = [num (xQ + xA) - den yA] + i [den yQ],  num = yA Z^3 - Y.
    // Mixed addition madd-2007-bl shares Z^2, H = xA Z^2 - X and num.
    const ZZ = (Z * Z) % p;
    const H = (xA * ZZ - X) % p;
    const num = ((((yA * Z) % p) * ZZ) % p) - Y;
    const den = (Z * H) % p;
    const ar = (num * xQA - den * yA) % p;
    const ai = (den * yQ) % p;
    const HH = (H * H) % p;
    const I = HH << 2n;
    const J = (H * I) % p;
    const V = (X * I) % p;
    const rr = num << 1n;
    const X3 = (rr * rr - J - (V << 1n)) % p;
    Y = (rr * (V - X3) - ((Y * J) << 1n)) % p;
    X = X3;
    Z = (den << 1n) % p;
    return [ar, ai];
  };

  const mul = (a0: bigint, a1: bigint, b0: bigint, b1: bigint): [bigint, bigint] => {
    const u0 = a0 * b0;
    const u1 = a1 * b1;
    return [(u0 - u1) % p, ((a0 + a1) * (b0 + b1) - u0 - u1) % p];
  };

  // Odd multiples [1]A, [3]A, ..., [2^(W-1) - 1]A (affine) and their f_j.
  const count = 1 << (W - 2);
  X = A.x;
  Y = A.y;
  Z = 1n;
  const [f2r, f2i] = doubleLine();
  const a2 = curve.toAffine({ X, Y, Z });
  if (!a2) throw new RangeError('2A is the point at infinity');
  const jac: { X: bigint; Y: bigint; Z: bigint }[] = [{ X: A.x, Y: A.y, Z: 1n }];
  const fr: bigint[] = [1n];
  const fi: bigint[] = [0n];
  X = A.x;
  Y = A.y;
  Z = 1n;
  for (let k = 1; k < count; k++) {
    // [2k+1]A = [2k-1]A + [2]A, f_(2k+1) = f_(2k-1) * f_2 * l.
    const [lr, li] = addLine(a2.x, a2.y, xQ + a2.x);
    const [g0, g1] = mul(fr[k - 1], fi[k - 1], f2r, f2i);
    const [h0, h1] = mul(g0, g1, lr, li);
    fr.push(h0);
    fi.push(h1);
    jac.push({ X, Y, Z });
  }
  const zs = curve.F.invBatch(jac.map((j) => ((j.Z % p) + p) % p));
  const mx: bigint[] = [];
  const my: bigint[] = [];
  const mxQ: bigint[] = [];
  for (let k = 0; k < count; k++) {
    const zi = zs[k];
    const zi2 = (zi * zi) % p;
    const x = (((jac[k].X * zi2) % p) + p) % p;
    mx.push(x);
    my.push((((((jac[k].Y * zi2) % p) * zi) % p) + p) % p);
    mxQ.push(xQ + x);
  }

  const top = (digits[digits.length - 1] - 1) >> 1;
  X = mx[top];
  Y = my[top];
  Z = 1n;
  let f0 = fr[top];
  let f1 = fi[top];
  for (let idx = digits.length - 2; idx >= 0; idx--) {
    const [lr, li] = doubleLine();
    // f = f^2 * l
    const s0 = ((f0 + f1) * (f0 - f1)) % p;
    const s1 = ((f0 * f1) << 1n) % p;
    const t0 = s0 * lr;
    const t1 = s1 * li;
    f1 = ((s0 + s1) * (lr + li) - t0 - t1) % p;
    f0 = (t0 - t1) % p;
    const d = digits[idx];
    if (d === 0) continue;
    const j = ((d < 0 ? -d : d) - 1) >> 1;
    if (j > 0) {
      // f *= f_d, or its conjugate for a negative digit.
      const [g0, g1] = mul(f0, f1, fr[j], d < 0 ? -fi[j] : fi[j]);
      f0 = g0;
      f1 = g1;
    }
    if (idx > 0) {
      const [ar, ai] = addLine(mx[j], d < 0 ? -my[j] : my[j], mxQ[j]);
      const u0 = f0 * ar;
      const u1 = f1 * ai;
      f1 = ((f0 + f1) * (ar + ai) - u0 - u1) % p;
      f0 = (u0 - u1) % p;
    }
  }
  f0 %= p;
  f1 %= p;
  return [f0 < 0n ? f0 + p : f0, f1 < 0n ? f1 + p : f1];
}
