import { test, expect } from '@playwright/test';
import { SAKKE_PARAMETER_SET_1 as params } from './sakke-params.ts';
import { primeField } from './fp2.ts';
import { sakkeCurve } from './sakke-curve.ts';
import { prepareMiller, millerValue, millerDirect, finalExponentiation, pfpValue } from './pairing.ts';

/** The one-pass Miller loop (first pairing with an RSK) against the kept-lines one, and the inlined fixed-base product. */
test.describe('pairing: millerDirect and the fixed-base product', () => {
  const F = primeField(params.p);
  const E = sakkeCurve(F, params.q, { x: params.Px, y: params.Py });
  const exponent = (params.p + 1n) / params.q;
  const value = (f: readonly [bigint, bigint]) => pfpValue(F, finalExponentiation(F, f, exponent));
  const base = E.fixedBase(E.P);

  test('<P, P> = g by the one-pass loop', () => {
    expect(value(millerDirect(E, E.P, E.P))).toBe(params.g);
  });

  test('millerDirect gives the same pairing as prepareMiller + millerValue, and is bilinear', () => {
    for (const [a, b] of [[3n, 5n], [params.q - 1n, 2n], [0x1234567890abcdefn, params.q - 0xfedcban]] as const) {
      const A = E.toAffine(base.multiply(a));
      const B = E.toAffine(base.multiply(b));
      if (!A || !B) throw new Error('test points at infinity');
      const direct = value(millerDirect(E, A, B));
      expect(direct).toBe(value(millerValue(F, prepareMiller(E, A), B)));
      // <[a]P, [b]P> = g^(ab) = <[ab]P, P>
      const AB = E.toAffine(base.multiply((a * b) % params.q));
      if (!AB) throw new Error('test point at infinity');
      expect(direct).toBe(value(millerDirect(E, AB, E.P)));
    }
  });

  test('fixed-base product equals the generic one, edge scalars included', () => {
    for (const k of [1n, 2n, 127n, 128n, 129n, 255n, 256n, params.q - 1n, params.q - 128n, 1n << 1000n, 0x5a5a5a5a5a5a5a5a5a5an]) {
      expect(E.equals(base.multiply(k), E.toAffine(E.multiply(E.P, k))), `k = ${k}`).toBe(true);
    }
    expect(base.multiply(0n).Z).toBe(0n);
    expect(base.multiply(params.q).Z).toBe(0n);
  });
});
