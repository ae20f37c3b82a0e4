/**
 * The suite as an MC client (UE) in front of the target's SIP core: one
 * channel per test (UDP, TCP or TLS with the target's CA), lib/sip's
 * transactions with short timers, and every message kept for the evidence.
 * A request that gets no final response ends as `none` with the exact
 * reason (Timer F, transport error), never as a refusal.
 */
import { buildMcInfo, buildRequest, dialogFromUac, inDialogRequest, isEntryFailure, mcInfoContentType, openEntryChannel, SipEndpoint, statusOf, type Dialog, type EntryFailure, type McService, type ServerTransaction, type SipChannel, type SipMessage, type TimerConfig } from '../../lib/sip/index.ts';
import type { McxServerTarget } from '../../lib/target/mcx-server.ts';

export type SipAnswer = { kind: 'final'; status: number; reason: string } | { kind: 'none'; detail: string };
/** An INVITE's final answer; on a 2xx, the dialog it made (the ACK is sent). */
export type InviteAnswer = { kind: 'final'; status: number; reason: string; message: SipMessage; dialog?: Dialog } | { kind: 'none'; detail: string };

/** T1 of 150 ms: Timer F (no answer) ends a request after 9.6 s. Every SIP endpoint the suite plays uses them. */
export const UE_TIMERS: Partial<TimerConfig> = { T1: 150, T2: 600, T4: 750 };

export class SuiteUe {
  private cseq = 1;
  /** Set when a request got no final response: later requests of the test are not sent (each would wait Timer F again). */
  private silent: string | undefined;
  private constructor(readonly channel: SipChannel, private readonly endpoint: SipEndpoint, private readonly target: McxServerTarget) {}

  /** Opens the channel to mcxServer.entry (see lib/sip/transport/entry.ts for who is blamed when that fails). */
  static async open(target: McxServerTarget, caPem: string | undefined): Promise<SuiteUe | EntryFailure> {
    const channel = await openEntryChannel(target.entry, caPem, 'mcxServer.entry');
    if (isEntryFailure(channel)) return channel;
    return new SuiteUe(channel, new SipEndpoint(channel, { timers: UE_TIMERS, remote: { address: target.entry.address, port: target.entry.port } }), target);
  }

  get records() {
    return this.channel.records;
  }

  private async send(method: string, uri: string, from: string, headers: Array<[string, string]>, body?: { contentType: string; octets: Uint8Array | string }): Promise<SipAnswer> {
    const answer = await this.transact(this.build(method, uri, from, headers, body));
    return answer.kind === 'final' ? { kind: 'final', status: answer.status, reason: answer.reason } : answer;
  }

  private build(method: string, uri: string, from: string, headers: Array<[string, string]>, body?: { contentType: string; octets: Uint8Array | string }): SipMessage {
    const local = this.channel.local;
    return buildRequest({
      method,
      uri,
      from,
      to: method === 'REGISTER' ? from : uri,
      cseq: this.cseq++,
      via: { transport: this.channel.kind, host: local.address, port: local.port, rport: true },
      contact: `<sip:ue@${local.address}:${local.port};transport=${this.channel.kind}>`,
      headers: [['Route', `<${this.target.entry.uri};lr>`], ...headers],
      body,
    });
  }

  private async transact(req: SipMessage): Promise<{ kind: 'final'; status: number; reason: string; message: SipMessage } | { kind: 'none'; detail: string }> {
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

  /** REGISTER of `impu` at the home domain, with the token in the service's info body when given (5.1.3.2.2 step 5). */
  register(impu: string, service: McService, token: string | undefined, expires = 600): Promise<SipAnswer> {
    return this.send('REGISTER', `sip:${this.target.domain}`, impu, [['Expires', String(expires)]], token ? infoBody(service, token) : undefined);
  }

  /** REGISTER of `impu` with `body` as is (e.g. the multipart/mixed of a CSK upload, 9.2.1.3 step 2). */
  registerWith(impu: string, body: { contentType: string; octets: Uint8Array }, expires = 600): Promise<SipAnswer> {
    return this.send('REGISTER', `sip:${this.target.domain}`, impu, [['Expires', String(expires)]], body);
  }

  /** PUBLISH poc-settings to the service PSI with `body` as is. */
  publishWith(impu: string, service: McService, body: { contentType: string; octets: Uint8Array }): Promise<SipAnswer> {
    return this.send('PUBLISH', this.target.services[service]!.psi, impu, [['Event', 'poc-settings'], ['Expires', '600']], body);
  }

  /** PUBLISH poc-settings to the service PSI, with the token when given (5.1.3.2.3 step 1). */
  publish(impu: string, service: McService, token: string | undefined): Promise<SipAnswer> {
    const psi = this.target.services[service]!.psi;
    const body = token ? infoBody(service, token) : { contentType: 'application/poc-settings+xml', octets: POC_SETTINGS };
    return this.send('PUBLISH', psi, impu, [['Event', 'poc-settings'], ['Expires', '600']], body);
  }

  /** A SIP MESSAGE to the service PSI (one of the binding observations). */
  message(impu: string, service: McService): Promise<SipAnswer> {
    return this.send('MESSAGE', this.target.services[service]!.psi, impu, [], { contentType: 'text/plain', octets: 'mcx-conformance binding probe' });
  }

  /** An INVITE from `impu` to the service PSI with `body`; a 2xx is ACKed at once (RFC 3261 13.2.2.4) and gives the dialog. */
  async invite(impu: string, service: McService, body: { contentType: string; octets: Uint8Array | string }, headers: Array<[string, string]> = []): Promise<InviteAnswer> {
    const req = this.build('INVITE', this.target.services[service]!.psi, impu, headers, body);
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

  private via() {
    const local = this.channel.local;
    return { transport: this.channel.kind, host: local.address, port: local.port };
  }

  /** The next request the network sends the UE (e.g. a key download, 5.8.2), or undefined after `timeoutMs`. */
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

function infoBody(service: McService, token: string) {
  return { contentType: mcInfoContentType(service), octets: buildMcInfo({ service, accessToken: { value: token, type: 'Normal' } }) };
}

const POC_SETTINGS = '<?xml version="1.0" encoding="UTF-8"?>\r\n<poc-settings xmlns="urn:oma:xml:poc:poc-settings"/>\r\n';
