/**
 * The strict parser: octets in, the message as written plus every departure
 * from RFC 3261's message grammar and rules (start line, header field
 * syntax, folding, line endings, mandatory and singleton fields,
 * Content-Length against the body, Content-Type with a body). It never
 * throws and never repairs: values are kept as written (folding unfolded to
 * one space, as 7.3.1 allows a receiver to do), octets beyond a smaller
 * Content-Length are kept apart as `trailing`.
 */
import { canonicalName, type HeaderField, type SipMessage } from './message.ts';
import { excerpt, type Deviation } from './deviation.ts';
import { DEFAULT_LIMITS, type SipLimits } from './limits.ts';
import { checkCoreValue, grammarAccepts, isToken } from './value-checks.ts';

export interface ParsedHeader extends HeaderField {
  /** Offset of the first octet of the name. */
  offset: number;
  /** Offset of the first octet of the value. */
  valueOffset: number;
  /** True when the field was folded over several lines. */
  folded: boolean;
}

export interface ParsedMessage extends SipMessage {
  headers: ParsedHeader[];
  kind: 'request' | 'response';
  /** Offset of the start line (after leading CRLFs). */
  startOffset: number;
  /** Offset of the first body octet. */
  bodyOffset: number;
  /** Octets after the Content-Length's worth of body (datagrams: RFC 3261 18.3 discards them). */
  trailing: Uint8Array;
  /** The octets as received. */
  raw: Uint8Array;
}

export interface ParseOptions {
  limits?: SipLimits;
  /** 'datagram' (UDP: Content-Length optional) or 'stream' (TCP/TLS/WS: Content-Length mandatory, RFC 3261 18.3). */
  transport?: 'datagram' | 'stream';
  /** Also check each value with sip.js's grammar (slow; default true). */
  grammar?: boolean;
}

export interface ParseResult {
  /** Undefined when the octets are not a message at all (no start line / head end / over the size bound). */
  message?: ParsedMessage;
  deviations: Deviation[];
}

const REQUIRED_IN_REQUEST = ['via', 'from', 'to', 'call-id', 'cseq', 'max-forwards'];
const REQUIRED_IN_RESPONSE = ['via', 'from', 'to', 'call-id', 'cseq'];
const SINGLETONS = ['from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-length', 'content-type'];
const DISPLAY: Record<string, string> = {
  via: 'Via', from: 'From', to: 'To', 'call-id': 'Call-ID', cseq: 'CSeq', 'max-forwards': 'Max-Forwards', 'content-length': 'Content-Length', 'content-type': 'Content-Type',
};

const REQUEST_LINE = /^([A-Za-z0-9\-.!%*_+`'~]+) (\S+) (SIP\/2\.0)$/;
const STATUS_LINE = /^(SIP\/2\.0) ([0-9]{3}) ([^\r\n]*)$/;

export function parseMessage(bytes: Uint8Array, opts: ParseOptions = {}): ParseResult {
  const deviations: Deviation[] = [];
  try {
    const message = parseInto(bytes, opts, deviations);
    return { message, deviations };
  } catch (e) {
    // A parser defect: reported as such so that the fuzz self-test catches it; callers still get no exception.
    deviations.push(dev('parser.defect', 'lib/sip', '', 0, 'no exception', String((e as Error)?.stack ?? e).slice(0, 300)));
    return { deviations };
  }
}

function dev(rule: string, clause: string, header: string, offset: number, expected: string, found: string, severity: 'error' | 'warning' = 'error'): Deviation {
  return { rule, clause, header, offset, expected, found, severity };
}

function parseInto(input: Uint8Array, opts: ParseOptions, out: Deviation[]): ParsedMessage | undefined {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length > limits.maxMessageSize) {
    out.push(dev('limit.message-size', 'lib/sip limits', '', 0, `at most ${limits.maxMessageSize} octets`, `${buf.length} octets`));
    return undefined;
  }
  // RFC 3261 7.5: CRLFs before the start line are ignored (on streams they are keep-alives).
  let start = 0;
  while (start + 1 < buf.length && buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
  if (start > 0 && opts.transport !== 'stream') out.push(dev('start-line.leading-crlf', 'RFC 3261 7.5', '', 0, 'start line first', `${start / 2} CRLF before it`, 'warning'));

  let headEnd = buf.indexOf('\r\n\r\n', start, 'latin1');
  let bodyOffset = headEnd + 4;
  if (headEnd < 0) {
    const lf = buf.indexOf('\n\n', start, 'latin1');
    if (lf < 0) {
      out.push(dev('head.unterminated', 'RFC 3261 7', '', buf.length, 'CRLF CRLF ending the header section', buf.length === 0 ? 'empty input' : `no empty line in ${buf.length} octets`));
      return undefined;
    }
    headEnd = lf;
    bodyOffset = lf + 2;
  }
  const head = buf.toString('latin1', start, headEnd);
  const utf8 = !isAscii(buf, start, headEnd);
  const lines = splitLines(head, start, out);
  if (lines.length === 0) return undefined;

  // Start line.
  const first = lines[0];
  let kind: 'request' | 'response';
  let method = '';
  let startLine = utf8 ? decodeUtf8(first.text) : first.text;
  const rq = REQUEST_LINE.exec(first.text);
  const st = rq ? null : STATUS_LINE.exec(first.text);
  if (rq) {
    kind = 'request';
    method = rq[1];
    if (method !== method.toUpperCase()) out.push(dev('start-line.method-case', 'RFC 3261 7.1', '', first.offset, 'method in upper case (methods are case-sensitive)', excerpt(method), 'warning'));
  } else if (st) {
    kind = 'response';
    if (!/^[1-6]/.test(st[2])) out.push(dev('start-line.status-class', 'RFC 3261 7.2 / 21', '', first.offset + 8, 'status code 100-699', st[2], 'warning'));
  } else if (/^SIP\/2\.0[ \t]/i.test(first.text) || /^SIP\//i.test(first.text)) {
    kind = 'response';
    out.push(dev('start-line.syntax', 'RFC 3261 7.2', '', first.offset, "Status-Line 'SIP/2.0' SP 3DIGIT SP Reason-Phrase", excerpt(first.text)));
  } else if (/ SIP\/2\.0$/i.test(first.text) || first.text.split(' ').length === 3) {
    kind = 'request';
    method = first.text.split(/[ \t]+/)[0] ?? '';
    out.push(dev('start-line.syntax', 'RFC 3261 7.1', '', first.offset, "Request-Line Method SP Request-URI SP 'SIP/2.0'", excerpt(first.text)));
  } else {
    out.push(dev('start-line.syntax', 'RFC 3261 7', '', first.offset, 'Request-Line or Status-Line', excerpt(first.text)));
    return undefined;
  }
  if (rq && opts.grammar !== false) {
    if (!grammarAccepts('request-uri', rq[2]) || !uriLooksValid(rq[2])) out.push(dev('start-line.request-uri', 'RFC 3261 19.1 / 25.1', '', first.offset + rq[1].length + 1, 'SIP-URI, SIPS-URI or absoluteURI', excerpt(rq[2])));
  }

  // Header fields, unfolding continuation lines.
  const headers: ParsedHeader[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const c0 = line.text.charCodeAt(0);
    if (c0 === 0x20 || c0 === 0x09) {
      const prev = headers[headers.length - 1];
      if (!prev) {
        out.push(dev('header.folding', 'RFC 3261 7.3.1', '', line.offset, 'a continuation line after a header field', excerpt(line.text)));
        continue;
      }
      prev.value = `${prev.value} ${line.text.trim()}`.trim();
      prev.folded = true;
      if (line.offset + line.text.length - prev.offset > limits.maxHeaderLine) {
        out.push(dev('limit.header-line', 'lib/sip limits', prev.name, prev.offset, `header field of at most ${limits.maxHeaderLine} octets`, 'longer (folded)'));
        return undefined;
      }
      continue;
    }
    if (line.text.length > limits.maxHeaderLine) {
      out.push(dev('limit.header-line', 'lib/sip limits', line.text.slice(0, Math.max(0, Math.min(40, line.text.indexOf(':')))), line.offset, `header line of at most ${limits.maxHeaderLine} octets`, `${line.text.length} octets`));
      return undefined;
    }
    if (headers.length >= limits.maxHeaderCount) {
      out.push(dev('limit.header-count', 'lib/sip limits', '', line.offset, `at most ${limits.maxHeaderCount} header fields`, 'more'));
      return undefined;
    }
    const colon = line.text.indexOf(':');
    if (colon < 0) {
      out.push(dev('header.syntax', 'RFC 3261 7.3.1', '', line.offset, "field-name HCOLON field-value", `no colon in ${excerpt(line.text)}`));
      continue;
    }
    const rawName = line.text.slice(0, colon);
    const name = rawName.replace(/[ \t]+$/, ''); // HCOLON allows SP / HTAB before the colon
    if (!isToken(name)) {
      out.push(dev('header.name', 'RFC 3261 7.3.1 / 25.1', excerpt(name, 40), line.offset, 'field name a token', excerpt(name)));
      continue;
    }
    const after = line.text.slice(colon + 1);
    const lead = after.length - after.replace(/^[ \t]+/, '').length;
    const text = after.trim();
    headers.push({ name, value: utf8 ? decodeUtf8(text) : text, offset: line.offset, valueOffset: line.offset + colon + 1 + lead, folded: false });
  }
  for (const h of headers) if (h.folded) out.push(dev('header.folded', 'RFC 3261 7.3.1', h.name, h.offset, 'one line (folding is legal but peers mishandle it)', 'a folded field', 'warning'));

  // Mandatory, singleton and value checks.
  const seen = new Map<string, ParsedHeader[]>();
  for (const h of headers) {
    const c = canonicalName(h.name);
    const list = seen.get(c);
    if (list) list.push(h);
    else seen.set(c, [h]);
    const problem = checkCoreValue(c, h.value);
    if (problem) out.push(dev('header.value', 'RFC 3261 25.1', h.name, h.valueOffset, problem.expected, excerpt(problem.found)));
    else if (opts.grammar !== false && !grammarAccepts(c, h.value)) out.push(dev('header.value', 'RFC 3261 25.1 (sip.js grammar)', h.name, h.valueOffset, `${DISPLAY[c] ?? h.name} value per the ABNF`, excerpt(h.value)));
  }
  const required = kind === 'request' ? REQUIRED_IN_REQUEST : REQUIRED_IN_RESPONSE;
  for (const r of required) {
    if (!seen.has(r)) out.push(dev('header.missing', kind === 'request' ? 'RFC 3261 8.1.1' : 'RFC 3261 8.2.6.2', DISPLAY[r], start, `a ${DISPLAY[r]} header field`, 'none'));
  }
  for (const s of SINGLETONS) {
    const list = seen.get(s);
    if (list && list.length > 1) out.push(dev('header.repeated', 'RFC 3261 7.3.1 / 20', list[1].name, list[1].offset, `one ${DISPLAY[s]} field`, `${list.length}`));
  }
  // Request identity rules of 8.1.1: the top Via branch starts with the magic cookie, From carries a tag.
  if (kind === 'request') {
    const via = seen.get('via')?.[0];
    const branch = via ? /;\s*branch\s*=\s*([^;,\s]+)/i.exec(via.value.split(',')[0])?.[1] : undefined;
    if (via && !branch) out.push(dev('via.branch', 'RFC 3261 8.1.1.7', via.name, via.valueOffset, 'a branch parameter', 'none'));
    else if (via && branch && !branch.startsWith('z9hG4bK')) out.push(dev('via.branch', 'RFC 3261 8.1.1.7', via.name, via.valueOffset, "branch starting with the magic cookie 'z9hG4bK'", excerpt(branch), 'warning'));
    const from = seen.get('from')?.[0];
    if (from && !/;\s*tag\s*=/i.test(from.value.slice(Math.max(0, from.value.lastIndexOf('>'))))) out.push(dev('from.tag', 'RFC 3261 8.1.1.3', from.name, from.valueOffset, 'a tag parameter on From', 'none'));
  }
  const cseq = seen.get('cseq')?.[0];
  if (kind === 'request' && cseq && method) {
    const m = cseq.value.split(/[ \t]+/)[1];
    if (m !== undefined && m !== method) out.push(dev('cseq.method', 'RFC 3261 8.1.1.5', cseq.name, cseq.valueOffset, `CSeq method ${method}`, excerpt(m)));
  }

  // Body against Content-Length.
  const available = buf.length - bodyOffset;
  const cl = seen.get('content-length')?.[0];
  let bodyLength = available;
  if (!cl) {
    if (opts.transport === 'stream') out.push(dev('content-length.missing', 'RFC 3261 18.3 / 20.14', 'Content-Length', start, 'Content-Length on a stream transport', 'none'));
    else out.push(dev('content-length.absent', 'RFC 3261 20.14', 'Content-Length', start, 'Content-Length (SHOULD)', 'none', 'warning'));
  } else if (/^[0-9]{1,10}$/.test(cl.value)) {
    const n = Number(cl.value);
    if (n !== available) out.push(dev('content-length.mismatch', 'RFC 3261 18.3 / 20.14', cl.name, cl.valueOffset, `${available} (body octets received)`, `${n}`));
    bodyLength = Math.min(n, available);
  }
  const body = buf.subarray(bodyOffset, bodyOffset + bodyLength);
  if (body.length > 0 && !seen.has('content-type')) out.push(dev('content-type.missing', 'RFC 3261 20.15', 'Content-Type', start, 'Content-Type with a non-empty body', 'none'));

  return {
    kind, startLine, headers, body, bodyOffset, startOffset: start,
    trailing: buf.subarray(bodyOffset + bodyLength), raw: buf,
  };
}

interface Line {
  text: string;
  offset: number;
}

/** Lines of the head, each with its offset; bare LF and stray CR are reported. */
function splitLines(head: string, base: number, out: Deviation[]): Line[] {
  const lines: Line[] = [];
  let at = 0;
  let bareLfReported = false;
  while (at <= head.length) {
    let nl = head.indexOf('\n', at);
    if (nl < 0) nl = head.length;
    let end = nl;
    if (end > at && head.charCodeAt(end - 1) === 0x0d) end--;
    else if (nl < head.length && !bareLfReported) {
      out.push(dev('line.bare-lf', 'RFC 3261 7 / 25.1', '', base + nl, 'CRLF line ending', 'LF alone'));
      bareLfReported = true;
    }
    const text = head.slice(at, end);
    const cr = text.indexOf('\r');
    if (cr >= 0) out.push(dev('line.bare-cr', 'RFC 3261 25.1', '', base + at + cr, 'CR only before LF', 'CR inside a line'));
    lines.push({ text, offset: base + at });
    at = nl + 1;
  }
  // A bare-LF head ends with one LF of the empty line (the parser took "\n\n" as the end).
  return lines;
}

function isAscii(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] > 0x7f) return false;
  return true;
}

function decodeUtf8(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

/** A Request-URI is an absoluteURI at least (scheme ':' ...); sip/sips ones go through the grammar. */
function uriLooksValid(uri: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]+$/.test(uri);
}
