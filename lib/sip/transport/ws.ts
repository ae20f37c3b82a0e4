/**
 * SIP over WebSocket (RFC 7118) on 127.0.0.1: a listener that answers the
 * opening handshake only when the client offers the "sip" subprotocol, a
 * connector that insists the server selects it, and a channel where each
 * WebSocket data message is one SIP message (RFC 7118 5.2). With TLS
 * material the same runs as wss (RFC 7118 3: WebSocket over TLS).
 */
import { isUtf8 } from 'node:buffer';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { TlsServerMaterial } from './tcp.ts';
import { DEFAULT_LIMITS, type SipLimits } from '../limits.ts';
import { acceptFor, encodeFrame, FrameDecoder, hasToken, MAX_HANDSHAKE, MessageAssembler, newKey, Opcode, parseHttpHead, WsProtocolError } from './ws-frame.ts';
import { Inbox, now, SipTransportError, type Endpoint, type Received, type SipChannel, type WireRecord } from './wire.ts';

export class WsChannel implements SipChannel {
  readonly kind: 'ws' | 'wss';
  readonly records: WireRecord[] = [];
  readonly local: Endpoint;
  readonly remote: Endpoint;
  /** The handshake as exchanged (request head, response head), as evidence. */
  handshake = { request: '', response: '' };
  /** What the peer got wrong without it being fatal here (e.g. a text message not in UTF-8, RFC 6455 8.1), as evidence. */
  readonly violations: string[] = [];
  private readonly inbox = new Inbox();
  private readonly decoder: FrameDecoder;
  private readonly assembler: MessageAssembler;
  private closed: Promise<void>;

  constructor(private readonly socket: Socket, private readonly isServer: boolean, limits: SipLimits, rest: Buffer) {
    this.kind = 'encrypted' in socket && (socket as TLSSocket).encrypted ? 'wss' : 'ws';
    this.local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
    this.remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    this.decoder = new FrameDecoder(isServer, limits.maxMessageSize);
    this.assembler = new MessageAssembler(limits.maxMessageSize);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (c: Buffer) => this.onData(c));
    socket.on('error', (e) => this.inbox.fail(new SipTransportError('socket', e.message)));
    socket.once('close', () => this.inbox.fail(new SipTransportError('closed', 'WebSocket connection closed')));
    if (rest.length) queueMicrotask(() => this.onData(rest));
  }

  private onData(chunk: Buffer): void {
    try {
      for (const f of this.decoder.push(chunk)) {
        if (f.opcode === Opcode.Ping) this.socket.write(encodeFrame(Opcode.Pong, f.payload, !this.isServer));
        else if (f.opcode === Opcode.Close) {
          this.inbox.fail(new SipTransportError('closed', `peer sent WebSocket close${f.payload.length >= 2 ? ` ${f.payload.readUInt16BE(0)}` : ''}`));
          if (!this.socket.destroyed) this.socket.end(encodeFrame(Opcode.Close, f.payload.subarray(0, 2), !this.isServer));
        } else if (f.opcode !== Opcode.Pong) {
          const m = this.assembler.add(f);
          if (!m) continue;
          // RFC 6455 8.1 says to fail the connection; a tester delivers the message and records the violation instead.
          if (m.opcode === Opcode.Text && !isUtf8(m.payload)) this.violations.push(`RFC 6455 8.1: text message of ${m.payload.length} octets is not valid UTF-8 (RFC 7118 5.1: binary bodies go in binary frames)`);
          const at = now();
          this.records.push({ direction: 'received', transport: this.kind, at, local: this.local, remote: this.remote, octets: m.payload });
          this.inbox.put({ octets: m.payload, from: this.remote, at });
        }
      }
    } catch (e) {
      const err = e as WsProtocolError;
      this.inbox.fail(new SipTransportError(err.rule === 'limit' ? 'limit' : 'ws.protocol', err.rule === 'limit' ? err.message.slice('limit: '.length) : err.message, err.rule));
      // 1002 protocol error / 1009 message too big (RFC 6455 7.4.1).
      const code = Buffer.alloc(2);
      code.writeUInt16BE(err.rule === 'limit' ? 1009 : 1002);
      if (!this.socket.destroyed) this.socket.end(encodeFrame(Opcode.Close, code, !this.isServer));
    }
  }

  /**
   * One SIP message as one WebSocket message: a text frame when the octets
   * are UTF-8, else binary (RFC 7118 5.1, RFC 6455 5.6); `frame` forces one.
   */
  async send(octets: Uint8Array, _to?: Endpoint, frame?: 'text' | 'binary'): Promise<void> {
    if (this.socket.destroyed) throw new SipTransportError('closed', 'send on a closed WebSocket');
    const binary = frame ? frame === 'binary' : !isUtf8(octets);
    const wire = encodeFrame(binary ? Opcode.Binary : Opcode.Text, octets, !this.isServer);
    await new Promise<void>((resolve, reject) => this.socket.write(wire, (e) => (e ? reject(new SipTransportError('socket', e.message)) : resolve())));
    this.records.push({ direction: 'sent', transport: this.kind, at: now(), local: this.local, remote: this.remote, octets: Buffer.from(octets) });
  }

  /** Negotiated TLS parameters (wss only), as evidence. */
  tlsEvidence(): { protocol: string | null; cipher: string | undefined; authorized: boolean } | undefined {
    if (this.kind !== 'wss') return undefined;
    const s = this.socket as TLSSocket;
    return { protocol: s.getProtocol(), cipher: s.getCipher()?.name, authorized: s.authorized };
  }

  /** Raw octets on the socket, for tests that send broken frames. */
  writeRaw(octets: Uint8Array): void {
    this.socket.write(octets);
  }

  receive(timeoutMs: number): Promise<Received> {
    return this.inbox.receive(timeoutMs);
  }

  listen(onMessage: (r: Received) => void, onError: (e: SipTransportError) => void): void {
    this.inbox.listen(onMessage, onError);
  }

  async close(): Promise<void> {
    if (!this.socket.destroyed) this.socket.end(encodeFrame(Opcode.Close, Buffer.from([0x03, 0xe8]), !this.isServer));
    const t = setTimeout(() => this.socket.destroy(), 500);
    await this.closed;
    clearTimeout(t);
  }
}

/** Reads an HTTP head (up to CRLF CRLF) within MAX_HANDSHAKE octets and the deadline. */
function readHead(socket: Socket, timeoutMs: number): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (e?: Error, v?: { head: string; rest: Buffer }) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (e) reject(e);
      else resolve(v!);
    };
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end >= 0) done(undefined, { head: buf.toString('latin1', 0, end), rest: buf.subarray(end + 4) });
      else if (buf.length > MAX_HANDSHAKE) done(new SipTransportError('ws.handshake', `handshake head longer than ${MAX_HANDSHAKE} octets`));
    };
    const onClose = () => done(new SipTransportError('ws.handshake', 'connection closed during the handshake'));
    const timer = setTimeout(() => done(new SipTransportError('timeout', `no WebSocket handshake within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

export class WsListener {
  readonly channels: WsChannel[] = [];
  /** Handshakes refused, with the reason (evidence of what a client offered). */
  readonly refused: string[] = [];
  private pending: WsChannel[] = [];
  private waiters: Array<(c: WsChannel) => void> = [];
  private sockets = new Set<Socket>();

  private constructor(private readonly server: Server, readonly local: Endpoint, limits: SipLimits, handshakeTimeoutMs: number, secure: boolean) {
    server.on(secure ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      readHead(socket, handshakeTimeoutMs).then(({ head, rest }) => {
        const { startLine, fields } = parseHttpHead(head);
        const key = fields.get('sec-websocket-key');
        const problem = !/^GET \S+ HTTP\/1\.1$/.test(startLine) ? 'not GET ... HTTP/1.1'
          : !hasToken(fields.get('upgrade'), 'websocket') ? 'no Upgrade: websocket'
          : !hasToken(fields.get('connection'), 'upgrade') ? 'no Connection: Upgrade'
          : fields.get('sec-websocket-version') !== '13' ? 'Sec-WebSocket-Version not 13'
          : !key || Buffer.from(key, 'base64').length !== 16 ? 'bad Sec-WebSocket-Key'
          : !hasToken(fields.get('sec-websocket-protocol'), 'sip') ? 'no "sip" subprotocol offered (RFC 7118 4.1)' : '';
        if (problem) {
          this.refused.push(problem);
          socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: ${problem.length}\r\n\r\n${problem}`);
          return;
        }
        const response = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key!)}\r\nSec-WebSocket-Protocol: sip\r\n\r\n`;
        socket.write(response);
        const ch = new WsChannel(socket, true, limits, rest);
        ch.handshake = { request: head, response };
        this.channels.push(ch);
        const w = this.waiters.shift();
        if (w) w(ch);
        else this.pending.push(ch);
      }, (e: Error) => {
        this.refused.push(e.message);
        socket.destroy();
      });
    });
  }

  /** With `tls`, a wss listener. */
  static async open(opts: { limits?: SipLimits; handshakeTimeoutMs?: number; tls?: TlsServerMaterial } = {}): Promise<WsListener> {
    const server: Server = opts.tls ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: opts.tls.requestCert ?? false, rejectUnauthorized: false }) : createServer();
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const a = server.address() as { address: string; port: number };
    return new WsListener(server, { address: a.address, port: a.port }, opts.limits ?? DEFAULT_LIMITS, opts.handshakeTimeoutMs ?? 5000, !!opts.tls);
  }

  accept(timeoutMs: number): Promise<WsChannel> {
    const c = this.pending.shift();
    if (c) return Promise.resolve(c);
    return new Promise((resolve, reject) => {
      const done = (ch: WsChannel) => {
        clearTimeout(timer);
        resolve(ch);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new SipTransportError('timeout', `no WebSocket connection within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(done);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.close().catch(() => undefined)));
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** `tls`: connect as wss, trusting only the given CA. */
export async function connectWs(to: Endpoint, opts: { path?: string; host?: string; protocols?: string[]; timeoutMs?: number; limits?: SipLimits; tls?: { ca: string | Buffer; servername?: string } } = {}): Promise<WsChannel> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const socket: Socket = await new Promise((resolve, reject) => {
    const ready = () => {
      clearTimeout(timer);
      s.off('error', fail);
      resolve(s);
    };
    const s: Socket = opts.tls
      ? tlsConnect({ host: to.address, port: to.port, ca: opts.tls.ca, servername: opts.tls.servername, minVersion: 'TLSv1.2', rejectUnauthorized: true }, ready)
      : netConnect({ host: to.address, port: to.port }, ready);
    const fail = (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new SipTransportError(opts.tls && /CERT|TLS|SSL|ALTNAME|SELF_SIGNED|UNABLE_TO/i.test(`${e.code}`) ? 'tls' : 'socket', e.message, e.code));
    };
    const timer = setTimeout(() => {
      s.destroy();
      reject(new SipTransportError('timeout', `${opts.tls ? 'wss' : 'ws'} connect to ${to.address}:${to.port} not established within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('error', fail);
  });
  const key = newKey();
  const request = `GET ${opts.path ?? '/'} HTTP/1.1\r\nHost: ${opts.host ?? `${to.address}:${to.port}`}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${(opts.protocols ?? ['sip']).join(', ')}\r\n\r\n`;
  socket.write(request);
  try {
    const { head, rest } = await readHead(socket, timeoutMs);
    const { startLine, fields } = parseHttpHead(head);
    const problem = !/^HTTP\/1\.1 101\b/.test(startLine) ? `server answered ${JSON.stringify(startLine.slice(0, 80))}`
      : fields.get('sec-websocket-accept') !== acceptFor(key) ? 'wrong Sec-WebSocket-Accept (RFC 6455 4.1)'
      : fields.get('sec-websocket-protocol')?.toLowerCase() !== 'sip' ? `server selected subprotocol ${JSON.stringify(fields.get('sec-websocket-protocol') ?? null)}, not "sip" (RFC 7118 4.1)` : '';
    if (problem) throw new SipTransportError('ws.handshake', problem, head);
    const ch = new WsChannel(socket, false, opts.limits ?? DEFAULT_LIMITS, rest);
    ch.handshake = { request, response: head };
    return ch;
  } catch (e) {
    socket.destroy();
    throw e;
  }
}
