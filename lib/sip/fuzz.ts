/**
 * Seeded fuzzing of the parser, the stream framer and the body decoders:
 * noise, and mutations of conforming messages (truncations, bit flips,
 * inserted CR/LF/NUL/colons/folds, duplicated and dropped lines, wrong and
 * huge Content-Lengths, broken boundaries, long lines). Throws only when
 * lib/sip misbehaves: an exception, a 'parser.defect', a deviation without
 * rule/clause/expected/found or with an offset outside the input, a header
 * whose offset does not point at its name, a framer that loses octets.
 */
import { buildRequest, buildResponse } from './build.ts';
import { FramingError, StreamFramer } from './framing.ts';
import { headerValue } from './message.ts';
import { parseMcInfo } from './mcx-info.ts';
import { parseMediaType } from './media-type.ts';
import { parseMultipart } from './multipart.ts';
import { parseMessage } from './parse.ts';
import { mikeyOffer, parseSdp } from './sdp.ts';
import { serialize } from './serialize.ts';
import { registerWithMultipart } from './test-messages.ts';
import type { Deviation } from './deviation.ts';
import { seededRandom as prng } from '../fuzz/seeded-random.ts';


function bases(): Buffer[] {
  const invite = buildRequest({
    method: 'INVITE', uri: 'sip:bob@127.0.0.1', from: 'sip:alice@127.0.0.1', to: 'sip:bob@127.0.0.1', fromTag: 't1', callId: 'c1@h', cseq: 7,
    via: { transport: 'tcp', host: '127.0.0.1', port: 5060, branch: 'z9hG4bKf1' }, contact: '<sip:alice@127.0.0.1>',
    headers: [['Record-Route', '<sip:p1.example;lr>, <sip:p2.example;lr>'], ['Subject', 'fuzz']],
    body: { contentType: 'application/sdp', octets: mikeyOffer({ mikey: Buffer.from('AQAaAAAAAQ==', 'base64') }) },
  });
  const ok = buildResponse(invite, 200, { toTag: 'x', headers: [['Contact', '<sip:bob@127.0.0.1>']] });
  const compact = serialize(invite).toString('latin1').replace('Via:', 'v:').replace('Call-ID:', 'i:').replace('Content-Length:', 'l:');
  return [serialize(registerWithMultipart(2048)), serialize(registerWithMultipart(600)), serialize(invite), serialize(ok), Buffer.from(compact, 'latin1')];
}

const INSERTS = ['\r\n', '\n', '\r', '\0', ':', ' ', '\t', '\r\n ', '\r\n\r\n', ';', ',', '<', '>', '"', '--', '\xff', 'Content-Length: 99999999999\r\n', 'l: -1\r\n', 'Via: \r\n', '--boundary1--'];

function mutate(base: Buffer, r: ReturnType<typeof prng>): Buffer {
  const at = r.int(base.length);
  switch (r.int(10)) {
    case 0: return base.subarray(0, at);
    case 1: { const b = Buffer.from(base); for (let k = 1 + r.int(4); k > 0; k--) b[r.int(b.length)] ^= 1 << r.int(8); return b; }
    case 2: { const ins = Buffer.from(INSERTS[r.int(INSERTS.length)], 'latin1'); return Buffer.concat([base.subarray(0, at), ins, base.subarray(at)]); }
    case 3: return Buffer.concat([base.subarray(0, at), base.subarray(Math.min(base.length, at + 1 + r.int(30)))]);
    case 4: { // duplicate or drop a whole line
      const lines = base.toString('latin1').split('\r\n');
      const i = r.int(lines.length);
      if (r.int(2)) lines.splice(i, 0, lines[i]);
      else lines.splice(i, 1);
      return Buffer.from(lines.join('\r\n'), 'latin1');
    }
    case 5: return Buffer.from(base.toString('latin1').replace(/(Content-Length|l): \d+/, `$1: ${[0, 1, base.length, 4294967295, 99999999999][r.int(5)]}`), 'latin1');
    case 6: return Buffer.from(base.toString('latin1').replace(/boundary1/g, () => ['', 'b"', ' ', 'boundary1'.repeat(10)][r.int(4)]), 'latin1');
    case 7: return Buffer.concat([base.subarray(0, at), Buffer.alloc(r.int(3) ? 100 + r.int(2000) : 9000, 0x61), base.subarray(at)]);
    case 8: return Buffer.concat([base, r.bytes(1 + r.int(60))]);
    default: { const b = Buffer.from(base); b.set(r.bytes(Math.min(8, b.length - at)), at); return b; }
  }
}

function checkDeviations(ds: Deviation[], len: number, input: Buffer): void {
  for (const d of ds) {
    if (d.rule === 'parser.defect') throw new Error(`parser defect on ${input.toString('base64')}: ${d.found}`);
    if (!d.rule || !d.clause || !d.expected || !d.found || !(d.offset >= 0 && d.offset <= len)) throw new Error(`bad deviation ${JSON.stringify(d)} on ${input.toString('base64')}`);
  }
}

/** One input through everything; throws only on a lib/sip defect. Returns whether a message came out. */
function exercise(input: Buffer, r: ReturnType<typeof prng>, deep: boolean): boolean {
  const res = parseMessage(input, { grammar: deep, transport: r.int(2) ? 'stream' : 'datagram' });
  checkDeviations(res.deviations, input.length, input);
  const m = res.message;
  if (m) {
    if (m.bodyOffset + m.body.length > input.length) throw new Error('body runs past the input');
    for (const h of m.headers) if (input.toString('latin1', h.offset, h.offset + h.name.length) !== h.name && !/[^\x00-\x7f]/.test(h.name)) throw new Error(`header ${h.name} not at its offset ${h.offset}`);
    const ct = headerValue(m, 'content-type');
    const mt = ct ? parseMediaType(ct) : undefined;
    if (mt?.type === 'multipart') {
      const mp = parseMultipart(m.body, ct!);
      checkDeviations(mp.deviations, m.body.length, input);
      if (deep) for (const p of mp.parts) if (p.contentType.includes('info+xml')) parseMcInfo(p.body);
    } else if (mt?.subtype === 'sdp') parseSdp(m.body);
  }
  // The same octets as a stream, cut at random: no octet may be lost or invented.
  const f = new StreamFramer();
  let framed = 0;
  try {
    for (let at = 0; at < input.length;) {
      const n = 1 + r.int(input.length);
      for (const msg of f.push(input.subarray(at, at + n))) framed += msg.length;
      at += n;
    }
    f.end();
  } catch (e) {
    if (!(e instanceof FramingError)) throw e;
  }
  if (framed > input.length) throw new Error('framer produced more octets than it was given');
  return !!m;
}

/** Bodies alone, mutated: the decoders see inputs the message-level mutations rarely reach. */
function bodyBases(): Array<{ kind: 'multipart' | 'sdp' | 'xml'; octets: Buffer; contentType: string }> {
  const reg = registerWithMultipart(1200);
  const ct = headerValue(reg, 'content-type')!;
  const mp = parseMultipart(reg.body, ct);
  const xml = Buffer.from(mp.parts[1].body);
  return [
    { kind: 'multipart', octets: Buffer.from(reg.body), contentType: ct },
    { kind: 'sdp', octets: Buffer.from(mikeyOffer({ mikey: Buffer.from('AQAaAAAAAQ==', 'base64') })), contentType: 'application/sdp' },
    { kind: 'xml', octets: xml, contentType: 'application/vnd.3gpp.mcptt-info+xml' },
  ];
}

function exerciseBody(b: { kind: string; octets: Buffer; contentType: string }, input: Buffer): void {
  if (b.kind === 'multipart') checkDeviations(parseMultipart(input, b.contentType).deviations, input.length, input);
  else if (b.kind === 'sdp') checkDeviations(parseSdp(input).deviations, input.length, input);
  else {
    const r = parseMcInfo(input);
    if (!r.info && r.problems.length === 0) throw new Error('mcx-info rejection without a reason');
  }
}

export function runFuzz(n: number): { parsed: number; rejected: number; ms: number; slowestMs: number } {
  const start = performance.now();
  const r = prng(0x3315_0180);
  const all = bases();
  const bodies = bodyBases();
  let parsed = 0;
  let slowestMs = 0;
  for (let i = 0; i < n; i++) {
    let input: Buffer;
    if (i % 10 === 0) {
      input = r.bytes(r.int(600));
      if (i % 20 === 0) input = Buffer.concat([Buffer.from(['INVITE sip:a@b SIP/2.0\r\n', 'SIP/2.0 200 OK\r\n', 'REGISTER sip:x SIP/2.0\r\nContent-Length: 5\r\n\r\n'][r.int(3)]), input]);
    } else {
      input = mutate(all[r.int(all.length)], r);
      if (r.int(4) === 0) input = mutate(input, r); // sometimes twice
    }
    const t0 = performance.now();
    if (exercise(input, r, i % 100 === 0)) parsed++;
    if (i % 5 === 0) {
      const b = bodies[r.int(bodies.length)];
      exerciseBody(b, mutate(b.octets, r));
    }
    slowestMs = Math.max(slowestMs, performance.now() - t0);
  }
  return { parsed, rejected: n - parsed, ms: performance.now() - start, slowestMs };
}
