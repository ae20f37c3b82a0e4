/**
 * The EAR PAYLOAD of TS 33.180 Annex J (J.1.2 to J.2.5), encoded as TS
 * 24.379 Annex I encodes MONP messages: V fields in table order, LV-E
 * (2-octet length) entity IDs, then the optional Request TLV-E, whose value
 * is the REQUEST PAYLOAD (J.2.2: request type V, then optional TV Request ID
 * and Request Expiry).
 *
 * Read between the lines, and overridable (EarCodes): Annex J numbers
 * neither the EAR message type nor the IEIs of Request, Request ID and
 * Request Expiry (J.1.2-1 shows the Request's IEI as a placeholder).
 * The Date and Time value (5 octets, TS 24.282 15.2.8) is taken as seconds
 * since 1970-01-01 UTC, like J.2.4's Request Expiry.
 */

export interface EarCodes {
  messageType: number;
  requestIei: number;
  requestIdIei: number;
  requestExpiryIei: number;
}

export const DEFAULT_EAR_CODES: EarCodes = { messageType: 0x01, requestIei: 0x7d, requestIdIei: 0x01, requestExpiryIei: 0x02 };

/** J.1.4 Role IDs. */
export const EAR_ROLE = { client: 1, group: 2, server: 3 } as const;

/** J.2.3 Request types. */
export const REQUEST_TYPE = { privileged: 1, interworking: 2, group: 3, migration: 5, offNetwork: 6 } as const;

/** J.2.5.2 Request IDs of privileged signalling: byte 1 is 1, byte 2 the request. */
export const PRIVILEGED_REQUEST = {
  mcpttAutomaticPrivateCall: [1, 1],
  mcpttAmbientListening: [1, 2],
  mcpttUnnotifiedRemoteCall: [1, 3],
  mcvideoAutomaticPrivateCall: [1, 4],
} as const satisfies Record<string, readonly [number, number]>;

export interface EarRequest {
  type: number;
  /** Request ID, two octets (J.2.5). */
  id?: readonly [number, number];
  /** Request Expiry, seconds since 1970 UTC (J.2.4). */
  expiry?: number;
}

export interface EarPayload {
  /** Date and Time of the request, seconds since 1970 UTC. */
  dateTime: number;
  /** The 16-octet EAR ID (an RFC 4122 UUID, J.1.3). */
  earId: Uint8Array;
  sourceRole: number;
  sourceId: string;
  targetRole: number;
  targetId: string;
  request?: EarRequest;
}

const MAX_40_BITS = 2 ** 40 - 1;

function u40(value: number): number[] {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_40_BITS) throw new RangeError(`${value} does not fit in 5 octets`);
  return [Math.floor(value / 2 ** 32) & 0xff, (value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

function lvE(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > 0xffff) throw new RangeError(`entity ID of ${bytes.length} octets exceeds 65535 (J.1.5)`);
  return [bytes.length >> 8, bytes.length & 0xff, ...bytes];
}

export function encodeEarPayload(p: EarPayload, codes: EarCodes = DEFAULT_EAR_CODES): Uint8Array {
  if (p.earId.length !== 16) throw new RangeError(`EAR ID of ${p.earId.length} octets, J.1.3 fixes 16`);
  const out = [codes.messageType, ...u40(p.dateTime), ...p.earId, p.sourceRole, ...lvE(p.sourceId), p.targetRole, ...lvE(p.targetId)];
  if (p.request) {
    const r = p.request;
    const value = [r.type, ...(r.id ? [codes.requestIdIei, r.id[0], r.id[1]] : []), ...(r.expiry !== undefined ? [codes.requestExpiryIei, ...u40(r.expiry)] : [])];
    out.push(codes.requestIei, value.length >> 8, value.length & 0xff, ...value);
  }
  return Uint8Array.from(out);
}

export type DecodedEar = { ok: true; payload: EarPayload } | { ok: false; reason: string };

/** Decodes an EAR PAYLOAD; never throws. Unknown trailing TV fields of the request are a reason, not skipped. */
export function decodeEarPayload(data: Uint8Array, codes: EarCodes = DEFAULT_EAR_CODES): DecodedEar {
  let at = 0;
  const need = (n: number, what: string) => (at + n > data.length ? `${what} runs past the end (offset ${at}, ${data.length} octets)` : undefined);
  const read40 = (from: number) => data[from]! * 2 ** 32 + ((data[from + 1]! << 24) >>> 0) + (data[from + 2]! << 16) + (data[from + 3]! << 8) + data[from + 4]!;
  const readLvE = (what: string): string | { reason: string } => {
    const short = need(2, `${what} length`);
    if (short) return { reason: short };
    const length = (data[at]! << 8) | data[at + 1]!;
    at += 2;
    const over = need(length, what);
    if (over) return { reason: over };
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(at, at + length));
      at += length;
      return text;
    } catch {
      return { reason: `${what} is not UTF-8` };
    }
  };
  const head = need(1 + 5 + 16 + 1, 'EAR message type, Date and Time, EAR ID and Source Role');
  if (head) return { ok: false, reason: head };
  if (data[0] !== codes.messageType) return { ok: false, reason: `message type ${data[0]}, not the EAR PAYLOAD's ${codes.messageType}` };
  const dateTime = read40(1);
  const earId = data.slice(6, 22);
  const sourceRole = data[22]!;
  at = 23;
  const sourceId = readLvE('Source ID');
  if (typeof sourceId !== 'string') return { ok: false, reason: sourceId.reason };
  const role = need(1, 'Target Role');
  if (role) return { ok: false, reason: role };
  const targetRole = data[at++]!;
  const targetId = readLvE('Target ID');
  if (typeof targetId !== 'string') return { ok: false, reason: targetId.reason };
  const payload: EarPayload = { dateTime, earId, sourceRole, sourceId, targetRole, targetId };
  if (at === data.length) return { ok: true, payload };
  if (data[at] !== codes.requestIei) return { ok: false, reason: `octet ${data[at]} at offset ${at}, not the Request IEI ${codes.requestIei}` };
  const rh = need(3, 'Request header');
  if (rh) return { ok: false, reason: rh };
  const length = (data[at + 1]! << 8) | data[at + 2]!;
  at += 3;
  if (at + length !== data.length) return { ok: false, reason: `Request length ${length} does not end the payload (${data.length - at} octets left)` };
  if (length < 1) return { ok: false, reason: 'Request without its request type' };
  const request: { type: number; id?: [number, number]; expiry?: number } = { type: data[at++]! };
  while (at < data.length) {
    const iei = data[at]!;
    if (iei === codes.requestIdIei && request.id === undefined && at + 3 <= data.length) {
      request.id = [data[at + 1]!, data[at + 2]!];
      at += 3;
    } else if (iei === codes.requestExpiryIei && request.expiry === undefined && at + 6 <= data.length) {
      request.expiry = read40(at + 1);
      at += 6;
    } else return { ok: false, reason: `Request field with IEI ${iei} at offset ${at} is not a Request ID or Request Expiry that fits` };
  }
  return { ok: true, payload: { ...payload, request } };
}

/** The authorisation fields (J.3.2) of an identity: hname to its bit field, from the SIP URI headers after '?'. */
export function authorisationFieldsOf(identity: string): Map<string, Uint8Array> {
  const fields = new Map<string, Uint8Array>();
  const q = identity.indexOf('?');
  if (q < 0) return fields;
  for (const pair of identity.slice(q + 1).split('&')) {
    const [name, value] = pair.split('=', 2);
    if (!name || !value || !/^(?:[0-9a-fA-F]{2})+$/.test(value)) continue;
    fields.set(name.toLowerCase(), Uint8Array.from(Buffer.from(value, 'hex')));
  }
  return fields;
}

/** Whether bit `bit` (J.3.3.1: left-most byte first, least significant bit first) of field `name` is set. */
export function hasAuthorisation(identity: string, name: string, bit: number): boolean {
  const field = authorisationFieldsOf(identity).get(name);
  return field !== undefined && ((field[bit >> 3] ?? 0) & (1 << (bit & 7))) !== 0;
}

/** The identity without its authorisation fields (what the authorisation was granted to). */
export function plainIdentity(identity: string): string {
  const q = identity.indexOf('?');
  return q < 0 ? identity : identity.slice(0, q);
}

/** Describes an EAR for evidence: every field, IDs as hex. */
export function describeEar(p: EarPayload): Record<string, unknown> {
  return {
    dateTime: `${p.dateTime} (${new Date(p.dateTime * 1000).toISOString()})`,
    earId: Buffer.from(p.earId).toString('hex'),
    sourceRole: p.sourceRole,
    sourceId: p.sourceId,
    targetRole: p.targetRole,
    targetId: p.targetId,
    ...(p.request ? { request: { type: p.request.type, ...(p.request.id ? { id: p.request.id.join('.') } : {}), ...(p.request.expiry !== undefined ? { expiry: p.request.expiry } : {}) } } : {}),
  };
}
