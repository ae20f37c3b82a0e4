/**
 * The suite as the group's members in front of the GMS (lib/sip/user-agent.ts):
 * one channel for all of them, each member registered under his IMPU so
 * that the GMS's NOTIFYs reach him through the SIP core, a SUBSCRIBE per
 * subscription (gms.subscription says where its access token goes), and an
 * inbox that answers every NOTIFY 200 and keeps it with its arrival time.
 */
import { buildMcInfo, buildMultipart, headerValue, isEntryFailure, mcInfoContentType, methodOf, SuiteUserAgent, type EntryFailure, type SipAnswer, type SipChannel, type SipEndpoint, type SipMessage } from '../../lib/sip/index.ts';
import type { GmsTarget } from '../../lib/target/gms.ts';

export interface Received {
  message: SipMessage;
  callId: string;
  /** Date.now() when it arrived. */
  at: number;
}

export interface Subscription {
  impu: string;
  callId: string;
  answer: SipAnswer;
  /** Date.now() when the final answer came. */
  answeredAt: number;
}

export class GmsMembers extends SuiteUserAgent {
  private readonly inbox: Received[] = [];
  private readonly waiters = new Set<() => void>();
  private pumping = true;

  private constructor(opened: { channel: SipChannel; endpoint: SipEndpoint }, private readonly target: GmsTarget) {
    super(opened.channel, opened.endpoint, target.entry.uri);
    void this.pump();
  }

  static async openFor(target: GmsTarget, caPem: string | undefined): Promise<GmsMembers | EntryFailure> {
    const opened = await SuiteUserAgent.channelTo(target.entry, caPem, 'gms.entry');
    return isEntryFailure(opened) ? opened : new GmsMembers(opened, target);
  }

  /** Every NOTIFY is answered 200 at once (RFC 6665 4.1.3); any other request 405. */
  private async pump() {
    while (this.pumping) {
      const tx = await this.incoming(500);
      if (!tx) continue;
      const m = tx.request.message;
      const notify = methodOf(m) === 'NOTIFY';
      if (notify) this.inbox.push({ message: m, callId: headerValue(m, 'call-id') ?? '', at: Date.now() });
      await tx.reply(notify ? 200 : 405).catch(() => undefined);
      for (const w of this.waiters) w();
    }
  }

  /** REGISTER of `impu` (no token: the GMS's NOTIFYs only need the SIP core to know where the member is). */
  register(impu: string, expires = 600): Promise<SipAnswer> {
    return this.send('REGISTER', `sip:${this.target.domain}`, impu, [['Expires', String(expires)]]);
  }

  /** A SUBSCRIBE from `impu` to the group's configuration, with `token` where gms.subscription.token says (none when undefined). */
  async subscribe(impu: string, token: string | undefined, expires = 600): Promise<Subscription> {
    const { event, token: where } = this.target.subscription;
    const headers: Array<[string, string]> = [['Event', event], ['Expires', String(expires)], ['Accept', 'multipart/mixed, application/xcap-diff+xml, application/mikey']];
    if (token && where === 'authorization-header') headers.push(['Authorization', `Bearer ${token}`]);
    const parts = [{ contentType: 'application/resource-lists+xml', body: resourceList(this.target.group) }];
    if (token && where === 'mcptt-info') parts.unshift({ contentType: mcInfoContentType(this.target.service), body: buildMcInfo({ service: this.target.service, accessToken: { value: token, type: 'Normal' } }) });
    const body = parts.length > 1 ? buildMultipart(parts) : { contentType: parts[0]!.contentType, octets: Buffer.from(parts[0]!.body) };
    const request = this.build('SUBSCRIBE', this.target.psi, impu, headers, { contentType: body.contentType, octets: body.octets });
    const answer = await this.transact(request);
    const final: SipAnswer = answer.kind === 'final' ? { kind: 'final', status: answer.status, reason: answer.reason } : answer;
    return { impu, callId: headerValue(request, 'call-id') ?? '', answer: final, answeredAt: Date.now() };
  }

  /** The NOTIFYs of `callId` received so far. */
  notifiesOf(callId: string): Received[] {
    return this.inbox.filter((r) => r.callId === callId);
  }

  /** Waits until `done(inbox)` holds or `ms` passed; resolves with whether it held. */
  async until(done: () => boolean, ms: number): Promise<boolean> {
    if (done()) return true;
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        finish(true);
      };
      const finish = (held: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(held);
      };
      const timer = setTimeout(() => finish(done()), ms);
      this.waiters.add(check);
    });
  }

  override async close(): Promise<void> {
    this.pumping = false;
    await super.close();
  }
}

function resourceList(group: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\r\n<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list><entry uri="${group.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`)}"/></list></resource-lists>\r\n`;
}
