/**
 * Dialog state (RFC 3261 12) from an INVITE and its 2xx, on either side,
 * and the in-dialog requests a UA then sends: the ACK of the 2xx (13.2.2.4,
 * a new transaction outside the INVITE's) and BYE etc. with the route set
 * and remote target (12.2.1.1).
 */
import { newBranch } from './ids.ts';
import { headerValue, headerValues, request, tagOf, withContentLength, type SipMessage } from './message.ts';
import { splitTopLevel } from './value-checks.ts';
import { viaTransport } from './build.ts';

export interface Dialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Full From/To values as this side sends them. */
  localParty: string;
  remoteParty: string;
  remoteTarget: string;
  routeSet: string[];
  localSeq: number;
  remoteSeq: number | undefined;
}

function uriOf(nameAddr: string): string {
  const m = /<([^>]*)>/.exec(nameAddr);
  return m ? m[1] : nameAddr.split(';')[0].trim();
}

/** UAC side: from the INVITE sent and its 2xx (route set = Record-Route reversed, 12.1.2). */
export function dialogFromUac(invite: SipMessage, ok: SipMessage): Dialog {
  const rr = headerValues(ok, 'record-route').flatMap(splitTopLevel).map((s) => s.trim()).reverse();
  return {
    callId: headerValue(invite, 'call-id') ?? '',
    localTag: tagOf(headerValue(invite, 'from')) ?? '',
    remoteTag: tagOf(headerValue(ok, 'to')) ?? '',
    localParty: headerValue(invite, 'from') ?? '',
    remoteParty: headerValue(ok, 'to') ?? '',
    remoteTarget: uriOf(headerValue(ok, 'contact') ?? ''),
    routeSet: rr,
    localSeq: Number((headerValue(invite, 'cseq') ?? '0').split(/\s+/)[0]),
    remoteSeq: undefined,
  };
}

/** UAS side: from the INVITE received and the 2xx sent (route set = Record-Route in order, 12.1.1). */
export function dialogFromUas(invite: SipMessage, ok: SipMessage): Dialog {
  return {
    callId: headerValue(invite, 'call-id') ?? '',
    localTag: tagOf(headerValue(ok, 'to')) ?? '',
    remoteTag: tagOf(headerValue(invite, 'from')) ?? '',
    localParty: headerValue(ok, 'to') ?? '',
    remoteParty: headerValue(invite, 'from') ?? '',
    remoteTarget: uriOf(headerValue(invite, 'contact') ?? ''),
    routeSet: headerValues(invite, 'record-route').flatMap(splitTopLevel).map((s) => s.trim()),
    localSeq: 0,
    remoteSeq: Number((headerValue(invite, 'cseq') ?? '0').split(/\s+/)[0]),
  };
}

export interface ViaSpec {
  transport: string;
  host: string;
  port?: number;
}

/** An in-dialog request. ACK reuses the INVITE's CSeq number (13.2.2.4); others take the next local one. */
export function inDialogRequest(d: Dialog, method: string, via: ViaSpec, extra: Array<[string, string]> = []): SipMessage {
  const seq = method === 'ACK' || method === 'CANCEL' ? d.localSeq : ++d.localSeq;
  // Loose routing (lr): Request-URI is the remote target, Route the route set (12.2.1.1).
  const headers: Array<[string, string]> = [
    ['Via', `SIP/2.0/${viaTransport(via.transport)} ${via.host}${via.port ? `:${via.port}` : ''};branch=${newBranch()}`],
    ['Max-Forwards', '70'],
    ['From', d.localParty],
    ['To', d.remoteParty],
    ['Call-ID', d.callId],
    ['CSeq', `${seq} ${method}`],
    ...d.routeSet.map((r) => ['Route', r] as [string, string]),
    ...extra,
  ];
  return withContentLength(request(method, d.remoteTarget, headers));
}
