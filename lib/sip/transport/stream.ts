/**
 * One TCP or TLS connection carrying SIP: octets framed by Content-Length
 * (../framing.ts). A framing error ends the connection and is what the
 * next receive() rejects with; records keep the raw octets of each message
 * and of any unframed rest.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { FramingError, StreamFramer } from '../framing.ts';
import { DEFAULT_LIMITS, type SipLimits } from '../limits.ts';
import { Inbox, now, SipTransportError, type Endpoint, type Received, type SipChannel, type WireRecord } from './wire.ts';

export interface TlsEvidence {
  protocol: string | null;
  cipher: { name: string; standardName?: string; version: string } | undefined;
  /** Peer certificate subject CN and subjectaltname, when the peer sent one. */
  peerSubject?: string;
  peerAltNames?: string;
  authorized: boolean;
  authorizationError?: string;
}

/** Raw octets kept per connection, whole messages or not (garbage included), before older chunks stop being kept. */
export const MAX_RAW_LOG = 1024 * 1024;

export class StreamChannel implements SipChannel {
  readonly records: WireRecord[] = [];
  /** Every chunk as it arrived, framed or not (up to MAX_RAW_LOG octets; then only counted in rawDropped). */
  readonly rawReceived: WireRecord[] = [];
  rawDropped = 0;
  private rawKept = 0;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  private readonly inbox = new Inbox();
  private readonly framer: StreamFramer;
  private closed: Promise<void>;

  constructor(readonly kind: 'tcp' | 'tls', private readonly socket: Socket | TLSSocket, limits: SipLimits = DEFAULT_LIMITS) {
    this.framer = new StreamFramer(limits);
    this.local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
    this.remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => this.inbox.fail(new SipTransportError(kind === 'tls' && /TLS|SSL|CERT/i.test(`${e.code} ${e.message}`) ? 'tls' : 'socket', e.message, e.code)));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once('end', () => {
      try {
        this.framer.end();
        this.inbox.fail(new SipTransportError('closed', 'peer closed the connection'));
      } catch (e) {
        this.onFramingError(e as FramingError);
      }
    });
    socket.once('close', () => this.inbox.fail(new SipTransportError('closed', 'connection closed')));
  }

  private onData(chunk: Buffer): void {
    if (this.rawKept + chunk.length <= MAX_RAW_LOG) {
      this.rawKept += chunk.length;
      this.rawReceived.push({ direction: 'received', transport: this.kind, at: now(), local: this.local, remote: this.remote, octets: chunk });
    } else this.rawDropped += chunk.length;
    let messages: Buffer[];
    try {
      messages = this.framer.push(chunk);
    } catch (e) {
      this.onFramingError(e as FramingError);
      return;
    }
    for (const m of messages) {
      const at = now();
      this.records.push({ direction: 'received', transport: this.kind, at, local: this.local, remote: this.remote, octets: m });
      this.inbox.put({ octets: m, from: this.remote, at });
    }
  }

  private onFramingError(e: FramingError): void {
    this.inbox.fail(new SipTransportError('framing', e.message, e.code));
    this.socket.destroy();
  }

  /** Negotiated TLS parameters, as evidence (TLS connections only). */
  tlsEvidence(): TlsEvidence | undefined {
    if (this.kind !== 'tls') return undefined;
    const s = this.socket as TLSSocket;
    const cert = s.getPeerCertificate?.();
    return {
      protocol: s.getProtocol(),
      cipher: s.getCipher() ?? undefined,
      peerSubject: cert && Object.keys(cert).length ? [cert.subject?.CN].flat().join(', ') : undefined,
      peerAltNames: cert?.subjectaltname,
      authorized: s.authorized,
      authorizationError: s.authorizationError ? String(s.authorizationError) : undefined,
    };
  }

  async send(octets: Uint8Array): Promise<void> {
    if (this.socket.destroyed) throw new SipTransportError('closed', 'send on a closed connection');
    await new Promise<void>((resolve, reject) => this.socket.write(octets, (e) => (e ? reject(new SipTransportError('socket', e.message)) : resolve())));
    this.records.push({ direction: 'sent', transport: this.kind, at: now(), local: this.local, remote: this.remote, octets: Buffer.from(octets) });
  }

  receive(timeoutMs: number): Promise<Received> {
    return this.inbox.receive(timeoutMs);
  }

  listen(onMessage: (r: Received) => void, onError: (e: SipTransportError) => void): void {
    this.inbox.listen(onMessage, onError);
  }

  get keepalives(): number {
    return this.framer.keepalives;
  }

  async close(): Promise<void> {
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), 500);
    await this.closed;
    clearTimeout(t);
  }
}
