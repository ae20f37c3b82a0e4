/**
 * Safe XML parsing for documents received from a system under test. Bounded
 * before parsing (size, nesting depth), DOCTYPE refused (no entity
 * expansion: billion laughs and external entities cannot happen), entity
 * references other than the five predefined ones and character references
 * rejected. Never throws: the result says why.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { linkParents, type XmlElement, type XmlNode } from './xml.ts';

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;

export interface ParseLimits {
  maxBytes?: number;
  maxDepth?: number;
}

export type ParseFailureKind = 'empty' | 'too-large' | 'doctype' | 'too-deep' | 'not-well-formed' | 'entity' | 'not-xml';

export type ParseResult =
  | { ok: true; root: XmlElement }
  | { ok: false; kind: ParseFailureKind; reason: string; line?: number };

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the predefined entities and character references; undefined names the first unknown one. */
export function decodeEntities(raw: string): { ok: true; text: string } | { ok: false; entity: string } {
  if (!raw.includes('&')) return { ok: true, text: raw };
  let bad: string | undefined;
  const text = raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) {
      bad ??= '&';
      return m;
    }
    if (ref[0] === '#') {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code > 0x10ffff || code === 0) {
        bad ??= m;
        return m;
      }
      return String.fromCodePoint(code);
    }
    const v = PREDEFINED[ref];
    if (v === undefined) bad ??= m;
    return v ?? m;
  });
  return bad ? { ok: false, entity: bad } : { ok: true, text };
}

/** Line number (1-based) of a character offset. */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Nesting depth by a linear scan of the tags (comments, PIs and CDATA skipped). */
function maxDepthOf(xml: string, limit: number): { depth: number; at?: number } {
  let depth = 0;
  let max = 0;
  let i = 0;
  while (true) {
    i = xml.indexOf('<', i);
    if (i < 0) return { depth: max };
    const c = xml[i + 1];
    if (c === '!' && xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    if (c === '!' && xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i + 9);
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    const close = xml.indexOf('>', i);
    if (close < 0) return { depth: max };
    if (c === '/') depth--;
    else if (c !== '?' && c !== '!' && xml[close - 1] !== '/') {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return { depth: max, at: i };
    }
    i = close + 1;
  }
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
  captureMetaData: true,
  allowBooleanAttributes: false,
  maxNestedTags: 100_000,
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

type FxpNode = Record<string | symbol, unknown>;

class EntityError extends Error {
  constructor(readonly entity: string, readonly line?: number) {
    super(`undeclared entity reference ${entity}`);
  }
}

/** Parses a document into an element tree, within limits; never throws. */
export function parseXml(text: unknown, limits: ParseLimits = {}): ParseResult {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (typeof text !== 'string' || text.trim() === '') return { ok: false, kind: 'empty', reason: 'the body is empty' };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) return { ok: false, kind: 'too-large', reason: `the document is ${bytes} bytes; the limit is ${maxBytes}` };
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype) return { ok: false, kind: 'doctype', reason: 'the document has a DOCTYPE (DTDs and entity declarations are refused)', line: lineAt(text, doctype.index) };
  if (/<!ENTITY/i.test(text)) return { ok: false, kind: 'doctype', reason: 'the document declares entities' };
  // XML 2.11: line ends are normalised to LF before parsing (C14N depends on it).
  const body = text.replace(/^\uFEFF/, '').trimStart().replace(/\r\n?/g, '\n');
  if (!body.startsWith('<')) return { ok: false, kind: 'not-xml', reason: `the body is not XML (starts with ${JSON.stringify(body.slice(0, 20))})` };
  if (!/>\s*$/.test(body)) return { ok: false, kind: 'not-well-formed', reason: `not well-formed: the document ends inside a tag or text after ${bytes} bytes: truncated`, line: lineAt(body, body.length) };
  const depth = maxDepthOf(body, maxDepth);
  if (depth.at !== undefined) return { ok: false, kind: 'too-deep', reason: `elements nest deeper than ${maxDepth}`, line: lineAt(body, depth.at) };
  let valid: true | { err: { code: string; msg: string; line: number; col: number } };
  try {
    valid = XMLValidator.validate(body, { allowBooleanAttributes: false }) as typeof valid;
  } catch (err) {
    return { ok: false, kind: 'not-well-formed', reason: `not well-formed: ${(err as Error).message}` };
  }
  if (valid !== true) return { ok: false, kind: 'not-well-formed', reason: `not well-formed: ${describeValidatorError(valid.err.msg)} (line ${valid.err.line}, column ${valid.err.col})`, line: valid.err.line };
  let raw: FxpNode[];
  try {
    raw = parser.parse(body) as FxpNode[];
  } catch (err) {
    return { ok: false, kind: 'not-well-formed', reason: `not well-formed: ${(err as Error).message}` };
  }
  const lineIndex = lineStarts(body);
  try {
    const roots = raw.map((n) => convert(n, lineIndex)).filter((n): n is XmlElement => typeof n !== 'string' && n !== undefined);
    if (roots.length !== 1) return { ok: false, kind: 'not-well-formed', reason: `a document has one root element; found ${roots.length}` };
    linkParents(roots[0]);
    return { ok: true, root: roots[0] };
  } catch (err) {
    if (err instanceof EntityError) return { ok: false, kind: 'entity', reason: err.message, line: err.line };
    return { ok: false, kind: 'not-well-formed', reason: `not well-formed: ${(err as Error).message}` };
  }
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1);
  return out;
}

function lineOf(starts: number[], index: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function convert(node: FxpNode, starts: number[], parentLine?: number): XmlNode | undefined {
  const keys = Object.keys(node).filter((k) => k !== ':@');
  const key = keys[0];
  if (key === undefined) return undefined;
  const meta = node[META] as { startIndex?: number } | undefined;
  const line = meta?.startIndex !== undefined ? lineOf(starts, meta.startIndex) : parentLine;
  if (key === '#text') return decodeOrThrow(String(node[key]), line);
  if (key === '#comment') return undefined;
  if (key === '#cdata') {
    const parts = node[key] as FxpNode[];
    return parts.map((p) => String(p['#text'] ?? '')).join('');
  }
  const attrs: [string, string][] = [];
  const rawAttrs = (node[':@'] ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(rawAttrs)) attrs.push([k, decodeOrThrow(String(v), line)]);
  const children: XmlNode[] = [];
  for (const c of (node[key] as FxpNode[]) ?? []) {
    const converted = convert(c, starts, line);
    if (converted === undefined) continue;
    const last = children[children.length - 1];
    if (typeof converted === 'string' && typeof last === 'string') children[children.length - 1] = last + converted;
    else children.push(converted);
  }
  return { name: key, attrs, children, ...(line !== undefined ? { line } : {}) };
}

function decodeOrThrow(raw: string, line: number | undefined): string {
  const d = decodeEntities(raw);
  if (!d.ok) throw new EntityError(d.entity, line);
  return d.text;
}

/** fast-xml-parser reports unclosed elements as a JSON list; say it in words. */
function describeValidatorError(msg: string): string {
  const unclosed = /^Invalid '\[(.*)\]' found\.?$/s.exec(msg);
  if (unclosed) {
    const names = unclosed[1].split(',').map((n) => n.trim().replace(/^"|"$/g, '')).filter(Boolean);
    return `the document ends with ${names.length} unclosed element(s) (${names.join(', ')}): truncated`;
  }
  return msg;
}
