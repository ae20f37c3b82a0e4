import { test, expect } from '@playwright/test';
import { loadVectors } from '../../vectors/load.ts';
import { hex, toHex, concatBytes } from './bytes.ts';
import { SAKKE_PARAMETER_SET_1 as PS } from './sakke-params.ts';
import { primeField } from './fp2.ts';
import { sakkeCurve } from './sakke-curve.ts';
import { hashToIntegerRange } from './hash-to-int.ts';
import {
  sakkeKmsFromSecret, sakkeGenerateKms, sakkeIssueRsk, sakkeValidateRsk, sakkeEncapsulate, sakkeDecapsulate,
  isSakkePublicPoint, sakkePairing, sakkeGPow, sakkeR, sakkeMask, intToBytes,
} from './sakke.ts';

interface ParamVector { name: string; p: string; q: string; Px: string; Py: string; g: string; n: number }
interface Rfc6508Vector { name: string; z: string; Zx: string; Zy: string; b: string; Kbx: string; Kby: string; SSV: string; r: string; Rbx: string; Rby: string; gr: string; mask: string; H: string }
const params = loadVectors<ParamVector>('./rfc6508/parameter-set-1.json');
const appendix = loadVectors<Rfc6508Vector>('./rfc6508/appendix-a.json');
const int = (h: string): bigint => BigInt('0x' + h.replace(/\s+/g, ''));
const point = (x: string, y: string): Uint8Array => concatBytes(Uint8Array.of(4), hex(x), hex(y));

test.describe(`SAKKE parameters, ${params.source}`, () => {
  test('the vector sets are complete', () => {
    expect(params.vectors).toHaveLength(1);
    expect(appendix.vectors).toHaveLength(1);
    expect(Object.keys(appendix.vectors[0])).toHaveLength(14);
  });

  test('sakke-params.ts matches RFC 6509 Appendix A; q = (p+1)/4; P on E, of order q', () => {
    const v = params.vectors[0];
    expect([PS.p, PS.q, PS.Px, PS.Py, PS.g, PS.n]).toEqual([int(v.p), int(v.q), int(v.Px), int(v.Py), int(v.g), v.n]);
    expect(PS.p % 4n).toBe(3n);
    expect((PS.p + 1n) % PS.q).toBe(0n);
    expect((PS.p + 1n) / PS.q).toBe(4n);
    const E = sakkeCurve(primeField(PS.p), PS.q, { x: PS.Px, y: PS.Py });
    expect(E.isOnCurve(PS.Px, PS.Py)).toBe(true);
    expect(E.multiply(E.P, PS.q).Z).toBe(0n);
  });

  test('g = <P, P> (RFC 6508 3.2 pairing, PF_p representative)', () => {
    const P = point(PS.Px.toString(16).padStart(256, '0'), PS.Py.toString(16).padStart(256, '0'));
    expect(toHex(sakkePairing(P, P))).toBe(PS.g.toString(16).padStart(256, '0'));
  });

  test('the pairing is bilinear and symmetric: <[2]P, [3]P> = <[3]P, [2]P> = g^6', () => {
    const F = primeField(PS.p);
    const E = sakkeCurve(F, PS.q, { x: PS.Px, y: PS.Py });
    const enc = (k: bigint) => {
      const a = E.toAffine(E.multiply(E.P, k))!;
      return concatBytes(Uint8Array.of(4), intToBytes(a.x, 128), intToBytes(a.y, 128));
    };
    const e23 = sakkePairing(enc(2n), enc(3n));
    expect(toHex(e23)).toBe(toHex(sakkePairing(enc(3n), enc(2n))));
    expect(toHex(e23)).toBe(toHex(intToBytes(sakkeGPow(6n), 128)));
  });
});

test.describe(`SAKKE, ${appendix.source}`, () => {
  for (const v of appendix.vectors) {
    const zT = point(v.Zx, v.Zy);
    const rsk = point(v.Kbx, v.Kby);
    const encapsulated = concatBytes(point(v.Rbx, v.Rby), hex(v.H));

    test(`${v.name}: Z = [z]P and K_(b,S) = [(b + z)^-1]P (6.1.1)`, () => {
      const kms = sakkeKmsFromSecret(int(v.z));
      expect(toHex(kms.zT)).toBe(toHex(zT));
      expect(toHex(sakkeIssueRsk(kms, hex(v.b)))).toBe(toHex(rsk));
    });

    test(`${v.name}: RSK validation through the pairing (6.1.2)`, () => {
      expect(sakkeValidateRsk(zT, hex(v.b), rsk)).toEqual({ ok: true });
      expect(isSakkePublicPoint(zT)).toEqual({ ok: true });
      expect(isSakkePublicPoint(rsk)).toEqual({ ok: true });
    });

    test(`${v.name}: intermediate values r, g^r, HashToIntegerRange(g^r, 2^n), H (6.2.1, 5.1)`, () => {
      expect(sakkeR(hex(v.SSV), hex(v.b))).toBe(int(v.r));
      expect(hashToIntegerRange(concatBytes(hex(v.SSV), hex(v.b)), PS.q)).toBe(int(v.r));
      expect(sakkeGPow(int(v.r))).toBe(int(v.gr));
      expect(toHex(sakkeMask(int(v.gr)))).toBe(toHex(hex(v.mask)));
      const H = hex(v.SSV).map((x, k) => x ^ hex(v.mask)[k]);
      expect(toHex(H)).toBe(toHex(hex(v.H)));
    });

    test(`${v.name}: <R_(b,S), K_(b,S)> = g^r (6.2.2 step 1)`, () => {
      expect(toHex(sakkePairing(point(v.Rbx, v.Rby), rsk))).toBe(toHex(hex(v.gr)));
    });

    test(`${v.name}: encapsulation gives R_(b,S) || H (6.2.1)`, () => {
      expect(toHex(sakkeEncapsulate(hex(v.SSV), hex(v.b), zT))).toBe(toHex(encapsulated));
    });

    test(`${v.name}: decapsulation recovers the SSV (6.2.2)`, () => {
      expect(sakkeDecapsulate(encapsulated, hex(v.b), rsk, zT)).toEqual({ ok: true, ssv: hex(v.SSV) });
    });
  }
});

test.describe('SAKKE round trips and rejections', () => {
  const uid = new Uint8Array(32).map((_, k) => k * 7 + 1);
  const v = appendix.vectors[0];
  const zT = point(v.Zx, v.Zy);
  const rsk = point(v.Kbx, v.Kby);
  const encapsulated = concatBytes(point(v.Rbx, v.Rby), hex(v.H));

  test('fresh KMS, 32-octet UID: issue, validate, encapsulate, decapsulate', () => {
    const kms = sakkeGenerateKms();
    const key = sakkeIssueRsk(kms, uid);
    expect(sakkeValidateRsk(kms.zT, uid, key)).toEqual({ ok: true });
    const ssv = new Uint8Array(16).map((_, k) => 255 - k);
    const data = sakkeEncapsulate(ssv, uid, kms.zT);
    expect(data).toHaveLength(273);
    expect(sakkeDecapsulate(data, uid, key, kms.zT)).toEqual({ ok: true, ssv });
    // An RSK of another identifier decapsulates nothing.
    const otherKey = sakkeIssueRsk(kms, new Uint8Array(32));
    expect(sakkeDecapsulate(data, uid, otherKey, kms.zT)).toMatchObject({ ok: false, reason: expect.stringContaining('[r]([b]P + Z_S) != R_(b,S)') });
    expect(sakkeValidateRsk(kms.zT, uid, otherKey)).toMatchObject({ ok: false, reason: expect.stringContaining('<[b]P + Z_T, RSK> != g') });
  });

  test('a tampered H or R, a wrong identifier, or wrong lengths are rejected with a reason', () => {
    const badH = encapsulated.slice();
    badH[272] ^= 1;
    expect(sakkeDecapsulate(badH, hex(v.b), rsk, zT)).toMatchObject({ ok: false, reason: expect.stringContaining('integrity check failed') });
    const badR = encapsulated.slice();
    badR[100] ^= 1;
    expect(sakkeDecapsulate(badR, hex(v.b), rsk, zT)).toMatchObject({ ok: false, reason: 'R_(b,S) is not on the curve: y^2 != x^3 - 3x mod p' });
    expect(sakkeDecapsulate(encapsulated, uid, rsk, zT)).toMatchObject({ ok: false, reason: expect.stringContaining('integrity check failed') });
    expect(sakkeDecapsulate(encapsulated.subarray(1), hex(v.b), rsk, zT)).toMatchObject({ ok: false, reason: expect.stringContaining('272 octets, expected 273') });
    expect(sakkeDecapsulate(encapsulated, hex(v.b), rsk.subarray(0, 256), zT)).toMatchObject({ ok: false, reason: expect.stringContaining('RSK is 256 octets') });
    const pBytes = intToBytes(PS.p, 128);
    expect(isSakkePublicPoint(concatBytes(Uint8Array.of(4), pBytes, pBytes))).toMatchObject({ ok: false, reason: 'point x coordinate is not below p' });
  });

  test('a point on E outside the subgroup of order q is refused as Z_T or RSK', () => {
    // (0, 0) has order 2; a point of order 4q is found by walking x.
    const F = primeField(PS.p);
    const E = sakkeCurve(F, PS.q, { x: PS.Px, y: PS.Py });
    const order2 = concatBytes(Uint8Array.of(4), new Uint8Array(256));
    expect(isSakkePublicPoint(order2)).toMatchObject({ ok: false, reason: expect.stringContaining('not in the subgroup of order q') });
    let x = 5n;
    let y = 0n;
    for (;; x++) {
      const rhs = F.mod(x * x * x - 3n * x);
      y = F.pow(rhs, (PS.p + 1n) / 4n);
      if (F.sqr(y) === rhs) break;
    }
    expect(E.multiply({ x, y }, PS.q).Z).not.toBe(0n);
    const outside = concatBytes(Uint8Array.of(4), intToBytes(x, 128), intToBytes(y, 128));
    expect(isSakkePublicPoint(outside)).toMatchObject({ ok: false, reason: expect.stringContaining('[q]A != O') });
    expect(sakkeValidateRsk(zT, hex(v.b), outside)).toMatchObject({ ok: false, reason: expect.stringContaining('RSK is not in the subgroup') });
    expect(sakkeDecapsulate(encapsulated, hex(v.b), rsk, outside)).toMatchObject({ ok: false, reason: expect.stringContaining('Z_T is not in the subgroup') });
  });
});
