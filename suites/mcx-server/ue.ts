/**
 * The suite as an MC client (UE) of the MCX server, one per test
 * (lib/sip/user-agent.ts): REGISTER and PUBLISH with the service's info
 * body, the binding probes, INVITEs to the service PSI.
 */
import { buildMcInfo, isEntryFailure, mcInfoContentType, SuiteUserAgent, type EntryFailure, type InviteAnswer, type McService, type SipAnswer, type SipChannel, type SipEndpoint } from '../../lib/sip/index.ts';
import type { McxServerTarget } from '../../lib/target/mcx-server.ts';

export type { SipAnswer, InviteAnswer } from '../../lib/sip/index.ts';
export { UE_TIMERS } from '../../lib/sip/index.ts';

export class SuiteUe extends SuiteUserAgent {
  private constructor(opened: { channel: SipChannel; endpoint: SipEndpoint }, private readonly target: McxServerTarget) {
    super(opened.channel, opened.endpoint, target.entry.uri);
  }

  /** Opens the channel to mcxServer.entry (see lib/sip/transport/entry.ts for who is blamed when that fails). */
  static async openFor(target: McxServerTarget, caPem: string | undefined): Promise<SuiteUe | EntryFailure> {
    const opened = await SuiteUserAgent.channelTo(target.entry, caPem, 'mcxServer.entry');
    return isEntryFailure(opened) ? opened : new SuiteUe(opened, target);
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
    return this.inviteWith(this.build('INVITE', this.target.services[service]!.psi, impu, headers, body));
  }
}

function infoBody(service: McService, token: string) {
  return { contentType: mcInfoContentType(service), octets: buildMcInfo({ service, accessToken: { value: token, type: 'Normal' } }) };
}

const POC_SETTINGS = '<?xml version="1.0" encoding="UTF-8"?>\r\n<poc-settings xmlns="urn:oma:xml:poc:poc-settings"/>\r\n';
