/**
 * MCPTT floor control messages (TS 24.380 clause 8.2): each one RTCP APP
 * packet (RFC 3550 6.7) named "MCPT" whose 5-bit subtype says the message
 * and whose application data is a list of fields: a field ID octet, a
 * length octet counting the value only, the value, then zeros up to the
 * next 32-bit boundary. The decoder never throws: what a system under test
 * sends is data, and a packet that is no floor control message comes back
 * with the reason.
 */

/** The APP name of floor control (24.380 8.2.1). */
export const FLOOR_APP_NAME = 'MCPT';
const RTCP_APP = 204;

/** Subtypes without the acknowledgement bit (24.380 8.2.2). */
export const FloorSubtype = {
  request: 0,
  granted: 1,
  taken: 2,
  deny: 3,
  release: 4,
  idle: 5,
  revoke: 6,
  queuePositionRequest: 8,
  queuePositionInfo: 9,
  ack: 10,
} as const;
export type FloorMessageName = keyof typeof FloorSubtype;

/** The top subtype bit asks the receiver for a Floor Ack, on these messages only. */
const ACK_BIT = 0x10;
const ACKABLE = new Set<number>([FloorSubtype.granted, FloorSubtype.taken, FloorSubtype.deny, FloorSubtype.release, FloorSubtype.idle, FloorSubtype.queuePositionInfo]);

/** Field IDs (24.380 8.2.3). */
export const FloorField = {
  priority: 0,
  duration: 1,
  rejectCause: 2,
  queueInfo: 3,
  grantedPartyIdentity: 4,
  permissionToRequest: 5,
  userId: 6,
  queueSize: 7,
  sequenceNumber: 8,
  queuedUserId: 9,
  source: 10,
  trackInfo: 11,
  messageType: 12,
  floorIndicator: 13,
  ssrc: 14,
} as const;

export interface FloorFieldValue {
  id: number;
  value: Uint8Array;
}

export interface FloorMessage {
  name: FloorMessageName;
  ackRequired: boolean;
  /** The sender's SSRC. */
  ssrc: number;
  fields: FloorFieldValue[];
}

export type FloorDecode = { ok: true; message: FloorMessage } | { ok: false; reason: string };

const NAME_OF = new Map<number, FloorMessageName>(Object.entries(FloorSubtype).map(([k, v]) => [v, k as FloorMessageName]));

/** A field of two octets (Floor Priority: priority, spare; Duration; Reject Cause without a phrase ...). */
export function u16Field(id: number, value: number): FloorFieldValue {
  return { id, value: Uint8Array.of((value >>> 8) & 0xff, value & 0xff) };
}

/** Floor Priority (8.2.3.2): the priority in the first octet, a spare one after. */
export const priorityField = (priority: number): FloorFieldValue => ({ id: FloorField.priority, value: Uint8Array.of(priority & 0xff, 0) });

export function fieldOf(m: FloorMessage, id: number): Uint8Array | undefined {
  return m.fields.find((f) => f.id === id)?.value;
}

/** The first two value octets as a number, when the field is there and long enough. */
export function u16Of(m: FloorMessage, id: number): number | undefined {
  const v = fieldOf(m, id);
  return v && v.length >= 2 ? (v[0]! << 8) | v[1]! : undefined;
}

export function encodeFloorMessage(m: FloorMessage): Uint8Array {
  const subtype = FloorSubtype[m.name] | (m.ackRequired && ACKABLE.has(FloorSubtype[m.name]) ? ACK_BIT : 0);
  const fields = m.fields.map((f) => {
    if (f.value.length > 255) throw new RangeError(`field ${f.id}: a value of ${f.value.length} octets does not fit a one-octet length`);
    const padded = new Uint8Array(Math.ceil((2 + f.value.length) / 4) * 4);
    padded[0] = f.id;
    padded[1] = f.value.length;
    padded.set(f.value, 2);
    return padded;
  });
  const length = 12 + fields.reduce((n, f) => n + f.length, 0);
  const out = new Uint8Array(length);
  out[0] = 0x80 | subtype;
  out[1] = RTCP_APP;
  out[2] = ((length / 4 - 1) >>> 8) & 0xff;
  out[3] = (length / 4 - 1) & 0xff;
  new DataView(out.buffer).setUint32(4, m.ssrc >>> 0);
  out.set(Buffer.from(FLOOR_APP_NAME, 'ascii'), 8);
  let at = 12;
  for (const f of fields) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** Reads one floor control message from the start of `packet` (an RTCP APP packet, as SRTCP gives it back). */
export function decodeFloorMessage(packet: Uint8Array): FloorDecode {
  if (!(packet instanceof Uint8Array) || packet.length < 12) return { ok: false, reason: `${packet?.length ?? 0} octets: shorter than an RTCP APP header and name (12)` };
  if (packet[0]! >> 6 !== 2) return { ok: false, reason: `RTCP version ${packet[0]! >> 6}, expected 2` };
  if (packet[1] !== RTCP_APP) return { ok: false, reason: `RTCP packet type ${packet[1]}, expected APP (204)` };
  const length = (((packet[2]! << 8) | packet[3]!) + 1) * 4;
  if (length > packet.length) return { ok: false, reason: `the length field says ${length} octets, the packet has ${packet.length}` };
  const name = Buffer.from(packet.subarray(8, 12)).toString('latin1');
  if (name !== FLOOR_APP_NAME) return { ok: false, reason: `APP name '${name.replace(/[^\x20-\x7e]/g, '.')}', expected '${FLOOR_APP_NAME}'` };
  const raw = packet[0]! & 0x1f;
  const base = ACKABLE.has(raw & ~ACK_BIT) ? raw & ~ACK_BIT : raw;
  const messageName = NAME_OF.get(base);
  if (!messageName) return { ok: false, reason: `subtype ${raw} is no floor control message of 24.380 8.2.2` };
  const fields: FloorFieldValue[] = [];
  let at = 12;
  while (at + 2 <= length) {
    const id = packet[at]!;
    const n = packet[at + 1]!;
    if (at + 2 + n > length) return { ok: false, reason: `field ${id} at octet ${at} says ${n} octets, past the end of the packet` };
    fields.push({ id, value: packet.slice(at + 2, at + 2 + n) });
    at += Math.ceil((2 + n) / 4) * 4;
  }
  return { ok: true, message: { name: messageName, ackRequired: (raw & ACK_BIT) !== 0 && ACKABLE.has(base), ssrc: new DataView(packet.buffer, packet.byteOffset).getUint32(4), fields } };
}

/** One line for evidence: the message, its sender and its fields. */
export function describeFloorMessage(m: FloorMessage): string {
  const names = new Map<number, string>(Object.entries(FloorField).map(([k, v]) => [v, k]));
  const fields = m.fields.map((f) => `${names.get(f.id) ?? `field ${f.id}`}=${Buffer.from(f.value).toString('hex')}`);
  return `Floor ${m.name}${m.ackRequired ? ' (ack required)' : ''} from SSRC ${m.ssrc.toString(16).padStart(8, '0')}${fields.length ? `: ${fields.join(', ')}` : ''}`;
}
