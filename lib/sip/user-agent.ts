/**
 * The suite as a SIP user agent in front of a target's SIP core: one channel
 * (UDP, TCP or TLS with the target's CA), lib/sip's transactions with short
 * timers, and every message kept for the evidence. A request that gets no
 * final response ends as `none` with the exact reason (Timer F, transport
 * error), never as a refusal; the requests after it in the same test are
 * not sent (each would wait Timer F again).
 */
import { buildRequest } from './build.ts';
import { dialogFromUac, inDialogRequest, type Dialog } from './dialog.ts';
import { SipEndpoint } from './endpoint.ts';
import type { SipMessage } from './message.ts';
import { statusOf } from './message.ts';
import type { TimerConfig } from './timers.ts';
import type { ServerTransaction } from './transaction.ts';
import { isEntryFailure, openEntryChannel, type EntryFailure, type EntryPoint } from './transport/entry.ts';
import type { SipChannel } from './transport/wire.ts';

export type SipAnswer = { kind: 'final'; status: number; reason: string } | { kind: 'none'; detail: string };
/** A final answer with the response itself (its headers and body). */
export type SipResponse = { kind: 'final'; status: number; reason: string; message: SipMessage } | { kind: 'none'; detail: string };
/** An INVITE's final answer; on a 2xx, the dialog it made (the ACK is sent). */
export type InviteAnswer = { kind: 'final'; status: number; reason: string; message: SipMessage; dialog?: Dialog } | { kind: 'none'; detail: string };

export type Body = { contentType: string; octets: Uint8Array | string };

/** T1 of 150 ms: Timer F (no answer) ends a request after 9.6 s. Every SIP endpoint the suites play uses them. */
export const UE_TIMERS: Partial<TimerConfig> = { T1: 150, T2: 600, T4: 750 };

export class SuiteUserAgent {
  private cseq = 1;
  private silent: string | undefined;
  protected constructor(
    readonly channel: SipChannel,
    protected readonly endpoint: SipEndpoint,
    /** The entry point's URI, put in a Route header of every request. */
    private readonly entryUri: string,
  ) {}

  /** Opens the channel to `entry` (see transport/entry.ts for who is blamed when that fails); `field` names it in the target file. */
  static async open(entry: EntryPoint & { uri: string }, caPem: string | undefined, field: string): Promise<SuiteUserAgent | EntryFailure> {
    const opened = await SuiteUserAgent.channelTo(entry, caPem, field);
    return isEntryFailure(opened) ? opened : new SuiteUserAgent(opened.channel, opened.endpoint, entry.uri);
  }

  protected static async channelTo(entry: EntryPoint, caPem: string | undefined, field: string): Promise<{ channel: SipChannel; endpoint: SipEndpoint } | EntryFailure> {
    const channel = await openEntryChannel(entry, caPem, field);
    if (isEntryFailure(channel)) return channel;
    return { channel, endpoint: new SipEndpoint(channel, { timers: UE_TIMERS, remote: { address: entry.address, port: entry.port } }) };
  }

  get records() {
    return this.channel.records;
  }

  /** A request from `from` to `uri` (To: `to`, default `uri`; REGISTER: `from`), not sent yet. */
  build(method: string, uri: string, from: string, headers: Array<[string, string]>, body?: Body, to?: string): SipMessage {
    const local = this.channel.local;
    return buildRequest({
      method,
      uri,
      from,
      to: to ?? (method === 'REGISTER' ? from : uri),
      cseq: this.cseq++,
      via: { transport: this.channel.kind, host: local.address, port: local.port, rport: true },
      contact: `<sip:ue@${local.address}:${local.port};transport=${this.channel.kind}>`,
      headers: [['Route', `<${this.entryUri};lr>`], ...headers],
      body,
    });
  }

  async send(method: string, uri: string, from: string, headers: Array<[string, string]>, body?: Body): Promise<SipAnswer> {
    const answer = await this.transact(this.build(method, uri, from, headers, body));
    return answer.kind === 'final' ? { kind: 'final', status: answer.status, reason: answer.reason } : answer;
  }

  async transact(req: SipMessage): Promise<SipResponse> {
    const method = req.startLine.split(' ', 1)[0];
    if (this.silent) return { kind: 'none', detail: `not sent: an earlier request got no final response (${this.silent})` };
    try {
      const final = await this.endpoint.sendRequest(req).final;
      const [, , ...reason] = final.message.startLine.split(' ');
      return { kind: 'final', status: statusOf(final.message) ?? 0, reason: reason.join(' '), message: final.message };
    } catch (err) {
      // Octets that are no SIP message are dropped like silence; the reason says they came.
      const junk = this.endpoint.unparseable.length;
      const detail = `${(err as Error).message}${junk ? `; meanwhile ${junk} message(s) arrived that do not parse as SIP (see the SIP evidence)` : ''}`;
      this.silent = `${method}: ${detail}`;
      return { kind: 'none', detail };
    }
  }

  /** Sends `req` (an INVITE); a 2xx is ACKed at once (RFC 3261 13.2.2.4) and gives the dialog. */
  async inviteWith(req: SipMessage): Promise<InviteAnswer> {
    const answer = await this.transact(req);
    if (answer.kind !== 'final' || answer.status < 200 || answer.status >= 300) return answer;
    const dialog = dialogFromUac(req, answer.message);
    await this.endpoint.sendRaw(inDialogRequest(dialog, 'ACK', this.via())).catch(() => undefined);
    return { ...answer, dialog };
  }

  /** Ends the dialog of an answered INVITE. */
  async bye(dialog: Dialog): Promise<SipAnswer> {
    const answer = await this.transact(inDialogRequest(dialog, 'BYE', this.via()));
    return answer.kind === 'final' ? { kind: 'final', status: answer.status, reason: answer.reason } : answer;
  }

  protected via() {
    const local = this.channel.local;
    return { transport: this.channel.kind, host: local.address, port: local.port };
  }

  /** The next request the network sends the UE, or undefined after `timeoutMs` (or on `signal`). */
  async incoming(timeoutMs: number, signal?: AbortSignal): Promise<ServerTransaction | undefined> {
    try {
      return await this.endpoint.nextRequest(timeoutMs, signal);
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.endpoint.stop();
    await this.channel.close().catch(() => undefined);
  }
}
