import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { ctr } from '@noble/ciphers/aes.js';
import { parseRtcpHeader, protectRtcp, srtcpFromKfc, SrtcpReceiver, SRTCP_CS_ID, srtcpIv, unprotectRtcp } from '../../lib/crypto/srtp/index.ts';
import { decodeFloorMessage, encodeFloorMessage, FloorField, priorityField, u16Field, u16Of, type FloorMessage } from '../../lib/floor-control/message.ts';
import type { FaultSet } from '../fault.ts';

/**
 * The reference floor control server of one pre-arranged group call (TS
 * 24.380 6.3, reduced to one participant): a UDP socket that takes SRTCP
 * keyed from the caller's CSK (9.4.2, 9.4.6) and answers a Floor Request
 * with Floor Granted (Floor Deny while someone else holds the floor) and a
 * Floor Release with Floor Idle. A packet that does not authenticate, or
 * repeats an SRTCP index (RFC 3711 3.3.2), is dropped. The sending faults
 * change only what the server sends; what it accepts stays correct, so each
 * breaks one check of suites/mcx-server/checks/floor-control.ts.
 */
export interface FloorKfc {
  key: Uint8Array;
  id: number;
  rand: Uint8Array;
}

export interface FloorSession {
  port: number;
  stop(): void;
}

const GRANTED_SECONDS = 30;
/** The highest floor priority the reference grants (24.380: a participant asks for at most what it may have). */
const MAX_PRIORITY = 4;
const GCM_TAG = 16;

export async function startFloorSession(kfc: FloorKfc, peer: { address: string; port: number }, faults: FaultSet): Promise<FloorSession> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  socket.on('error', () => undefined);
  const ssrc = randomBytes(4).readUInt32BE(0);
  const incoming = srtcpFromKfc({ kfc: kfc.key, kfcId: kfc.id, kfcRand: kfc.rand, csId: SRTCP_CS_ID.mcpttCsk });
  const receiver = new SrtcpReceiver(incoming.keys, { mkiLength: 4, expectedMki: incoming.mki });
  const outgoing = srtcpFromKfc({
    kfc: faults.has('mcx-server.floor-key-not-from-csk') ? Uint8Array.from(randomBytes(16)) : kfc.key,
    kfcId: kfc.id,
    kfcRand: faults.has('mcx-server.floor-zero-rand') ? new Uint8Array(16) : kfc.rand,
    // CS-ID 4 is the MCPTT group call's (table E.1.3-1).
    csId: faults.has('mcx-server.floor-wrong-cs-id') ? 4 : SRTCP_CS_ID.mcpttCsk,
  });
  const mki = faults.has('mcx-server.floor-no-mki') ? undefined : faults.has('mcx-server.floor-mki-not-csk-id') ? Uint8Array.from(outgoing.mki.map((b, i) => (i === 3 ? b ^ 0x01 : b))) : outgoing.mki;
  let index = 0;
  let sequence = 0;
  let holder: number | undefined;

  const send = (m: FloorMessage) => {
    const rtcp = encodeFloorMessage(m);
    const packet = faults.has('mcx-server.floor-plain-rtcp') ? rtcp : protectRtcp(outgoing.keys, rtcp, { index: ++index, ...(mki ? { mki } : {}), encrypt: !faults.has('mcx-server.floor-unencrypted') });
    socket.send(packet, peer.port, peer.address);
  };
  const idle = (): FloorMessage => ({ name: 'idle', ackRequired: false, ssrc, fields: [u16Field(FloorField.sequenceNumber, ++sequence & 0xffff)] });

  const act = (m: FloorMessage) => {
    if (m.name === 'request') {
      if (faults.has('mcx-server.floor-answers-idle')) return send(idle());
      if (holder !== undefined && holder !== m.ssrc) return send({ name: 'deny', ackRequired: false, ssrc, fields: [u16Field(FloorField.rejectCause, 1)] });
      holder = m.ssrc;
      const asked = u16Of(m, FloorField.priority);
      const priority = Math.min(asked === undefined ? 1 : asked >> 8, MAX_PRIORITY);
      return send({ name: 'granted', ackRequired: false, ssrc, fields: [u16Field(FloorField.duration, GRANTED_SECONDS), priorityField(priority)] });
    }
    if (m.name === 'release' && holder === m.ssrc) {
      holder = undefined;
      return send(idle());
    }
  };

  socket.on('message', (octets) => {
    const packet = Uint8Array.from(octets);
    const opened = faults.has('mcx-server.floor-no-replay-check') ? unprotectRtcp(incoming.keys, packet, { mkiLength: 4, expectedMki: incoming.mki }) : receiver.unprotect(packet);
    const rtcp = opened.ok ? opened.rtcp : opened.code === 'auth-failed' && faults.has('mcx-server.floor-ignores-tag') ? decryptIgnoringTag(incoming.keys, packet) : undefined;
    if (!rtcp) return;
    const decoded = decodeFloorMessage(rtcp);
    if (decoded.ok) act(decoded.message);
  });

  return { port: socket.address().port, stop: () => socket.close() };
}

/** Fault mcx-server.floor-ignores-tag: AES-GCM decrypted as the CTR mode inside it, the tag never checked. */
function decryptIgnoringTag(keys: { key: Uint8Array; salt: Uint8Array }, packet: Uint8Array): Uint8Array | undefined {
  const header = parseRtcpHeader(packet);
  if (!header.ok || packet.length < 8 + GCM_TAG + 4 + 4) return undefined;
  const indexAt = packet.length - 4 - 4;
  const index = new DataView(packet.buffer, packet.byteOffset, packet.byteLength).getUint32(indexAt);
  const counter = new Uint8Array(16);
  counter.set(srtcpIv(keys.salt, header.header.ssrc, index & 0x7fffffff));
  counter[15] = 2;
  const plain = ctr(keys.key, counter).decrypt(packet.subarray(8, indexAt - GCM_TAG));
  const out = new Uint8Array(8 + plain.length);
  out.set(packet.subarray(0, 8));
  out.set(plain, 8);
  return out;
}
