/**
 * Builders that compute the values RFC 3261 asks for, for tests that want
 * a correct message to start from: a request (8.1.1), a response copying
 * Via/From/To/Call-ID/CSeq (8.2.6.2), the ACK of a non-2xx (17.1.1.3). Each
 * returns a plain SipMessage with Content-Length set; change anything after.
 */
import { newBranch, newCallId, newTag } from './ids.ts';
import { headerValue, headerValues, request, requestUri, response, tagOf, toBytes, withContentLength, type SipMessage } from './message.ts';
import type { TransportKind } from './transport/wire.ts';

export interface RequestSpec {
  method: string;
  uri: string;
  from: string;
  to: string;
  fromTag?: string;
  toTag?: string;
  callId?: string;
  cseq?: number;
  via: { transport: TransportKind | string; host: string; port?: number; branch?: string; rport?: boolean };
  contact?: string;
  maxForwards?: number;
  /** Extra fields after the mandatory ones, in this order. */
  headers?: Array<[string, string]>;
  body?: { contentType: string; octets: Uint8Array | string };
}

export function viaTransport(t: string): string {
  return t === 'wss' ? 'WSS' : t === 'ws' ? 'WS' : t.toUpperCase();
}

export function buildRequest(s: RequestSpec): SipMessage {
  const via = `SIP/2.0/${viaTransport(s.via.transport)} ${s.via.host}${s.via.port ? `:${s.via.port}` : ''};branch=${s.via.branch ?? newBranch()}${s.via.rport ? ';rport' : ''}`;
  const headers: Array<[string, string]> = [
    ['Via', via],
    ['Max-Forwards', String(s.maxForwards ?? 70)],
    ['From', `<${s.from}>;tag=${s.fromTag ?? newTag()}`],
    ['To', `<${s.to}>${s.toTag ? `;tag=${s.toTag}` : ''}`],
    ['Call-ID', s.callId ?? newCallId(s.via.host)],
    ['CSeq', `${s.cseq ?? 1} ${s.method}`],
  ];
  if (s.contact) headers.push(['Contact', s.contact]);
  headers.push(...(s.headers ?? []));
  if (s.body) headers.push(['Content-Type', s.body.contentType]);
  return withContentLength(request(s.method, s.uri, headers, s.body ? toBytes(s.body.octets) : undefined));
}

const REASONS: Record<number, string> = {
  100: 'Trying', 180: 'Ringing', 183: 'Session Progress', 200: 'OK', 202: 'Accepted', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 415: 'Unsupported Media Type',
  481: 'Call/Transaction Does Not Exist', 486: 'Busy Here', 487: 'Request Terminated', 488: 'Not Acceptable Here', 500: 'Server Internal Error', 603: 'Decline',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Unknown';
}

export interface ResponseSpec {
  reason?: string;
  /** Added to To when the request's To has no tag (8.2.6.2; not for 100). */
  toTag?: string;
  headers?: Array<[string, string]>;
  body?: { contentType: string; octets: Uint8Array | string };
}

export function buildResponse(req: SipMessage, status: number, s: ResponseSpec = {}): SipMessage {
  const headers: Array<[string, string]> = headerValues(req, 'via').map((v) => ['Via', v] as [string, string]);
  let to = headerValue(req, 'to') ?? '';
  if (status > 100 && !tagOf(to) && s.toTag !== '') to = `${to};tag=${s.toTag ?? newTag()}`;
  headers.push(['From', headerValue(req, 'from') ?? ''], ['To', to], ['Call-ID', headerValue(req, 'call-id') ?? ''], ['CSeq', headerValue(req, 'cseq') ?? '']);
  headers.push(...(s.headers ?? []));
  if (s.body) headers.push(['Content-Type', s.body.contentType]);
  return withContentLength(response(status, s.reason ?? reasonPhrase(status), headers, s.body ? toBytes(s.body.octets) : undefined));
}

/** ACK for a non-2xx final response to an INVITE: same transaction, To from the response (17.1.1.3). */
export function buildNon2xxAck(invite: SipMessage, final: SipMessage): SipMessage {
  const cseqNumber = (headerValue(invite, 'cseq') ?? '1').split(/\s+/)[0];
  const headers: Array<[string, string]> = [
    ['Via', headerValues(invite, 'via')[0] ?? ''],
    ['Max-Forwards', headerValue(invite, 'max-forwards') ?? '70'],
    ['From', headerValue(invite, 'from') ?? ''],
    ['To', headerValue(final, 'to') ?? ''],
    ['Call-ID', headerValue(invite, 'call-id') ?? ''],
    ['CSeq', `${cseqNumber} ACK`],
  ];
  for (const r of headerValues(invite, 'route')) headers.push(['Route', r]);
  return withContentLength(request('ACK', requestUri(invite) ?? '', headers));
}
