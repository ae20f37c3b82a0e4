/**
 * multipart/mixed bodies (RFC 2046 5.1): build from parts, and parse with a
 * deviation for each departure (boundary syntax, missing close delimiter,
 * junk after it, part headers), bounded in parts and nesting. Offsets are
 * relative to the body's first octet; add ParsedMessage.bodyOffset for the
 * message's.
 */
import { randomBytes } from 'node:crypto';
import type { Deviation } from './deviation.ts';
import type { HeaderField } from './message.ts';
import { DEFAULT_LIMITS, type SipLimits } from './limits.ts';
import { essence, parseMediaType } from './media-type.ts';

export interface PartSpec {
  contentType: string;
  /** Extra part headers (Content-ID, Content-Disposition, ...), after Content-Type. */
  headers?: Array<[string, string]>;
  body: Uint8Array | string;
}

export interface BuiltMultipart {
  /** The Content-Type value for the message: multipart/mixed;boundary="..." */
  contentType: string;
  boundary: string;
  octets: Buffer;
}

export function newBoundary(): string {
  return `mcx-${randomBytes(8).toString('hex')}`;
}

/** Parts as RFC 2046 lays them out: CRLF before each delimiter except the first, close delimiter, CRLF. */
export function buildMultipart(parts: PartSpec[], boundary = newBoundary(), subtype = 'mixed'): BuiltMultipart {
  const chunks: Buffer[] = [];
  parts.forEach((p, i) => {
    let head = `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${p.contentType}\r\n`;
    for (const [k, v] of p.headers ?? []) head += `${k}: ${v}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.from(typeof p.body === 'string' ? Buffer.from(p.body, 'utf8') : p.body));
  });
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { contentType: `multipart/${subtype};boundary="${boundary}"`, boundary, octets: Buffer.concat(chunks) };
}

export interface BodyPart {
  headers: HeaderField[];
  contentType: string;
  body: Uint8Array;
  /** Offset of the part's first octet (its headers) in the outermost body. */
  offset: number;
  /** Parts of a nested multipart. */
  parts?: BodyPart[];
}

export interface MultipartResult {
  parts: BodyPart[];
  deviations: Deviation[];
}

const BCHARS = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

function dev(rule: string, offset: number, expected: string, found: string, severity: 'error' | 'warning' = 'error'): Deviation {
  return { rule, clause: rule.startsWith('multipart.part-content-type') ? 'RFC 2046 5.1.1 / RFC 2045 5.2' : 'RFC 2046 5.1.1', header: '', offset, expected, found, severity };
}

/** Parses a multipart body given its Content-Type value; never throws. */
export function parseMultipart(body: Uint8Array, contentType: string, limits: SipLimits = DEFAULT_LIMITS): MultipartResult {
  const deviations: Deviation[] = [];
  try {
    const parts = parseLevel(Buffer.from(body.buffer, body.byteOffset, body.byteLength), contentType, 0, 0, limits, deviations) ?? [];
    return { parts, deviations };
  } catch (e) {
    deviations.push({ rule: 'parser.defect', clause: 'lib/sip', header: '', offset: 0, expected: 'no exception', found: String(e).slice(0, 200), severity: 'error' });
    return { parts: [], deviations };
  }
}

function parseLevel(buf: Buffer, contentType: string, base: number, depth: number, limits: SipLimits, out: Deviation[]): BodyPart[] | undefined {
  const mt = parseMediaType(contentType);
  if (!mt || mt.type !== 'multipart') {
    out.push(dev('multipart.content-type', base, 'multipart/* Content-Type', JSON.stringify(contentType.slice(0, 80))));
    return undefined;
  }
  const boundary = mt.params.boundary;
  if (boundary === undefined) {
    out.push(dev('multipart.boundary', base, 'a boundary parameter', 'none'));
    return undefined;
  }
  if (!BCHARS.test(boundary)) out.push(dev('multipart.boundary', base, '1-70 bchars, not ending in space', JSON.stringify(boundary.slice(0, 80))));
  if (boundary.length === 0) return undefined;
  const delim = Buffer.from(`--${boundary}`, 'latin1');
  // Delimiters: at the very start, or after CRLF (RFC 2046: the CRLF belongs to the delimiter).
  const found: Array<{ at: number; lineStart: number }> = [];
  let from = 0;
  for (;;) {
    const i = buf.indexOf(delim, from);
    if (i < 0) break;
    if (i === 0) found.push({ at: 0, lineStart: 0 });
    else if (i >= 2 && buf[i - 2] === 0x0d && buf[i - 1] === 0x0a) found.push({ at: i, lineStart: i - 2 });
    else if (buf[i - 1] === 0x0a) {
      out.push(dev('multipart.delimiter', base + i, 'CRLF before the delimiter', 'LF alone'));
      found.push({ at: i, lineStart: i - 1 });
    }
    from = i + delim.length;
    if (found.length > limits.maxMultipartParts + 1) {
      out.push(dev('limit.multipart-parts', base + i, `at most ${limits.maxMultipartParts} parts`, 'more'));
      return [];
    }
  }
  if (found.length === 0) {
    out.push(dev('multipart.delimiter', base, `a delimiter line --${boundary}`, 'none'));
    return [];
  }
  if (found[0].at > 0) out.push(dev('multipart.preamble', base, 'body starting with the first delimiter', `${found[0].at} octets of preamble`, 'warning'));
  const parts: BodyPart[] = [];
  let closed = false;
  for (let k = 0; k < found.length; k++) {
    const d = found[k];
    let p = d.at + delim.length;
    if (buf[p] === 0x2d && buf[p + 1] === 0x2d) {
      closed = true;
      p += 2;
      const rest = buf.subarray(p);
      // After the close delimiter: transport padding, then CRLF and the epilogue.
      const pad = /^[ \t]*(\r\n|$)/.exec(rest.toString('latin1', 0, Math.min(rest.length, 200)));
      if (!pad) out.push(dev('multipart.close-delimiter', base + p, 'CRLF (or the end) after the close delimiter', JSON.stringify(rest.toString('latin1', 0, 20))));
      if (k + 1 < found.length) out.push(dev('multipart.after-close', base + found[k + 1].at, 'nothing but an epilogue after the close delimiter', 'another delimiter', 'warning'));
      break;
    }
    const eol = buf.indexOf('\r\n', p);
    if (eol < 0 || !/^[ \t]*$/.test(buf.toString('latin1', p, eol))) {
      out.push(dev('multipart.delimiter', base + p, 'CRLF after the delimiter (transport padding only)', JSON.stringify(buf.toString('latin1', p, Math.min(buf.length, p + 20)))));
      if (eol < 0) break;
    }
    const partStart = eol + 2;
    const partEnd = k + 1 < found.length ? found[k + 1].lineStart : buf.length;
    if (k + 1 >= found.length) out.push(dev('multipart.close-delimiter', base + buf.length, `close delimiter --${boundary}--`, 'end of body'));
    if (partEnd < partStart) continue;
    parts.push(parsePart(buf.subarray(partStart, partEnd), base + partStart, depth, limits, out));
  }
  if (!closed && found.length > 0 && !out.some((x) => x.rule === 'multipart.close-delimiter')) out.push(dev('multipart.close-delimiter', base + buf.length, `close delimiter --${boundary}--`, 'none'));
  return parts;
}

function parsePart(buf: Buffer, base: number, depth: number, limits: SipLimits, out: Deviation[]): BodyPart {
  const headers: HeaderField[] = [];
  let bodyAt: number;
  if (buf[0] === 0x0d && buf[1] === 0x0a) bodyAt = 2; // no part headers: text/plain by default (RFC 2046 5.1)
  else {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      out.push(dev('multipart.part-headers', base, 'part headers ended by an empty line', 'no empty line'));
      return { headers, contentType: '', body: buf, offset: base };
    }
    bodyAt = end + 4;
    const lines = buf.toString('utf8', 0, end).split('\r\n');
    for (const l of lines) {
      if (/^[ \t]/.test(l) && headers.length) {
        headers[headers.length - 1].value += ` ${l.trim()}`;
        continue;
      }
      const c = l.indexOf(':');
      if (c <= 0) {
        out.push(dev('multipart.part-headers', base, 'name: value', JSON.stringify(l.slice(0, 60))));
        continue;
      }
      headers.push({ name: l.slice(0, c).trim(), value: l.slice(c + 1).trim() });
    }
  }
  const ct = headers.find((h) => h.name.toLowerCase() === 'content-type')?.value;
  if (ct !== undefined && !parseMediaType(ct)) out.push(dev('multipart.part-content-type', base, 'type/subtype *(;param)', JSON.stringify(ct.slice(0, 60))));
  const part: BodyPart = { headers, contentType: ct ?? 'text/plain', body: buf.subarray(bodyAt), offset: base };
  const mt = parseMediaType(part.contentType);
  if (mt?.type === 'multipart') {
    if (depth + 1 >= limits.maxMultipartDepth) out.push(dev('limit.multipart-depth', base, `multipart nested at most ${limits.maxMultipartDepth} deep`, 'deeper'));
    else part.parts = parseLevel(Buffer.from(part.body), part.contentType, base + bodyAt, depth + 1, limits, out) ?? [];
  }
  return part;
}

/** Parts of a given media type (essence, e.g. 'application/mikey'), nested ones included. */
export function partsOfType(parts: BodyPart[], type: string): BodyPart[] {
  const out: BodyPart[] = [];
  for (const p of parts) {
    if (essence(parseMediaType(p.contentType)) === type.toLowerCase()) out.push(p);
    if (p.parts) out.push(...partsOfType(p.parts, type));
  }
  return out;
}
