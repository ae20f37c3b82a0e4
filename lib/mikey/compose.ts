/**
 * Lays out the payloads of a TS 33.180 Annex E I_MESSAGE for a key kind from
 * ready-made parts (SAKKE data, protected key parameters, signature). No
 * cryptography here: build.ts computes the parts, mutate.ts breaks them.
 */
import {
  CS_IDS_FOR_KIND, CsIdMapType, DATA_TYPE_SAKKE, ECCSI_SIGNATURE_LENGTH, GenExtType, ID_SCHEME_3GPP_HASHED_UID, IdRole, IdType,
  MIKEY_VERSION, PRF_HMAC_SHA_256, PROT_TYPE_SRTP, SAKKE_PARAMS_SET_1, SIGN_TYPE_ECCSI, TsType, defaultProfileOfKind, type KeyKind,
} from './constants.ts';
import type { GenericIdEntry, MikeyMessage, Payload } from './types.ts';

/** An identity as it goes into IDRi / IDRr: the URI, or (E.7) its UID with the hashed role. */
export type IdentityField = { uri: string } | { uid: Uint8Array };

export interface ComposeSpec {
  kind: KeyKind;
  /** CSB-ID: GUK-ID, PCK-ID, CSK-ID or MuSiK-ID. */
  csbId: number;
  /** 8-octet NTP-UTC timestamp. */
  timestamp: Uint8Array;
  rand: Uint8Array;
  initiator: IdentityField;
  receiver: IdentityField;
  initiatorKms: string;
  receiverKms: string;
  /** SAKKE data (R || H) encapsulated to the receiver. */
  sakkeData: Uint8Array;
  /** SAKKE data encapsulated to the initiator (E.5). */
  sakkeToSelfData?: Uint8Array;
  /** Protected key parameters payload (E.6), as octets. */
  keyParameters?: Uint8Array;
  /**
   * CS-IDs to describe with GENERIC-ID and one SP payload of the default
   * profile (E.2.2 / E.3.3 / E.4.3). Empty or absent: CS# 0 and no SP.
   */
  cryptoSessions?: number[];
  /** Signature value; zeros of ECCSI length when absent (sign with build.ts). */
  signature?: Uint8Array;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

function idr(role: number, hiddenRole: number, id: IdentityField): Payload {
  return 'uri' in id
    ? { kind: 'IDR', role, idType: IdType.URI, data: utf8(id.uri) }
    : { kind: 'IDR', role: hiddenRole, idType: IdType.BYTE_STRING, data: id.uid };
}

export function composeIMessage(s: ComposeSpec): MikeyMessage {
  const sessions = s.cryptoSessions ?? [];
  for (const cs of sessions) {
    if (!CS_IDS_FOR_KIND[s.kind].includes(cs)) throw new RangeError(`CS-ID ${cs} is not one of table E.1.3-1 for ${s.kind}`);
  }
  const genericIds: GenericIdEntry[] = sessions.map((csId) => ({
    csId, protType: PROT_TYPE_SRTP, sFlag: false, policies: [0], sessionData: new Uint8Array(0), spi: new Uint8Array(0),
  }));
  const payloads: Payload[] = [
    { kind: 'T', tsType: TsType.NTP_UTC, value: s.timestamp },
    { kind: 'RAND', rand: s.rand },
    idr(IdRole.IDRi, IdRole.IDRuidi, s.initiator),
    idr(IdRole.IDRr, IdRole.IDRuidr, s.receiver),
    { kind: 'IDR', role: IdRole.IDRkmsi, idType: IdType.URI, data: utf8(s.initiatorKms) },
    { kind: 'IDR', role: IdRole.IDRkmsr, idType: IdType.URI, data: utf8(s.receiverKms) },
  ];
  if (sessions.length > 0) {
    payloads.push({ kind: 'SP', policyNo: 0, protType: PROT_TYPE_SRTP,
      params: defaultProfileOfKind(s.kind).params.map(([type, value]) => ({ type, value: Uint8Array.of(value) })) });
  }
  payloads.push({ kind: 'SAKKE', sakkeParams: SAKKE_PARAMS_SET_1, idScheme: ID_SCHEME_3GPP_HASHED_UID, data: s.sakkeData });
  if (s.sakkeToSelfData) {
    payloads.push({ kind: 'GENERAL_EXT', extType: GenExtType.SAKKE_TO_SELF, data: new Uint8Array(0),
      sakke: { kind: 'SAKKE', nextPayload: 0, sakkeParams: SAKKE_PARAMS_SET_1, idScheme: ID_SCHEME_3GPP_HASHED_UID, data: s.sakkeToSelfData } });
  }
  if (s.keyParameters) payloads.push({ kind: 'GENERAL_EXT', extType: GenExtType.KEY_PARAMETERS, data: s.keyParameters });
  payloads.push({ kind: 'SIGN', sType: SIGN_TYPE_ECCSI, signature: s.signature ?? new Uint8Array(ECCSI_SIGNATURE_LENGTH) });
  return {
    hdr: {
      kind: 'HDR', version: MIKEY_VERSION, dataType: DATA_TYPE_SAKKE, vFlag: false, prfFunc: PRF_HMAC_SHA_256, csbId: s.csbId >>> 0,
      csCount: sessions.length, csIdMapType: sessions.length > 0 ? CsIdMapType.GENERIC_ID : CsIdMapType.EMPTY,
      ...(sessions.length > 0 ? { genericIds } : {}),
    },
    payloads,
  };
}
