import { test, expect } from '@playwright/test';
import { parseMessage } from './parse.ts';
import { serialize } from './serialize.ts';
import { headerValue, request, withContentLength, withHeader, withoutHeader } from './message.ts';
import { registerWithMultipart } from './test-messages.ts';

const CRLF = '\r\n';
const invite = [
  'INVITE sip:bob@b.example SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@b.example>',
  'From: Alice <sip:alice@a.example>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.a.example',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@127.0.0.1>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\n',
].join(CRLF);

const rules = (s: string | Uint8Array, opts = {}) => parseMessage(typeof s === 'string' ? Buffer.from(s, 'latin1') : s, opts).deviations.map((d) => d.rule);

test('a conforming INVITE parses with no deviation, headers in order with offsets', () => {
  const r = parseMessage(Buffer.from(invite));
  expect(r.deviations).toEqual([]);
  const m = r.message!;
  expect(m.kind).toBe('request');
  expect(m.headers.map((h) => h.name)).toEqual(['Via', 'Max-Forwards', 'To', 'From', 'Call-ID', 'CSeq', 'Contact', 'Content-Type', 'Content-Length']);
  expect(invite.slice(m.headers[2].offset, m.headers[2].offset + 2)).toBe('To');
  expect(invite.slice(m.headers[2].valueOffset).startsWith('Bob <sip:')).toBe(true);
  expect(Buffer.from(m.body).toString()).toBe('v=0\n');
});

test('serialize writes exactly what the message holds, and parse + serialize is the identity on a conforming message', () => {
  const m = parseMessage(Buffer.from(invite)).message!;
  expect(serialize(m).toString('latin1')).toBe(invite);
  // No correction: a wrong Content-Length and odd header case go out as they are.
  const odd = withHeader(request('OPTIONS', 'sip:x@y', [['vIA', 'SIP/2.0/UDP h;branch=z9hG4bKx'], ['content-length', '99']]), 'content-length', '99');
  expect(serialize(odd).toString()).toBe('OPTIONS sip:x@y SIP/2.0\r\nvIA: SIP/2.0/UDP h;branch=z9hG4bKx\r\ncontent-length: 99\r\n\r\n');
  expect(headerValue(withContentLength(odd), 'Content-Length')).toBe('0');
});

test('each deviation is reported with its rule, header and offset', () => {
  expect(rules(invite.replace('Content-Length: 4', 'Content-Length: 9'))).toEqual(['content-length.mismatch']);
  expect(rules(invite.replace('CSeq: 314159 INVITE', 'CSeq: 314159 BYE'))).toEqual(['cseq.method']);
  expect(rules(invite.replace('Max-Forwards: 70\r\n', ''))).toEqual(['header.missing']);
  expect(rules(invite.replace('Max-Forwards: 70', 'Max-Forwards: 300'))).toEqual(['header.value']);
  expect(rules(invite.replace('Call-ID: a84b4c76e66710@pc33.a.example', 'Call-ID: a b'))).toEqual(['header.value']);
  expect(rules(invite.replace('To: Bob', 'To : Bob'))).toEqual([]); // HCOLON allows whitespace before ':'
  expect(rules(invite.replace('Contact: <sip:alice@127.0.0.1>', 'X-Broken no colon at all'))).toEqual(['header.syntax']);
  expect(rules(invite.replace('Contact: <sip:alice@127.0.0.1>', 'Contact <sip:alice@127.0.0.1>'))).toEqual(['header.name']); // the name runs to the first colon
  expect(rules(invite.replace('Contact: <sip:alice@127.0.0.1>', 'Con tact: <sip:alice@127.0.0.1>'))).toEqual(['header.name']);
  expect(rules(invite.replace('INVITE sip:bob@b.example SIP/2.0', 'INVITE  sip:bob@b.example SIP/2.0'))).toContain('start-line.syntax');
  expect(rules(invite.replace('SIP/2.0\r\n', 'SIP/3.0\r\n'))).toContain('start-line.syntax');
  expect(rules(invite.replace(/\r\n/g, '\n'))).toContain('line.bare-lf');
  expect(rules(invite.replace('To: Bob', 'To: Bob\r\nTo: Bob'))).toContain('header.repeated');
  expect(rules(invite.replace('Content-Type: application/sdp\r\n', ''))).toEqual(['content-type.missing']);
  expect(rules(invite.replace('Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK776asdhds', 'Via: garbage'))).toEqual(['header.value', 'via.branch']);
  expect(rules(invite.replace('To: Bob <sip:bob@b.example>', 'To: Bob <sip:bob@b.example'))).toEqual(['header.value']);
  expect(rules(invite.replace(';branch=z9hG4bK776asdhds', ';branch=776asdhds'))).toEqual(['via.branch']);
  expect(rules(invite.replace(';branch=z9hG4bK776asdhds', ''))).toEqual(['via.branch']);
  expect(rules(invite.replace(';tag=1928301774', ''))).toEqual(['from.tag']);
  const cl = parseMessage(Buffer.from(invite.replace('Content-Length: 4', 'Content-Length: 9'))).deviations[0];
  expect(cl).toMatchObject({ header: 'Content-Length', offset: invite.indexOf('Content-Length: 4') + 16, expected: '4 (body octets received)', found: '9' });
});

test('folding is unfolded to one space and reported as a warning; a continuation without a field is an error', () => {
  const folded = invite.replace('Subject', '').replace('Contact: <sip:alice@127.0.0.1>', 'Subject: one\r\n  two\r\nContact: <sip:alice@127.0.0.1>');
  const r = parseMessage(Buffer.from(folded));
  expect(r.deviations.map((d) => [d.rule, d.severity])).toEqual([['header.folded', 'warning']]);
  expect(headerValue(r.message!, 'subject')).toBe('one two');
  expect(rules(invite.replace('Via:', ' Via:'))).toContain('header.folding');
});

test('compact forms count as their long names; datagrams without Content-Length get a warning, streams an error', () => {
  const compact = invite.replace('Via:', 'v:').replace('To:', 't:').replace('From:', 'f:').replace('Call-ID:', 'i:').replace('Content-Type:', 'c:').replace('Content-Length:', 'l:');
  expect(rules(compact)).toEqual([]);
  const noCl = invite.replace('Content-Length: 4\r\n', '');
  expect(rules(noCl)).toEqual(['content-length.absent']);
  expect(rules(noCl, { transport: 'stream' })).toEqual(['content-length.missing']);
});

test('responses need Via/From/To/Call-ID/CSeq but not Max-Forwards; leading CRLFs on a datagram are a warning', () => {
  const ok = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: c@d\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
  expect(rules(ok)).toEqual([]);
  expect(rules(`\r\n${ok}`)).toEqual(['start-line.leading-crlf']);
  expect(rules(ok.replace('SIP/2.0 200 OK', 'SIP/2.0 20 OK'))).toContain('start-line.syntax');
  expect(rules(ok.replace('SIP/2.0 200 OK', 'SIP/2.0 700 Odd'))).toEqual(['start-line.status-class']);
});

test('bounds: message size, header line length, header count end parsing with an exact deviation', () => {
  const big = Buffer.alloc(300_000, 0x61);
  expect(rules(big)).toEqual(['limit.message-size']);
  expect(rules(invite.replace('Contact: <', `Contact: <${'x'.repeat(9000)}`))).toEqual(['limit.header-line']);
  const many = invite.replace('Contact:', `${'X-A: 1\r\n'.repeat(300)}Contact:`);
  expect(rules(many)).toEqual(['limit.header-count']);
  expect(rules('')).toEqual(['head.unterminated']);
});

test('the 2 KB REGISTER with a multipart body parses cleanly', () => {
  const m = registerWithMultipart(2048);
  const bytes = serialize(m);
  expect(bytes.length).toBeGreaterThan(1900);
  expect(bytes.length).toBeLessThan(2200);
  expect(parseMessage(bytes).deviations).toEqual([]);
  expect(parseMessage(serialize(withoutHeader(m, 'call-id'))).deviations.map((d) => d.header)).toEqual(['Call-ID']);
});
