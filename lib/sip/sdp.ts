/**
 * SDP (RFC 4566) as far as MC key management needs it: lines kept in
 * order, session and media sections, and the key-mgmt attribute of
 * RFC 4567 (`a=key-mgmt:mikey <base64 I_MESSAGE>`, session or media
 * level). The parser reports line syntax, order of v/o/s, line endings and
 * base64 errors as deviations; the builder writes exactly what it is given.
 */
import type { Deviation } from './deviation.ts';

export interface SdpLine {
  type: string;
  value: string;
  /** Offset of the line in the SDP body. */
  offset: number;
}

export interface SdpMedia {
  /** The m= value: 'audio 49170 RTP/SAVP 0'. */
  media: string;
  lines: SdpLine[];
}

export interface Sdp {
  session: SdpLine[];
  media: SdpMedia[];
}

export interface KeyMgmt {
  protocol: string;
  data: string;
  /** Decoded octets when the data is valid base64. */
  octets?: Uint8Array;
  /** -1 for session level, else the media index. */
  mediaIndex: number;
  offset: number;
}

function dev(rule: string, offset: number, expected: string, found: string, severity: 'error' | 'warning' = 'error', clause = 'RFC 4566 5'): Deviation {
  return { rule, clause, header: '', offset, expected, found, severity };
}

const MAX_SDP = 64 * 1024;

export function parseSdp(body: Uint8Array | string): { sdp: Sdp; deviations: Deviation[] } {
  const deviations: Deviation[] = [];
  const sdp: Sdp = { session: [], media: [] };
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (text.length > MAX_SDP) {
    deviations.push(dev('limit.sdp-size', 0, `SDP of at most ${MAX_SDP} characters`, `${text.length}`, 'error', 'lib/sip limits'));
    return { sdp, deviations };
  }
  let at = 0;
  let bareLf = false;
  let index = 0;
  while (at < text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    let end = nl;
    if (end > at && text[end - 1] === '\r') end--;
    else if (nl < text.length) bareLf = true;
    const line = text.slice(at, end);
    const offset = at;
    at = nl + 1;
    if (line === '' && at >= text.length) break;
    const m = /^([a-z])=(.*)$/s.exec(line);
    if (!m) {
      deviations.push(dev('sdp.line', offset, '<type>=<value> with a one-letter lower-case type', JSON.stringify(line.slice(0, 60))));
      continue;
    }
    const l: SdpLine = { type: m[1], value: m[2], offset };
    const want = ['v', 'o', 's'][index];
    if (want && l.type !== want) deviations.push(dev('sdp.order', offset, `${want}= as line ${index + 1}`, `${l.type}=`));
    if (index === 0 && l.type === 'v' && l.value !== '0') deviations.push(dev('sdp.version', offset, 'v=0', `v=${l.value}`));
    index++;
    if (l.type === 'm') sdp.media.push({ media: l.value, lines: [] });
    else if (sdp.media.length) sdp.media[sdp.media.length - 1].lines.push(l);
    else sdp.session.push(l);
  }
  if (bareLf) deviations.push(dev('sdp.line-ending', 0, 'CRLF line endings', 'LF alone', 'warning'));
  for (const k of keyMgmtOf(sdp)) {
    if (k.octets === undefined) deviations.push(dev('sdp.key-mgmt', k.offset, 'base64 key management data (RFC 4567 3.1)', JSON.stringify(k.data.slice(0, 60)), 'error', 'RFC 4567 3.1'));
  }
  return { sdp, deviations };
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Every a=key-mgmt attribute, session level first. */
export function keyMgmtOf(sdp: Sdp): KeyMgmt[] {
  const out: KeyMgmt[] = [];
  const scan = (lines: SdpLine[], mediaIndex: number) => {
    for (const l of lines) {
      if (l.type !== 'a' || !l.value.startsWith('key-mgmt:')) continue;
      const v = l.value.slice('key-mgmt:'.length);
      const sp = v.indexOf(' ');
      const protocol = sp < 0 ? v : v.slice(0, sp);
      const data = sp < 0 ? '' : v.slice(sp + 1).trim();
      const ok = data.length > 0 && data.length % 4 === 0 && B64.test(data);
      out.push({ protocol, data, octets: ok ? Buffer.from(data, 'base64') : undefined, mediaIndex, offset: l.offset });
    }
  };
  scan(sdp.session, -1);
  sdp.media.forEach((m, i) => scan(m.lines, i));
  return out;
}

/** The MIKEY I_MESSAGE octets of the first a=key-mgmt:mikey, if any. */
export function mikeyFromSdp(sdp: Sdp): Uint8Array | undefined {
  return keyMgmtOf(sdp).find((k) => k.protocol === 'mikey')?.octets;
}

export function keyMgmtLine(mikey: Uint8Array): string {
  return `key-mgmt:mikey ${Buffer.from(mikey).toString('base64')}`;
}

/** SDP text from lines, CRLF-terminated; offsets of the input are ignored. */
export function buildSdp(s: { session: Array<[string, string]>; media?: Array<{ media: string; lines: Array<[string, string]> }> }): string {
  let out = '';
  for (const [t, v] of s.session) out += `${t}=${v}\r\n`;
  for (const m of s.media ?? []) {
    out += `m=${m.media}\r\n`;
    for (const [t, v] of m.lines) out += `${t}=${v}\r\n`;
  }
  return out;
}

/** A minimal offer with one audio stream and the MIKEY I_MESSAGE at session level (RFC 4567 allows either level). */
export function mikeyOffer(opts: { mikey: Uint8Array; address?: string; port?: number; sessionId?: string }): string {
  const addr = opts.address ?? '127.0.0.1';
  return buildSdp({
    session: [['v', '0'], ['o', `- ${opts.sessionId ?? '1'} 1 IN IP4 ${addr}`], ['s', '-'], ['c', `IN IP4 ${addr}`], ['t', '0 0'], ['a', keyMgmtLine(opts.mikey)]],
    media: [{ media: `audio ${opts.port ?? 49170} RTP/SAVP 96`, lines: [['a', 'rtpmap:96 AMR-WB/16000']] }],
  });
}
