/**
 * What every transport keeps: each message sent and received as the octets
 * on the wire, with a timestamp and both addresses, and an inbox a test
 * reads with a deadline. Errors are SipTransportErrors with a code, so a
 * test can tell silence from a TLS failure from a framing bound.
 */
export type TransportKind = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

export interface Endpoint {
  address: string;
  port: number;
}

export interface WireRecord {
  direction: 'sent' | 'received';
  transport: TransportKind;
  /** Wall-clock time (ms since the epoch, with the sub-ms part of performance.now()). */
  at: number;
  local: Endpoint;
  remote: Endpoint;
  octets: Uint8Array;
}

export type TransportErrorCode =
  | 'timeout' | 'closed' | 'framing' | 'tls' | 'ws.handshake' | 'ws.protocol' | 'limit' | 'socket';

export class SipTransportError extends Error {
  constructor(readonly code: TransportErrorCode, message: string, readonly detail?: string) {
    super(`${code}: ${message}`);
    this.name = 'SipTransportError';
  }
}

export function now(): number {
  return performance.timeOrigin + performance.now();
}

export interface Received {
  octets: Uint8Array;
  from: Endpoint;
  at: number;
}

/**
 * Received messages, waited for with a deadline. The first error (framing,
 * close, TLS) is kept: waiting after it rejects with it at once.
 */
export class Inbox {
  private queue: Received[] = [];
  private waiters: Array<{ resolve: (r: Received) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  private error: SipTransportError | undefined;

  private listener: ((r: Received) => void) | undefined;
  private errorListener: ((e: SipTransportError) => void) | undefined;

  /** Hands every message (queued ones first) and the error to callbacks instead of receive(): for a transaction layer. */
  listen(onMessage: (r: Received) => void, onError: (e: SipTransportError) => void): void {
    this.listener = onMessage;
    this.errorListener = onError;
    for (const r of this.queue.splice(0)) onMessage(r);
    if (this.error) onError(this.error);
  }

  put(r: Received): void {
    if (this.listener) return this.listener(r);
    const w = this.waiters.shift();
    if (w) {
      clearTimeout(w.timer);
      w.resolve(r);
    } else this.queue.push(r);
  }

  fail(e: SipTransportError): void {
    if (this.error) return;
    this.error = e;
    this.errorListener?.(e);
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(e);
    }
  }

  get failure(): SipTransportError | undefined {
    return this.error;
  }

  /** The next message; rejects with code 'timeout' after timeoutMs of silence, or with the transport's error. */
  receive(timeoutMs: number): Promise<Received> {
    const r = this.queue.shift();
    if (r) return Promise.resolve(r);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new SipTransportError('timeout', `no SIP message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push({ resolve, reject, timer });
    });
  }

  get pending(): number {
    return this.queue.length;
  }
}

/** A bidirectional SIP channel: one UDP socket, or one stream connection. */
export interface SipChannel {
  readonly kind: TransportKind;
  readonly local: Endpoint;
  /** The peer of a connection; for UDP, the default destination when one was given. */
  readonly remote: Endpoint | undefined;
  readonly records: WireRecord[];
  send(octets: Uint8Array, to?: Endpoint): Promise<void>;
  receive(timeoutMs: number): Promise<Received>;
  /** Diverts received messages to a callback (see Inbox.listen). */
  listen(onMessage: (r: Received) => void, onError: (e: SipTransportError) => void): void;
  close(): Promise<void>;
}
