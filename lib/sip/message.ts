/**
 * A SIP message as the test means it: a start line, an ordered list of
 * header fields exactly as written (name spelling, spacing, repeats), and a
 * body of octets. Nothing here computes or corrects anything by itself: the
 * helpers return a new message when asked to.
 */

export interface HeaderField {
  /** The field name as written on the wire ('Via', 'v', 'CALL-ID', ...). */
  name: string;
  /** Everything after the colon, as written (leading space is the serializer's: see `serialize`). */
  value: string;
}

export interface SipMessage {
  /** 'INVITE sip:x@y SIP/2.0' or 'SIP/2.0 200 OK', without CRLF. */
  startLine: string;
  headers: HeaderField[];
  body: Uint8Array;
}

/** RFC 3261 7.3.3 compact forms, long name keyed by compact letter. */
export const COMPACT_FORMS: Readonly<Record<string, string>> = {
  i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type',
  f: 'from', s: 'subject', k: 'supported', t: 'to', v: 'via', o: 'event', r: 'refer-to', u: 'allow-events', x: 'session-expires',
};

/** Lower-case long form of a header name, compact forms expanded: how names compare (RFC 3261 7.3.1). */
export function canonicalName(name: string): string {
  const n = name.trim().toLowerCase();
  return COMPACT_FORMS[n] ?? n;
}

const EMPTY = new Uint8Array(0);

export function request(method: string, uri: string, headers: Array<[string, string]> = [], body: Uint8Array | string = EMPTY): SipMessage {
  return { startLine: `${method} ${uri} SIP/2.0`, headers: headers.map(([name, value]) => ({ name, value })), body: toBytes(body) };
}

export function response(status: number, reason: string, headers: Array<[string, string]> = [], body: Uint8Array | string = EMPTY): SipMessage {
  return { startLine: `SIP/2.0 ${status} ${reason}`, headers: headers.map(([name, value]) => ({ name, value })), body: toBytes(body) };
}

export function toBytes(b: Uint8Array | string): Uint8Array {
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
}

export function isRequest(m: SipMessage): boolean {
  return !m.startLine.startsWith('SIP/');
}

/** Method of a request, or the CSeq method of a response ('' when there is none). */
export function methodOf(m: SipMessage): string {
  if (isRequest(m)) return m.startLine.split(' ', 1)[0];
  return (headerValue(m, 'cseq') ?? '').trim().split(/\s+/)[1] ?? '';
}

export function statusOf(m: SipMessage): number | undefined {
  if (isRequest(m)) return undefined;
  const code = Number(m.startLine.split(' ')[1]);
  return Number.isInteger(code) ? code : undefined;
}

export function requestUri(m: SipMessage): string | undefined {
  return isRequest(m) ? m.startLine.split(' ')[1] : undefined;
}

/** All values of a header (compact forms included), in order. */
export function headerValues(m: SipMessage, name: string): string[] {
  const want = canonicalName(name);
  return m.headers.filter((h) => canonicalName(h.name) === want).map((h) => h.value.trim());
}

export function headerValue(m: SipMessage, name: string): string | undefined {
  return headerValues(m, name)[0];
}

/** A copy with every field of that name replaced by one (appended when absent). */
export function withHeader(m: SipMessage, name: string, value: string): SipMessage {
  const want = canonicalName(name);
  const i = m.headers.findIndex((h) => canonicalName(h.name) === want);
  const others = m.headers.filter((h) => canonicalName(h.name) !== want);
  if (i < 0) return { ...m, headers: [...m.headers, { name, value }] };
  others.splice(i, 0, { name, value });
  return { ...m, headers: others };
}

export function withoutHeader(m: SipMessage, name: string): SipMessage {
  const want = canonicalName(name);
  return { ...m, headers: m.headers.filter((h) => canonicalName(h.name) !== want) };
}

/** A copy whose Content-Length says the body's true length (appended when absent). */
export function withContentLength(m: SipMessage): SipMessage {
  return withHeader(m, 'Content-Length', String(m.body.length));
}

/** A copy with that body and its Content-Type; Content-Length is left alone (use withContentLength). */
export function withBody(m: SipMessage, contentType: string, body: Uint8Array | string): SipMessage {
  return { ...withHeader(m, 'Content-Type', contentType), body: toBytes(body) };
}

/** Tag parameter of a From / To value. */
export function tagOf(value: string | undefined): string | undefined {
  return value ? paramOf(value, 'tag') : undefined;
}

/** Branch parameter of a Via value. */
export function branchOf(value: string | undefined): string | undefined {
  return value ? paramOf(value, 'branch') : undefined;
}

/** A header parameter outside the <...> of a name-addr (a URI's own parameters are not the header's). */
export function paramOf(value: string, name: string): string | undefined {
  const close = value.lastIndexOf('>');
  const params = (close >= 0 ? value.slice(close + 1) : value).split(';').slice(1);
  for (const p of params) {
    const eq = p.indexOf('=');
    const k = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    if (k === name.toLowerCase()) return eq < 0 ? '' : p.slice(eq + 1).trim();
  }
  return undefined;
}
