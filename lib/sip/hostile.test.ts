/**
 * A hostile SIP peer: each misbehaviour must end in an exact error within
 * the configured time, never a crash, a hang or unbounded buffering.
 */
import { test, expect } from '@playwright/test';
import { createServer, type Server, type Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { connectStream } from './transport/tcp.ts';
import { StreamListener } from './transport/tcp.ts';
import { UdpChannel } from './transport/udp.ts';
import { connectWs } from './transport/ws.ts';
import { SipEndpoint } from './endpoint.ts';
import { buildRequest } from './build.ts';
import { parseMessage } from './parse.ts';
import { limitsWith } from './limits.ts';
import { serialize } from './serialize.ts';
import { hasOpenssl, makeTestTls } from './test-tls.ts';
import type { Endpoint } from './transport/wire.ts';

/** A TCP stub running `behave` on each connection; stop() ends every connection and timer. */
async function stub(behave: (s: Socket, stop: { stopped: boolean }) => void) {
  const sockets = new Set<Socket>();
  const flag = { stopped: false };
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    behave(s, flag);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address() as { port: number };
  return {
    at: { address: '127.0.0.1', port: a.port } as Endpoint,
    async stop() {
      flag.stopped = true;
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const options = (local: Endpoint) => serialize(buildRequest({ method: 'OPTIONS', uri: 'sip:x@127.0.0.1', from: 'sip:t@127.0.0.1', to: 'sip:x@127.0.0.1', via: { transport: 'tcp', host: local.address, port: local.port } }));

async function within<T>(ms: number, p: Promise<T>): Promise<{ ms: number; error: Error }> {
  const start = performance.now();
  const error = await p.then(() => new Error('no error'), (e: Error) => e);
  const took = performance.now() - start;
  expect(took).toBeLessThan(ms);
  return { ms: took, error };
}

test('garbage: over UDP it is kept as unparseable with the reason; over TCP a first line that starts no message ends the stream', async () => {
  const peer = await UdpChannel.open();
  const me = await UdpChannel.open({ remote: peer.local });
  const ep = new SipEndpoint(me);
  const s = await stub((sock) => sock.write(randomBytes(64 * 1024)));
  try {
    await peer.send(randomBytes(1200), me.local);
    await expect.poll(() => ep.unparseable.length, { timeout: 2000 }).toBe(1);
    expect(ep.unparseable[0].deviations[0].rule).toMatch(/head.unterminated|start-line.syntax/);
    const c = await connectStream('tcp', s.at);
    const { error } = await within(3000, c.receive(2000));
    expect(error.message).toMatch(/^framing: start-line\.syntax at stream offset 0: first line /);
    // What arrived is kept raw even though it never made a message.
    expect(c.rawReceived.reduce((n, r) => n + r.octets.length, 0)).toBeGreaterThan(0);
    await c.close();
  } finally {
    ep.stop();
    await me.close();
    await peer.close();
    await s.stop();
  }
});

test('a 10 MB message: refused from its Content-Length over TCP, and as a datagram-sized buffer by the parser', async () => {
  const s = await stub((sock) => {
    sock.write('SIP/2.0 200 OK\r\nContent-Length: 10485760\r\n\r\n');
    sock.write(Buffer.alloc(10 * 1024 * 1024, 0x41));
  });
  try {
    const c = await connectStream('tcp', s.at);
    const { error } = await within(3000, c.receive(2000));
    expect(error.message).toBe('framing: limit.message-size at stream offset 0: Content-Length 10485760 makes a 10485804-octet message');
    await c.close();
    expect(parseMessage(Buffer.alloc(10 * 1024 * 1024, 0x41)).deviations.map((d) => d.rule)).toEqual(['limit.message-size']);
  } finally {
    await s.stop();
  }
});

test('a client that connects to our TLS listener and never handshakes: reported at the handshake timeout, and close() does not wait for it', async () => {
  test.skip(!hasOpenssl(), 'openssl CLI not installed: cannot make test certificates');
  const tls = makeTestTls(['DNS:sip.test.example']);
  const l = await StreamListener.open('tls', { tls: { key: tls.keyPem, cert: tls.certPem }, handshakeTimeoutMs: 300 });
  const { connect } = await import('node:net');
  const silent = connect({ host: '127.0.0.1', port: l.local.port });
  silent.on('error', () => undefined);
  try {
    const { error } = await within(2000, l.accept(1000));
    expect(error.message).toBe('timeout: no connection within 1000 ms');
    await expect.poll(() => l.tlsErrors.length, { timeout: 2000 }).toBe(1);
    expect(l.tlsErrors[0]).toMatch(/TLS handshake timeout/);
  } finally {
    const start = performance.now();
    await l.close();
    expect(performance.now() - start).toBeLessThan(1000);
    silent.destroy();
  }
});

test('an oversized datagram is recorded and reported, not delivered', async () => {
  const me = await UdpChannel.open({ limits: limitsWith({ maxMessageSize: 1000 }) });
  const peer = await UdpChannel.open();
  try {
    await peer.send(Buffer.alloc(5000, 0x41), me.local);
    await expect(me.receive(300)).rejects.toThrow('timeout: no SIP message within 300 ms');
    expect(me.oversized.map((o) => o.octets.length)).toEqual([5000]);
    expect(me.records.map((r) => [r.direction, r.octets.length])).toEqual([['received', 5000]]);
  } finally {
    await me.close();
    await peer.close();
  }
});

test('a 1 MB header line: the framer stops at the line bound, not at 1 MB', async () => {
  const s = await stub((sock) => sock.write(`SIP/2.0 200 OK\r\nX-Long: ${'a'.repeat(1024 * 1024)}\r\n\r\n`));
  try {
    const c = await connectStream('tcp', s.at);
    const { error } = await within(3000, c.receive(2000));
    expect(error.message).toMatch(/^framing: limit\.header-line at stream offset 16: a line of more than 8192 octets without end$/);
    await c.close();
  } finally {
    await s.stop();
  }
});

test('a never-ending stream of short lines: stopped at the message-size bound; a trickle ends in a timeout', async () => {
  const s = await stub((sock, st) => {
    const tick = () => {
      if (st.stopped || sock.destroyed) return;
      sock.write('X-Forever: 1\r\n'.repeat(1000), () => setImmediate(tick));
    };
    sock.write('SIP/2.0 200 OK\r\n');
    tick();
  });
  const slow = await stub((sock, st) => {
    const t = setInterval(() => (st.stopped || sock.destroyed ? clearInterval(t) : sock.write('X')), 20);
    sock.on('close', () => clearInterval(t));
  });
  try {
    const c = await connectStream('tcp', s.at);
    const { error } = await within(5000, c.receive(4000));
    expect(error.message).toMatch(/^framing: limit\.message-size at stream offset 0: \d+ octets without the end of a header section$/);
    await c.close();
    const d = await connectStream('tcp', slow.at);
    const r = await within(1500, d.receive(500));
    expect(r.error.message).toBe('timeout: no SIP message within 500 ms');
    await d.close();
  } finally {
    await s.stop();
    await slow.stop();
  }
});

test('a TLS certificate for another name: the connection fails with the exact verification error', async () => {
  test.skip(!hasOpenssl(), 'openssl CLI not installed: cannot make test certificates');
  const tls = makeTestTls(['DNS:other.example']);
  const l = await StreamListener.open('tls', { tls: { key: tls.keyPem, cert: tls.certPem } });
  try {
    const { error } = await within(3000, connectStream('tls', l.local, { tls: { ca: tls.caPem, servername: 'sip.test.example' }, timeoutMs: 2000 }));
    expect(error.message).toMatch(/^tls: Hostname\/IP does not match certificate's altnames: Host: sip\.test\.example\. is not in the cert's altnames: DNS:other\.example$/);
    expect((error as { detail?: string }).detail).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    // Another CA entirely: also exact.
    const other = makeTestTls(['DNS:sip.test.example']);
    const e2 = await within(3000, connectStream('tls', l.local, { tls: { ca: other.caPem, servername: 'other.example' }, timeoutMs: 2000 }));
    expect((e2.error as { detail?: string }).detail).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
  } finally {
    await l.close();
  }
});

test('silence: a peer that accepts and says nothing ends in Timer F over TCP, a TLS handshake timeout, a WebSocket handshake timeout', async () => {
  const s = await stub(() => undefined);
  try {
    const c = await connectStream('tcp', s.at);
    const ep = new SipEndpoint(c, { timers: { T1: 20 } });
    const tx = ep.sendRequest(parseMessage(options(c.local)).message!);
    const { error } = await within(3000, tx.final);
    expect(error.message).toBe('timer-f: no final response to OPTIONS within 1280 ms (Timer F)');
    ep.stop();
    await c.close();
    const t = await within(2000, connectStream('tls', s.at, { tls: { ca: 'unused' }, timeoutMs: 500 }));
    expect(t.error.message).toBe('timeout: tls connect to 127.0.0.1:' + s.at.port + ' not established within 500 ms');
    const w = await within(2000, connectWs(s.at, { timeoutMs: 500 }));
    expect(w.error.message).toBe('timeout: no WebSocket handshake within 500 ms');
  } finally {
    await s.stop();
  }
});

test('WebSocket peers that answer the handshake wrongly: each an exact ws.handshake error', async () => {
  const answers: Array<[string, (key: string) => string]> = [
    ['garbage', () => 'garbage\r\n\r\n'],
    ['no subprotocol', (k) => `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptOf(k)}\r\n\r\n`],
    ['wrong accept', () => 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\nSec-WebSocket-Protocol: sip\r\n\r\n'],
    ['endless head', () => `HTTP/1.1 101 Switching Protocols\r\n${'X: y\r\n'.repeat(3000)}`],
  ];
  const expected = [
    'ws.handshake: server answered "garbage"',
    'ws.handshake: server selected subprotocol null, not "sip" (RFC 7118 4.1)',
    'ws.handshake: wrong Sec-WebSocket-Accept (RFC 6455 4.1)',
    'ws.handshake: handshake head longer than 8192 octets',
  ];
  for (const [i, [, answer]] of answers.entries()) {
    const s = await stub((sock) => sock.once('data', (d) => sock.write(answer(/Sec-WebSocket-Key: (\S+)/i.exec(d.toString())![1]))));
    try {
      const { error } = await within(3000, connectWs(s.at, { timeoutMs: 2000 }));
      expect(error.message).toBe(expected[i]);
    } finally {
      await s.stop();
    }
  }
});

const acceptOf = (key: string) => createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');

test('a WebSocket server announcing a 10 MB frame: refused from the length, close 1009', async () => {
  const s = await stub((sock) => {
    sock.once('data', (d) => {
      const key = /Sec-WebSocket-Key: (\S+)/i.exec(d.toString())![1];
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: sip\r\n\r\n`);
      const head = Buffer.alloc(10);
      head[0] = 0x81;
      head[1] = 127;
      head.writeBigUInt64BE(10n * 1024n * 1024n, 2);
      sock.write(head);
    });
  });
  try {
    const c = await connectWs(s.at);
    const { error } = await within(3000, c.receive(2000));
    expect(error.message).toBe('limit: frame payload of 10485760 octets exceeds 262144');
    await c.close();
  } finally {
    await s.stop();
  }
});
