/**
 * RFC 6455 framing and the opening handshake, just what SIP over WebSocket
 * (RFC 7118) needs: text/binary messages (fragmented or not), ping/pong,
 * close. Bounded: a payload past the message bound, a handshake head past
 * 8 KiB, a malformed frame are WsProtocolErrors with the RFC 6455 rule.
 */
import { createHash, randomBytes } from 'node:crypto';

export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const MAX_HANDSHAKE = 8 * 1024;

export enum Opcode {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xa,
}

export class WsProtocolError extends Error {
  constructor(readonly rule: string, message: string) {
    super(`${rule}: ${message}`);
    this.name = 'WsProtocolError';
  }
}

export function acceptFor(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

export function newKey(): string {
  return randomBytes(16).toString('base64');
}

/** One frame; clients mask (RFC 6455 5.3), servers do not. */
export function encodeFrame(opcode: Opcode, payload: Uint8Array, mask: boolean, fin = true): Buffer {
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + ext + (mask ? 4 : 0));
  head[0] = (fin ? 0x80 : 0) | opcode;
  head[1] = (mask ? 0x80 : 0) | (ext === 0 ? len : ext === 2 ? 126 : 127);
  if (ext === 2) head.writeUInt16BE(len, 2);
  else if (ext === 8) head.writeBigUInt64BE(BigInt(len), 2);
  const body = Buffer.from(payload);
  if (mask) {
    const key = randomBytes(4);
    key.copy(head, 2 + ext);
    for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  }
  return Buffer.concat([head, body]);
}

export interface Frame {
  fin: boolean;
  opcode: Opcode;
  payload: Buffer;
}

export class FrameDecoder {
  private buf = Buffer.alloc(0);

  /** `expectMasked`: true on the server side (frames from clients MUST be masked, RFC 6455 5.1). */
  constructor(private readonly expectMasked: boolean, private readonly maxPayload: number) {}

  push(chunk: Uint8Array): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const out: Frame[] = [];
    for (;;) {
      const f = this.next();
      if (!f) return out;
      out.push(f);
    }
  }

  private next(): Frame | undefined {
    const b = this.buf;
    if (b.length < 2) return undefined;
    const fin = (b[0] & 0x80) !== 0;
    if (b[0] & 0x70) throw new WsProtocolError('RFC 6455 5.2', 'reserved bits set without a negotiated extension');
    const opcode = b[0] & 0x0f;
    if (!(opcode in Opcode)) throw new WsProtocolError('RFC 6455 5.2', `unknown opcode ${opcode}`);
    const masked = (b[1] & 0x80) !== 0;
    if (masked !== this.expectMasked) throw new WsProtocolError('RFC 6455 5.1', this.expectMasked ? 'unmasked frame from a client' : 'masked frame from a server');
    let len = b[1] & 0x7f;
    let at = 2;
    if (len === 126) {
      if (b.length < 4) return undefined;
      len = b.readUInt16BE(2);
      at = 4;
    } else if (len === 127) {
      if (b.length < 10) return undefined;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(this.maxPayload)) throw new WsProtocolError('limit', `frame payload of ${big} octets exceeds ${this.maxPayload}`);
      len = Number(big);
      at = 10;
    }
    if (opcode >= 0x8 && (len > 125 || !fin)) throw new WsProtocolError('RFC 6455 5.5', 'control frame longer than 125 octets or fragmented');
    if (len > this.maxPayload) throw new WsProtocolError('limit', `frame payload of ${len} octets exceeds ${this.maxPayload}`);
    const maskAt = at;
    if (masked) at += 4;
    if (b.length < at + len) return undefined;
    const payload = Buffer.from(b.subarray(at, at + len));
    if (masked) for (let i = 0; i < len; i++) payload[i] ^= b[maskAt + (i & 3)];
    this.buf = b.subarray(at + len);
    return { fin, opcode, payload };
  }

  /** Octets after the last whole frame (for tests). */
  get buffered(): number {
    return this.buf.length;
  }
}

/** Reassembles fragmented data messages within the bound. */
export class MessageAssembler {
  private parts: Buffer[] = [];
  private size = 0;
  private opcode: Opcode | undefined;

  constructor(private readonly maxMessage: number) {}

  /** A data frame in; the whole message out when this frame finishes one. */
  add(f: Frame): { opcode: Opcode; payload: Buffer } | undefined {
    if (f.opcode === Opcode.Continuation) {
      if (this.opcode === undefined) throw new WsProtocolError('RFC 6455 5.4', 'continuation frame without a message to continue');
    } else {
      if (this.opcode !== undefined) throw new WsProtocolError('RFC 6455 5.4', 'new data frame inside a fragmented message');
      this.opcode = f.opcode;
    }
    this.size += f.payload.length;
    if (this.size > this.maxMessage) throw new WsProtocolError('limit', `message of more than ${this.maxMessage} octets`);
    this.parts.push(f.payload);
    if (!f.fin) return undefined;
    const out = { opcode: this.opcode!, payload: Buffer.concat(this.parts) };
    this.parts = [];
    this.size = 0;
    this.opcode = undefined;
    return out;
  }
}

/** Header fields of an HTTP head (lower-case names; repeated ones joined by ', '). */
export function parseHttpHead(head: string): { startLine: string; fields: Map<string, string> } {
  const lines = head.split('\r\n');
  const fields = new Map<string, string>();
  for (const l of lines.slice(1)) {
    const c = l.indexOf(':');
    if (c <= 0) continue;
    const k = l.slice(0, c).trim().toLowerCase();
    const v = l.slice(c + 1).trim();
    fields.set(k, fields.has(k) ? `${fields.get(k)}, ${v}` : v);
  }
  return { startLine: lines[0] ?? '', fields };
}

export function hasToken(list: string | undefined, token: string): boolean {
  return !!list && list.split(',').some((t) => t.trim().toLowerCase() === token.toLowerCase());
}
