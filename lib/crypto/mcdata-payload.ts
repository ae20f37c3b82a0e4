import { gcm } from '@noble/ciphers/aes.js';
import { randomBytes } from 'node:crypto';
import { dpck } from './kdf.ts';
import { concatBytes, readU32be, u32be } from './bytes.ts';

/**
 * MCData payload protection (TS 33.180 8.5.4) and payload authentication
 * signing data (8.5.5). The MIKEY E.6 '3GPP key parameters' payload uses the
 * same protected format.
 *
 * Protected payload (Table 8.5.4.1-1), V fields then TLV-E:
 *   Message Type(1) | Date and Time(5) | Payload ID(4) | Payload sequence number(1)
 *   | Payload algorithm(1) | [Signalling algorithm(1)] | IV(16) | DPPK-ID(4)
 *   | Payload TLV-E (IEI(1) Length(2) ciphertext||tag) | [MIKEY-SAKKE I_MESSAGE TLV-E]
 * AEAD (8.5.4.2): key = DPCK (F.1.5), nonce = the 16-octet IV, associated data =
 * every octet before the Payload TLV-E, plaintext = the original payload.
 * Table 8.5.4.2-2 gives DP_AES_256_GCM a 256-bit IV, but the IV field of
 * Table 8.5.4.1-1 is 16 octets; both algorithms use the 16-octet field here
 * (GCM takes any IV length: a non-96-bit IV goes through GHASH).
 *
 * Codes TS 33.180 names but does not number (algorithm values, IEIs) are
 * defaults shared with lib/mikey; each is overridable. The 'Date and Time'
 * value is carried as a 40-bit integer whose epoch the caller chooses.
 */

export const MCDATA_CODES = {
  /** Message Type with bit 7 ('protected', 0x40) set (8.5.1); bit 8 (0x80) marks 'authenticated'. */
  protectedMessageType: 0x40,
  authenticatedFlag: 0x80,
  payloadIei: 0x78,
  /**
   * Payload / signalling algorithm values. 8.5.4.2 names the algorithms but does not number them;
   * 1 and 2 are what a deployed implementation writes (Streamwide sw_mikey_sakke, whose E.6
   * payloads vectors/interop/sw-mikey-sakke.json opens).
   */
  algorithm: { DP_AES_128_GCM: 1, DP_AES_256_GCM: 2 },
} as const;

export type DpAlgorithm = 'DP_AES_128_GCM' | 'DP_AES_256_GCM';

export const PROTECTED_IV_BYTES = 16;
const TAG_BYTES = 16;
const FIXED_HEAD = 1 + 5 + 4 + 1 + 1;

export interface ProtectPayloadInput {
  plaintext: Uint8Array;
  /** DPPK (CSK, SPK, MuSiK, GMK or PCK, 8.5.2.1); the DPCK is derived from it by F.1.5. */
  dppk: Uint8Array;
  /** DPPK-ID (4 octets or a 32-bit number). */
  dppkId: Uint8Array | number;
  algorithm?: DpAlgorithm;
  /** Optional signalling algorithm octet (NOTE 6). */
  signallingAlgorithm?: DpAlgorithm | number;
  messageType?: number;
  /** 40-bit Date and Time value. */
  dateTime: number;
  payloadId?: number;
  sequenceNumber?: number;
  /** 16-octet IV; random when omitted. */
  iv?: Uint8Array;
  payloadIei?: number;
  /** Optional trailing MIKEY-SAKKE I_MESSAGE TLV-E, already encoded (off-network, NOTE 4). */
  iMessageTlv?: Uint8Array;
}

function idBytes(id: Uint8Array | number): Uint8Array {
  if (typeof id === 'number') {
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`DPPK-ID must be a 32-bit unsigned integer, got ${id}`);
    return u32be(id);
  }
  if (id.length !== 4) throw new RangeError(`DPPK-ID must be 4 octets, got ${id.length}`);
  return id;
}

function algorithmCode(a: DpAlgorithm | number): number {
  return typeof a === 'number' ? a : MCDATA_CODES.algorithm[a];
}

function keyLengthOf(a: DpAlgorithm): 16 | 32 {
  return a === 'DP_AES_256_GCM' ? 32 : 16;
}

function u40(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** 40) throw new RangeError(`Date and Time must fit 40 bits, got ${value}`);
  const out = new Uint8Array(5);
  out[0] = Math.floor(value / 2 ** 32) & 0xff;
  out.set(u32be(value >>> 0), 1);
  return out;
}

function tlvE(iei: number, value: Uint8Array): Uint8Array {
  if (value.length > 0xffff) throw new RangeError(`TLV-E value of ${value.length} octets exceeds 65535`);
  return concatBytes(Uint8Array.of(iei, value.length >> 8, value.length & 0xff), value);
}

/** The DPCK for an algorithm (F.1.5: 128 LSB for DP_AES_128_GCM, all 256 bits for DP_AES_256_GCM). */
export function payloadCipherKey(dppk: Uint8Array, dppkId: Uint8Array | number, algorithm: DpAlgorithm = 'DP_AES_128_GCM'): Uint8Array {
  return dpck(dppk, idBytes(dppkId), keyLengthOf(algorithm));
}

/** Builds a protected payload (8.5.4). Throws on bad arguments (they are the caller's). */
export function protectPayload(input: ProtectPayloadInput): Uint8Array {
  const algorithm = input.algorithm ?? 'DP_AES_128_GCM';
  const iv = input.iv ?? randomBytes(PROTECTED_IV_BYTES);
  if (iv.length !== PROTECTED_IV_BYTES) throw new RangeError(`IV must be 16 octets, got ${iv.length}`);
  const dppkId = idBytes(input.dppkId);
  const head = concatBytes(
    Uint8Array.of(input.messageType ?? MCDATA_CODES.protectedMessageType),
    u40(input.dateTime),
    u32be(input.payloadId ?? 0),
    Uint8Array.of((input.sequenceNumber ?? 0) & 0xff, algorithmCode(algorithm)),
    input.signallingAlgorithm === undefined ? new Uint8Array(0) : Uint8Array.of(algorithmCode(input.signallingAlgorithm)),
    iv,
    dppkId,
  );
  const key = payloadCipherKey(input.dppk, dppkId, algorithm);
  const sealed = gcm(key, iv, head).encrypt(input.plaintext);
  return concatBytes(head, tlvE(input.payloadIei ?? MCDATA_CODES.payloadIei, sealed), input.iMessageTlv ?? new Uint8Array(0));
}

export interface ProtectedPayloadFields {
  messageType: number;
  dateTime: number;
  payloadId: number;
  sequenceNumber: number;
  payloadAlgorithm: number;
  signallingAlgorithm?: number;
  iv: Uint8Array;
  dppkId: Uint8Array;
  payloadIei: number;
  /** ciphertext || tag */
  ciphertext: Uint8Array;
  /** Trailing MIKEY-SAKKE I_MESSAGE TLV-E, if present. */
  iMessageTlv?: Uint8Array;
  /** The associated data: every octet before the Payload TLV-E. */
  associatedData: Uint8Array;
}

export type ParsePayloadResult = { ok: true; fields: ProtectedPayloadFields } | { ok: false; reason: string };

export interface ParsePayloadOptions {
  /** Whether the optional signalling algorithm octet is there; 'auto' takes the layout whose TLV-Es fit. */
  signallingAlgorithm?: 'absent' | 'present' | 'auto';
}

function parseLayout(d: Uint8Array, withSignalling: boolean): ParsePayloadResult {
  const ivAt = FIXED_HEAD + (withSignalling ? 1 : 0);
  const idAt = ivAt + PROTECTED_IV_BYTES;
  const tlvAt = idAt + 4;
  if (d.length < tlvAt + 3) return { ok: false, reason: `protected payload of ${d.length} octets is shorter than its header and Payload IE header (${tlvAt + 3})` };
  const length = (d[tlvAt + 1] << 8) | d[tlvAt + 2];
  const end = tlvAt + 3 + length;
  if (end > d.length) return { ok: false, reason: `Payload IE length ${length} runs ${end - d.length} octet(s) past the end` };
  if (length < TAG_BYTES) return { ok: false, reason: `Payload IE of ${length} octets cannot hold the 16-octet AEAD tag` };
  let iMessageTlv: Uint8Array | undefined;
  if (end < d.length) {
    const rest = d.subarray(end);
    const restLength = rest.length >= 3 ? (rest[1] << 8) | rest[2] : -1;
    if (restLength + 3 !== rest.length) return { ok: false, reason: `${rest.length} octet(s) after the Payload IE are not one MIKEY-SAKKE I_MESSAGE TLV-E` };
    iMessageTlv = rest.slice();
  }
  const view = (at: number, n: number) => d.slice(at, at + n);
  return {
    ok: true,
    fields: {
      messageType: d[0],
      dateTime: d[1] * 2 ** 32 + readU32be(d, 2),
      payloadId: readU32be(d, 6),
      sequenceNumber: d[10],
      payloadAlgorithm: d[11],
      signallingAlgorithm: withSignalling ? d[12] : undefined,
      iv: view(ivAt, PROTECTED_IV_BYTES),
      dppkId: view(idAt, 4),
      payloadIei: d[tlvAt],
      ciphertext: view(tlvAt + 3, length),
      iMessageTlv,
      associatedData: view(0, tlvAt),
    },
  };
}

/** Splits a protected payload into its fields; never throws. */
export function parseProtectedPayload(data: Uint8Array, opts: ParsePayloadOptions = {}): ParsePayloadResult {
  if (!(data instanceof Uint8Array)) return { ok: false, reason: 'protected payload is not bytes' };
  const mode = opts.signallingAlgorithm ?? 'auto';
  if (mode !== 'auto') return parseLayout(data, mode === 'present');
  const without = parseLayout(data, false);
  if (without.ok) return without;
  const withIt = parseLayout(data, true);
  return withIt.ok ? withIt : without;
}

export type UnprotectPayloadResult =
  | { ok: true; plaintext: Uint8Array; fields: ProtectedPayloadFields; algorithm: DpAlgorithm }
  | { ok: false; code: 'malformed' | 'unknown-algorithm' | 'key-id-mismatch' | 'auth-failed'; reason: string; fields?: ProtectedPayloadFields };

export interface UnprotectPayloadOptions extends ParsePayloadOptions {
  /** The DPPK; the DPCK is derived with the DPPK-ID found in the payload. */
  dppk: Uint8Array;
  /** Reject a payload naming another DPPK-ID. */
  expectedDppkId?: Uint8Array | number;
}

function algorithmName(code: number): DpAlgorithm | undefined {
  if (code === MCDATA_CODES.algorithm.DP_AES_128_GCM) return 'DP_AES_128_GCM';
  if (code === MCDATA_CODES.algorithm.DP_AES_256_GCM) return 'DP_AES_256_GCM';
  return undefined;
}

function tryOpen(fields: ProtectedPayloadFields, dppk: Uint8Array): UnprotectPayloadResult {
  const algorithm = algorithmName(fields.payloadAlgorithm);
  if (!algorithm) return { ok: false, code: 'unknown-algorithm', reason: `payload algorithm ${fields.payloadAlgorithm} is neither DP_AES_128_GCM nor DP_AES_256_GCM`, fields };
  if (dppk.length !== 16 && dppk.length !== 32) return { ok: false, code: 'malformed', reason: `DPPK must be 16 or 32 octets, got ${dppk.length}`, fields };
  const key = dpck(dppk, fields.dppkId, keyLengthOf(algorithm));
  try {
    return { ok: true, plaintext: gcm(key, fields.iv, fields.associatedData).decrypt(fields.ciphertext), fields, algorithm };
  } catch {
    return { ok: false, code: 'auth-failed', reason: 'AEAD tag does not verify (wrong DPPK, or header or ciphertext modified)', fields };
  }
}

/** Parses and decrypts a protected payload (8.5.4.2); never throws. */
export function unprotectPayload(data: Uint8Array, opts: UnprotectPayloadOptions): UnprotectPayloadResult {
  const mode = opts.signallingAlgorithm ?? 'auto';
  const layouts = mode === 'auto' ? [false, true] : [mode === 'present'];
  let first: UnprotectPayloadResult | undefined;
  for (const withSignalling of layouts) {
    const parsed = parseLayout(data instanceof Uint8Array ? data : new Uint8Array(0), withSignalling);
    if (!parsed.ok) {
      first ??= { ok: false, code: 'malformed', reason: parsed.reason };
      continue;
    }
    if (opts.expectedDppkId !== undefined) {
      let expected: Uint8Array;
      try {
        expected = idBytes(opts.expectedDppkId);
      } catch (e) {
        return { ok: false, code: 'malformed', reason: (e as Error).message };
      }
      if (readU32be(expected) !== readU32be(parsed.fields.dppkId)) {
        first ??= { ok: false, code: 'key-id-mismatch', reason: 'DPPK-ID in the payload is not the expected one', fields: parsed.fields };
        continue;
      }
    }
    const opened = tryOpen(parsed.fields, opts.dppk);
    if (opened.ok) return opened;
    if (!first || (!first.ok && first.code === 'malformed')) first = opened;
  }
  return first ?? { ok: false, code: 'malformed', reason: 'no layout fits' };
}

// ---- 8.5.5 authenticated payloads ----

/**
 * Authenticated payload (Table 8.5.5-1): Original Payload TLV-E | Algorithm(1)
 * | Signing Data TLV-E | Signature TLV-E. The signature covers everything but
 * the signature value (its IEI and length are covered). For ECCSI, Signing
 * Data holds the Signing UID TLV and the Signing KMS TLV (Table 8.5.5-2).
 * IEIs are defaults; TS 24.282 assigns the numbers.
 */
export const AUTH_PAYLOAD_CODES = {
  originalPayloadIei: 0x78,
  signingDataIei: 0x7b,
  signatureIei: 0x7c,
  signingUidIei: 0x01,
  signingKmsIei: 0x02,
  /** Signature algorithm value for ECCSI. */
  eccsi: 0x00,
} as const;

export interface AuthenticatedPayloadParts {
  originalPayload: Uint8Array;
  /** The signer's UID (F.2.1), 32 octets. */
  signingUid: Uint8Array;
  /** The signer's KMS URI. */
  signingKms: string;
  algorithm?: number;
  /** ECCSI signatures are 129 octets (r || s || PVT). */
  signatureLength: number;
}

function tlv(iei: number, value: Uint8Array): Uint8Array {
  if (value.length > 0xff) throw new RangeError(`TLV value of ${value.length} octets exceeds 255`);
  return concatBytes(Uint8Array.of(iei, value.length), value);
}

/** The octets an ECCSI signer signs: all of the authenticated payload up to the signature value. */
export function authenticatedPayloadSigningInput(parts: AuthenticatedPayloadParts): Uint8Array {
  const signingData = concatBytes(tlv(AUTH_PAYLOAD_CODES.signingUidIei, parts.signingUid), tlv(AUTH_PAYLOAD_CODES.signingKmsIei, new TextEncoder().encode(parts.signingKms)));
  return concatBytes(
    tlvE(AUTH_PAYLOAD_CODES.originalPayloadIei, parts.originalPayload),
    Uint8Array.of(parts.algorithm ?? AUTH_PAYLOAD_CODES.eccsi),
    tlvE(AUTH_PAYLOAD_CODES.signingDataIei, signingData),
    Uint8Array.of(AUTH_PAYLOAD_CODES.signatureIei, parts.signatureLength >> 8, parts.signatureLength & 0xff),
  );
}

/** Appends the signature value to the signing input. */
export function buildAuthenticatedPayload(parts: AuthenticatedPayloadParts, signature: Uint8Array): Uint8Array {
  if (signature.length !== parts.signatureLength) throw new RangeError(`signature is ${signature.length} octets, declared ${parts.signatureLength}`);
  return concatBytes(authenticatedPayloadSigningInput(parts), signature);
}

export interface AuthenticatedPayloadFields {
  originalPayload: Uint8Array;
  algorithm: number;
  signingUid: Uint8Array;
  signingKms: string;
  signature: Uint8Array;
  /** What the signature covers (verify the signature over exactly these octets). */
  signedData: Uint8Array;
}

export type ParseAuthenticatedResult = { ok: true; fields: AuthenticatedPayloadFields } | { ok: false; reason: string };

/** Splits an authenticated payload; never throws. Signature verification is the caller's (ECCSI). */
export function parseAuthenticatedPayload(data: Uint8Array): ParseAuthenticatedResult {
  if (!(data instanceof Uint8Array)) return { ok: false, reason: 'authenticated payload is not bytes' };
  let at = 0;
  const readTlvE = (name: string): Uint8Array | string => {
    if (at + 3 > data.length) return `${name} IE header runs past the end at offset ${at}`;
    const length = (data[at + 1] << 8) | data[at + 2];
    if (at + 3 + length > data.length) return `${name} IE length ${length} runs past the end`;
    const value = data.slice(at + 3, at + 3 + length);
    at += 3 + length;
    return value;
  };
  const originalPayload = readTlvE('Original Payload');
  if (typeof originalPayload === 'string') return { ok: false, reason: originalPayload };
  if (at >= data.length) return { ok: false, reason: 'Algorithm octet missing' };
  const algorithm = data[at++];
  const signingData = readTlvE('Signing Data');
  if (typeof signingData === 'string') return { ok: false, reason: signingData };
  const signedEnd = at + 3;
  const signature = readTlvE('Signature');
  if (typeof signature === 'string') return { ok: false, reason: signature };
  if (at !== data.length) return { ok: false, reason: `${data.length - at} octet(s) after the Signature IE` };
  // Signing Data: Signing UID TLV then Signing KMS TLV.
  if (signingData.length < 2 || 2 + signingData[1] > signingData.length) return { ok: false, reason: 'Signing UID TLV does not fit in Signing Data' };
  const uidLength = signingData[1];
  const kmsAt = 2 + uidLength;
  if (kmsAt + 2 > signingData.length || kmsAt + 2 + signingData[kmsAt + 1] !== signingData.length) return { ok: false, reason: 'Signing KMS TLV does not fill the rest of Signing Data' };
  let signingKms: string;
  try {
    signingKms = new TextDecoder('utf-8', { fatal: true }).decode(signingData.subarray(kmsAt + 2));
  } catch {
    return { ok: false, reason: 'Signing KMS URI is not UTF-8' };
  }
  return {
    ok: true,
    fields: { originalPayload, algorithm, signingUid: signingData.slice(2, kmsAt), signingKms, signature, signedData: data.slice(0, signedEnd) },
  };
}
