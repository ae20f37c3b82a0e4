/**
 * One side the suite plays around a signalling proxy under test (an MC
 * client, an MCX server, a partner domain): a SIP channel, lib/sip's
 * transactions with short timers, the answer the test has set for whatever
 * reaches it (default: 200 to REGISTER, 480 to anything else, so no dialog
 * ever starts), and every request it saw, so a test can show what the proxy
 * let through. A request that gets no final answer ends as `none` with the
 * reason (Timer B/F, transport), never as a refusal.
 */
import {
  buildRequest, headerValue, isEntryFailure, methodOf, mikeyFromSdp, mikeyOffer, openEntryChannel, parseSdp, SipEndpoint, UdpChannel,
  type EntryFailure, type EntryPoint, type ResponseSpec, type ServerTransaction, type SipChannel, type SipMessage, type TimerConfig,
} from '../sip/index.ts';

/** T1 of 150 ms: Timer B/F (no answer) ends a request after 9.6 s. */
const TIMERS: Partial<TimerConfig> = { T1: 150, T2: 600, T4: 750 };

export type FinalAnswer = { kind: 'final'; message: SipMessage; status: number } | { kind: 'none'; detail: string };
export type Answer = { status: number } & ResponseSpec;

/** A proxy entry point in the target file (with the SIP URI put in Route). */
export interface ProxyEntry extends EntryPoint {
  uri: string;
}

export class PathSide {
  readonly seen: SipMessage[] = [];
  answer: (m: SipMessage) => Answer = (m) => ({ status: methodOf(m) === 'REGISTER' ? 200 : 480 });
  private stopped = false;
  private cseq = 1;
  private constructor(readonly name: string, readonly channel: SipChannel, readonly endpoint: SipEndpoint, private readonly entry: ProxyEntry) {
    void this.loop();
  }

  /**
   * A side that sends to `entry` (field `field` of the target file): from an
   * ephemeral channel (udp, tcp or tls), or, with `listen`, from a UDP socket
   * bound where the proxy forwards to (its configured next hop).
   */
  static async open(name: string, entry: ProxyEntry, field: string, caPem: string | undefined, listen?: { address: string; port: number; field: string }): Promise<PathSide | EntryFailure> {
    const to = { address: entry.address, port: entry.port };
    if (!listen) {
      const channel = await openEntryChannel(entry, caPem, field);
      if (isEntryFailure(channel)) return channel;
      return new PathSide(name, channel, new SipEndpoint(channel, { timers: TIMERS, remote: to }), entry);
    }
    try {
      const channel = await UdpChannel.open({ host: listen.address, port: listen.port, remote: to });
      return new PathSide(name, channel, new SipEndpoint(channel, { timers: TIMERS, remote: to }), entry);
    } catch (err) {
      return { error: `the suite cannot listen at ${listen.field} ${listen.address}:${listen.port} (udp), where the proxy forwards: ${(err as Error).message}`, blame: 'configuration' };
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let tx: ServerTransaction;
      try {
        tx = await this.endpoint.nextRequest(250);
      } catch {
        continue;
      }
      const m = tx.request.message;
      if (methodOf(m) === 'ACK') continue;
      this.seen.push(m);
      const { status, ...spec } = this.answer(m);
      void tx.reply(status, spec).catch(() => undefined);
    }
  }

  /** A request from this side through the proxy (Route: the entry point). */
  request(method: string, uri: string, from: string, to: string, headers: Array<[string, string]> = [], body?: { contentType: string; octets: string }): SipMessage {
    const local = this.channel.local;
    return buildRequest({
      method,
      uri,
      from,
      to,
      cseq: this.cseq++,
      via: { transport: this.channel.kind, host: local.address, port: local.port, rport: true },
      contact: `<sip:${this.name}@${local.address}:${local.port};transport=${this.channel.kind}>`,
      headers: [['Route', `<${this.entry.uri};lr>`], ...headers],
      body,
    });
  }

  /** A private-call INVITE from `from` to `to` with the I_MESSAGE in its SDP (RFC 4567). */
  invite(from: string, to: string, mikey: Uint8Array): Promise<FinalAnswer> {
    const sdp = mikeyOffer({ mikey, address: this.channel.local.address });
    return this.send(this.request('INVITE', to, from, to, [], { contentType: 'application/sdp', octets: sdp }));
  }

  async send(req: SipMessage): Promise<FinalAnswer> {
    try {
      const final = await this.endpoint.sendRequest(req).final;
      return { kind: 'final', message: final.message, status: Number(final.message.startLine.split(' ')[1]) };
    } catch (err) {
      return { kind: 'none', detail: (err as Error).message };
    }
  }

  /** Requests seen since `from` (an index into `seen`) that carry `mikey` in their SDP. */
  sawMikey(from: number, mikey: Uint8Array): SipMessage[] {
    return this.seen.slice(from).filter((m) => {
      const octets = (headerValue(m, 'content-type') ?? '').startsWith('application/sdp') ? mikeyFromSdp(parseSdp(m.body).sdp) : undefined;
      return octets !== undefined && Buffer.from(octets).equals(Buffer.from(mikey));
    });
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.endpoint.stop();
    await this.channel.close().catch(() => undefined);
  }
}
