/**
 * The one bounded reader of target-supplied JSON (discovery, JWKS, token
 * responses, JWT header and claim set). Before JSON.parse it validates the
 * UTF-8 (RFC 8259 section 8.1), then walks the text once, iteratively, so a
 * document nested thousands of levels deep, or an object with 100,000
 * members, is refused with the limit it exceeds instead of blowing the stack
 * or the run time. The same walk records duplicate member names (I-JSON,
 * RFC 7493 section 2.3; RFC 7519 section 4 for JWT claim sets), which
 * JSON.parse silently resolves to the last. Never throws.
 */
export interface JsonLimits {
  /** Deepest nesting of arrays/objects (the top-level value is depth 1). */
  maxDepth: number;
  /** Most members of one object / elements of one array. */
  maxMembers: number;
  /** Largest input, in bytes of UTF-8. */
  maxBytes: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 64, maxMembers: 10_000, maxBytes: 2 * 1024 * 1024 };

/** The limit a document broke, by name, for the reason text and for tests. */
export type JsonLimitHit = 'depth' | 'members' | 'bytes';

export type JsonRead =
  | { ok: true; value: unknown; duplicates: string[] }
  | { ok: false; reason: string; limit?: JsonLimitHit; invalidUtf8?: boolean };

const MIB = 1024 * 1024;

export function describeBytes(n: number): string {
  return n >= MIB ? `${+(n / MIB).toFixed(2)} MiB` : n >= 1024 ? `${+(n / 1024).toFixed(2)} KiB` : `${n} bytes`;
}

/** Where the first invalid UTF-8 sequence is, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  // Buffer's own check is native and fast; only on failure find the offset.
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (typeof (globalThis as { TextDecoder?: unknown }).TextDecoder === 'function') {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b);
      return -1;
    } catch {
      // fall through to locate
    }
  }
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    if (n === 2 && ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] > 0x9f))) return i;
    if (n === 3 && ((c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] > 0x8f))) return i;
    i += n + 1;
  }
  return -1;
}

/**
 * Reads JSON text (a string already decoded, or raw bytes, which are checked
 * for UTF-8 first). `what` names the document in the reason.
 */
export function readJson(input: string | Uint8Array, what: string, limits: Partial<JsonLimits> = {}): JsonRead {
  const lim = { ...DEFAULT_JSON_LIMITS, ...limits };
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    if (input.byteLength > lim.maxBytes) return { ok: false, limit: 'bytes', reason: `${what} (${describeBytes(input.byteLength)}) exceeds the ${describeBytes(lim.maxBytes)} limit` };
    const bad = invalidUtf8Offset(input);
    if (bad >= 0) return { ok: false, invalidUtf8: true, reason: `${what} is not valid UTF-8 (RFC 8259 section 8.1): invalid byte 0x${input[bad].toString(16).padStart(2, '0')} at offset ${bad}` };
    text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  }
  if (text.length > lim.maxBytes) return { ok: false, limit: 'bytes', reason: `${what} (${describeBytes(Buffer.byteLength(text, 'utf8'))}) exceeds the ${describeBytes(lim.maxBytes)} limit` };
  const scan = scanStructure(text, lim, what);
  if (scan.error) return { ok: false, reason: scan.error, limit: scan.limit };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `${what} is not JSON: ${(err as Error).message}` };
  }
  return { ok: true, value, duplicates: scan.duplicates };
}

interface Frame {
  isObject: boolean;
  count: number;
  names?: Set<string>;
  expectKey: boolean;
  key?: string;
  path: string;
}

/**
 * One iterative pass over the text: depth, member counts and duplicate
 * member names. Malformed JSON is left to JSON.parse (whose message is
 * better); the scan only stops early on a limit.
 */
function scanStructure(text: string, lim: JsonLimits, what: string): { error?: string; limit?: JsonLimitHit; duplicates: string[] } {
  const stack: Frame[] = [];
  const duplicates: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      const top = stack[stack.length - 1];
      if (top?.isObject && top.expectKey) {
        let name: string;
        try {
          name = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          name = text.slice(i + 1, j);
        }
        if (top.names!.has(name)) {
          if (duplicates.length < 20) duplicates.push(`${top.path}${top.path ? '.' : ''}${name}`);
        } else top.names!.add(name);
        top.key = name;
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = stack[stack.length - 1];
      if (stack.length + 1 > lim.maxDepth) return { error: `${what} nests deeper than the limit of ${lim.maxDepth} levels`, limit: 'depth', duplicates };
      const path = !parent ? '' : parent.isObject ? `${parent.path}${parent.path ? '.' : ''}${parent.key ?? ''}` : `${parent.path}[${parent.count}]`;
      stack.push({ isObject: c === 0x7b, count: 0, names: c === 0x7b ? new Set() : undefined, expectKey: c === 0x7b, path });
      i++;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      stack.pop();
      i++;
      continue;
    }
    if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top) {
        top.count++;
        if (top.count + 1 > lim.maxMembers) return { error: `${what} has an ${top.isObject ? 'object' : 'array'}${top.path ? ` (${top.path})` : ''} with more than the limit of ${lim.maxMembers} ${top.isObject ? 'members' : 'elements'}`, limit: 'members', duplicates };
        if (top.isObject) top.expectKey = true;
      }
      i++;
      continue;
    }
    i++;
  }
  return { duplicates };
}
