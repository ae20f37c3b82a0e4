import { allocBytes, gcmKey, type GcmKey } from './gcm.ts';
import { parseRtpHeader, parseRtcpHeader, type RtpHeader, type RtcpHeader } from './rtp.ts';
import type { AeadSessionKeys } from './kdf.ts';

/**
 * AEAD_AES_128_GCM (and _256_) for SRTP and SRTCP, RFC 7714 sections 8 and 9,
 * with the TS 33.180 7.5.1 packet extras: an MKI after the ciphertext, and
 * in RCCm3 (RFC 4771 mode 3) a 4-octet ROC in the SRTP authentication tag
 * field after the MKI, on packets whose SEQ is a multiple of the ROC
 * transmission rate R.
 *
 * SRTP:  header || ciphertext || GCM tag(16) || [MKI] || [ROC(4)]
 * SRTCP: header(8) || ciphertext || GCM tag(16) || E|index(4) || [MKI]
 *
 * Unprotect functions never throw: failures come back with a code and reason.
 */

export const GCM_TAG_BYTES = 16;
const ROC_TAG_BYTES = 4;
const SRTCP_INDEX_BYTES = 4;
const MAX_SRTCP_INDEX = 0x7fffffff;

export type SrtpFailureCode =
  | 'malformed'
  | 'bad-parameter'
  | 'mki-mismatch'
  | 'auth-failed'
  | 'replay-duplicate'
  | 'replay-too-old';

export interface SrtpFailure {
  ok: false;
  code: SrtpFailureCode;
  reason: string;
  header?: RtpHeader;
  mki?: Uint8Array;
  roc?: number;
}

export interface SrtpPolicy {
  /** MKI length in octets: 0, 4 (PCK-ID, KFC-ID) or 8 (GMK-ID || GUK-ID). */
  mkiLength: number;
  /**
   * RCCm3 ROC transmission rate R (RFC 4771): packets with SEQ mod R = 0
   * carry the ROC in a 4-octet tag. 0 = no ROC tag. The E.2.2 group default is 1.
   */
  rocRate?: number;
}

function policyProblem(policy: SrtpPolicy): string | undefined {
  if (!policy) return 'no SRTP policy (MKI length, ROC rate) given';
  if (!Number.isInteger(policy.mkiLength) || policy.mkiLength < 0 || policy.mkiLength > 255) return `MKI length must be 0..255 octets, got ${policy.mkiLength}`;
  const r = policy.rocRate ?? 0;
  if (!Number.isInteger(r) || r < 0 || r > 65535) return `ROC transmission rate must be 0..65535, got ${r}`;
  return undefined;
}

function keysProblem(keys: AeadSessionKeys): string | undefined {
  if (!keys || !(keys.key instanceof Uint8Array) || !(keys.salt instanceof Uint8Array)) return 'session key and salt must be octets';
  if (keys.key.length !== 16 && keys.key.length !== 32) return `session key must be 16 or 32 octets, got ${keys.key.length}`;
  if (keys.salt.length !== 12) return `session salt must be 12 octets, got ${keys.salt.length}`;
  return undefined;
}

export function carriesRoc(seq: number, rocRate: number | undefined): boolean {
  return !!rocRate && seq % rocRate === 0;
}

/** RFC 7714 8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt. */
export function srtpIv(salt: Uint8Array, ssrc: number, roc: number, seq: number): Uint8Array {
  const iv = new Uint8Array(12);
  iv[0] = salt[0];
  iv[1] = salt[1];
  iv[2] = (ssrc >>> 24) ^ salt[2];
  iv[3] = ((ssrc >>> 16) & 0xff) ^ salt[3];
  iv[4] = ((ssrc >>> 8) & 0xff) ^ salt[4];
  iv[5] = (ssrc & 0xff) ^ salt[5];
  iv[6] = (roc >>> 24) ^ salt[6];
  iv[7] = ((roc >>> 16) & 0xff) ^ salt[7];
  iv[8] = ((roc >>> 8) & 0xff) ^ salt[8];
  iv[9] = (roc & 0xff) ^ salt[9];
  iv[10] = ((seq >>> 8) & 0xff) ^ salt[10];
  iv[11] = (seq & 0xff) ^ salt[11];
  return iv;
}

/** RFC 7714 9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt. */
export function srtcpIv(salt: Uint8Array, ssrc: number, index: number): Uint8Array {
  const iv = new Uint8Array(12);
  const v = new DataView(iv.buffer);
  v.setUint32(2, ssrc >>> 0);
  v.setUint32(8, index & MAX_SRTCP_INDEX);
  for (let i = 0; i < 12; i++) iv[i] ^= salt[i];
  return iv;
}

// One GCM context per session key (see gcm.ts): no cipher set-up per packet.
function seal(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return gcmKey(key).seal(iv, aad, plaintext);
}

/** GCM open of ciphertext || tag; undefined when the tag does not verify. */
function open(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  return gcmKey(key).open(iv, aad, sealed);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32(value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0);
  return b;
}

export interface ProtectRtpOptions extends SrtpPolicy {
  roc: number;
  mki?: Uint8Array;
}

/** Protects one RTP packet. Throws on bad arguments (they are the caller's own). */
export function protectRtp(keys: AeadSessionKeys, rtp: Uint8Array, opts: ProtectRtpOptions): Uint8Array {
  const problem = keysProblem(keys) ?? policyProblem(opts);
  if (problem) throw new RangeError(problem);
  const parsed = parseRtpHeader(rtp);
  if (!parsed.ok) throw new RangeError(parsed.reason);
  const mki = opts.mki ?? new Uint8Array(0);
  if (mki.length !== opts.mkiLength) throw new RangeError(`MKI is ${mki.length} octets, policy says ${opts.mkiLength}`);
  if (!Number.isInteger(opts.roc) || opts.roc < 0 || opts.roc > 0xffffffff) throw new RangeError(`ROC must be a 32-bit unsigned integer, got ${opts.roc}`);
  const { headerLength, ssrc, sequenceNumber } = parsed.header;
  const header = rtp.subarray(0, headerLength);
  const sealed = seal(keys.key, srtpIv(keys.salt, ssrc, opts.roc, sequenceNumber), header, rtp.subarray(headerLength));
  const rocTag = carriesRoc(sequenceNumber, opts.rocRate) ? u32(opts.roc) : new Uint8Array(0);
  return concat(header, sealed, mki, rocTag);
}

export interface UnprotectRtpOptions extends SrtpPolicy {
  /** The receiver's ROC for this packet (estimated or known). Ignored when the packet carries its own (RCCm3). */
  roc?: number;
  /** Reject packets whose MKI is not this one. */
  expectedMki?: Uint8Array;
}

export interface SrtpUnprotected {
  ok: true;
  header: RtpHeader;
  /** Decrypted payload (RTP padding, if any, included). */
  payload: Uint8Array;
  /** The plain RTP packet: header || payload. */
  rtp: Uint8Array;
  mki?: Uint8Array;
  roc: number;
  /** Where the ROC came from: the packet's RCCm3 tag, or the caller. */
  rocSource: 'packet' | 'receiver';
  /** 48-bit packet index 2^16 * ROC + SEQ. */
  index: number;
}

export type SrtpUnprotectResult = SrtpUnprotected | SrtpFailure;

function fail(code: SrtpFailureCode, reason: string, extra: Partial<SrtpFailure> = {}): SrtpFailure {
  return { ok: false, code, reason, ...extra };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/**
 * Keystream for SRTP packets, fetched ahead: the IV of the next packets of
 * a stream is known (same SSRC and ROC, SEQ + 1, + 2, ...), so on a miss the
 * keystream for a run of expected packets comes from one AES call, the run
 * doubling (up to 64 packets) while packets keep arriving in order and
 * falling back to 4 otherwise. One call per packet into node's AES costs
 * more than the GHASH of a voice packet. Keystream only: no state of the
 * cryptographic check depends on it.
 */
interface KeystreamRun {
  gcm: GcmKey;
  salt: Uint8Array;
  ssrc: number;
  roc: number;
  seq0: number;
  count: number;
  blocks: number;
  data: Uint8Array;
}
const keystreamRuns = new WeakMap<Uint8Array, KeystreamRun>();
const MAX_RUN = 64;

function sameSalt(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 12; i++) if (a[i] !== b[i]) return false;
  return true;
}

function srtpKeystream(keys: AeadSessionKeys, ssrc: number, roc: number, seq: number, blocks: number): { gcm: GcmKey; data: Uint8Array; at: number } {
  const gcm = gcmKey(keys.key);
  const run = keystreamRuns.get(keys.key);
  const sameStream = run !== undefined && run.gcm === gcm && run.ssrc === ssrc && run.roc === roc && sameSalt(run.salt, keys.salt);
  if (sameStream && seq >= run.seq0 && seq < run.seq0 + run.count && blocks <= run.blocks) {
    return { gcm, data: run.data, at: (seq - run.seq0) * run.blocks * 16 };
  }
  const inOrder = sameStream && seq === run.seq0 + run.count;
  const count = Math.min(inOrder ? Math.min(2 * run.count, MAX_RUN) : 4, 65536 - seq);
  const width = Math.max(blocks, sameStream ? run.blocks : 0, 5);
  const ivs = new Uint8Array(12 * count);
  for (let p = 0; p < count; p++) ivs.set(srtpIv(keys.salt, ssrc, roc, seq + p), 12 * p);
  const data = gcm.keystreamFor(ivs, count, width);
  keystreamRuns.set(keys.key, { gcm, salt: Uint8Array.from(keys.salt), ssrc, roc, seq0: seq, count, blocks: width, data });
  return { gcm, data, at: 0 };
}

/** Splits and authenticates one SRTP packet with a known (or carried) ROC. Never throws. */
export function unprotectRtp(keys: AeadSessionKeys, packet: Uint8Array, opts: UnprotectRtpOptions): SrtpUnprotectResult {
  const parsed = parseRtpHeader(packet);
  if (!parsed.ok) return fail('malformed', parsed.reason);
  return unprotectParsedRtp(keys, packet, parsed.header, opts);
}

/** unprotectRtp for a header the caller already parsed from `packet` (the receiver does). */
export function unprotectParsedRtp(keys: AeadSessionKeys, packet: Uint8Array, header: RtpHeader, opts: UnprotectRtpOptions): SrtpUnprotectResult {
  const problem = keysProblem(keys) ?? policyProblem(opts);
  if (problem) return fail('bad-parameter', problem);
  const rocLength = carriesRoc(header.sequenceNumber, opts.rocRate) ? ROC_TAG_BYTES : 0;
  const trailer = opts.mkiLength + rocLength;
  const sealedLength = packet.length - header.headerLength - trailer;
  if (sealedLength < GCM_TAG_BYTES) {
    return fail('malformed', `SRTP packet of ${packet.length} octets cannot hold a ${header.headerLength}-octet header, 16-octet GCM tag, ${opts.mkiLength}-octet MKI${rocLength ? ' and 4-octet ROC' : ''}`, { header });
  }
  const mkiStart = packet.length - trailer;
  const mki = opts.mkiLength ? packet.slice(mkiStart, mkiStart + opts.mkiLength) : undefined;
  let roc: number;
  let rocSource: SrtpUnprotected['rocSource'];
  if (rocLength) {
    const at = packet.length - ROC_TAG_BYTES;
    roc = ((packet[at] << 24) | (packet[at + 1] << 16) | (packet[at + 2] << 8) | packet[at + 3]) >>> 0;
    rocSource = 'packet';
  } else {
    if (opts.roc === undefined) return fail('bad-parameter', 'packet carries no ROC and the receiver gave none', { header, mki });
    if (!Number.isInteger(opts.roc) || opts.roc < 0 || opts.roc > 0xffffffff) return fail('bad-parameter', `ROC must be a 32-bit unsigned integer, got ${opts.roc}`, { header, mki });
    roc = opts.roc;
    rocSource = 'receiver';
  }
  if (opts.expectedMki && (!mki || !equal(mki, opts.expectedMki))) {
    return fail('mki-mismatch', 'MKI does not name the expected master key', { header, mki, roc });
  }
  const aad = packet.subarray(0, header.headerLength);
  const sealed = packet.subarray(header.headerLength, header.headerLength + sealedLength);
  // Decrypt straight into the plain packet: header || payload.
  const rtp = allocBytes(header.headerLength + sealedLength - GCM_TAG_BYTES);
  const ks = srtpKeystream(keys, header.ssrc, roc, header.sequenceNumber, 1 + ((sealedLength - GCM_TAG_BYTES + 15) >>> 4));
  if (!ks.gcm.openWithKeystream(ks.data, ks.at, aad, sealed, rtp, header.headerLength)) {
    return fail('auth-failed', 'AEAD authentication tag does not verify (wrong key, ROC or MKI, or a modified packet)', { header, mki, roc });
  }
  rtp.set(aad);
  const payload = rtp.subarray(header.headerLength);
  return { ok: true, header, payload, rtp, mki, roc, rocSource, index: roc * 65536 + header.sequenceNumber };
}

// ---- SRTCP (RFC 7714 section 9) ----

export interface ProtectRtcpOptions {
  /** 31-bit SRTCP index. */
  index: number;
  /** false: authenticate only (E = 0). Default true. */
  encrypt?: boolean;
  mki?: Uint8Array;
}

export function protectRtcp(keys: AeadSessionKeys, rtcp: Uint8Array, opts: ProtectRtcpOptions): Uint8Array {
  const problem = keysProblem(keys);
  if (problem) throw new RangeError(problem);
  const parsed = parseRtcpHeader(rtcp);
  if (!parsed.ok) throw new RangeError(parsed.reason);
  if (!Number.isInteger(opts.index) || opts.index < 0 || opts.index > MAX_SRTCP_INDEX) throw new RangeError(`SRTCP index must be 0..2^31-1, got ${opts.index}`);
  const encrypt = opts.encrypt ?? true;
  const eIndex = u32(((encrypt ? 0x80000000 : 0) | opts.index) >>> 0);
  const iv = srtcpIv(keys.salt, parsed.header.ssrc, opts.index);
  const mki = opts.mki ?? new Uint8Array(0);
  if (encrypt) {
    const sealed = seal(keys.key, iv, concat(rtcp.subarray(0, 8), eIndex), rtcp.subarray(8));
    return concat(rtcp.subarray(0, 8), sealed, eIndex, mki);
  }
  const tag = seal(keys.key, iv, concat(rtcp, eIndex), new Uint8Array(0));
  return concat(rtcp, tag, eIndex, mki);
}

export interface SrtcpUnprotected {
  ok: true;
  header: RtcpHeader;
  /** The plain RTCP compound packet. */
  rtcp: Uint8Array;
  index: number;
  encrypted: boolean;
  mki?: Uint8Array;
}

export interface SrtcpFailure {
  ok: false;
  code: SrtpFailureCode;
  reason: string;
  header?: RtcpHeader;
  index?: number;
  mki?: Uint8Array;
}

export type SrtcpUnprotectResult = SrtcpUnprotected | SrtcpFailure;

export interface UnprotectRtcpOptions {
  mkiLength: number;
  expectedMki?: Uint8Array;
}

/** Splits and authenticates one SRTCP packet. Never throws. */
export function unprotectRtcp(keys: AeadSessionKeys, packet: Uint8Array, opts: UnprotectRtcpOptions): SrtcpUnprotectResult {
  const problem = keysProblem(keys) ?? (opts ? policyProblem({ mkiLength: opts.mkiLength }) : 'no SRTCP options (MKI length) given');
  if (problem) return { ok: false, code: 'bad-parameter', reason: problem };
  const parsed = parseRtcpHeader(packet);
  if (!parsed.ok) return { ok: false, code: 'malformed', reason: parsed.reason };
  const { header } = parsed;
  const minimum = 8 + GCM_TAG_BYTES + SRTCP_INDEX_BYTES + opts.mkiLength;
  if (packet.length < minimum) {
    return { ok: false, code: 'malformed', reason: `SRTCP packet of ${packet.length} octets is shorter than header, 16-octet tag, E||index and ${opts.mkiLength}-octet MKI (${minimum})`, header };
  }
  const indexAt = packet.length - opts.mkiLength - SRTCP_INDEX_BYTES;
  const eIndex = packet.subarray(indexAt, indexAt + SRTCP_INDEX_BYTES);
  const word = ((eIndex[0] << 24) | (eIndex[1] << 16) | (eIndex[2] << 8) | eIndex[3]) >>> 0;
  const encrypted = word >= 0x80000000;
  const index = word & MAX_SRTCP_INDEX;
  const mki = opts.mkiLength ? packet.slice(indexAt + SRTCP_INDEX_BYTES) : undefined;
  if (opts.expectedMki && (!mki || !equal(mki, opts.expectedMki))) {
    return { ok: false, code: 'mki-mismatch', reason: 'MKI does not name the expected master key', header, index, mki };
  }
  const iv = srtcpIv(keys.salt, header.ssrc, index);
  const body = packet.subarray(0, indexAt);
  if (encrypted) {
    const plain = open(keys.key, iv, concat(packet.subarray(0, 8), eIndex), body.subarray(8));
    if (!plain) return { ok: false, code: 'auth-failed', reason: 'AEAD authentication tag does not verify', header, index, mki };
    return { ok: true, header, rtcp: concat(packet.subarray(0, 8), plain), index, encrypted, mki };
  }
  const rtcp = body.subarray(0, body.length - GCM_TAG_BYTES);
  const check = open(keys.key, iv, concat(rtcp, eIndex), body.subarray(body.length - GCM_TAG_BYTES));
  if (!check) return { ok: false, code: 'auth-failed', reason: 'AEAD authentication tag does not verify (unencrypted SRTCP)', header, index, mki };
  return { ok: true, header, rtcp: rtcp.slice(), index, encrypted, mki };
}
