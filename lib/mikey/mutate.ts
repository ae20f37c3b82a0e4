/**
 * One deliberate deviation per validator rule, applied to a conforming
 * message, so every rule has a test that proves it fires and the suites can
 * send each single fault to a vendor. Message mutations return a new tree
 * (encode it, and re-sign with build.ts if the receiver should get past the
 * signature) or raw octets for framing faults. Key-parameter mutations
 * change the plaintext before it is protected.
 */
import { encodeIMessage } from './codec.ts';
import { CsIdMapType, GenExtType, IdRole, IdType, KeyTypeValue, PayloadType } from './constants.ts';
import { KEY_PARAMS_CODES, encodeKeyParameters, type KeyParameters } from './key-params.ts';
import type { RuleId } from './validate.ts';
import type { GeneralExtPayload, MikeyMessage, Payload } from './types.ts';

export type Mutation =
  | { target: 'message'; description: string; apply: (m: MikeyMessage) => MikeyMessage | Uint8Array }
  | { target: 'key-parameters'; description: string; apply: (k: KeyParameters) => KeyParameters | Uint8Array };

function clone(m: MikeyMessage): MikeyMessage {
  return structuredClone({ hdr: m.hdr, payloads: m.payloads });
}

function edit(f: (m: MikeyMessage) => void): (m: MikeyMessage) => MikeyMessage {
  return (m) => {
    const c = clone(m);
    f(c);
    return c;
  };
}

function first<K extends Payload['kind']>(m: MikeyMessage, kind: K, pred: (p: Extract<Payload, { kind: K }>) => boolean = () => true): Extract<Payload, { kind: K }> {
  const p = m.payloads.find((q) => q.kind === kind && pred(q as Extract<Payload, { kind: K }>));
  if (!p) throw new Error(`mutation needs a ${kind} payload in the base message`);
  return p as Extract<Payload, { kind: K }>;
}

const ext = (m: MikeyMessage, type: number) => first(m, 'GENERAL_EXT', (p) => p.extType === type) as GeneralExtPayload;

/** Patch octets of the protected key parameters header (8.5.4.1 layout without signalling algorithm). */
function patchKp(at: number, bytes: number[]) {
  return edit((m) => {
    const p = ext(m, GenExtType.KEY_PARAMETERS);
    const d = p.data.slice();
    d.set(bytes, at);
    p.data = d;
  });
}

function removeWhere(pred: (p: Payload) => boolean) {
  return edit((m) => {
    m.payloads = m.payloads.filter((p) => !pred(p));
  });
}

/**
 * Each mutation makes its rule's check fail and, where the fault allows it,
 * no other check (validate.test.ts names the few unavoidable companions).
 * The base message must be a conforming GMK message with CS# >= 1 (GENERIC-ID
 * + SP), SAKKE-to-self and key parameters, as build.ts / compose.ts make it.
 */
export const MUTATIONS: Record<RuleId, Mutation> = {
  'message.decode': { target: 'message', description: 'truncate the SIGN payload by one octet', apply: (m) => encodeIMessage(m).slice(0, -1) },
  'message.mandatory-payload': { target: 'message', description: 'drop the RAND payload', apply: removeWhere((p) => p.kind === 'RAND') },
  'message.duplicate-payload': { target: 'message', description: 'repeat the T payload', apply: edit((m) => { m.payloads.splice(1, 0, structuredClone(first(m, 'T'))); }) },
  'message.id-payload': { target: 'message', description: 'add an RFC 3830 ID payload', apply: edit((m) => { m.payloads.splice(2, 0, { kind: 'ID', idType: IdType.URI, data: new TextEncoder().encode('sip:x@example.org') }); }) },
  'hdr.version': { target: 'message', description: 'version 2', apply: edit((m) => { m.hdr.version = 2; }) },
  'hdr.data-type': { target: 'message', description: 'data type 2 (public key)', apply: edit((m) => { m.hdr.dataType = 2; }) },
  'hdr.v-bit': { target: 'message', description: 'V bit set', apply: edit((m) => { m.hdr.vFlag = true; }) },
  'hdr.prf-func': { target: 'message', description: 'PRF func 0 (MIKEY-1)', apply: edit((m) => { m.hdr.prfFunc = 0; }) },
  'hdr.cs-map-empty': { target: 'message', description: 'CS# 0 with map type 0 (SRTP-ID)', apply: edit((m) => {
    m.hdr.csCount = 0; m.hdr.csIdMapType = CsIdMapType.SRTP_ID; m.hdr.genericIds = undefined; m.hdr.srtpIds = [];
    m.payloads = m.payloads.filter((p) => p.kind !== 'SP');
  }) },
  'hdr.cs-map-generic': { target: 'message', description: 'CS# 1 with map type 0 (SRTP-ID)', apply: edit((m) => {
    m.hdr.csIdMapType = CsIdMapType.SRTP_ID; m.hdr.genericIds = undefined; m.hdr.srtpIds = [{ policyNo: 0, ssrc: 0x1234, roc: 0 }];
  }) },
  'cs.count': { target: 'message', description: 'three crypto sessions for a GMK', apply: edit((m) => {
    const g = m.hdr.genericIds![0];
    m.hdr.genericIds = [4, 5, 4].map((csId) => ({ ...structuredClone(g), csId }));
    m.hdr.csCount = 3;
  }) },
  'cs.id': { target: 'message', description: 'CS-ID 0 (private call) for a GMK', apply: edit((m) => { m.hdr.genericIds![0].csId = 0; }) },
  'cs.prot-type': { target: 'message', description: 'crypto session Prot type 1', apply: edit((m) => { m.hdr.genericIds![0].protType = 1; }) },
  'cs.policy-count': { target: 'message', description: '#P 2', apply: edit((m) => { m.hdr.genericIds![0].policies = [0, 0]; }) },
  'cs.session-data': { target: 'message', description: 'an SSRC in the session data of a GMK crypto session', apply: edit((m) => { m.hdr.genericIds![0].sessionData = Uint8Array.of(0, 0, 0x12, 0x34); }) },
  'cs.policy-ref': { target: 'message', description: 'reference policy 9 that no SP describes', apply: edit((m) => { m.hdr.genericIds![0].policies = [9]; }) },
  'csb.purpose-tag': { target: 'message', description: 'purpose tag 1 (PCK) on a GMK message', apply: edit((m) => { m.hdr.csbId = ((m.hdr.csbId & 0x0fffffff) | 0x10000000) >>> 0; }) },
  'ts.type': { target: 'message', description: 'TS type 2 (COUNTER)', apply: edit((m) => { const t = first(m, 'T'); t.tsType = 2; t.value = t.value.slice(0, 4); }) },
  'rand.length': { target: 'message', description: 'RAND of 8 octets', apply: edit((m) => { const r = first(m, 'RAND'); r.rand = r.rand.slice(0, 8); }) },
  'idr.id-type': { target: 'message', description: 'IDRkmsi with ID type 0 (NAI)', apply: edit((m) => { first(m, 'IDR', (p) => p.role === IdRole.IDRkmsi).idType = IdType.NAI; }) },
  'idr.uri-text': { target: 'message', description: 'a 32-octet hash in IDRi with role 1 and ID type URI', apply: edit((m) => { first(m, 'IDR', (p) => p.role === IdRole.IDRi).data = new Uint8Array(32).fill(0xa5); }) },
  'idr.empty': { target: 'message', description: 'empty IDRr', apply: edit((m) => { first(m, 'IDR', (p) => p.role === IdRole.IDRr).data = new Uint8Array(0); }) },
  'idr.hidden-uid': { target: 'message', description: 'IDRuidr holding a URI instead of a 32-octet UID', apply: edit((m) => {
    const p = first(m, 'IDR', (q) => q.role === IdRole.IDRr);
    p.role = IdRole.IDRuidr;
  }) },
  'idr.role': { target: 'message', description: 'an extra IDR with role 3 (IDRkms of RFC 6043)', apply: edit((m) => {
    const i = m.payloads.findIndex((p) => p.kind === 'IDR' && p.role === IdRole.IDRkmsr);
    if (i < 0) throw new Error('mutation needs an IDRkmsr payload in the base message');
    m.payloads.splice(i + 1, 0, { ...structuredClone(m.payloads[i]!), role: IdRole.IDRkms } as Payload);
  }) },
  'sakke.count': { target: 'message', description: 'a second SAKKE payload', apply: edit((m) => {
    const i = m.payloads.findIndex((p) => p.kind === 'SAKKE');
    m.payloads.splice(i + 1, 0, structuredClone(m.payloads[i]));
  }) },
  'sakke.params': { target: 'message', description: 'SAKKE params 2', apply: edit((m) => { first(m, 'SAKKE').sakkeParams = 2; }) },
  'sakke.id-scheme': { target: 'message', description: 'ID scheme 1 (tel URI with monthly keys)', apply: edit((m) => { first(m, 'SAKKE').idScheme = 1; }) },
  'sakke.data': { target: 'message', description: 'R in compressed form (02 || x)', apply: edit((m) => { const s = first(m, 'SAKKE'); s.data = Uint8Array.from([2, ...s.data.subarray(1, 129), ...s.data.subarray(257)]); }) },
  'key.length': { target: 'message', description: 'H of 32 octets (a 256-bit key)', apply: edit((m) => { const s = first(m, 'SAKKE'); s.data = Uint8Array.from([...s.data, ...s.data.subarray(257)]); }) },
  'sign.type': { target: 'message', description: 'S type 0 (RSA/PKCS#1)', apply: edit((m) => { first(m, 'SIGN').sType = 0; }) },
  'sign.length': { target: 'message', description: 'a 32-octet signature (the length E.1.2 mentions)', apply: edit((m) => { const s = first(m, 'SIGN'); s.signature = s.signature.slice(0, 32); s.declaredLength = 32; }) },
  'sp.prot-type': { target: 'message', description: 'SP Prot type 1 (not SRTP)', apply: edit((m) => { first(m, 'SP').protType = 1; }) },
  'ext.duplicate': { target: 'message', description: 'two SAKKE-to-self payloads', apply: edit((m) => {
    const i = m.payloads.findIndex((p) => p.kind === 'GENERAL_EXT' && p.extType === GenExtType.SAKKE_TO_SELF);
    m.payloads.splice(i + 1, 0, structuredClone(m.payloads[i]));
  }) },
  'self.next-payload': { target: 'message', description: 'encapsulated SAKKE next payload 4 (SIGN)', apply: edit((m) => { ext(m, GenExtType.SAKKE_TO_SELF).sakke!.nextPayload = PayloadType.SIGN; }) },
  'self.sakke': { target: 'message', description: 'SAKKE-to-self with ID scheme 1', apply: edit((m) => { ext(m, GenExtType.SAKKE_TO_SELF).sakke!.idScheme = 1; }) },
  'kp.structure': { target: 'message', description: 'key parameters payload cut to 10 octets', apply: edit((m) => { const p = ext(m, GenExtType.KEY_PARAMETERS); p.data = p.data.slice(0, 10); }) },
  'kp.payload-id': { target: 'message', description: 'Payload ID 1', apply: patchKp(6, [0, 0, 0, 1]) },
  'kp.sequence': { target: 'message', description: 'Payload sequence number 1', apply: patchKp(10, [1]) },
  'kp.dppk-id': { target: 'message', description: 'DPPK-ID differing from the CSB-ID', apply: edit((m) => {
    const p = ext(m, GenExtType.KEY_PARAMETERS);
    const d = p.data.slice();
    d[31] ^= 0x01; // last octet of the DPPK-ID (12 header octets + 16 IV + 3)
    p.data = d;
  }) },
  'kp.algorithm': { target: 'message', description: 'payload algorithm 0x7f', apply: patchKp(11, [0x7f]) },
  'kp.decode': { target: 'key-parameters', description: 'Key Parameters IE with a length one larger than its content', apply: (k) => {
    const enc = encodeKeyParametersLoose(k);
    enc[2] += 1;
    return enc;
  } },
  'kp.key-type': { target: 'key-parameters', description: 'Key Type MKFC (a group key type too) in a GMK message', apply: (k) => ({ ...k, keyType: KeyTypeValue.MKFC }) },
  'kp.group-ids': { target: 'key-parameters', description: 'MC Group IDs on a PCK-typed key', apply: (k) => ({ ...k, keyType: KeyTypeValue.PCK, groupIds: ['sip:group@example.org'] }) },
  'kp.group-ids-absent': { target: 'key-parameters', description: 'GMK key parameters without the MC Group IDs IE', apply: (k) => ({ ...k, groupIds: undefined }) },
  'kp.times': { target: 'key-parameters', description: 'expiry time before the activation time', apply: (k) => ({ ...k, activationTime: 2_000_000_000, expiryTime: 1_900_000_000 }) },
};

function encodeKeyParametersLoose(k: KeyParameters): Uint8Array {
  return encodeKeyParameters(k, KEY_PARAMS_CODES.keyParametersIei).slice();
}
