/**
 * Cuts a byte stream (TCP, TLS) into SIP messages by Content-Length
 * (RFC 3261 18.3), within bounds: a header line or head that grows past its
 * bound, a Content-Length past the message bound, a missing or unreadable
 * Content-Length, all end the stream with an exact FramingError instead of
 * buffering forever. CRLF keep-alives between messages (RFC 5626 4.4.1)
 * are counted, not delivered. A first line that cannot start a SIP message
 * ends the stream at once: after garbage, nothing can be framed again.
 */
import { DEFAULT_LIMITS, type SipLimits } from './limits.ts';

export type FramingErrorCode = 'start-line.syntax' | 'head.bare-lf' | 'limit.header-line' | 'limit.message-size' | 'content-length.missing' | 'content-length.syntax' | 'stream.truncated';

export class FramingError extends Error {
  constructor(readonly code: FramingErrorCode, readonly offset: number, detail: string) {
    super(`${code} at stream offset ${offset}: ${detail}`);
    this.name = 'FramingError';
  }
}

const CRLF2 = Buffer.from('\r\n\r\n');
const START_LINE = /^(?:SIP\/[0-9]|[A-Za-z0-9\-.!%*_+`'~]+[ \t]+[\x21-\x7e]+[ \t]+SIP\/)/i;

export class StreamFramer {
  private buf = Buffer.alloc(0);
  /** Stream offset of buf[0]. */
  private base = 0;
  private failed: FramingError | undefined;
  keepalives = 0;

  constructor(private readonly limits: SipLimits = DEFAULT_LIMITS) {}

  /** Feeds a chunk; returns the whole messages it completes, or throws the FramingError that ends the stream. */
  push(chunk: Uint8Array): Buffer[] {
    if (this.failed) throw this.failed;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const out: Buffer[] = [];
    for (;;) {
      this.skipKeepalives();
      if (this.buf.length === 0) break;
      const msg = this.next();
      if (!msg) break;
      out.push(msg);
    }
    return out;
  }

  /** The stream ended: bytes of an unfinished message are an error. */
  end(): void {
    if (this.failed) return;
    this.skipKeepalives();
    if (this.buf.length) this.fail('stream.truncated', this.base, `${this.buf.length} octets of an unfinished message when the stream closed`);
  }

  private skipKeepalives(): void {
    let i = 0;
    while (i + 1 < this.buf.length && this.buf[i] === 0x0d && this.buf[i + 1] === 0x0a) {
      i += 2;
      this.keepalives++;
    }
    if (i) this.consume(i);
  }

  private consume(n: number): void {
    this.buf = this.buf.subarray(n);
    this.base += n;
  }

  private fail(code: FramingErrorCode, offset: number, detail: string): never {
    this.failed = new FramingError(code, offset, detail);
    throw this.failed;
  }

  private next(): Buffer | undefined {
    this.checkStartLine();
    const end = this.buf.indexOf(CRLF2);
    if (end < 0) {
      // A head ended by LF LF would never be framed: say so instead of waiting for a CRLF CRLF that is not coming.
      const lf = this.buf.indexOf('\n\n');
      if (lf >= 0) this.fail('head.bare-lf', this.base + lf, 'header section ended by LF LF, not CRLF CRLF (RFC 3261 7)');
      this.checkOpenHead();
      return undefined;
    }
    if (end + 4 > this.limits.maxMessageSize) this.fail('limit.message-size', this.base, `header section of ${end + 4} octets`);
    const head = this.buf.toString('latin1', 0, end);
    const longest = longestLine(head);
    if (longest > this.limits.maxHeaderLine) this.fail('limit.header-line', this.base, `a header line of ${longest} octets`);
    const m = /\r\n(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/i.exec(head);
    if (!m) this.fail('content-length.missing', this.base, 'no Content-Length: a stream message cannot be delimited (RFC 3261 18.3)');
    const v = m[1].trim();
    if (!/^[0-9]{1,10}$/.test(v)) this.fail('content-length.syntax', this.base, `Content-Length ${JSON.stringify(v.slice(0, 40))}`);
    const total = end + 4 + Number(v);
    if (total > this.limits.maxMessageSize) this.fail('limit.message-size', this.base, `Content-Length ${v} makes a ${total}-octet message`);
    if (this.buf.length < total) return undefined;
    const msg = Buffer.from(this.buf.subarray(0, total));
    this.consume(total);
    return msg;
  }

  /** The first line, once complete, must look like a Request-Line or Status-Line (the parser judges the details). */
  private checkStartLine(): void {
    const nl = this.buf.indexOf(0x0a);
    if (nl < 0) return;
    const line = this.buf.toString('latin1', 0, Math.min(nl, 512));
    if (!START_LINE.test(line)) this.fail('start-line.syntax', this.base, `first line ${JSON.stringify(line.slice(0, 60))} is neither a Request-Line nor a Status-Line`);
  }

  /** No head end yet: the unfinished head must stay within bounds. */
  private checkOpenHead(): void {
    if (this.buf.length > this.limits.maxMessageSize) this.fail('limit.message-size', this.base, `${this.buf.length} octets without the end of a header section`);
    const lastNl = this.buf.lastIndexOf(0x0a);
    const open = this.buf.length - (lastNl + 1);
    if (open > this.limits.maxHeaderLine) this.fail('limit.header-line', this.base + lastNl + 1, `a line of more than ${this.limits.maxHeaderLine} octets without end`);
  }
}

function longestLine(head: string): number {
  let max = 0;
  let start = 0;
  for (;;) {
    const nl = head.indexOf('\n', start);
    const end = nl < 0 ? head.length : nl;
    if (end - start > max) max = end - start;
    if (nl < 0) return max;
    start = nl + 1;
  }
}
