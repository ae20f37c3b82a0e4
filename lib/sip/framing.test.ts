import { test, expect } from '@playwright/test';
import { FramingError, StreamFramer } from './framing.ts';
import { limitsWith } from './limits.ts';
import { encodeFrame, FrameDecoder, MessageAssembler, Opcode } from './transport/ws-frame.ts';

const msg = (body = 'hello') => Buffer.from(`OPTIONS sip:x@y SIP/2.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`);

function code(f: () => unknown): string {
  try {
    f();
    return 'no error';
  } catch (e) {
    return e instanceof FramingError ? e.code : `other: ${e}`;
  }
}

test('framer: byte-by-byte feeding gives the same messages; keep-alives are skipped and counted', () => {
  const f = new StreamFramer();
  const input = Buffer.concat([Buffer.from('\r\n\r\n'), msg(), Buffer.from('\r\n'), msg('x'.repeat(300))]);
  const out: Buffer[] = [];
  for (const b of input) out.push(...f.push(Buffer.from([b])));
  expect(out.map((m) => m.toString())).toEqual([msg().toString(), msg('x'.repeat(300)).toString()]);
  expect(f.keepalives).toBe(3);
  f.end();
});

test('framer errors are exact and sticky', () => {
  expect(code(() => new StreamFramer().push(Buffer.from('OPTIONS sip:x SIP/2.0\r\nVia: x\r\n\r\n')))).toBe('content-length.missing');
  expect(code(() => new StreamFramer().push(Buffer.from('OPTIONS sip:x SIP/2.0\r\nl: ten\r\n\r\n')))).toBe('content-length.syntax');
  expect(code(() => new StreamFramer().push(Buffer.from('OPTIONS sip:x SIP/2.0\nContent-Length: 0\n\n')))).toBe('head.bare-lf');
  expect(code(() => new StreamFramer().push(Buffer.from('\x16\x03\x01 hello tls\r\n')))).toBe('start-line.syntax');
  expect(code(() => new StreamFramer(limitsWith({ maxMessageSize: 100 })).push(msg('x'.repeat(200))))).toBe('limit.message-size');
  const f = new StreamFramer();
  f.push(msg().subarray(0, 20));
  expect(code(() => f.end())).toBe('stream.truncated');
  expect(code(() => f.push(msg()))).toBe('stream.truncated');
});

test('WebSocket frames: masking both ways, 16- and 64-bit lengths, fragments reassembled, protocol errors named', () => {
  const server = new FrameDecoder(true, 1 << 20);
  const payload = Buffer.alloc(70_000, 0x41);
  const [f] = server.push(encodeFrame(Opcode.Text, payload, true));
  expect(f.payload.equals(payload)).toBe(true);
  const asm = new MessageAssembler(1 << 20);
  const parts = [encodeFrame(Opcode.Text, Buffer.from('ab'), true, false), encodeFrame(Opcode.Ping, Buffer.from('p'), true), encodeFrame(Opcode.Continuation, Buffer.from('cd'), true)];
  const frames = server.push(Buffer.concat(parts));
  expect(frames.map((x) => x.opcode)).toEqual([Opcode.Text, Opcode.Ping, Opcode.Continuation]);
  expect(asm.add(frames[0])).toBeUndefined();
  expect(asm.add(frames[2])!.payload.toString()).toBe('abcd');
  expect(() => new FrameDecoder(true, 100).push(encodeFrame(Opcode.Text, Buffer.from('x'), false))).toThrow('RFC 6455 5.1: unmasked frame from a client');
  expect(() => new FrameDecoder(false, 100).push(encodeFrame(Opcode.Text, Buffer.from('x'), true))).toThrow('RFC 6455 5.1: masked frame from a server');
  expect(() => new FrameDecoder(false, 100).push(encodeFrame(Opcode.Text, Buffer.alloc(101), false))).toThrow('limit: frame payload of 101 octets exceeds 100');
  expect(() => new FrameDecoder(false, 100).push(Buffer.from([0x83, 0x00]))).toThrow('RFC 6455 5.2: unknown opcode 3');
  expect(() => new FrameDecoder(false, 100).push(Buffer.from([0xc1, 0x00]))).toThrow('RFC 6455 5.2: reserved bits');
  expect(() => new MessageAssembler(10).add({ fin: true, opcode: Opcode.Continuation, payload: Buffer.alloc(1) })).toThrow('RFC 6455 5.4');
});
