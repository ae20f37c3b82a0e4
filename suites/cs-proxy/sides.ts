/**
 * The two sides the suite plays around a CS proxy: the MC client in front
 * of its client side, and the MCX server it forwards to (the suite listens
 * at csProxy.nextHop and sends towards the client through the server side).
 * Each side answers whatever reaches it with the answer the test has set
 * (default: 200 to REGISTER, 480 to anything else: no dialog ever starts)
 * and keeps every request it saw, so a test can show what the proxy let
 * through. A request that gets no final answer ends as `none` with the
 * reason (Timer B/F, transport), never as a refusal.
 */
import {
  buildRequest, headerValue, isEntryFailure, methodOf, mikeyFromSdp, mikeyOffer, openEntryChannel, parseSdp, SipEndpoint, UdpChannel,
  type EntryFailure, type ResponseSpec, type ServerTransaction, type SipChannel, type SipMessage, type TimerConfig,
} from '../../lib/sip/index.ts';
import type { CsProxyTarget } from '../../lib/target/cs-proxy.ts';

/** T1 of 150 ms: Timer B/F (no answer) ends a request after 9.6 s. */
const TIMERS: Partial<TimerConfig> = { T1: 150, T2: 600, T4: 750 };

export type FinalAnswer = { kind: 'final'; message: SipMessage; status: number } | { kind: 'none'; detail: string };
export type Answer = { status: number } & ResponseSpec;

class Side {
  readonly seen: SipMessage[] = [];
  answer: (m: SipMessage) => Answer = (m) => ({ status: methodOf(m) === 'REGISTER' ? 200 : 480 });
  private stopped = false;
  constructor(readonly channel: SipChannel, readonly endpoint: SipEndpoint) {
    void this.loop();
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

export class ProxySides {
  private cseq = 1;
  private constructor(readonly target: CsProxyTarget, readonly client: Side, readonly server: Side) {}

  /** Opens both sides; the next hop must be free for the suite to bind (the proxy sends there). */
  static async open(target: CsProxyTarget, caPem: string | undefined): Promise<ProxySides | EntryFailure> {
    const channel = await openEntryChannel(target.clientSide, caPem, 'csProxy.clientSide');
    if (isEntryFailure(channel)) return channel;
    let far: UdpChannel;
    try {
      far = await UdpChannel.open({ host: target.nextHop.address, port: target.nextHop.port, remote: { address: target.serverSide.address, port: target.serverSide.port } });
    } catch (err) {
      await channel.close().catch(() => undefined);
      return { error: `the suite cannot listen at csProxy.nextHop ${target.nextHop.address}:${target.nextHop.port} (udp), where the proxy forwards: ${(err as Error).message}`, blame: 'configuration' };
    }
    const to = { address: target.clientSide.address, port: target.clientSide.port };
    return new ProxySides(target, new Side(channel, new SipEndpoint(channel, { timers: TIMERS, remote: to })), new Side(far, new SipEndpoint(far, { timers: TIMERS, remote: far.remote! })));
  }

  get records() {
    return [...this.client.channel.records, ...this.server.channel.records].sort((a, b) => a.at - b.at);
  }

  private request(side: 'client' | 'server', method: string, uri: string, from: string, to: string, headers: Array<[string, string]>, body?: { contentType: string; octets: string }): SipMessage {
    const channel = (side === 'client' ? this.client : this.server).channel;
    const entry = side === 'client' ? this.target.clientSide : this.target.serverSide;
    return buildRequest({
      method,
      uri,
      from,
      to,
      cseq: this.cseq++,
      via: { transport: channel.kind, host: channel.local.address, port: channel.local.port, rport: true },
      contact: `<sip:${side === 'client' ? 'ue' : 'server'}@${channel.local.address}:${channel.local.port};transport=${channel.kind}>`,
      headers: [['Route', `<${entry.uri};lr>`], ...headers],
      body,
    });
  }

  /** REGISTER of the client through the proxy (the suite's server side answers 200), so that requests towards it can be routed. */
  register(expires = 600): Promise<FinalAnswer> {
    const domain = this.target.client.impu.replace(/^sips?:[^@]*@/, '');
    return this.client.send(this.request('client', 'REGISTER', `sip:${domain}`, this.target.client.impu, this.target.client.impu, [['Expires', String(expires)]]));
  }

  /** A private-call INVITE from the client to the peer, the I_MESSAGE in its SDP (RFC 4567). */
  callFromClient(mikey: Uint8Array): Promise<FinalAnswer> {
    const sdp = mikeyOffer({ mikey, address: this.client.channel.local.address });
    return this.client.send(this.request('client', 'INVITE', this.target.peer.uri, this.target.client.impu, this.target.peer.uri, [], { contentType: 'application/sdp', octets: sdp }));
  }

  /** An INVITE from the peer (the suite's server side) to the client, the I_MESSAGE in its SDP. */
  callToClient(mikey: Uint8Array): Promise<FinalAnswer> {
    const sdp = mikeyOffer({ mikey, address: this.server.channel.local.address });
    return this.server.send(this.request('server', 'INVITE', this.target.client.impu, this.target.peer.uri, this.target.client.impu, [], { contentType: 'application/sdp', octets: sdp }));
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.server.close();
  }
}
