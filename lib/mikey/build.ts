/**
 * Builds conforming (and, with `mutate`, deliberately broken) MIKEY-SAKKE
 * I_MESSAGEs for every key kind of TS 33.180 Annex E, with real SAKKE
 * encapsulation and ECCSI signatures.
 */
import { randomBytes } from 'node:crypto';
import { eccsiSign } from '../crypto/eccsi.ts';
import { gukId } from '../crypto/kdf.ts';
import { ntpFromUnixMs, ntpToBytes } from '../crypto/ntp.ts';
import { sakkeEncapsulate } from '../crypto/sakke.ts';
import { appendSignature, encodeForSigning, encodeIMessage } from './codec.ts';
import { composeIMessage, type IdentityField } from './compose.ts';
import {
  CS_IDS_FOR_KIND, ECCSI_SIGNATURE_LENGTH, KEY_LENGTH, STATUS_NOT_REVOKED, SIGN_TYPE_ECCSI, keyTypeOfKind, purposeTagOfKind, type KeyKind,
} from './constants.ts';
import { uidAt, type KeyPeriodInfo } from './identity.ts';
import { encodeKeyParameters, protectPayload, type KeyParameters } from './key-params.ts';
import { MUTATIONS } from './mutate.ts';
import type { MikeyMessage } from './types.ts';
import type { RuleId } from './validate.ts';

export interface InitiatorMaterial extends KeyPeriodInfo {
  /** GMS URI, MCX server MDSI / FQDN, or the initiating user's MC service user ID (E.2.1, E.3.1, E.4.1). */
  uri: string;
  /** ECCSI key material issued for this period (RFC 6507). */
  ssk: Uint8Array;
  pvt: Uint8Array;
  /** KMS public authentication key. */
  kpak: Uint8Array;
  /** SAKKE public key Z_T of the initiator's KMS, for SAKKE-to-self. */
  zT?: Uint8Array;
}

export interface ReceiverMaterial extends KeyPeriodInfo {
  uri: string;
  /** SAKKE public key Z_T of the receiver's KMS (PubEncKey). */
  zT: Uint8Array;
}

export interface BuildOptions {
  kind: KeyKind;
  initiator: InitiatorMaterial;
  receiver: ReceiverMaterial;
  /** The 16-octet key; random when absent. */
  key?: Uint8Array;
  /** K-ID (GMK-ID, PCK-ID, CSK-ID, MuSiK-ID); purpose tag + 28 random bits when absent. */
  keyId?: number;
  /** Time of the message (Unix ms); now when absent. */
  time?: number;
  /** Add a SAKKE-to-self payload (E.5); needs initiator.zT. */
  sakkeToSelf?: boolean;
  /** E.7 identity hiding. */
  hide?: { initiator?: boolean; receiver?: boolean };
  /** Key parameters (E.6): false to leave out; default: included for GMK, left out otherwise. */
  keyParameters?: Partial<KeyParameters> | false;
  /** The HDR CSB-ID, when it must not be the one 5.2.3 gives (negative tests: no or wrong end-point diversity). */
  csbId?: number;
  /** Protect the key parameters under this key instead of the distributed one (negative tests of E.6.1). */
  keyParametersKey?: Uint8Array;
  /** CS-IDs to describe with GENERIC-ID and SP; default none (CS# 0, default profile). */
  cryptoSessions?: number[];
  /**
   * What IDRr and IDRkmsi claim, when it must differ from the key material
   * (negative tests: a message addressed to one identity but encrypted to
   * another, or naming a KMS other than the one whose key signed it).
   */
  claim?: { receiverUri?: string; initiatorKmsUri?: string };
  /** Apply the mutation of a validator rule before signing. */
  mutate?: RuleId;
  random?: (n: number) => Uint8Array;
  /** ECCSI ephemeral j, for reproducible signatures in tests. */
  eccsiJ?: bigint;
}

export interface BuiltIMessage {
  bytes: Uint8Array;
  message: MikeyMessage;
  key: Uint8Array;
  /** K-ID (e.g. GMK-ID). */
  keyId: number;
  /** CSB-ID in the header (GUK-ID for a GMK, else the K-ID). */
  csbId: number;
  initiatorUid: Uint8Array;
  receiverUid: Uint8Array;
  keyParameters?: KeyParameters;
}

const defaultRandom = (n: number) => Uint8Array.from(randomBytes(n));

function u32(b: Uint8Array): number {
  return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

export function randomKeyId(kind: KeyKind, random: (n: number) => Uint8Array = defaultRandom): number {
  return ((purposeTagOfKind(kind) << 28) | (u32(random(4)) & 0x0fffffff)) >>> 0;
}

export function defaultKeyParameters(kind: KeyKind): KeyParameters {
  return {
    keyType: keyTypeOfKind(kind), status: STATUS_NOT_REVOKED, activationTime: 0, expiryTime: 0, text: '',
    ...(kind === 'gmk' || kind === 'musik-download' ? { groupIds: [] } : {}),
  };
}

export function buildIMessage(o: BuildOptions): BuiltIMessage {
  const random = o.random ?? defaultRandom;
  const key = o.key ?? random(KEY_LENGTH);
  const keyId = o.keyId ?? randomKeyId(o.kind, random);
  const csbId = o.csbId ?? (o.kind === 'gmk' ? u32(gukId(key, keyId, o.receiver.uri)) : keyId);
  const timeMs = o.time ?? Date.now();
  const ntp = ntpFromUnixMs(timeMs);
  const initiatorUid = uidAt(o.initiator.uri, o.initiator, ntp.seconds);
  const receiverUid = uidAt(o.receiver.uri, o.receiver, ntp.seconds);

  const sakkeData = sakkeEncapsulate(key, receiverUid, o.receiver.zT, random);
  let sakkeToSelfData: Uint8Array | undefined;
  if (o.sakkeToSelf) {
    if (!o.initiator.zT) throw new TypeError('SAKKE-to-self needs the Z_T of the initiator KMS (initiator.zT)');
    sakkeToSelfData = sakkeEncapsulate(key, initiatorUid, o.initiator.zT, random);
  }

  const wantParams = o.keyParameters === undefined ? o.kind === 'gmk' : o.keyParameters !== false;
  let keyParameters: KeyParameters | undefined;
  let protectedParams: Uint8Array | undefined;
  if (wantParams) {
    keyParameters = { ...defaultKeyParameters(o.kind), ...(o.keyParameters || {}) };
    let plain: Uint8Array = encodeKeyParameters(keyParameters);
    const mutation = o.mutate ? MUTATIONS[o.mutate] : undefined;
    if (mutation?.target === 'key-parameters') {
      const out = mutation.apply(keyParameters);
      plain = out instanceof Uint8Array ? out : encodeKeyParameters(out);
    }
    protectedParams = protectPayload(plain, { key: o.keyParametersKey ?? key, dppkId: csbId, iv: random(16), dateTime: Math.floor(timeMs / 1000) });
  }

  const identity = (uri: string, uid: Uint8Array, hidden: boolean | undefined): IdentityField => (hidden ? { uid } : { uri });
  let message = composeIMessage({
    kind: o.kind, csbId, timestamp: ntpToBytes(ntp), rand: random(16),
    initiator: identity(o.initiator.uri, initiatorUid, o.hide?.initiator),
    receiver: identity(o.claim?.receiverUri ?? o.receiver.uri, receiverUid, o.hide?.receiver),
    initiatorKms: o.claim?.initiatorKmsUri ?? o.initiator.kmsUri, receiverKms: o.receiver.kmsUri,
    sakkeData, sakkeToSelfData, keyParameters: protectedParams,
    cryptoSessions: o.cryptoSessions?.filter((cs) => CS_IDS_FOR_KIND[o.kind].includes(cs)),
  });

  let rawOverride: Uint8Array | undefined;
  if (o.mutate) {
    const mutation = MUTATIONS[o.mutate];
    if (mutation.target === 'message') {
      const out = mutation.apply(message);
      if (out instanceof Uint8Array) rawOverride = out;
      else message = out;
    }
  }
  if (rawOverride) return { bytes: rawOverride, message, key, keyId, csbId, initiatorUid, receiverUid, keyParameters };

  // Sign with whatever S type / length the (possibly mutated) SIGN payload says, over everything before the signature value.
  const sign = message.payloads.find((p) => p.kind === 'SIGN');
  const sType = sign && sign.kind === 'SIGN' ? sign.sType : SIGN_TYPE_ECCSI;
  const declared = sign && sign.kind === 'SIGN' ? sign.declaredLength ?? ECCSI_SIGNATURE_LENGTH : ECCSI_SIGNATURE_LENGTH;
  const signedPart = encodeForSigning(message, sType, declared);
  const signature = eccsiSign(signedPart, initiatorUid, o.initiator.ssk, o.initiator.pvt, o.initiator.kpak, o.eccsiJ);
  const value = declared === signature.length ? signature : signature.slice(0, declared);
  const bytes = appendSignature(signedPart, value);
  message = { ...message, payloads: message.payloads.map((p) => (p.kind === 'SIGN' ? { ...p, declaredLength: declared, signature: value } : p)) };
  return { bytes, message, key, keyId, csbId, initiatorUid, receiverUid, keyParameters };
}

/** Re-encode a tree exactly as given (no signing). */
export function encodeUnsigned(message: MikeyMessage): Uint8Array {
  return encodeIMessage(message);
}
