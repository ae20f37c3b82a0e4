/**
 * Byte helpers shared by lib/crypto: hex and base64 codecs that report bad
 * input as `undefined` (callers turn that into a reason), concatenation and a
 * constant-time comparison.
 */

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Hex to bytes; whitespace and a leading 0x are ignored. undefined if not hex. */
export function fromHex(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, '').replace(/^0x/i, '');
  if (!HEX_RE.test(clean)) return undefined;
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** Hex to bytes for constants in our own code; throws on a typo. */
export function hex(text: string): Uint8Array {
  const out = fromHex(text);
  if (!out) throw new TypeError(`not a hex string: ${JSON.stringify(text.slice(0, 40))}`);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const B64URL_RE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Base64 (standard or URL-safe alphabet, padding optional) to bytes; undefined if malformed. */
export function fromBase64(text: string): Uint8Array | undefined {
  const url = !B64_RE.test(text);
  if (url && !B64URL_RE.test(text)) return undefined;
  const body = text.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  return Uint8Array.from(Buffer.from(body, url ? 'base64url' : 'base64'));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Constant-time equality (time depends only on the lengths). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** 32-bit unsigned big-endian integer to 4 octets. */
export function u32be(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0);
  return out;
}

/** Reads a 32-bit unsigned big-endian integer; caller checks bounds. */
export function readU32be(bytes: Uint8Array, at = 0): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}
