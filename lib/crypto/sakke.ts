/**
 * SAKKE, RFC 6508, with parameter set 1 of RFC 6509 (the MIKEY-SAKKE set
 * TS 33.180 uses). `id` is the receiver identifier octets (for MCX the
 * 32-octet UID of TS 33.180 F.2.1), read as a big-endian integer b.
 *
 * Functions reading bytes from outside (validate, decapsulate, point
 * checks) never throw: they return a reason. Key generation and
 * encapsulation take our own inputs and throw on misuse.
 *
 * Speed: a receiver decapsulates many times with one RSK and one KMS key,
 * so the RSK's Miller lines (from its second use; a first pairing runs
 * the one-pass Miller loop), subgroup checks, and fixed-base tables for P,
 * Z_T and [b]P + Z_T are cached (small LRU caches keyed by the encoding).
 * <R, K> is computed as <K, R>: equal for points of order q, and it lets
 * the fixed RSK carry the Miller loop.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { CryptoCheck } from './result.ts';
import { OK, failed } from './result.ts';
import { SAKKE_PARAMETER_SET_1 as PARAMS } from './sakke-params.ts';
import { primeField, type Fp2 } from './fp2.ts';
import { sakkeCurve, type Jacobian, type FixedBase } from './sakke-curve.ts';
import { prepareMiller, millerValue, millerDirect, finalExponentiation, pfpValue, type MillerLines } from './pairing.ts';
import { hashToIntegerRange } from './hash-to-int.ts';
import { concatBytes, toHex } from './bytes.ts';

export interface SakkeKmsKeys {
  /** KMS master secret, 2 <= z < q. */
  z: bigint;
  /** KMS public key Z_T = [z]P, 257 octets 04 || x || y. */
  zT: Uint8Array;
}

type Point = { x: bigint; y: bigint };

const F = primeField(PARAMS.p);
const Fq = primeField(PARAMS.q);
const E = sakkeCurve(F, PARAMS.q, { x: PARAMS.Px, y: PARAMS.Py });
const L = PARAMS.L;
const POINT_OCTETS = 1 + 2 * L;
const SSV_OCTETS = PARAMS.n / 8;
const TWO_POW_N = 1n << BigInt(PARAMS.n);
const PAIRING_EXPONENT = (PARAMS.p + 1n) / PARAMS.q;

// ---------------------------------------------------------------- encoding

export function bytesToInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

export function intToBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, '0');
  if (hex.length > length * 2) throw new RangeError(`integer does not fit in ${length} octets`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function encodePoint(a: Point): Uint8Array {
  return concatBytes(Uint8Array.of(4), intToBytes(a.x, L), intToBytes(a.y, L));
}

type Decoded = { ok: true; point: Point } | { ok: false; reason: string };

/** RFC 6508 section 4: 0x04 || x || y, each an L-octet integer below p, on E. */
function decodePoint(bytes: Uint8Array, what: string): Decoded {
  if (!(bytes instanceof Uint8Array)) return { ok: false, reason: `${what} is not a byte string` };
  if (bytes.length !== POINT_OCTETS) return { ok: false, reason: `${what} is ${bytes.length} octets, expected ${POINT_OCTETS} (04 || x || y)` };
  if (bytes[0] !== 0x04) return { ok: false, reason: `${what} does not start with 0x04 (uncompressed form), got 0x${bytes[0].toString(16).padStart(2, '0')}` };
  const x = bytesToInt(bytes.subarray(1, 1 + L));
  const y = bytesToInt(bytes.subarray(1 + L));
  if (x >= PARAMS.p) return { ok: false, reason: `${what} x coordinate is not below p` };
  if (y >= PARAMS.p) return { ok: false, reason: `${what} y coordinate is not below p` };
  if (!E.isOnCurve(x, y)) return { ok: false, reason: `${what} is not on the curve: y^2 != x^3 - 3x mod p` };
  return { ok: true, point: { x, y } };
}

// ---------------------------------------------------------------- caches

class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value as string);
  }
}

/**
 * [k]P. The fixed-base table for P costs about 35 plain products to build
 * (0.57 s against 17 ms here), so it is built only once a process has used
 * P that often: a test worker that validates a few RSKs never pays for it,
 * a KMS issuing keys all day does once.
 */
let fixedP: FixedBase | undefined;
let pUses = 0;
const P_TABLE_AFTER = 40;
function multiplyP(k: bigint): Jacobian {
  if (!fixedP && ++pUses >= P_TABLE_AFTER) fixedP = E.fixedBase(E.P);
  return fixedP ? fixedP.multiply(k) : E.multiply(E.P, ((k % PARAMS.q) + PARAMS.q) % PARAMS.q);
}
const subgroupChecked = new Lru<boolean>(64);
const millerCache = new Lru<MillerLines>(8);
/**
 * Fixed-base tables cost about half a second, so they are built only for
 * points that keep coming back: Z_T from its second use, and a receiver's
 * [b]P + Z_T (what every decapsulation for that receiver multiplies by r)
 * from its fourth.
 */
const zTables = new Lru<{ uses: number; table?: FixedBase }>(4);
const testTables = new Lru<{ uses: number; table?: FixedBase }>(4);
const Z_TABLE_AFTER = 2;
const TEST_TABLE_AFTER = 4;

function inSubgroup(a: Point, key: string): boolean {
  const known = subgroupChecked.get(key);
  if (known !== undefined) return known;
  // #E(F_p) = 4q: a point has order q exactly when [q]A = O (A != O here).
  const result = E.multiply(a, PARAMS.q).Z === 0n;
  subgroupChecked.set(key, result);
  return result;
}

function linesFor(a: Point, key: string): MillerLines {
  let lines = millerCache.get(key);
  if (!lines) {
    lines = prepareMiller(E, a);
    millerCache.set(key, lines);
  }
  return lines;
}

/**
 * RSKs seen once: their lines are kept from the second pairing on. A first
 * pairing with an RSK (a receiver that has not validated it, or a tool
 * meeting it once) runs the one-pass Miller loop, which costs about half of
 * preparing the lines and evaluating them.
 */
const rskUses = new Lru<number>(64);
function millerFor(a: Point, key: string, B: Point): Fp2 {
  const lines = millerCache.get(key);
  if (lines) return millerValue(F, lines, B);
  const uses = (rskUses.get(key) ?? 0) + 1;
  rskUses.set(key, uses);
  if (uses >= 2) return millerValue(F, linesFor(a, key), B);
  return millerDirect(E, a, B);
}

/** [k]Z for a KMS key Z. */
function multiplyZ(Z: Point, zKey: string, k: bigint): Jacobian {
  const entry = zTables.get(zKey) ?? { uses: 0 };
  entry.uses++;
  if (!entry.table && entry.uses >= Z_TABLE_AFTER) entry.table = E.fixedBase(Z);
  zTables.set(zKey, entry);
  return entry.table ? entry.table.multiply(k) : E.multiply(Z, ((k % PARAMS.q) + PARAMS.q) % PARAMS.q);
}

/** [r]([b]P + Z_T) (RFC 6508 6.2.1 step 2 and 6.2.2 step 5). */
function multiplyTest(Z: Point, zKey: string, id: Uint8Array, r: bigint): Jacobian {
  const key = `${zKey}/${toHex(id)}`;
  const entry = testTables.get(key) ?? { uses: 0 };
  entry.uses++;
  if (!entry.table && entry.uses >= TEST_TABLE_AFTER) {
    const test = E.toAffine(E.addMixed(multiplyP(sakkeIdentifier(id)), Z));
    if (test) entry.table = E.fixedBase(test);
  }
  testTables.set(key, entry);
  if (entry.table) return entry.table.multiply(r);
  // [r]([b]P + Z) = [r*b]P + [r]Z: two fixed-base products once Z has a table.
  return E.add(multiplyP((r * sakkeIdentifier(id)) % PARAMS.q), multiplyZ(Z, zKey, r));
}

// ---------------------------------------------------------------- building blocks (exported for vectors and tools)

/** The identifier as the integer b of RFC 6508 (big-endian octets). */
export function sakkeIdentifier(id: Uint8Array): bigint {
  return bytesToInt(id);
}

/** <A, B> of RFC 6508 section 3.2 as an L-octet string (A, B must be valid subgroup points). */
export function sakkePairing(a: Uint8Array, b: Uint8Array): Uint8Array {
  const A = decodePoint(a, 'A');
  const B = decodePoint(b, 'B');
  if (!A.ok) throw new RangeError(A.reason);
  if (!B.ok) throw new RangeError(B.reason);
  const f = millerValue(F, prepareMiller(E, A.point), B.point);
  return intToBytes(pfpValue(F, finalExponentiation(F, f, PAIRING_EXPONENT)), L);
}

function pairingValue(f: Fp2): bigint {
  const u = finalExponentiation(F, f, PAIRING_EXPONENT);
  if (u[0] === 0n) return 0n; // only for points outside the subgroup; caught by the caller's checks
  return pfpValue(F, u);
}

let gTable: Fp2[][] | undefined;
/** g^r in PF_p (RFC 6508 section 6.2.1 step 4a), as its F_p representative. */
export function sakkeGPow(r: bigint): bigint {
  // Fixed-base windows of 6 bits over the lift 1 + i*g.
  const w = 6n;
  const size = 63;
  if (!gTable) {
    gTable = [];
    let base: Fp2 = [1n, PARAMS.g];
    const windows = Math.ceil(PARAMS.q.toString(2).length / 6);
    for (let j = 0; j < windows; j++) {
      const row: Fp2[] = [base];
      for (let d = 2; d <= size; d++) row.push(F.mul2(row[d - 2], base));
      gTable.push(row);
      base = F.mul2(row[size - 1], base);
    }
  }
  let k = ((r % PARAMS.q) + PARAMS.q) % PARAMS.q;
  let acc: Fp2 = [1n, 0n];
  for (let j = 0; k > 0n; j++, k >>= w) {
    const d = Number(k & 63n);
    if (d !== 0) acc = F.mul2(acc, gTable[j][d - 1]);
  }
  return pfpValue(F, acc);
}

/** r = HashToIntegerRange(SSV || b, q) (RFC 6508 section 6.2.1 step 1). */
export function sakkeR(ssv: Uint8Array, id: Uint8Array): bigint {
  return hashToIntegerRange(concatBytes(ssv, id), PARAMS.q);
}

/** HashToIntegerRange(g^r, 2^n), the mask the SSV is XORed with. */
export function sakkeMask(gr: bigint): Uint8Array {
  return intToBytes(hashToIntegerRange(intToBytes(gr, L), TWO_POW_N), SSV_OCTETS);
}

// ---------------------------------------------------------------- KMS side (RFC 6508 section 6.1.1)

function defaultRandom(n: number): Uint8Array {
  return Uint8Array.from(nodeRandomBytes(n));
}

export function sakkeGenerateKms(random: (n: number) => Uint8Array = defaultRandom): SakkeKmsKeys {
  // z uniform enough in [2, q - 1]: 64 extra bits before the reduction.
  const z = (bytesToInt(random(L + 8)) % (PARAMS.q - 2n)) + 2n;
  return sakkeKmsFromSecret(z);
}

/** KMS keys for a given master secret (test vectors, reference KMS). */
export function sakkeKmsFromSecret(z: bigint): SakkeKmsKeys {
  if (z < 2n || z >= PARAMS.q) throw new RangeError('SAKKE master secret must be in [2, q-1]');
  const Z = E.toAffine(multiplyP(z));
  if (!Z) throw new RangeError('SAKKE master secret gives the point at infinity');
  return { z, zT: encodePoint(Z) };
}

/** K_(b,T) = [(b + z)^-1]P (RFC 6508 section 6.1.1). */
export function sakkeIssueRsk(kms: SakkeKmsKeys, id: Uint8Array): Uint8Array {
  const sum = (sakkeIdentifier(id) + kms.z) % PARAMS.q;
  if (sum === 0n) throw new RangeError('identifier + z = 0 mod q: this KMS cannot issue an RSK for this identifier');
  const K = E.toAffine(multiplyP(Fq.inv(sum)));
  if (!K) throw new RangeError('RSK is the point at infinity');
  return encodePoint(K);
}

// ---------------------------------------------------------------- checks of received material

/** Uncompressed, on E(F_p), of order q (a KMS public key Z_T, an RSK). */
export function isSakkePublicPoint(bytes: Uint8Array): CryptoCheck {
  try {
    const d = decodePoint(bytes, 'point');
    if (!d.ok) return failed(d.reason);
    if (!inSubgroup(d.point, toHex(bytes))) return failed('point is not in the subgroup of order q: [q]A != O');
    return OK;
  } catch (err) {
    return failed(`point check failed: ${(err as Error).message}`);
  }
}

/** RFC 6508 section 6.1.2: <[b]P + Z_T, K_(b,T)> = g. */
export function sakkeValidateRsk(zT: Uint8Array, id: Uint8Array, rsk: Uint8Array): CryptoCheck {
  try {
    if (!(id instanceof Uint8Array)) return failed('identifier is not a byte string');
    const Z = decodePoint(zT, 'Z_T');
    if (!Z.ok) return failed(Z.reason);
    const zKey = toHex(zT);
    if (!inSubgroup(Z.point, zKey)) return failed('Z_T is not in the subgroup of order q: [q]Z_T != O');
    const K = decodePoint(rsk, 'RSK');
    if (!K.ok) return failed(K.reason);
    const kKey = toHex(rsk);
    if (!inSubgroup(K.point, kKey)) return failed('RSK is not in the subgroup of order q: [q]RSK != O');
    const b = sakkeIdentifier(id);
    const test = E.toAffine(E.addMixed(multiplyP(b), Z.point));
    if (!test) return failed('[b]P + Z_T is the point at infinity: identifier and Z_T are inconsistent');
    const w = pairingValue(millerFor(K.point, kKey, test));
    if (w !== PARAMS.g) return failed('RSK check failed: <[b]P + Z_T, RSK> != g (RFC 6508 section 6.1.2)', { expected: PARAMS.g.toString(16), actual: w.toString(16) });
    return OK;
  } catch (err) {
    return failed(`RSK validation failed: ${(err as Error).message}`);
  }
}

// ---------------------------------------------------------------- sender and receiver (RFC 6508 section 6.2)

/**
 * RFC 6508 section 6.2.1: R_(b,S) = [r]([b]P + Z_S), H = SSV xor
 * HashToIntegerRange(g^r, 2^n); output R_(b,S) || H (257 + 16 octets).
 * Deterministic given the SSV; `random` is accepted for symmetry and unused.
 */
export function sakkeEncapsulate(ssv: Uint8Array, id: Uint8Array, zT: Uint8Array, random?: (n: number) => Uint8Array): Uint8Array {
  void random;
  if (ssv.length !== SSV_OCTETS) throw new RangeError(`SSV must be ${SSV_OCTETS} octets, got ${ssv.length}`);
  const Z = decodePoint(zT, 'Z_T');
  if (!Z.ok) throw new RangeError(Z.reason);
  const zKey = toHex(zT);
  if (!inSubgroup(Z.point, zKey)) throw new RangeError('Z_T is not in the subgroup of order q');
  const r = sakkeR(ssv, id);
  const R = E.toAffine(multiplyTest(Z.point, zKey, id, r));
  if (!R) throw new RangeError('R_(b,S) is the point at infinity');
  const mask = sakkeMask(sakkeGPow(r));
  const H = ssv.map((v, k) => v ^ mask[k]);
  return concatBytes(encodePoint(R), H);
}

/**
 * RFC 6508 section 6.2.2: w = <R_(b,S), K_(b,S)>, SSV = H xor
 * HashToIntegerRange(w, 2^n), then r = HashToIntegerRange(SSV || b, q) and
 * the check [r]([b]P + Z_S) = R_(b,S).
 */
export function sakkeDecapsulate(
  encapsulated: Uint8Array,
  id: Uint8Array,
  rsk: Uint8Array,
  zT: Uint8Array,
): { ok: true; ssv: Uint8Array } | { ok: false; reason: string } {
  try {
    if (!(encapsulated instanceof Uint8Array)) return { ok: false, reason: 'SAKKE data is not a byte string' };
    if (!(id instanceof Uint8Array)) return { ok: false, reason: 'identifier is not a byte string' };
    const expected = POINT_OCTETS + SSV_OCTETS;
    if (encapsulated.length !== expected) return { ok: false, reason: `SAKKE data is ${encapsulated.length} octets, expected ${expected} (R_(b,S) ${POINT_OCTETS} || H ${SSV_OCTETS})` };
    const R = decodePoint(encapsulated.subarray(0, POINT_OCTETS), 'R_(b,S)');
    if (!R.ok) return R;
    const H = encapsulated.subarray(POINT_OCTETS);
    const K = decodePoint(rsk, 'RSK');
    if (!K.ok) return K;
    const Z = decodePoint(zT, 'Z_T');
    if (!Z.ok) return Z;
    const zKey = toHex(zT);
    if (!inSubgroup(Z.point, zKey)) return { ok: false, reason: 'Z_T is not in the subgroup of order q: [q]Z_T != O' };

    // <R, K> = <K, R> for points of order q, so the RSK's lines are reused.
    const w = pairingValue(millerFor(K.point, toHex(rsk), R.point));
    const mask = sakkeMask(w);
    const ssv = H.map((v, k) => v ^ mask[k]);
    const r = sakkeR(ssv, id);
    const test = multiplyTest(Z.point, zKey, id, r);
    if (!E.equals(test, R.point)) return { ok: false, reason: 'integrity check failed: [r]([b]P + Z_S) != R_(b,S) (RFC 6508 section 6.2.2 step 5); wrong RSK, identifier or Z_T, or tampered data' };
    return { ok: true, ssv: Uint8Array.from(ssv) };
  } catch (err) {
    return { ok: false, reason: `SAKKE decapsulation failed: ${(err as Error).message}` };
  }
}

