/**
 * Byte codec for MIKEY-SAKKE I_MESSAGEs: RFC 3830 framing, RFC 6043 IDR and
 * GENERIC-ID, RFC 6509 SAKKE payload, TS 33.180 E.5 / E.6 general extensions.
 *
 * `parseIMessage` never throws: bad input yields a decode error with the
 * offset and the reason. `encodeIMessage` writes what it is given, so a
 * builder can write deliberately broken messages; next-payload values are
 * derived from payload order.
 */
import {
  CsIdMapType, GenExtType, PAYLOAD_NAMES, PayloadType, TS_VALUE_LENGTH,
} from './constants.ts';
import type {
  DecodeError, DecodeResult, GeneralExtPayload, GenericIdEntry, HdrPayload, IdPayload, IdrPayload, MikeyMessage, Payload,
  PolicyParam, RandPayload, SakkePayload, SignPayload, Span, SpPayload, SrtpIdEntry, TPayload,
} from './types.ts';

class DecodeFailure {
  constructor(readonly error: DecodeError) {}
}

/** Bounds-checked big-endian reader; every read names the field it reads. */
class Reader {
  constructor(readonly bytes: Uint8Array, public pos: number, readonly end: number) {}

  need(n: number, field: string): void {
    if (n < 0 || this.pos + n > this.end) {
      const left = Math.max(0, this.end - this.pos);
      throw new DecodeFailure({ offset: this.pos, field, reason: `truncated: ${field} needs ${n} octet(s), ${left} left` });
    }
  }
  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++];
  }
  u16(field: string): number {
    this.need(2, field);
    const v = (this.bytes[this.pos] << 8) | this.bytes[this.pos + 1];
    this.pos += 2;
    return v;
  }
  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const v = ((b[this.pos] << 24) | (b[this.pos + 1] << 16) | (b[this.pos + 2] << 8) | b[this.pos + 3]) >>> 0;
    this.pos += 4;
    return v;
  }
  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function fail(offset: number, field: string, reason: string): never {
  throw new DecodeFailure({ offset, field, reason });
}

function span(offset: number, length: number): Span {
  return { offset, length };
}

/** Parse a whole I_MESSAGE. The result either holds the tree or names the first octet that cannot be decoded and why. */
export function parseIMessage(bytes: Uint8Array): DecodeResult {
  const payloads: Payload[] = [];
  try {
    if (!(bytes instanceof Uint8Array)) fail(0, 'message', 'input is not a byte array');
    const r = new Reader(bytes, 0, bytes.length);
    const hdr = parseHdr(r);
    let next = hdr.nextPayload!;
    let signedLength: number | undefined;
    // Every payload consumes at least two octets, so the chain ends: no loop guard needed beyond the bounds checks.
    while (next !== PayloadType.LAST) {
      const index = payloads.length;
      if (next === PayloadType.SIGN) {
        const sign = parseSign(r, `SIGN`);
        signedLength = sign.offset! + 2;
        payloads.push(sign);
        if (r.pos !== r.end) fail(r.pos, 'SIGN', `${r.end - r.pos} octet(s) after the SIGN payload, which must be last`);
        break;
      }
      const p = parsePayload(r, next, index);
      payloads.push(p);
      next = p.nextPayload!;
    }
    if (next === PayloadType.LAST && r.pos !== r.end) {
      fail(r.pos, 'message', `${r.end - r.pos} octet(s) after the last payload (next payload 0)`);
    }
    return { ok: true, message: { hdr, payloads, bytes, signedLength } };
  } catch (e) {
    if (e instanceof DecodeFailure) return { ok: false, error: e.error };
    // A defect of ours, not of the input; still reported, never thrown.
    return { ok: false, error: { offset: 0, field: 'message', reason: `decoder defect: ${String(e)}` } };
  }
}

function parseHdr(r: Reader): HdrPayload {
  const offset = r.pos;
  const version = r.u8('HDR.version');
  const dataType = r.u8('HDR.dataType');
  const nextPayload = r.u8('HDR.nextPayload');
  const vPrf = r.u8('HDR.V/PRF');
  const csbId = r.u32('HDR.csbId');
  const csCount = r.u8('HDR.csCount');
  const csIdMapType = r.u8('HDR.csIdMapType');
  const mapOffset = r.pos;
  const hdr: HdrPayload = {
    kind: 'HDR', version, dataType, nextPayload, vFlag: (vPrf & 0x80) !== 0, prfFunc: vPrf & 0x7f, csbId, csCount, csIdMapType,
    offset,
    fields: {
      version: span(offset, 1), dataType: span(offset + 1, 1), nextPayload: span(offset + 2, 1), vFlag: span(offset + 3, 1),
      prfFunc: span(offset + 3, 1), csbId: span(offset + 4, 4), csCount: span(offset + 8, 1), csIdMapType: span(offset + 9, 1),
    },
  };
  if (csIdMapType === CsIdMapType.SRTP_ID) {
    const entries: SrtpIdEntry[] = [];
    for (let i = 0; i < csCount; i++) {
      entries.push({ policyNo: r.u8(`HDR.srtpId[${i}].policyNo`), ssrc: r.u32(`HDR.srtpId[${i}].ssrc`), roc: r.u32(`HDR.srtpId[${i}].roc`) });
    }
    hdr.srtpIds = entries;
  } else if (csIdMapType === CsIdMapType.EMPTY) {
    // Empty map: no map info octets (RFC 4563 / RFC 6043).
  } else if (csIdMapType === CsIdMapType.GENERIC_ID) {
    const entries: GenericIdEntry[] = [];
    for (let i = 0; i < csCount; i++) entries.push(parseGenericId(r, i));
    hdr.genericIds = entries;
  } else {
    fail(offset + 9, 'HDR.csIdMapType', `CS ID map type ${csIdMapType} is unknown, so the length of its map info cannot be determined`);
  }
  hdr.fields!.csIdMapInfo = span(mapOffset, r.pos - mapOffset);
  hdr.length = r.pos - offset;
  return hdr;
}

function parseGenericId(r: Reader, i: number): GenericIdEntry {
  const offset = r.pos;
  const name = `HDR.genericId[${i}]`;
  const csId = r.u8(`${name}.csId`);
  const protType = r.u8(`${name}.protType`);
  const sp = r.u8(`${name}.S/#P`);
  const count = sp & 0x7f;
  const policies = Array.from(r.take(count, `${name}.policies`));
  const sdLenOffset = r.pos;
  const sdLen = r.u16(`${name}.sessionDataLength`);
  const sessionData = r.take(sdLen, `${name}.sessionData`);
  const spiLenOffset = r.pos;
  const spiLen = r.u8(`${name}.spiLength`);
  const spi = r.take(spiLen, `${name}.spi`);
  return {
    csId, protType, sFlag: (sp & 0x80) !== 0, policies, sessionData, spi, offset, length: r.pos - offset,
    fields: {
      csId: span(offset, 1), protType: span(offset + 1, 1), policyCount: span(offset + 2, 1), policies: span(offset + 3, count),
      sessionDataLength: span(sdLenOffset, 2), sessionData: span(sdLenOffset + 2, sdLen), spiLength: span(spiLenOffset, 1), spi: span(spiLenOffset + 1, spiLen),
    },
  };
}

function parsePayload(r: Reader, type: number, index: number): Exclude<Payload, SignPayload> {
  const offset = r.pos;
  const name = `${PAYLOAD_NAMES[type] ?? `payload(${type})`}@${offset}`;
  switch (type) {
    case PayloadType.T: {
      const nextPayload = r.u8(`T.nextPayload`);
      const tsType = r.u8('T.tsType');
      const len = TS_VALUE_LENGTH[tsType];
      if (len === undefined) fail(offset + 1, 'T.tsType', `TS type ${tsType} is unknown, so the length of the timestamp cannot be determined`);
      const value = r.take(len, 'T.value');
      return { kind: 'T', nextPayload, tsType, value, offset, length: r.pos - offset,
        fields: { nextPayload: span(offset, 1), tsType: span(offset + 1, 1), value: span(offset + 2, len) } } satisfies TPayload;
    }
    case PayloadType.RAND: {
      const nextPayload = r.u8('RAND.nextPayload');
      const len = r.u8('RAND.length');
      const rand = r.take(len, 'RAND.rand');
      return { kind: 'RAND', nextPayload, rand, offset, length: r.pos - offset,
        fields: { nextPayload: span(offset, 1), randLength: span(offset + 1, 1), rand: span(offset + 2, len) } } satisfies RandPayload;
    }
    case PayloadType.IDR: {
      const nextPayload = r.u8('IDR.nextPayload');
      const role = r.u8('IDR.role');
      const idType = r.u8('IDR.idType');
      const len = r.u16('IDR.idLength');
      const data = r.take(len, 'IDR.idData');
      return { kind: 'IDR', nextPayload, role, idType, data, offset, length: r.pos - offset,
        fields: { nextPayload: span(offset, 1), role: span(offset + 1, 1), idType: span(offset + 2, 1), idLength: span(offset + 3, 2), idData: span(offset + 5, len) } } satisfies IdrPayload;
    }
    case PayloadType.ID: {
      const nextPayload = r.u8('ID.nextPayload');
      const idType = r.u8('ID.idType');
      const len = r.u16('ID.idLength');
      const data = r.take(len, 'ID.idData');
      return { kind: 'ID', nextPayload, idType, data, offset, length: r.pos - offset,
        fields: { nextPayload: span(offset, 1), idType: span(offset + 1, 1), idLength: span(offset + 2, 2), idData: span(offset + 4, len) } } satisfies IdPayload;
    }
    case PayloadType.SP: {
      const nextPayload = r.u8('SP.nextPayload');
      const policyNo = r.u8('SP.policyNo');
      const protType = r.u8('SP.protType');
      const len = r.u16('SP.paramLength');
      const end = r.pos + len;
      r.need(len, 'SP.params');
      const params: PolicyParam[] = [];
      const pr = new Reader(r.bytes, r.pos, end);
      while (pr.pos < end) {
        const pOffset = pr.pos;
        const ptype = pr.u8(`SP.param[${params.length}].type`);
        const plen = pr.u8(`SP.param[${params.length}].length`);
        const value = pr.take(plen, `SP.param[${params.length}].value`);
        params.push({ type: ptype, value, offset: pOffset, length: 2 + plen,
          fields: { type: span(pOffset, 1), length: span(pOffset + 1, 1), value: span(pOffset + 2, plen) } });
      }
      r.pos = end;
      return { kind: 'SP', nextPayload, policyNo, protType, params, offset, length: r.pos - offset,
        fields: { nextPayload: span(offset, 1), policyNo: span(offset + 1, 1), protType: span(offset + 2, 1), paramLength: span(offset + 3, 2), params: span(offset + 5, len) } } satisfies SpPayload;
    }
    case PayloadType.SAKKE:
      return parseSakke(r, 'SAKKE');
    case PayloadType.GENERAL_EXT: {
      const nextPayload = r.u8('GeneralExt.nextPayload');
      const extType = r.u8('GeneralExt.type');
      const len = r.u16('GeneralExt.length');
      const dataOffset = r.pos;
      const data = r.take(len, 'GeneralExt.data');
      const ext: GeneralExtPayload = { kind: 'GENERAL_EXT', nextPayload, extType, data, offset, length: r.pos - offset,
        fields: { nextPayload: span(offset, 1), type: span(offset + 1, 1), length: span(offset + 2, 2), data: span(dataOffset, len) } };
      if (extType === GenExtType.SAKKE_TO_SELF) {
        // E.5: the data is a whole SAKKE payload, which must fill the extension exactly.
        const inner = new Reader(r.bytes, dataOffset, dataOffset + len);
        ext.sakke = parseSakke(inner, 'SAKKE-to-self.SAKKE');
        if (inner.pos !== inner.end) fail(inner.pos, 'SAKKE-to-self', `${inner.end - inner.pos} octet(s) after the encapsulated SAKKE payload`);
      }
      return ext;
    }
    default:
      fail(offset, `payload[${index}]`, `next payload ${type} (${PAYLOAD_NAMES[type] ?? 'unassigned'}) is not a payload a MIKEY-SAKKE I_MESSAGE can carry; its length cannot be determined (${name})`);
  }
}

function parseSakke(r: Reader, name: string): SakkePayload {
  const offset = r.pos;
  const nextPayload = r.u8(`${name}.nextPayload`);
  const sakkeParams = r.u8(`${name}.sakkeParams`);
  const idScheme = r.u8(`${name}.idScheme`);
  const len = r.u16(`${name}.dataLength`);
  const data = r.take(len, `${name}.data`);
  return { kind: 'SAKKE', nextPayload, sakkeParams, idScheme, data, offset, length: r.pos - offset,
    fields: { nextPayload: span(offset, 1), sakkeParams: span(offset + 1, 1), idScheme: span(offset + 2, 1), dataLength: span(offset + 3, 2), data: span(offset + 5, len) } };
}

function parseSign(r: Reader, name: string): SignPayload {
  const offset = r.pos;
  const b0 = r.u8(`${name}.sType`);
  const b1 = r.u8(`${name}.length`);
  const declaredLength = ((b0 & 0x0f) << 8) | b1;
  const signature = r.take(declaredLength, `${name}.signature`);
  return { kind: 'SIGN', sType: b0 >> 4, declaredLength, signature, offset, length: r.pos - offset,
    fields: { sType: span(offset, 1), signatureLength: span(offset, 2), signature: span(offset + 2, declaredLength) } };
}

// ---------------------------------------------------------------- encoding

class Writer {
  private chunks: number[] = [];
  u8(v: number): void { this.chunks.push(v & 0xff); }
  u16(v: number): void { this.chunks.push((v >> 8) & 0xff, v & 0xff); }
  u32(v: number): void { this.chunks.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff); }
  bytes(b: Uint8Array): void { for (const x of b) this.chunks.push(x); }
  get length(): number { return this.chunks.length; }
  done(): Uint8Array { return Uint8Array.from(this.chunks); }
}

function payloadTypeOf(p: Payload): number {
  switch (p.kind) {
    case 'T': return PayloadType.T;
    case 'RAND': return PayloadType.RAND;
    case 'IDR': return PayloadType.IDR;
    case 'ID': return PayloadType.ID;
    case 'SP': return PayloadType.SP;
    case 'SAKKE': return PayloadType.SAKKE;
    case 'GENERAL_EXT': return PayloadType.GENERAL_EXT;
    case 'SIGN': return PayloadType.SIGN;
  }
}

/**
 * Encode every octet of the message. A SIGN payload is written with its
 * signature as given; use `encodeForSigning` + `appendSignature` to sign.
 */
export function encodeIMessage(message: MikeyMessage): Uint8Array {
  const w = new Writer();
  writeMessage(w, message);
  return w.done();
}

/**
 * The octets a signature covers (RFC 3830 section 5.2, E.1.2): the whole
 * message up to and including the S type and Signature len fields.
 */
export function encodeForSigning(message: MikeyMessage, sType: number, signatureLength: number): Uint8Array {
  const body: MikeyMessage = { hdr: message.hdr, payloads: [...message.payloads.filter((p) => p.kind !== 'SIGN'),
    { kind: 'SIGN', sType, declaredLength: signatureLength, signature: new Uint8Array(0) }] };
  return encodeIMessage(body);
}

export function appendSignature(signedPart: Uint8Array, signature: Uint8Array): Uint8Array {
  const out = new Uint8Array(signedPart.length + signature.length);
  out.set(signedPart, 0);
  out.set(signature, signedPart.length);
  return out;
}

function writeMessage(w: Writer, m: MikeyMessage): void {
  const h = m.hdr;
  const first = m.payloads[0];
  w.u8(h.version);
  w.u8(h.dataType);
  w.u8(first ? payloadTypeOf(first) : PayloadType.LAST);
  w.u8((h.vFlag ? 0x80 : 0) | (h.prfFunc & 0x7f));
  w.u32(h.csbId);
  w.u8(h.csCount);
  w.u8(h.csIdMapType);
  if (h.genericIds) {
    for (const g of h.genericIds) {
      w.u8(g.csId);
      w.u8(g.protType);
      w.u8((g.sFlag ? 0x80 : 0) | (g.policies.length & 0x7f));
      for (const p of g.policies) w.u8(p);
      w.u16(g.sessionData.length);
      w.bytes(g.sessionData);
      w.u8(g.spi.length);
      w.bytes(g.spi);
    }
  } else if (h.srtpIds) {
    for (const s of h.srtpIds) { w.u8(s.policyNo); w.u32(s.ssrc); w.u32(s.roc); }
  } else if (h.rawMapInfo) {
    w.bytes(h.rawMapInfo);
  }
  m.payloads.forEach((p, i) => {
    const following = m.payloads[i + 1];
    writePayload(w, p, following ? payloadTypeOf(following) : PayloadType.LAST);
  });
}

function writeSakke(w: Writer, p: SakkePayload, next: number): void {
  w.u8(next);
  w.u8(p.sakkeParams);
  w.u8(p.idScheme);
  w.u16(p.data.length);
  w.bytes(p.data);
}

function writePayload(w: Writer, p: Payload, next: number): void {
  switch (p.kind) {
    case 'T':
      w.u8(next); w.u8(p.tsType); w.bytes(p.value); return;
    case 'RAND':
      w.u8(next); w.u8(p.rand.length); w.bytes(p.rand); return;
    case 'IDR':
      w.u8(next); w.u8(p.role); w.u8(p.idType); w.u16(p.data.length); w.bytes(p.data); return;
    case 'ID':
      w.u8(next); w.u8(p.idType); w.u16(p.data.length); w.bytes(p.data); return;
    case 'SP': {
      w.u8(next); w.u8(p.policyNo); w.u8(p.protType);
      w.u16(p.params.reduce((n, q) => n + 2 + q.value.length, 0));
      for (const q of p.params) { w.u8(q.type); w.u8(q.value.length); w.bytes(q.value); }
      return;
    }
    case 'SAKKE':
      writeSakke(w, p, next); return;
    case 'GENERAL_EXT': {
      let data = p.data;
      if (p.sakke) {
        // E.5: the encapsulated SAKKE payload keeps its own next-payload octet (zero unless a test wants otherwise).
        const inner = new Writer();
        writeSakke(inner, p.sakke, p.sakke.nextPayload ?? 0);
        data = inner.done();
      }
      w.u8(next); w.u8(p.extType); w.u16(data.length); w.bytes(data);
      return;
    }
    case 'SIGN': {
      const len = p.declaredLength ?? p.signature.length;
      w.u8(((p.sType & 0x0f) << 4) | ((len >> 8) & 0x0f));
      w.u8(len & 0xff);
      w.bytes(p.signature);
      return;
    }
  }
}

/** Strip location data and raw bytes, leaving the content a builder would give (used by round-trip tests). */
export function contentOf(message: MikeyMessage): MikeyMessage {
  return JSON.parse(JSON.stringify({ hdr: message.hdr, payloads: message.payloads }, (k, v) =>
    k === 'offset' || k === 'length' || k === 'fields' || k === 'bytes' || k === 'signedLength' || k === 'nextPayload' ? undefined : v instanceof Uint8Array ? Array.from(v) : v));
}
