/**
 * The suite's floor control leg (9.4.2, TS 24.380): after the user's CSK
 * upload (its CSK, CSK-ID and I_MESSAGE RAND are the KFC, KFC-ID and
 * KFC-RAND), a pre-arranged group call to mcxServer.floorControl.group: an
 * INVITE to the mcptt PSI whose SDP offers the floor control channel on a
 * UDP socket of the suite, where the server's SRTCP arrives. Every packet
 * either way is kept for the evidence.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { McxSuite } from './fixture.ts';
import { unmet, type Unmet } from '../../lib/harness/check.ts';
import { buildMcInfo, buildMultipart, headerValue, mcInfoContentType, parseMultipart, parseSdp, type Dialog, type Sdp } from '../../lib/sip/index.ts';
import { protectRtcp, srtcpFromKfc, SRTCP_CS_ID, type KfcSrtcp } from '../../lib/crypto/srtp/index.ts';
import { encodeFloorMessage, priorityField, type FloorMessage } from '../../lib/floor-control/message.ts';
import type { Target } from '../../lib/target/types.ts';
import { cannotUploadWithToken, uploadAndObserve, uploadBody, uploader } from './csk.ts';
import type { Kfc } from './checks/floor-control.ts';

export const DEFAULT_ANSWER_WITHIN_MS = 500;

export interface FloorPacket {
  at: number;
  direction: 'sent' | 'received';
  octets: Uint8Array;
  note: string;
}

/** Why this target's floor control cannot be driven, or undefined. */
export function floorUnobservable(target: Target, mcx: McxSuite): Unmet | undefined {
  if (!mcx.target.floorControl) return unmet('the target file gives no mcxServer.floorControl: the group the first user calls to reach the floor control server (9.4.2, TS 24.380)', 'configuration');
  if (mcx.service !== 'mcptt') return unmet(`the service under test is ${mcx.service}: the suite drives MCPTT floor control only (MCVideo transmission control is not driven yet)`, 'configuration');
  return cannotUploadWithToken(target, mcx);
}

export class FloorLeg {
  readonly packets: FloorPacket[] = [];
  private readonly inbox: FloorPacket[] = [];
  private waiter: (() => void) | undefined;
  private index = 0;
  readonly ssrc = (Math.random() * 0x100000000) >>> 0;
  readonly srtcp: KfcSrtcp;

  private constructor(private readonly socket: Socket, private readonly remote: { address: string; port: number }, readonly kfc: Kfc, readonly dialog: Dialog, private readonly mcx: McxSuite) {
    this.srtcp = srtcpFromKfc({ kfc: kfc.key, kfcId: kfc.id, kfcRand: kfc.rand, csId: SRTCP_CS_ID.mcpttCsk });
    socket.on('message', (octets) => {
      const p: FloorPacket = { at: Date.now(), direction: 'received', octets: Uint8Array.from(octets), note: '' };
      this.packets.push(p);
      this.inbox.push(p);
      this.waiter?.();
    });
  }

  /** Uploads a CSK, calls the group, and returns the leg, or why there is none. */
  static async open(mcx: McxSuite, target: Target, evidence: { record: (kind: 'mikey', label: string, data: unknown) => void }): Promise<FloorLeg | Unmet> {
    const u = await uploader(mcx);
    // With XML protection the token is encrypted under the CSK, so the binding shows the CSK in use; without it, the token goes in clear.
    const clearToken = target.ics['sip.xml-protection'] !== true;
    const body = uploadBody(mcx, u, 'valid', `CSK upload (its CSK keys floor control; the access token ${clearToken ? 'in clear' : 'encrypted under it'})`, evidence, { clearToken });
    const { after } = await uploadAndObserve(mcx, target, u, body);
    if (after.kind !== 'bound') return unmet(`the IMPU was not seen bound after the CSK upload with its access token ${clearToken ? 'in clear' : 'encrypted under the CSK'} (${after.kind === 'unknown' ? after.reason : 'it stayed unbound'}; graded by the ${clearToken ? 'authorisation' : 'CSK upload'} tests): no call to key SRTCP for`, 'precondition');
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, mcx.ue.channel.local.address, () => resolve());
    });
    socket.on('error', () => undefined);
    const local = socket.address();
    const info = buildMcInfo({ service: 'mcptt', sessionType: 'prearranged', requestUri: { value: mcx.target.floorControl!.group } });
    const multipart = buildMultipart([
      { contentType: 'application/sdp', body: offer(local.address, local.port) },
      { contentType: mcInfoContentType('mcptt'), body: info },
    ]);
    const answer = await mcx.ue.invite(u.impu, 'mcptt', multipart);
    const fail = async (why: Unmet) => {
      socket.close();
      return why;
    };
    if (answer.kind === 'none') return fail(unmet(`the group call INVITE got no final answer: ${answer.detail}`, 'unreachable'));
    if (!answer.dialog) return fail(unmet(`the group call INVITE to ${mcx.target.floorControl!.group} was answered ${answer.status} ${answer.reason}: no call, no floor control`, 'target'));
    const remote = floorChannelOf(answer.message.body, headerValue(answer.message, 'content-type') ?? '');
    if ('reason' in remote) {
      await mcx.ue.bye(answer.dialog);
      return fail(unmet(`the 200 to the group call INVITE: ${remote.reason}`, 'target'));
    }
    return new FloorLeg(socket, remote, { key: body.csk.key, id: body.csk.id, rand: body.rand }, answer.dialog, mcx);
  }

  /** A Floor Request (or Release) of this participant. */
  message(name: 'request' | 'release', priority = 1): FloorMessage {
    return { name, ackRequired: false, ssrc: this.ssrc, fields: name === 'request' ? [priorityField(priority)] : [] };
  }

  /** `m` as SRTCP under the keys 9.4.6 gives, with the next index; `tamperTag` flips one bit of the GCM tag. */
  protect(m: FloorMessage, options: { tamperTag?: boolean } = {}): Uint8Array {
    const packet = protectRtcp(this.srtcp.keys, encodeFloorMessage(m), { index: ++this.index, mki: this.srtcp.mki });
    // The tag ends 4 (E||index) + 4 (MKI) octets before the end.
    if (options.tamperTag) packet[packet.length - 9]! ^= 0x01;
    return packet;
  }

  async send(octets: Uint8Array, note: string): Promise<void> {
    this.packets.push({ at: Date.now(), direction: 'sent', octets, note });
    await new Promise<void>((resolve) => this.socket.send(octets, this.remote.port, this.remote.address, () => resolve()));
  }

  /** Packets that arrive within `ms` (all of them, waiting the whole time). */
  async during(ms: number): Promise<FloorPacket[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.inbox.splice(0);
  }

  /** The first packet to arrive within `ms`, or undefined; later ones stay queued. */
  async next(ms: number): Promise<FloorPacket | undefined> {
    if (!this.inbox.length) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.inbox.shift();
  }

  drop(): void {
    this.inbox.splice(0);
  }

  async close(): Promise<void> {
    await this.mcx.ue.bye(this.dialog);
    this.socket.close();
  }
}

/** The SDP offer of the call: an audio stream nobody sends on, and the floor control channel (24.380 clause 14) with priority 1. */
function offer(address: string, port: number): string {
  return [
    'v=0',
    `o=mcx-conformance ${Date.now()} 1 IN IP4 ${address}`,
    's=-',
    `c=IN IP4 ${address}`,
    't=0 0',
    `m=audio ${port + 2} RTP/AVP 96`,
    'a=rtpmap:96 AMR-WB/16000',
    'a=sendrecv',
    `m=application ${port} udp MCPTT`,
    'a=fmtp:MCPTT mc_priority=1',
    '',
  ].join('\r\n');
}

/** Where the server takes floor control: the address and port of the answer's m=application ... MCPTT line. */
export function floorChannelOf(body: Uint8Array, contentType: string): { address: string; port: number } | { reason: string } {
  let sdpOctets: Uint8Array | undefined;
  if (/^application\/sdp\b/i.test(contentType)) sdpOctets = body;
  else if (/^multipart\//i.test(contentType)) sdpOctets = parseMultipart(body, contentType).parts.find((p) => /^application\/sdp\b/i.test(p.contentType))?.body;
  if (!sdpOctets || !sdpOctets.length) return { reason: `no SDP answer (body of type '${contentType || '(none)'}')` };
  const { sdp } = parseSdp(sdpOctets);
  const media = sdp.media.find((m) => /^application\s+\d+\s+udp\s+MCPTT\b/i.test(m.media));
  if (!media) return { reason: `the SDP answer has no 'm=application <port> udp MCPTT' line (media: ${sdp.media.map((m) => m.media).join('; ') || 'none'})` };
  const port = Number(media.media.split(/\s+/)[1]);
  if (!(port > 0 && port < 65536)) return { reason: `the floor control channel's port is ${port}: the server declined it` };
  const address = connectionAddress(sdp, media.lines);
  return address ? { address, port } : { reason: 'the SDP answer gives no IPv4 c= line for the floor control channel' };
}

function connectionAddress(sdp: Sdp, mediaLines: Sdp['session']): string | undefined {
  const c = mediaLines.find((l) => l.type === 'c') ?? sdp.session.find((l) => l.type === 'c');
  const m = c && /^IN\s+IP4\s+(\S+)/.exec(c.value);
  return m?.[1];
}
