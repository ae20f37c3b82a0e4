/**
 * The transaction layer over one channel: parses every received message
 * (keeping its deviations), matches responses to client transactions by
 * top Via branch + CSeq method (RFC 3261 17.1.3), requests to server
 * transactions by branch + sent-by + method (17.2.3; ACK to its INVITE;
 * the ACK of a 2xx by Call-ID + CSeq number), and queues new requests for
 * the test. What matches nothing is kept in `strays`, unparseable octets in
 * `unparseable`: nothing received is lost.
 */
import { branchOf, headerValue, isRequest, methodOf, type SipMessage } from './message.ts';
import { parseMessage, type ParseOptions } from './parse.ts';
import { serialize } from './serialize.ts';
import { resolveTimers, type TimerConfig, type Timers } from './timers.ts';
import { ClientTransaction, ServerTransaction, SipTransactionError, type Incoming, type TransactionHost } from './transaction.ts';
import type { Deviation } from './deviation.ts';
import type { Endpoint, Received, SipChannel, SipTransportError } from './transport/wire.ts';

export interface EndpointOptions {
  timers?: Partial<TimerConfig>;
  /** Where requests go when sendRequest gets no destination (UDP); streams use their peer. */
  remote?: Endpoint;
  parse?: Omit<ParseOptions, 'transport'>;
}

export class SipEndpoint implements TransactionHost {
  readonly timers: Timers;
  readonly reliable: boolean;
  readonly clients = new Map<string, ClientTransaction>();
  readonly servers = new Map<string, ServerTransaction>();
  /** Parsed messages that matched no transaction (stray responses, ACKs of unknown transactions). */
  readonly strays: Incoming[] = [];
  /** Octets that did not parse as a message at all, with why. */
  readonly unparseable: Array<{ received: Received; deviations: Deviation[] }> = [];
  transportError: SipTransportError | undefined;
  private readonly newRequests: ServerTransaction[] = [];
  private waiters: Array<(t: ServerTransaction) => void> = [];
  private readonly live = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(readonly channel: SipChannel, private readonly opts: EndpointOptions = {}) {
    this.reliable = channel.kind !== 'udp';
    this.timers = resolveTimers(opts.timers, this.reliable);
    channel.listen((r) => this.onReceived(r), (e) => {
      this.transportError = e;
      if (this.stopped) return;
      for (const tx of this.clients.values()) tx.onTransportError(e);
    });
  }

  async send(octets: Uint8Array, to: Endpoint | undefined): Promise<void> {
    if (this.stopped) return;
    await this.channel.send(octets, to ?? this.opts.remote);
  }

  setTimer(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.live.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.live.add(t);
    return t;
  }

  clearTimer(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.live.delete(t);
  }

  /** Starts a client transaction for this request (its top Via branch is the key). */
  sendRequest(req: SipMessage, opts: { to?: Endpoint; retransmit?: boolean } = {}): ClientTransaction {
    const branch = branchOf(headerValue(req, 'via')) ?? '';
    const method = methodOf(req);
    const tx = new ClientTransaction(this, req, branch, opts.to ?? this.opts.remote, opts);
    this.clients.set(`${branch}|${method}`, tx);
    return tx;
  }

  /** Octets outside any transaction (ACK of a 2xx, raw or broken messages). */
  sendRaw(octetsOrMessage: Uint8Array | SipMessage, to?: Endpoint): Promise<void> {
    const octets = octetsOrMessage instanceof Uint8Array ? octetsOrMessage : serialize(octetsOrMessage);
    return this.channel.send(octets, to ?? this.opts.remote);
  }

  /** The next new request (a server transaction the test answers, or not). */
  nextRequest(timeoutMs: number, signal?: AbortSignal): Promise<ServerTransaction> {
    const t = this.newRequests.shift();
    if (t) return Promise.resolve(t);
    return new Promise((resolve, reject) => {
      // An abandoned wait must not swallow the next request: abort takes the waiter out.
      const give = (why: string) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new SipTransactionError('timeout', why));
      };
      const onAbort = () => give('the wait for a new request was given up');
      const done = (tx: ServerTransaction) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(tx);
      };
      const timer = setTimeout(() => give(`no new request within ${timeoutMs} ms`), timeoutMs);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(done);
    });
  }

  private onReceived(received: Received): void {
    if (this.stopped) return;
    const { message, deviations } = parseMessage(received.octets, { ...this.opts.parse, transport: this.reliable ? 'stream' : 'datagram' });
    if (!message) {
      this.unparseable.push({ received, deviations });
      return;
    }
    const incoming: Incoming = { message, deviations, received };
    const via = headerValue(message, 'via');
    const branch = branchOf(via) ?? '';
    const method = methodOf(message);
    if (!isRequest(message)) {
      const tx = this.clients.get(`${branch}|${method}`);
      if (tx) tx.onResponse(incoming);
      else this.strays.push(incoming);
      return;
    }
    const sentBy = (via ?? '').split(';')[0].trim().split(/\s+/)[1] ?? '';
    const key = (m: string) => `${branch}|${sentBy}|${m}`;
    if (method === 'ACK') {
      const invite = this.servers.get(key('INVITE')) ?? this.acceptedInviteFor(message);
      if (invite) invite.onAck(incoming);
      else this.strays.push(incoming);
      return;
    }
    const existing = this.servers.get(key(method));
    if (existing) {
      existing.onRetransmission(incoming);
      return;
    }
    const tx = new ServerTransaction(this, incoming, branch);
    this.servers.set(key(method), tx);
    const w = this.waiters.shift();
    if (w) w(tx);
    else this.newRequests.push(tx);
  }

  /** The INVITE server transaction a 2xx ACK belongs to: same Call-ID and CSeq number, in Accepted. */
  private acceptedInviteFor(ack: SipMessage): ServerTransaction | undefined {
    const callId = headerValue(ack, 'call-id');
    const n = (headerValue(ack, 'cseq') ?? '').split(/\s+/)[0];
    for (const tx of this.servers.values()) {
      if (tx.method !== 'INVITE' || tx.state !== 'accepted') continue;
      const m = tx.request.message;
      if (headerValue(m, 'call-id') === callId && (headerValue(m, 'cseq') ?? '').split(/\s+/)[0] === n) return tx;
    }
    return undefined;
  }

  /** Stops every timer; the channel stays open (its owner closes it). */
  stop(): void {
    this.stopped = true;
    for (const t of this.live) clearTimeout(t);
    this.live.clear();
  }
}
