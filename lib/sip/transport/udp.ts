/**
 * UDP on 127.0.0.1: one socket, each datagram one message (RFC 3261 18.1).
 * Datagrams over the size bound are recorded and reported, not delivered.
 */
import { createSocket, type Socket } from 'node:dgram';
import { DEFAULT_LIMITS, type SipLimits } from '../limits.ts';
import { Inbox, now, SipTransportError, type Endpoint, type Received, type SipChannel, type WireRecord } from './wire.ts';

export class UdpChannel implements SipChannel {
  readonly kind = 'udp' as const;
  readonly records: WireRecord[] = [];
  /** Datagrams dropped for size, with their sender (kept in records too). */
  readonly oversized: Received[] = [];
  private readonly inbox = new Inbox();

  private constructor(private readonly socket: Socket, readonly local: Endpoint, public remote: Endpoint | undefined, private readonly limits: SipLimits) {
    socket.on('message', (msg, rinfo) => {
      const from = { address: rinfo.address, port: rinfo.port };
      const at = now();
      this.records.push({ direction: 'received', transport: 'udp', at, local: this.local, remote: from, octets: msg });
      if (msg.length > this.limits.maxMessageSize) this.oversized.push({ octets: msg, from, at });
      else this.inbox.put({ octets: msg, from, at });
    });
    socket.on('error', (e) => this.inbox.fail(new SipTransportError('socket', e.message)));
  }

  /** Binds `host` (default 127.0.0.1: tests and the reference never listen elsewhere) at `port` (default: any). */
  static async open(opts: { host?: string; port?: number; remote?: Endpoint; limits?: SipLimits } = {}): Promise<UdpChannel> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const a = socket.address();
    return new UdpChannel(socket, { address: a.address, port: a.port }, opts.remote, opts.limits ?? DEFAULT_LIMITS);
  }

  async send(octets: Uint8Array, to?: Endpoint): Promise<void> {
    const dest = to ?? this.remote;
    if (!dest) throw new SipTransportError('socket', 'UDP send without a destination');
    await new Promise<void>((resolve, reject) => this.socket.send(octets, dest.port, dest.address, (e) => (e ? reject(new SipTransportError('socket', e.message)) : resolve())));
    this.records.push({ direction: 'sent', transport: 'udp', at: now(), local: this.local, remote: dest, octets: Buffer.from(octets) });
  }

  receive(timeoutMs: number): Promise<Received> {
    return this.inbox.receive(timeoutMs);
  }

  listen(onMessage: (r: Received) => void, onError: (e: SipTransportError) => void): void {
    this.inbox.listen(onMessage, onError);
  }

  async close(): Promise<void> {
    this.inbox.fail(new SipTransportError('closed', 'UDP socket closed'));
    await new Promise<void>((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
