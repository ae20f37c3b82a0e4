/**
 * TS 33.180 E.6 '3GPP key parameters' general extension: an MCData protected
 * payload (8.5.4.1) whose encrypted 'Payload' is the Key Parameters IE.
 *
 * Numbering that TS 33.180 leaves to TS 24.282 (message type, IEIs, algorithm
 * codes) is collected in KEY_PARAMS_CODES so it can be adjusted in one place;
 * parsing accepts any value there and reports what it found.
 */
import { MCDATA_CODES, protectPayload as protectMcdataPayload, unprotectPayload as unprotectMcdataPayload, type DpAlgorithm } from '../crypto/mcdata-payload.ts';
import type { Span } from './types.ts';

export const KEY_PARAMS_CODES = {
  /** Message Type of the protected payload: bit 7 ('protected') set (8.5.1). */
  messageType: MCDATA_CODES.protectedMessageType,
  /** 'Payload' IEI of the protected payload (TLV-E). */
  payloadIei: MCDATA_CODES.payloadIei,
  /** Key Parameters IEI (a type 6 / TLV-E IE, E.6.1). */
  keyParametersIei: 0x79,
  /** MCData Group ID IEI (TS 24.282 15.2.14). */
  groupIdIei: 0x7a,
  /** Payload algorithm codes (8.5.4.2). */
  algorithm: MCDATA_CODES.algorithm as Record<string, number>,
} as const;

export const PROTECTED_IV_LENGTH = 16;
export const GCM_TAG_LENGTH = 16;

/** 8.5.4.1 Table 8.5.4.1-1, as decoded. */
export interface ProtectedPayload {
  messageType: number;
  dateTime: Uint8Array; // 5 octets
  payloadId: number;
  sequenceNumber: number;
  payloadAlgorithm: number;
  signallingAlgorithm?: number;
  iv: Uint8Array;
  dppkId: number;
  payloadIei: number;
  ciphertext: Uint8Array;
  /** Optional trailing MIKEY-SAKKE I_MESSAGE TLV-E (off-network only, NOTE 4). */
  trailer?: Uint8Array;
  /** Octets of the header authenticated as associated data. */
  aad: Uint8Array;
  fields: Record<string, Span>;
}

export type ProtectedParse = { ok: true; value: ProtectedPayload } | { ok: false; offset: number; reason: string };

/** Decode the protected payload layout; `base` is the absolute offset of `data` in the message. */
export function parseProtectedPayload(data: Uint8Array, base = 0): ProtectedParse {
  // The optional one-octet signalling algorithm makes the layout ambiguous: take the layout whose Payload TLV-E fits.
  for (const withSignalling of [false, true]) {
    const r = tryLayout(data, base, withSignalling);
    if (r.ok) return r;
    if (withSignalling) return tryLayout(data, base, false);
  }
  return { ok: false, offset: base, reason: 'unreachable' };
}

function tryLayout(d: Uint8Array, base: number, withSignalling: boolean): ProtectedParse {
  const head = 1 + 5 + 4 + 1 + 1 + (withSignalling ? 1 : 0);
  const ivAt = head;
  const idAt = ivAt + PROTECTED_IV_LENGTH;
  const ieiAt = idAt + 4;
  if (d.length < ieiAt + 3) return { ok: false, offset: base, reason: `protected payload is ${d.length} octets; the header and Payload IE need at least ${ieiAt + 3}` };
  const len = (d[ieiAt + 1] << 8) | d[ieiAt + 2];
  const end = ieiAt + 3 + len;
  if (end > d.length) return { ok: false, offset: base + ieiAt + 1, reason: `Payload IE length ${len} runs ${end - d.length} octet(s) past the end of the protected payload` };
  let trailer: Uint8Array | undefined;
  if (end < d.length) {
    const rest = d.subarray(end);
    const tlen = rest.length >= 3 ? (rest[1] << 8) | rest[2] : -1;
    if (tlen + 3 !== rest.length) return { ok: false, offset: base + end, reason: `${rest.length} octet(s) after the Payload IE do not form one TLV-E` };
    trailer = rest;
  }
  const u32 = (at: number) => ((d[at] << 24) | (d[at + 1] << 16) | (d[at + 2] << 8) | d[at + 3]) >>> 0;
  const s = (offset: number, length: number): Span => ({ offset: base + offset, length });
  return {
    ok: true,
    value: {
      messageType: d[0], dateTime: d.subarray(1, 6), payloadId: u32(6), sequenceNumber: d[10], payloadAlgorithm: d[11],
      signallingAlgorithm: withSignalling ? d[12] : undefined, iv: d.subarray(ivAt, idAt), dppkId: u32(idAt), payloadIei: d[ieiAt],
      ciphertext: d.subarray(ieiAt + 3, end), trailer, aad: d.subarray(0, ieiAt),
      fields: {
        messageType: s(0, 1), dateTime: s(1, 5), payloadId: s(6, 4), sequenceNumber: s(10, 1), payloadAlgorithm: s(11, 1),
        ...(withSignalling ? { signallingAlgorithm: s(12, 1) } : {}),
        iv: s(ivAt, PROTECTED_IV_LENGTH), dppkId: s(idAt, 4), payloadIei: s(ieiAt, 1), payloadLength: s(ieiAt + 1, 2), payload: s(ieiAt + 3, len),
      },
    },
  };
}

/** E.6.1 Table E.6.1-1: the decrypted Key Parameters content. */
export interface KeyParameters {
  keyType: number;
  status: number;
  /** Seconds since 1970 (E.6.4); 0 = the I_MESSAGE timestamp. */
  activationTime: number;
  /** Seconds since 1970 (E.6.10); 0 = never expires. */
  expiryTime: number;
  text: string;
  /** MC group IDs (E.6.3); undefined when the IE is absent. */
  groupIds?: string[];
  /** Reserved TLV-E (E.6.6), kept as raw octets. */
  reserved?: Uint8Array;
}

export type KeyParamsParse = { ok: true; value: KeyParameters; iei: number } | { ok: false; offset: number; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: false });
const u40 = (d: Uint8Array, at: number) => d[at] * 2 ** 32 + (((d[at + 1] << 24) | (d[at + 2] << 16) | (d[at + 3] << 8) | d[at + 4]) >>> 0);

/** Decode the Key Parameters IE (IEI, 2-octet length, content). Offsets are relative to the plaintext. */
export function parseKeyParameters(p: Uint8Array): KeyParamsParse {
  if (p.length < 3) return { ok: false, offset: 0, reason: `Key Parameters IE is ${p.length} octets; IEI and length need 3` };
  const len = (p[1] << 8) | p[2];
  if (3 + len !== p.length) return { ok: false, offset: 1, reason: `Key Parameters length ${len} does not match the ${p.length - 3} octet(s) present` };
  const c = p.subarray(3);
  if (c.length < 17) return { ok: false, offset: 3, reason: `Key Parameters content is ${c.length} octets; Key Type, Status, Activation, Expiry and Text length need 17` };
  const keyType = c[0];
  const status = ((c[1] << 24) | (c[2] << 16) | (c[3] << 8) | c[4]) >>> 0;
  const activationTime = u40(c, 5);
  const expiryTime = u40(c, 10);
  const textLen = (c[15] << 8) | c[16];
  if (17 + textLen > c.length) return { ok: false, offset: 3 + 15, reason: `Text length ${textLen} runs past the end of the Key Parameters` };
  const text = utf8.decode(c.subarray(17, 17 + textLen));
  let at = 17 + textLen;
  const value: KeyParameters = { keyType, status, activationTime, expiryTime, text };
  if (at < c.length) {
    const groups = tryGroupIds(c, at);
    if (groups) {
      value.groupIds = groups.ids;
      at = groups.end;
    }
  }
  if (at < c.length) {
    const rest = c.subarray(at);
    const rlen = rest.length >= 3 ? (rest[1] << 8) | rest[2] : -1;
    if (rlen + 3 !== rest.length) return { ok: false, offset: 3 + at, reason: `${rest.length} octet(s) after Text / MC Group IDs are neither an MC Group IDs IE nor one Reserved TLV-E` };
    value.reserved = rest;
  }
  return { ok: true, value, iei: p[0] };
}

function tryGroupIds(c: Uint8Array, at: number): { ids: string[]; end: number } | undefined {
  if (at + 3 > c.length) return undefined;
  const len = (c[at] << 8) | c[at + 1];
  const end = at + 2 + len;
  if (len < 1 || end > c.length) return undefined;
  const count = c[at + 2];
  const ids: string[] = [];
  let q = at + 3;
  for (let i = 0; i < count; i++) {
    if (q + 3 > end) return undefined;
    const glen = (c[q + 1] << 8) | c[q + 2];
    if (q + 3 + glen > end) return undefined;
    ids.push(utf8.decode(c.subarray(q + 3, q + 3 + glen)));
    q += 3 + glen;
  }
  return q === end ? { ids, end } : undefined;
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

function u40bytes(n: number): number[] {
  const hi = Math.floor(n / 2 ** 32);
  return [hi & 0xff, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

export function encodeKeyParameters(k: KeyParameters, iei: number = KEY_PARAMS_CODES.keyParametersIei): Uint8Array {
  const text = new TextEncoder().encode(k.text);
  const c: number[] = [k.keyType & 0xff, (k.status >>> 24) & 0xff, (k.status >>> 16) & 0xff, (k.status >>> 8) & 0xff, k.status & 0xff,
    ...u40bytes(k.activationTime), ...u40bytes(k.expiryTime), ...u16(text.length), ...text];
  if (k.groupIds) {
    const inner: number[] = [k.groupIds.length & 0xff];
    for (const g of k.groupIds) {
      const b = new TextEncoder().encode(g);
      inner.push(KEY_PARAMS_CODES.groupIdIei, ...u16(b.length), ...b);
    }
    c.push(...u16(inner.length), ...inner);
  }
  if (k.reserved) c.push(...k.reserved);
  return Uint8Array.from([iei, ...u16(c.length), ...c]);
}

export interface ProtectOptions {
  /** DPPK: the key the I_MESSAGE distributes (E.6.1). */
  key: Uint8Array;
  /** DPPK-ID: the CSB-ID of the I_MESSAGE (E.6.1). */
  dppkId: number;
  iv: Uint8Array;
  /** Unix seconds, written into Date and Time. */
  dateTime: number;
  payloadId?: number;
  sequenceNumber?: number;
  algorithm?: DpAlgorithm;
  messageType?: number;
}

/** 8.5.4.2 via lib/crypto/mcdata-payload.ts: AEAD with the DPCK of F.1.5, the header as associated data. */
export function protectPayload(plaintext: Uint8Array, o: ProtectOptions): Uint8Array {
  return protectMcdataPayload({
    plaintext, dppk: o.key, dppkId: o.dppkId, iv: o.iv, dateTime: o.dateTime, payloadId: o.payloadId ?? 0, sequenceNumber: o.sequenceNumber ?? 0,
    algorithm: o.algorithm ?? 'DP_AES_128_GCM', messageType: o.messageType ?? KEY_PARAMS_CODES.messageType, payloadIei: KEY_PARAMS_CODES.payloadIei,
  });
}

export type UnprotectResult = { ok: true; plaintext: Uint8Array } | { ok: false; reason: string };

/** Decrypt the 'Payload' of a protected payload (the whole extension data) with the distributed key. Never throws. */
export function unprotectPayload(data: Uint8Array, key: Uint8Array): UnprotectResult {
  const r = unprotectMcdataPayload(data, { dppk: key });
  return r.ok ? { ok: true, plaintext: r.plaintext } : { ok: false, reason: `${r.code}: ${r.reason}` };
}

export function dateTimeSeconds(b: Uint8Array): number {
  return b.length === 5 ? u40(b, 0) : NaN;
}
