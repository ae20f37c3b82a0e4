import { test, expect } from '@playwright/test';
import { loadVectors } from '../../vectors/load.ts';
import { hex, concatBytes } from './bytes.ts';
import { eccsiVerify, eccsiValidateUserKey, isValidP256Point } from './eccsi.ts';
import { sakkeDecapsulate, sakkeValidateRsk, isSakkePublicPoint } from './sakke.ts';

/**
 * Seeded fuzzing of every ECCSI/SAKKE function that reads outside bytes:
 * 20,300 mutated or random inputs (this module's share of issue 2's
 * 100,000). Nothing may throw, and no mutation of a published value may be
 * accepted. Mutations that reach the expensive checks (r/s of a signature,
 * H of SAKKE data, the SSK) are a bounded minority so the run stays short.
 */

/** mulberry32: small, seeded, reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const randomBytes = (rng: Rng, n: number) => Uint8Array.from({ length: n }, () => int(rng, 256));

/** A mutation that always changes the input; `region` limits where bytes are changed. */
function mutate(rng: Rng, input: Uint8Array, region: [number, number] = [0, input.length]): Uint8Array {
  const out = input.slice();
  const at = region[0] + int(rng, region[1] - region[0]);
  switch (int(rng, 8)) {
    case 0:
      return input.subarray(0, int(rng, input.length)); // truncate
    case 1:
      return concatBytes(input, randomBytes(rng, 1 + int(rng, 8))); // extend
    case 2:
      out[region[0]] = [0x00, 0x02, 0x03, 0x05, 0xff][int(rng, 5)]; // another point prefix at the start of the region
      return out;
    case 3: {
      const n = 1 + int(rng, 4);
      for (let k = 0; k < n; k++) out[region[0] + int(rng, region[1] - region[0])] ^= 1 << int(rng, 8);
      if (out.every((v, k) => v === input[k])) out[at] ^= 1;
      return out;
    }
    case 4:
      out.fill(0, at, Math.min(region[1], at + 1 + int(rng, 32)));
      if (out.every((v, k) => v === input[k])) out[at] ^= 0x80;
      return out;
    case 5:
      out.fill(0xff, at, Math.min(region[1], at + 1 + int(rng, 32)));
      if (out.every((v, k) => v === input[k])) out[at] ^= 0x01;
      return out;
    case 6:
      return randomBytes(rng, input.length); // same length, random
    default:
      out[at] ^= 1 + int(rng, 255);
      return out;
  }
}

const e = loadVectors<Record<string, string>>('./rfc6507/appendix-a.json').vectors[0];
const s = loadVectors<Record<string, string>>('./rfc6508/appendix-a.json').vectors[0];
const kpak = hex(e.KPAK);
const id = hex(e.ID);
const message = hex(e.M);
const signature = hex(e.Signature);
const ssk = hex(e.SSK);
const pvt = hex(e.PVT);
const zT = concatBytes(Uint8Array.of(4), hex(s.Zx), hex(s.Zy));
const rsk = concatBytes(Uint8Array.of(4), hex(s.Kbx), hex(s.Kby));
const sakkeData = concatBytes(Uint8Array.of(4), hex(s.Rbx), hex(s.Rby), hex(s.H));
const b = hex(s.b);

/** Runs `count` cases; every result must be a rejection with a reason, and nothing may throw. */
function expectAllRejected(count: number, make: (k: number) => { ok: boolean; reason?: string } ) {
  let rejected = 0;
  for (let k = 0; k < count; k++) {
    let result: { ok: boolean; reason?: string };
    try {
      result = make(k);
    } catch (err) {
      throw new Error(`case ${k} threw: ${(err as Error).stack}`);
    }
    if (result.ok) throw new Error(`case ${k} was accepted`);
    if (typeof result.reason !== 'string' || result.reason.length === 0) throw new Error(`case ${k} has no reason`);
    rejected++;
  }
  expect(rejected).toBe(count);
}

test.describe('fuzz: ECCSI (seeded)', () => {
  test.setTimeout(180_000);

  test('6,000 mutated signatures through eccsiVerify', () => {
    const rng = prng(6507);
    // One in ten mutations lands in r || s (a full verification); the rest hit PVT or the framing.
    expectAllRejected(6000, () => eccsiVerify(message, mutate(rng, signature, rng() < 0.1 ? [0, 64] : [64, 129]), id, kpak));
  });

  test('2,000 mutated KPAKs and 300 other identifiers/messages through eccsiVerify', () => {
    const rng = prng(65071);
    expectAllRejected(2000, () => eccsiVerify(message, signature, id, mutate(rng, kpak)));
    expectAllRejected(300, (k) => (k % 2 ? eccsiVerify(mutate(rng, message), signature, id, kpak) : eccsiVerify(message, signature, mutate(rng, id), kpak)));
  });

  test('2,000 mutated SSK/PVT pairs through eccsiValidateUserKey', () => {
    const rng = prng(65072);
    expectAllRejected(2000, (k) => (k % 5 === 0 ? eccsiValidateUserKey(kpak, id, mutate(rng, ssk), pvt) : eccsiValidateUserKey(kpak, id, ssk, mutate(rng, pvt))));
  });

  test('2,500 random and mutated points through isValidP256Point, plus wrong types', () => {
    const rng = prng(65073);
    expectAllRejected(2500, (k) => isValidP256Point(k % 3 === 0 ? randomBytes(rng, int(rng, 70)) : mutate(rng, kpak)));
    for (const junk of [undefined, null, 'KPAK', 42, {}, [4, 1, 2]] as unknown[]) {
      expect(isValidP256Point(junk as Uint8Array).ok).toBe(false);
      expect(eccsiVerify(junk as Uint8Array, junk as Uint8Array, junk as Uint8Array, junk as Uint8Array).ok).toBe(false);
      expect(eccsiValidateUserKey(kpak, id, junk as Uint8Array, junk as Uint8Array).ok).toBe(false);
    }
  });
});

test.describe('fuzz: SAKKE (seeded)', () => {
  test.setTimeout(180_000);

  test('4,000 mutated encapsulations through sakkeDecapsulate', () => {
    const rng = prng(6508);
    // 40 mutations of H reach the pairing; the rest hit R_(b,S) or the framing.
    expectAllRejected(4000, (k) => sakkeDecapsulate(mutate(rng, sakkeData, k < 40 ? [257, 273] : [0, 257]), b, rsk, zT));
  });

  test('1,500 mutated RSKs and Z_Ts through sakkeValidateRsk', () => {
    const rng = prng(65081);
    expectAllRejected(1500, (k) => (k % 3 === 0 ? sakkeValidateRsk(mutate(rng, zT), b, rsk) : sakkeValidateRsk(zT, b, mutate(rng, rsk))));
  });

  test('2,000 random and mutated points through isSakkePublicPoint, plus wrong types', () => {
    const rng = prng(65082);
    expectAllRejected(2000, (k) => isSakkePublicPoint(k % 4 === 0 ? randomBytes(rng, int(rng, 300)) : mutate(rng, k % 2 ? zT : rsk)));
    for (const junk of [undefined, null, 'Z_T', 42, {}, [4, 1, 2]] as unknown[]) {
      expect(isSakkePublicPoint(junk as Uint8Array).ok).toBe(false);
      expect(sakkeDecapsulate(junk as Uint8Array, junk as Uint8Array, junk as Uint8Array, junk as Uint8Array).ok).toBe(false);
      expect(sakkeValidateRsk(junk as Uint8Array, junk as Uint8Array, junk as Uint8Array).ok).toBe(false);
    }
  });
});
