import { test, expect } from '@playwright/test';
import { UdpChannel } from './transport/udp.ts';
import { connectStream, StreamListener } from './transport/tcp.ts';
import { connectWs, WsListener } from './transport/ws.ts';
import { serialize } from './serialize.ts';
import { parseMessage } from './parse.ts';
import { registerWithMultipart } from './test-messages.ts';
import { hasOpenssl, makeTestTls } from './test-tls.ts';
import type { SipChannel } from './transport/wire.ts';

const msg = serialize(registerWithMultipart(2048));

async function exchange(a: SipChannel, b: SipChannel, back: SipChannel = b) {
  await a.send(msg);
  const got = await b.receive(2000);
  expect(Buffer.from(got.octets)).toEqual(msg);
  expect(parseMessage(got.octets, { transport: b.kind === 'udp' ? 'datagram' : 'stream' }).deviations).toEqual([]);
  await back.send(msg, got.from);
  const echo = await a.receive(2000);
  expect(Buffer.from(echo.octets)).toEqual(msg);
  const sent = a.records.find((r) => r.direction === 'sent')!;
  const rcvd = b.records.find((r) => r.direction === 'received')!;
  expect(Buffer.from(sent.octets)).toEqual(msg);
  expect(rcvd.remote).toEqual(a.local);
  expect(rcvd.at).toBeGreaterThanOrEqual(sent.at - 1);
}

test('UDP: octets, peers and timestamps recorded both ways; silence is an exact timeout', async () => {
  const b = await UdpChannel.open();
  const a = await UdpChannel.open({ remote: b.local });
  try {
    await exchange(a, b);
    await expect(b.receive(100)).rejects.toThrow('timeout: no SIP message within 100 ms');
  } finally {
    await a.close();
    await b.close();
  }
});

test('TCP: messages framed by Content-Length even when split and coalesced; CRLF keep-alives counted', async () => {
  const l = await StreamListener.open('tcp');
  const a = await connectStream('tcp', l.local);
  try {
    const b = await l.accept(2000);
    await exchange(a, b);
    // Two messages in one write, then one split in three writes, with keep-alives between.
    await a.send(Buffer.concat([msg, Buffer.from('\r\n\r\n'), msg]));
    await a.send(msg.subarray(0, 10));
    await a.send(msg.subarray(10, 1500));
    await a.send(msg.subarray(1500));
    for (let i = 0; i < 3; i++) expect(Buffer.from((await b.receive(2000)).octets)).toEqual(msg);
    expect(b.keepalives).toBe(2);
  } finally {
    await a.close();
    await l.close();
  }
});

test('TLS: trusted CA only, negotiated protocol and cipher reported as evidence', async () => {
  test.skip(!hasOpenssl(), 'openssl CLI not installed: cannot make test certificates');
  const tls = makeTestTls(['DNS:sip.test.example', 'IP:127.0.0.1']);
  const l = await StreamListener.open('tls', { tls: { key: tls.keyPem, cert: tls.certPem } });
  const a = await connectStream('tls', l.local, { tls: { ca: tls.caPem, servername: 'sip.test.example' } });
  try {
    const b = await l.accept(2000);
    await exchange(a, b);
    const ev = a.tlsEvidence()!;
    expect(ev.authorized).toBe(true);
    expect(ev.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(ev.cipher?.name).toBeTruthy();
    expect(ev.peerAltNames).toContain('DNS:sip.test.example');
  } finally {
    await a.close();
    await l.close();
  }
});

test('WebSocket (RFC 7118): subprotocol "sip" negotiated, one SIP message per WebSocket message, both directions', async () => {
  const l = await WsListener.open();
  const a = await connectWs(l.local);
  try {
    const b = await l.accept(2000);
    expect(a.handshake.response).toMatch(/Sec-WebSocket-Protocol: sip/i);
    expect(b.handshake.request).toMatch(/Sec-WebSocket-Protocol: sip/i);
    await exchange(a, b);
    // A client not offering "sip" is refused with an exact reason.
    await expect(connectWs(l.local, { protocols: ['chat'] })).rejects.toThrow(/ws.handshake: server answered "HTTP\/1.1 400/);
    expect(l.refused).toContain('no "sip" subprotocol offered (RFC 7118 4.1)');
  } finally {
    await a.close();
    await l.close();
  }
});

test('WebSocket over TLS (wss): handshake inside TLS, records say wss, TLS evidence reported', async () => {
  test.skip(!hasOpenssl(), 'openssl CLI not installed: cannot make test certificates');
  const tls = makeTestTls(['DNS:sip.test.example']);
  const l = await WsListener.open({ tls: { key: tls.keyPem, cert: tls.certPem } });
  const a = await connectWs(l.local, { tls: { ca: tls.caPem, servername: 'sip.test.example' } });
  try {
    const b = await l.accept(2000);
    expect([a.kind, b.kind]).toEqual(['wss', 'wss']);
    await exchange(a, b);
    expect(a.records[0].transport).toBe('wss');
    expect(a.tlsEvidence()).toMatchObject({ authorized: true, protocol: expect.stringMatching(/^TLSv1\.[23]$/) });
    await expect(connectWs(l.local, { tls: { ca: tls.caPem, servername: 'wrong.example' } })).rejects.toMatchObject({ code: 'tls', detail: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  } finally {
    await a.close();
    await l.close();
  }
});

test('mutual TLS: the listener asks for a client certificate and reports what the client presented', async () => {
  test.skip(!hasOpenssl(), 'openssl CLI not installed: cannot make test certificates');
  const tls = makeTestTls(['DNS:sip.test.example']);
  const l = await StreamListener.open('tls', { tls: { key: tls.keyPem, cert: tls.certPem, ca: tls.caPem, requestCert: true } });
  const a = await connectStream('tls', l.local, { tls: { ca: tls.caPem, servername: 'sip.test.example', key: tls.keyPem, cert: tls.certPem } });
  const anon = await connectStream('tls', l.local, { tls: { ca: tls.caPem, servername: 'sip.test.example' } });
  try {
    const b = await l.accept(2000);
    const c = await l.accept(2000);
    const [withCert, without] = [b, c].sort((x, y) => Number(y.tlsEvidence()!.authorized) - Number(x.tlsEvidence()!.authorized));
    expect(withCert.tlsEvidence()).toMatchObject({ authorized: true, peerSubject: 'sip.test.example' });
    expect(without.tlsEvidence()).toMatchObject({ authorized: false, peerSubject: undefined });
    expect(without.tlsEvidence()!.authorizationError).toBeTruthy();
  } finally {
    await a.close();
    await anon.close();
    await l.close();
  }
});

test('WebSocket frame type: binary bodies go as binary messages, UTF-8 as text; a text message that is not UTF-8 is delivered and recorded as a violation', async () => {
  const l = await WsListener.open();
  const a = await connectWs(l.local);
  try {
    const b = await l.accept(2000);
    const binaryBody = Buffer.concat([Buffer.from('MESSAGE sip:x SIP/2.0\r\nContent-Length: 2\r\n\r\n'), Buffer.from([0xff, 0xfe])]);
    const raw: Buffer[] = [];
    (b as unknown as { socket: import('node:net').Socket }).socket.prependListener('data', (d: Buffer) => raw.push(d));
    await a.send(binaryBody);
    await b.receive(2000);
    expect(raw[0][0] & 0x0f).toBe(0x2); // binary opcode
    await a.send(binaryBody, undefined, 'text');
    expect(Buffer.from((await b.receive(2000)).octets)).toEqual(binaryBody);
    expect(b.violations).toEqual([`RFC 6455 8.1: text message of ${binaryBody.length} octets is not valid UTF-8 (RFC 7118 5.1: binary bodies go in binary frames)`]);
  } finally {
    await a.close();
    await l.close();
  }
});
