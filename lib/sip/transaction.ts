/**
 * RFC 3261 17 client and server transactions, INVITE and non-INVITE, with
 * the timers of ./timers.ts. They keep everything a test wants to look at
 * (each response or retransmission with its parse deviations) and leave
 * the choices to it: a server transaction answers only when told to, a
 * client transaction reports Timer B/F expiry as an exact error.
 */
import { buildNon2xxAck, buildResponse, type ResponseSpec } from './build.ts';
import { serialize } from './serialize.ts';
import { headerValue, statusOf, type SipMessage } from './message.ts';
import type { ParsedMessage } from './parse.ts';
import type { Deviation } from './deviation.ts';
import type { Timers } from './timers.ts';
import type { Endpoint, Received } from './transport/wire.ts';

/** One received message as the transaction layer saw it. */
export interface Incoming {
  message: ParsedMessage;
  deviations: Deviation[];
  received: Received;
}

export type TransactionErrorCode = 'timer-b' | 'timer-f' | 'timer-h' | 'timeout' | 'terminated' | 'transport';

export class SipTransactionError extends Error {
  constructor(readonly code: TransactionErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'SipTransactionError';
  }
}

/** What a transaction needs from the endpoint: sending and timers it can cancel all at once. */
export interface TransactionHost {
  send(octets: Uint8Array, to: Endpoint | undefined): Promise<void>;
  setTimer(fn: () => void, ms: number): NodeJS.Timeout;
  clearTimer(t: NodeJS.Timeout | undefined): void;
  reliable: boolean;
  timers: Timers;
}

/** A queue with deadline-bounded waits (responses, retransmissions). */
class Waitable<T> {
  readonly items: T[] = [];
  private read = 0;
  private waiters: Array<(v: T) => void> = [];

  push(v: T): void {
    this.items.push(v);
    const w = this.waiters.shift();
    if (w) {
      this.read++;
      w(v);
    }
  }

  next(timeoutMs: number, what: string): Promise<T> {
    if (this.read < this.items.length) return Promise.resolve(this.items[this.read++]);
    return new Promise((resolve, reject) => {
      const done = (v: T) => {
        clearTimeout(timer);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new SipTransactionError('timeout', `no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(done);
    });
  }
}

function settle<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
  promise.catch(() => undefined); // observed through `final` / `ack` when the test cares
  return { promise, resolve, reject };
}

export type ClientState = 'calling' | 'trying' | 'proceeding' | 'completed' | 'terminated';

export class ClientTransaction {
  state: ClientState;
  /** Request retransmissions sent (Timer A / E). */
  retransmissions = 0;
  readonly responses = new Waitable<Incoming>();
  /** Resolves with the first final response; rejects on Timer B / F. */
  readonly final: Promise<Incoming>;
  /** The ACK sent for a non-2xx final response (INVITE), as sent. */
  ack: SipMessage | undefined;
  private readonly settle = settle<Incoming>();
  private retransmitTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private readonly octets: Uint8Array;

  constructor(private readonly host: TransactionHost, readonly request: SipMessage, readonly branch: string, readonly to: Endpoint | undefined, opts: { retransmit?: boolean } = {}) {
    this.final = this.settle.promise;
    this.octets = serialize(request);
    const invite = this.method === 'INVITE';
    this.state = invite ? 'calling' : 'trying';
    const t = host.timers;
    void host.send(this.octets, to).catch((e: Error) => this.fail('terminated', `send failed: ${e.message}`));
    if (!host.reliable && opts.retransmit !== false) this.scheduleRetransmit(invite ? t.A : t.E);
    this.timeoutTimer = host.setTimer(() => this.fail(invite ? 'timer-b' : 'timer-f', `no final response to ${this.method} within ${invite ? t.B : t.F} ms (Timer ${invite ? 'B' : 'F'})`), invite ? t.B : t.F);
  }

  get method(): string {
    return this.request.startLine.split(' ', 1)[0];
  }

  private scheduleRetransmit(interval: number): void {
    this.retransmitTimer = this.host.setTimer(() => {
      const invite = this.method === 'INVITE';
      if (invite ? this.state !== 'calling' : this.state !== 'trying' && this.state !== 'proceeding') return;
      this.retransmissions++;
      void this.host.send(this.octets, this.to).catch(() => undefined);
      // INVITE doubles without bound (17.1.1.2); non-INVITE caps at T2, and in Proceeding stays at T2 (17.1.2.2).
      const next = invite ? interval * 2 : this.state === 'proceeding' ? this.host.timers.T2 : Math.min(interval * 2, this.host.timers.T2);
      this.scheduleRetransmit(next);
    }, interval);
  }

  /** The channel failed (RFC 3261 17.1.4): the request ends now with the transport's reason, not at Timer B/F. */
  onTransportError(e: Error): void {
    this.fail('transport', `the transport failed before a final response to ${this.method}: ${e.message}`);
  }

  private fail(code: TransactionErrorCode, message: string): void {
    if (this.state === 'completed' || this.state === 'terminated') return;
    this.stop();
    this.settle.reject(new SipTransactionError(code, message));
  }

  private stop(): void {
    this.state = 'terminated';
    this.host.clearTimer(this.retransmitTimer);
    this.host.clearTimer(this.timeoutTimer);
  }

  /** Called by the endpoint for a response matching this transaction. */
  onResponse(r: Incoming): void {
    this.responses.push(r);
    const status = statusOf(r.message) ?? 0;
    if (this.state === 'completed' || this.state === 'terminated') {
      // A retransmitted final response: the ACK is sent again (17.1.1.2).
      if (this.ack && status >= 300) void this.host.send(serialize(this.ack), this.to).catch(() => undefined);
      return;
    }
    if (status < 200) {
      this.state = 'proceeding';
      return;
    }
    const invite = this.method === 'INVITE';
    this.host.clearTimer(this.retransmitTimer);
    this.host.clearTimer(this.timeoutTimer);
    if (invite && status >= 300) {
      this.ack = buildNon2xxAck(this.request, r.message);
      void this.host.send(serialize(this.ack), this.to).catch(() => undefined);
      this.state = 'completed';
      this.host.setTimer(() => (this.state = 'terminated'), this.host.timers.D);
    } else if (invite) {
      this.state = 'terminated'; // 2xx: the ACK is the TU's (dialog.ts)
    } else {
      this.state = 'completed';
      this.host.setTimer(() => (this.state = 'terminated'), this.host.timers.K);
    }
    this.settle.resolve(r);
  }

  nextResponse(timeoutMs: number): Promise<Incoming> {
    return this.responses.next(timeoutMs, `response to ${this.method}`);
  }
}

export type ServerState = 'trying' | 'proceeding' | 'completed' | 'accepted' | 'confirmed' | 'terminated';

export class ServerTransaction {
  state: ServerState;
  /** Retransmissions of the request received after the first. */
  readonly retransmissions = new Waitable<Incoming>();
  /** Responses sent, in order, as messages. */
  readonly sent: SipMessage[] = [];
  /** INVITE: resolves with the ACK of the final response; rejects on Timer H. */
  readonly ack: Promise<Incoming>;
  /** Final-response retransmissions sent (Timer G, or 2xx retransmission in Accepted, RFC 6026). */
  responseRetransmissions = 0;
  private readonly settle = settle<Incoming>();
  private last: Uint8Array | undefined;
  private retransmitTimer: NodeJS.Timeout | undefined;
  private tryingTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;

  constructor(private readonly host: TransactionHost, readonly request: Incoming, readonly branch: string) {
    this.ack = this.settle.promise;
    this.state = this.method === 'INVITE' ? 'proceeding' : 'trying';
    const t = host.timers.trying;
    if (this.method === 'INVITE' && t !== null) this.tryingTimer = host.setTimer(() => void this.reply(100).catch(() => undefined), t);
  }

  get method(): string {
    return this.request.message.startLine.split(' ', 1)[0];
  }

  /** Where responses go: the request's source (as with rport, RFC 3581); a test may change it. */
  replyTo: Endpoint | undefined = undefined;

  private get destination(): Endpoint {
    return this.replyTo ?? this.request.received.from;
  }

  /** Sends a response built from the request (buildResponse). */
  reply(status: number, spec: ResponseSpec = {}): Promise<void> {
    return this.respond(buildResponse(this.request.message, status, { toTag: this.toTag, ...spec }));
  }

  /** The To tag this transaction uses, so that every response carries the same one. */
  toTag: string | undefined = undefined;

  /** Sends exactly this response and moves the state machine. */
  async respond(m: SipMessage): Promise<void> {
    this.host.clearTimer(this.tryingTimer);
    const status = statusOf(m) ?? 0;
    if (!this.toTag) this.toTag = /;\s*tag=([^;>\s]+)/i.exec(headerValue(m, 'to') ?? '')?.[1];
    const octets = serialize(m);
    this.sent.push(m);
    this.last = octets;
    const t = this.host.timers;
    if (status >= 200 && (this.state === 'trying' || this.state === 'proceeding')) {
      if (this.method === 'INVITE') {
        // Non-2xx: Completed, Timer G until ACK, Timer H. 2xx: Accepted (RFC 6026), retransmitted until the ACK.
        this.state = status < 300 ? 'accepted' : 'completed';
        if (!this.host.reliable || status < 300) this.scheduleRetransmit(t.G);
        this.timeoutTimer = this.host.setTimer(() => {
          this.host.clearTimer(this.retransmitTimer);
          this.state = 'terminated';
          this.settle.reject(new SipTransactionError('timer-h', `no ACK within ${t.H} ms (Timer H)`));
        }, t.H);
      } else {
        this.state = 'completed';
        this.host.setTimer(() => (this.state = 'terminated'), t.J);
      }
    } else if (status < 200 && this.state === 'trying') this.state = 'proceeding';
    await this.host.send(octets, this.destination);
  }

  private scheduleRetransmit(interval: number): void {
    this.retransmitTimer = this.host.setTimer(() => {
      if (this.state !== 'completed' && this.state !== 'accepted') return;
      this.responseRetransmissions++;
      if (this.last) void this.host.send(this.last, this.destination).catch(() => undefined);
      this.scheduleRetransmit(Math.min(interval * 2, this.host.timers.T2));
    }, interval);
  }

  /** Called by the endpoint for a retransmitted request (answered with the last response, 17.2.1 / 17.2.2). */
  onRetransmission(r: Incoming): void {
    this.retransmissions.push(r);
    if (this.last && this.state !== 'trying') void this.host.send(this.last, this.destination).catch(() => undefined);
  }

  /** Called by the endpoint for an ACK matching this INVITE transaction. */
  onAck(r: Incoming): void {
    if (this.state !== 'completed' && this.state !== 'accepted') return;
    this.host.clearTimer(this.retransmitTimer);
    this.host.clearTimer(this.timeoutTimer);
    this.state = 'confirmed';
    this.host.setTimer(() => (this.state = 'terminated'), this.host.timers.I);
    this.settle.resolve(r);
  }

  /** Waits for the peer to retransmit the request (the test chose not to answer). */
  nextRetransmission(timeoutMs: number): Promise<Incoming> {
    return this.retransmissions.next(timeoutMs, `retransmission of ${this.method}`);
  }
}
