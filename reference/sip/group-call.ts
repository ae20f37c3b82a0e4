import { headerValue, methodOf, parseMcInfo, parseMultipart, parseSdp, type ServerTransaction } from '../../lib/sip/index.ts';
import type { FaultSet } from '../fault.ts';
import type { UploadedCsk } from './csk-upload.ts';
import { startFloorSession, type FloorSession } from './floor-control.ts';

/**
 * The reference MCX server's pre-arranged group calls, as far as floor
 * control needs them (TS 24.379 10.1.1, reduced): an INVITE to the mcptt
 * PSI whose mcptt-info names the group (session-type prearranged) and whose
 * SDP offers `m=application <port> udp MCPTT` is answered 200 with the
 * server's floor control port, keyed by the caller's CSK (9.4.2); BYE (same
 * Call-ID) ends the call. A caller who is not bound, or whose CSK the
 * server does not hold, gets 403: there is nothing to key SRTCP with.
 */
export type FloorCalls = Map<string, FloorSession>;

export interface GroupCallContext {
  psi: string;
  group: string;
  /** The caller's IMPU is bound for MCPTT. */
  bound: boolean;
  csk: UploadedCsk | undefined;
  calls: FloorCalls;
  faults: FaultSet;
}

export async function answerGroupCall(tx: ServerTransaction, c: GroupCallContext): Promise<void> {
  const m = tx.request.message;
  const callId = headerValue(m, 'call-id') ?? '';
  if (methodOf(m) === 'BYE') {
    const call = c.calls.get(callId);
    if (!call) return tx.reply(481);
    call.stop();
    c.calls.delete(callId);
    return tx.reply(200);
  }
  if (!c.bound) return tx.reply(403, { reason: 'Not Authorised' });
  if (!c.csk) return tx.reply(403, { reason: 'No CSK' });
  const contentType = headerValue(m, 'content-type') ?? '';
  if (!/^multipart\//i.test(contentType)) return tx.reply(400, { reason: 'Expected SDP and mcptt-info' });
  const parts = parseMultipart(m.body, contentType).parts;
  const info = parseMcInfo(parts.find((p) => /mcptt-info\+xml/i.test(p.contentType))?.body ?? new Uint8Array());
  if (info.info?.sessionType !== 'prearranged' || info.info.requestUri?.value !== c.group) return tx.reply(404, { reason: 'No Such Group' });
  const sdpPart = parts.find((p) => /^application\/sdp\b/i.test(p.contentType));
  const { sdp } = parseSdp(sdpPart?.body ?? new Uint8Array());
  const media = sdp.media.find((x) => /^application\s+\d+\s+udp\s+MCPTT\b/i.test(x.media));
  const connection = (media?.lines.find((l) => l.type === 'c') ?? sdp.session.find((l) => l.type === 'c'))?.value;
  const address = connection && /^IN\s+IP4\s+(\S+)/.exec(connection)?.[1];
  if (!media || !address) return tx.reply(488, { reason: 'No Floor Control Channel' });
  c.calls.get(callId)?.stop();
  const session = await startFloorSession(c.csk, { address, port: Number(media.media.split(/\s+/)[1]) }, c.faults);
  c.calls.set(callId, session);
  const answer = ['v=0', `o=mcx-reference ${Date.now()} 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 0 RTP/AVP 96', `m=application ${session.port} udp MCPTT`, 'a=fmtp:MCPTT mc_priority=1', ''].join('\r\n');
  return tx.reply(200, { headers: [['Contact', `<${c.psi}>`]], body: { contentType: 'application/sdp', octets: answer } });
}
