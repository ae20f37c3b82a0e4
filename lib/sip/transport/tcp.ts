/**
 * TCP and TLS listeners and connectors on 127.0.0.1. A listener hands out
 * one StreamChannel per accepted connection; connecting fails with an exact
 * SipTransportError (refused, timeout, TLS verification with its code).
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect, type TlsOptions, type ConnectionOptions } from 'node:tls';
import { DEFAULT_LIMITS, type SipLimits } from '../limits.ts';
import { StreamChannel } from './stream.ts';
import { SipTransportError, type Endpoint } from './wire.ts';

export interface TlsServerMaterial {
  key: string | Buffer;
  cert: string | Buffer;
  /** CA for client certificates, when the test wants mutual TLS. */
  ca?: string | Buffer;
  requestCert?: boolean;
}

export class StreamListener {
  readonly channels: StreamChannel[] = [];
  private pending: StreamChannel[] = [];
  private waiters: Array<(c: StreamChannel) => void> = [];
  /** TLS handshake failures on this listener (client refused our certificate, etc.). */
  readonly tlsErrors: string[] = [];

  /** Raw sockets, so that close() also ends connections still in (or stuck in) the TLS handshake. */
  private readonly sockets = new Set<Socket>();

  private constructor(readonly kind: 'tcp' | 'tls', private readonly server: Server, readonly local: Endpoint, limits: SipLimits) {
    server.on('connection', (raw: Socket) => {
      this.sockets.add(raw);
      raw.once('close', () => this.sockets.delete(raw));
    });
    const event = kind === 'tls' ? 'secureConnection' : 'connection';
    server.on(event, (socket: Socket) => {
      const ch = new StreamChannel(kind, socket, limits);
      this.channels.push(ch);
      const w = this.waiters.shift();
      if (w) w(ch);
      else this.pending.push(ch);
    });
    server.on('tlsClientError', (e: Error) => this.tlsErrors.push(e.message));
  }

  static async open(kind: 'tcp' | 'tls', opts: { tls?: TlsServerMaterial; limits?: SipLimits; port?: number; handshakeTimeoutMs?: number } = {}): Promise<StreamListener> {
    let server: Server;
    if (kind === 'tls') {
      if (!opts.tls) throw new SipTransportError('tls', 'a TLS listener needs a key and certificate');
      const o: TlsOptions = { key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: opts.tls.requestCert ?? false, rejectUnauthorized: false, handshakeTimeout: opts.handshakeTimeoutMs ?? 5000 };
      server = createTlsServer(o);
    } else server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address() as { address: string; port: number };
    return new StreamListener(kind, server, { address: a.address, port: a.port }, opts.limits ?? DEFAULT_LIMITS);
  }

  /** The next accepted connection; rejects with 'timeout' when none comes. */
  accept(timeoutMs: number): Promise<StreamChannel> {
    const c = this.pending.shift();
    if (c) return Promise.resolve(c);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new SipTransportError('timeout', `no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (ch: StreamChannel) => {
        clearTimeout(timer);
        resolve(ch);
      };
      this.waiters.push(done);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.close().catch(() => undefined)));
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface ConnectOptions {
  timeoutMs?: number;
  limits?: SipLimits;
  /** TLS: trust anchors (the given CA only, not the system store), server name to verify, client certificate. */
  tls?: { ca: string | Buffer; servername?: string; key?: string | Buffer; cert?: string | Buffer; minVersion?: ConnectionOptions['minVersion'] };
}

export async function connectStream(kind: 'tcp' | 'tls', to: Endpoint, opts: ConnectOptions = {}): Promise<StreamChannel> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const socket: Socket = await new Promise((resolve, reject) => {
    let s: Socket;
    const timer = setTimeout(() => {
      s.destroy();
      reject(new SipTransportError('timeout', `${kind} connect to ${to.address}:${to.port} not established within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const tlsFailure = kind === 'tls' && /CERT|TLS|SSL|ALTNAME|SELF_SIGNED|UNABLE_TO/i.test(`${e.code}`);
      reject(new SipTransportError(tlsFailure ? 'tls' : 'socket', e.message, e.code));
    };
    if (kind === 'tls') {
      if (!opts.tls) throw new SipTransportError('tls', 'a TLS connection needs the CA to trust');
      s = tlsConnect({ host: to.address, port: to.port, ca: opts.tls.ca, servername: opts.tls.servername, key: opts.tls.key, cert: opts.tls.cert, minVersion: opts.tls.minVersion ?? 'TLSv1.2', rejectUnauthorized: true }, () => {
        clearTimeout(timer);
        s.off('error', fail);
        resolve(s);
      });
    } else {
      s = netConnect({ host: to.address, port: to.port }, () => {
        clearTimeout(timer);
        s.off('error', fail);
        resolve(s);
      });
    }
    s.once('error', fail);
  });
  return new StreamChannel(kind, socket, opts.limits ?? DEFAULT_LIMITS);
}
