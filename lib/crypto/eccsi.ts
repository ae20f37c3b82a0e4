/**
 * ECCSI, RFC 6507: elliptic curve identity-based signatures, over P-256 with
 * SHA-256 (the only parameters TS 33.180 uses, N = 32). `id` is the
 * identifier octets; for MCX it is the 32-octet UID of TS 33.180 F.2.1.
 *
 * Points travel as 65 octets 04 || x || y. Functions reading bytes from
 * outside (validate, verify, point check) never throw: they return a
 * reason naming the failed step. Key issuing and signing take our own
 * inputs and throw on misuse.
 *
 * Speed: the P-256 scalar products that dominate signing and verification
 * run in node's OpenSSL (ECDH on prime256v1), noble's point arithmetic
 * does the rest:
 * - signing: [j]G is an ECDH public key (OpenSSL's constant-time
 *   fixed-base multiplication; j is secret);
 * - verification (public data only, variable time on purpose):
 *   J = [s*HE]G + [s*r]KPAK + [s*r*HS]PVT = [m](PVT + X) with m = s*r*HS and
 *   X = [s*HE/m]G + [1/HS]KPAK; [m](PVT + X) is an ECDH shared secret, which
 *   is the x coordinate the check needs. [1/HS]KPAK comes from a
 *   fixed-base window table of KPAK (built on its second use).
 */
import { p256 } from '@noble/curves/nist.js';
import { createECDH, createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import type { CryptoCheck } from './result.ts';
import { OK, failed } from './result.ts';
import { concatBytes, toHex } from './bytes.ts';
import { primeField } from './fp2.ts';
import { sakkeCurve, type FixedBase } from './sakke-curve.ts';

export interface EccsiKmsKeys {
  /** KMS Secret Authentication Key, 0 < KSAK < q. */
  ksak: bigint;
  /** KMS Public Authentication Key, 65 octets 04 || x || y. */
  kpak: Uint8Array;
}

const Point = p256.Point;
type P256Point = ReturnType<typeof Point.fromBytes>;
const G = Point.BASE;
const q = Point.Fn.ORDER;
const N = 32;
const POINT_OCTETS = 65;
const SIGNATURE_OCTETS = 2 * N + POINT_OCTETS;

const toInt = (bytes: Uint8Array): bigint => (bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes)));
const toOctets = (value: bigint): Uint8Array => Uint8Array.from(Buffer.from(value.toString(16).padStart(2 * N, '0'), 'hex'));
const modQ = (v: bigint): bigint => ((v % q) + q) % q;

function invModQ(a: bigint): bigint {
  let [r0, r1, s0, s1] = [modQ(a), q, 1n, 0n];
  while (r1 !== 0n) {
    const t = r0 / r1;
    [r0, r1] = [r1, r0 - t * r1];
    [s0, s1] = [s1, s0 - t * s1];
  }
  return modQ(s0);
}

function defaultRandom(n: number): Uint8Array {
  return Uint8Array.from(nodeRandomBytes(n));
}

/** A uniform-enough scalar in [1, q-1] (64 extra bits before reduction). */
function randomScalar(random: (n: number) => Uint8Array): bigint {
  return (toInt(random(N + 8)) % (q - 1n)) + 1n;
}

type Decoded = { ok: true; point: P256Point; x: bigint; y: bigint } | { ok: false; reason: string };

function decodePoint(bytes: Uint8Array, what: string): Decoded {
  if (!(bytes instanceof Uint8Array)) return { ok: false, reason: `${what} is not a byte string` };
  if (bytes.length !== POINT_OCTETS) return { ok: false, reason: `${what} is ${bytes.length} octets, expected ${POINT_OCTETS} (04 || x || y)` };
  if (bytes[0] !== 0x04) return { ok: false, reason: `${what} does not start with 0x04 (uncompressed form), got 0x${bytes[0].toString(16).padStart(2, '0')}` };
  const p = Point.Fp.ORDER;
  const x = toInt(bytes.subarray(1, 1 + N));
  const y = toInt(bytes.subarray(1 + N));
  if (x >= p) return { ok: false, reason: `${what} x coordinate is not below p` };
  if (y >= p) return { ok: false, reason: `${what} y coordinate is not below p` };
  const rhs = (((x * x) % p) * x - 3n * x + Point.CURVE().b) % p;
  if ((y * y - rhs) % p !== 0n) return { ok: false, reason: `${what} is not on P-256: y^2 != x^3 - 3x + b mod p` };
  // On the curve (checked above) and P-256 has cofactor 1: no second validation needed.
  try {
    return { ok: true, point: Point.fromAffine({ x, y }), x, y };
  } catch (err) {
    return { ok: false, reason: `${what} rejected by the P-256 decoder: ${(err as Error).message}` };
  }
}

/** Uncompressed, on P-256 (which has cofactor 1, so every such point has order q). */
export function isValidP256Point(bytes: Uint8Array): CryptoCheck {
  const d = decodePoint(bytes, 'point');
  return d.ok ? OK : failed(d.reason);
}

const G_OCTETS = G.toBytes(false);

/** SHA-256 of the concatenated parts (node's OpenSSL: no copy into one buffer). */
function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  const d = h.digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.length);
}

/** HS = hash(G || KPAK || ID || PVT) (RFC 6507 sections 5.1.1 step 3, 5.1.2 step 2, 5.2.2 step 2). */
export function eccsiHashHS(kpak: Uint8Array, id: Uint8Array, pvt: Uint8Array): Uint8Array {
  return sha256(G_OCTETS, kpak, id, pvt);
}

/** HE = hash(HS || r || M) (RFC 6507 sections 5.2.1 step 3, 5.2.2 step 3). */
export function eccsiHashHE(hs: Uint8Array, r: Uint8Array, message: Uint8Array): Uint8Array {
  return sha256(hs, r, message);
}

// ---------------------------------------------------------------- KMS (RFC 6507 sections 4.2, 5.1.1)

export function eccsiGenerateKms(random: (n: number) => Uint8Array = defaultRandom): EccsiKmsKeys {
  return eccsiKmsFromSecret(randomScalar(random));
}

/** KMS keys for a given KSAK (test vectors, reference KMS). */
export function eccsiKmsFromSecret(ksak: bigint): EccsiKmsKeys {
  if (ksak <= 0n || ksak >= q) throw new RangeError('KSAK must be in [1, q-1]');
  return { ksak, kpak: G.multiply(ksak).toBytes(false) };
}

/** PVT = [v]G, SSK = (KSAK + HS * v) mod q, v random unless given (RFC 6507 section 5.1.1). */
export function eccsiIssueUserKey(kms: EccsiKmsKeys, id: Uint8Array, v?: bigint): { ssk: Uint8Array; pvt: Uint8Array } {
  for (;;) {
    const ephemeral = v ?? randomScalar(defaultRandom);
    if (ephemeral <= 0n || ephemeral >= q) throw new RangeError('v must be in [1, q-1]');
    const pvt = G.multiply(ephemeral).toBytes(false);
    const hs = toInt(eccsiHashHS(kms.kpak, id, pvt));
    const ssk = modQ(kms.ksak + hs * ephemeral);
    if (ssk !== 0n) return { ssk: toOctets(ssk), pvt };
    // SSK = 0 (probability 2^-256): step 5 says choose another v.
    if (v !== undefined) throw new RangeError('this v gives SSK = 0; choose another');
  }
}

// ---------------------------------------------------------------- user checks

/** RFC 6507 section 5.1.2: PVT on the curve, SSK in range, KPAK = [SSK]G - [HS]PVT. */
export function eccsiValidateUserKey(kpak: Uint8Array, id: Uint8Array, ssk: Uint8Array, pvt: Uint8Array): CryptoCheck {
  try {
    if (!(id instanceof Uint8Array)) return failed('identifier is not a byte string');
    const K = decodePoint(kpak, 'KPAK');
    if (!K.ok) return failed(K.reason);
    const V = decodePoint(pvt, 'PVT');
    if (!V.ok) return failed(V.reason);
    if (!(ssk instanceof Uint8Array)) return failed('SSK is not a byte string');
    if (ssk.length !== N) return failed(`SSK is ${ssk.length} octets, expected ${N}`);
    const s = toInt(ssk);
    if (s === 0n || s >= q) return failed('SSK is not in [1, q-1]');
    const hs = modQ(toInt(eccsiHashHS(kpak, id, pvt)));
    // [SSK]G - [HS]PVT = KPAK
    const lhs = G.multiply(s);
    const rhs = hs === 0n ? K.point : K.point.add(V.point.multiplyUnsafe(hs));
    if (!lhs.equals(rhs)) return failed('SSK/PVT check failed: [SSK]G != KPAK + [HS]PVT (RFC 6507 section 5.1.2)');
    return OK;
  } catch (err) {
    return failed(`ECCSI key validation failed: ${(err as Error).message}`);
  }
}

// ---------------------------------------------------------------- signing (RFC 6507 section 5.2.1)

/** x([k]G) as 32 octets, k in [1, q-1], by OpenSSL (constant time). */
function baseMultiplyX(k: bigint): Uint8Array {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(toOctets(k));
  return Uint8Array.from(ecdh.getPublicKey().subarray(1, 1 + N));
}

/** [k]G in affine coordinates, k in [1, q-1], by OpenSSL. */
function baseMultiplyAffine(k: bigint): { x: bigint; y: bigint } {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(toOctets(k));
  const pub = ecdh.getPublicKey();
  return { x: toInt(pub.subarray(1, 1 + N)), y: toInt(pub.subarray(1 + N)) };
}

/** Signature = r || s || PVT (129 octets). j random unless given. */
export function eccsiSign(message: Uint8Array, id: Uint8Array, ssk: Uint8Array, pvt: Uint8Array, kpak: Uint8Array, j?: bigint): Uint8Array {
  if (ssk.length !== N) throw new RangeError(`SSK must be ${N} octets`);
  const s0 = toInt(ssk);
  if (s0 === 0n || s0 >= q) throw new RangeError('SSK is not in [1, q-1]');
  const hs = eccsiHashHS(kpak, id, pvt);
  for (;;) {
    const ephemeral = j ?? randomScalar(defaultRandom);
    if (ephemeral <= 0n || ephemeral >= q) throw new RangeError('j must be in [1, q-1]');
    // J = [j]G: OpenSSL's constant-time fixed-base product (ECDH public key of j).
    const rOctets = baseMultiplyX(ephemeral);
    const r = toInt(rOctets);
    const he = toInt(eccsiHashHE(hs, rOctets, message));
    const sum = modQ(he + r * s0);
    if (sum === 0n) {
      if (j !== undefined) throw new RangeError('HE + r*SSK = 0 mod q for this j; choose another');
      continue;
    }
    // s' = j / (HE + r*SSK): the bigint inversion is variable time, so it
    // inverts a blinded value (sum * beta for a random beta) and unblinds.
    // (The products with SSK and j are bigint too, whose time depends on the
    // operands' lengths: JavaScript gives no constant-time arithmetic.)
    const beta = randomScalar(defaultRandom);
    const sPrime = modQ(modQ(invModQ(modQ(sum * beta)) * beta) * ephemeral);
    // Step 6 applies only when q > 2^(8N); for P-256 s' always fits.
    return concatBytes(rOctets, toOctets(sPrime), pvt);
  }
}

// ---------------------------------------------------------------- verification (RFC 6507 section 5.2.2)

/**
 * Jacobian arithmetic for a = -3 curves, reused from sakke-curve.ts (its
 * doubling and addition formulas do not involve b; its isOnCurve is for the
 * SAKKE curve and is not used here). Public points only: variable time.
 */
const P256 = sakkeCurve(primeField(Point.Fp.ORDER), q, (() => {
  const g = G.toAffine();
  return { x: g.x, y: g.y };
})());

/** KPAKs are few and long-lived: window tables for the last ones used, built on the second use. */
const kpakTables = new Map<string, { uses: number; table?: FixedBase }>();
function kpakTable(kpak: Uint8Array, point: { x: bigint; y: bigint }): FixedBase | undefined {
  const key = toHex(kpak);
  let entry = kpakTables.get(key);
  if (!entry) {
    entry = { uses: 0 };
    kpakTables.set(key, entry);
    if (kpakTables.size > 16) kpakTables.delete(kpakTables.keys().next().value as string);
  }
  entry.uses++;
  if (!entry.table && entry.uses >= 2) {
    entry.table = P256.fixedBase(point);
  }
  return entry.table;
}

export function eccsiVerify(message: Uint8Array, signature: Uint8Array, id: Uint8Array, kpak: Uint8Array): CryptoCheck {
  try {
    if (!(message instanceof Uint8Array)) return failed('message is not a byte string');
    if (!(id instanceof Uint8Array)) return failed('identifier is not a byte string');
    if (!(signature instanceof Uint8Array)) return failed('signature is not a byte string');
    if (signature.length !== SIGNATURE_OCTETS) return failed(`signature is ${signature.length} octets, expected ${SIGNATURE_OCTETS} (r ${N} || s ${N} || PVT ${POINT_OCTETS})`);
    const K = decodePoint(kpak, 'KPAK');
    if (!K.ok) return failed(K.reason);
    const rOctets = signature.subarray(0, N);
    const r = toInt(rOctets);
    const s = toInt(signature.subarray(N, 2 * N));
    const pvt = signature.subarray(2 * N);
    // Step 1: PVT on the curve.
    const V = decodePoint(pvt, 'PVT');
    if (!V.ok) return failed(V.reason);
    if (r === 0n) return failed('r is zero');
    if (r >= Point.Fp.ORDER) return failed('r is not below p');
    if (s === 0n || s >= q) return failed('s is not in [1, q-1]');
    const hsOctets = eccsiHashHS(kpak, id, pvt);
    const hs = modQ(toInt(hsOctets));
    const he = modQ(toInt(eccsiHashHE(hsOctets, rOctets, message)));
    // Steps 4-5: J = [s]([HE]G + [r]Y) with Y = [HS]PVT + KPAK, computed as
    // [s*HE]G + [s*r*HS]PVT + [s*r]KPAK = [m](PVT + [a/m]G + [1/HS]KPAK).
    const a = modQ(s * he);
    const sr = modQ(s * r);
    const m = modQ(sr * hs);
    let Jx: bigint;
    const table = kpakTable(kpak, K);
    if (table && m !== 0n && a !== 0n) {
      // J = [m](PVT + X), X = [a/m]G + [1/HS]KPAK (see the file comment); all public.
      const A = baseMultiplyAffine(modQ(a * invModQ(m)));
      const T = P256.toAffine(P256.addMixed(P256.addMixed(table.multiply(invModQ(hs)), A), { x: V.x, y: V.y }));
      if (!T) return failed('J = [s]([HE]G + [r]Y) is the point at infinity');
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(toOctets(m));
      Jx = toInt(ecdh.computeSecret(concatBytes(Uint8Array.of(4), toOctets(T.x), toOctets(T.y))));
    } else {
      // First use of this KPAK, or HS = 0 or s*HE = 0 mod q (probability 2^-256): noble products.
      const J = G.mulAddUnsafe(a, V.point, m).add(K.point.multiplyUnsafe(sr));
      if (J.is0()) return failed('J = [s]([HE]G + [r]Y) is the point at infinity');
      Jx = J.toAffine().x;
    }
    // Step 6: Jx = r mod p and Jx != 0.
    if (Jx === 0n) return failed('Jx is zero');
    if (Jx !== r) return failed('signature check failed: Jx != r where J = [s]([HE]G + [r]Y) (RFC 6507 section 5.2.2 step 6)');
    return OK;
  } catch (err) {
    return failed(`ECCSI verification failed: ${(err as Error).message}`);
  }
}
