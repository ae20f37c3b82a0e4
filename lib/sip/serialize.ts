/**
 * Octets from a message, exactly: start line, each field as `name: value`,
 * an empty line, the body. No Content-Length, no Via, no case changes. For
 * deviations the structure cannot express (bad folding, bare LF, a missing
 * colon), send raw octets through the transport instead.
 */
import type { SipMessage } from './message.ts';

export interface SerializeOptions {
  /** Text between the colon and the value (default one space, as RFC 3261 examples). */
  separator?: string;
  /** Line ending (default CRLF; a test may want bare LF to probe a peer). */
  eol?: string;
}

export function serialize(m: SipMessage, opts: SerializeOptions = {}): Buffer {
  const sep = opts.separator ?? ' ';
  const eol = opts.eol ?? '\r\n';
  let head = m.startLine + eol;
  for (const h of m.headers) head += `${h.name}:${sep}${h.value}${eol}`;
  head += eol;
  const headBytes = Buffer.from(head, 'utf8');
  if (m.body.length === 0) return headBytes;
  return Buffer.concat([headBytes, m.body]);
}
