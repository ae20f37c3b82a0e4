/**
 * Numbers of the MIKEY registries that a MIKEY-SAKKE I_MESSAGE (RFC 3830,
 * RFC 6043, RFC 6509, TS 33.180 Annex E) uses.
 */

/** Next-payload values (RFC 3830 section 6.1, RFC 6043, RFC 6509). */
export const PayloadType = {
  LAST: 0,
  KEMAC: 1,
  PKE: 2,
  DH: 3,
  SIGN: 4,
  T: 5,
  ID: 6,
  CERT: 7,
  CHASH: 8,
  V: 9,
  SP: 10,
  RAND: 11,
  ERR: 12,
  /** RFC 6043 section 6.6. */
  IDR: 14,
  KEY_DATA: 20,
  GENERAL_EXT: 21,
  /** RFC 6509 section 4.2. */
  SAKKE: 26,
} as const;

export const PAYLOAD_NAMES: Record<number, string> = {
  0: 'Last', 1: 'KEMAC', 2: 'PKE', 3: 'DH', 4: 'SIGN', 5: 'T', 6: 'ID', 7: 'CERT', 8: 'CHASH', 9: 'V',
  10: 'SP', 11: 'RAND', 12: 'ERR', 14: 'IDR', 20: 'Key data', 21: 'General Ext', 26: 'SAKKE',
};

/** MIKEY data type of a MIKEY-SAKKE I_MESSAGE (RFC 6509). */
export const DATA_TYPE_SAKKE = 26;
export const MIKEY_VERSION = 1;
/** PRF func 1 = PRF-HMAC-SHA-256 (RFC 6043). */
export const PRF_HMAC_SHA_256 = 1;

export const CsIdMapType = { SRTP_ID: 0, EMPTY: 1, GENERIC_ID: 2 } as const;

/** TS types (RFC 3830 section 6.6, RFC 6043 section 6.4). */
export const TsType = { NTP_UTC: 0, NTP: 1, COUNTER: 2, NTP_UTC_32: 3 } as const;
export const TS_VALUE_LENGTH: Record<number, number> = { 0: 8, 1: 8, 2: 4, 3: 4 };

/** ID roles (RFC 6043 section 6.6, RFC 6509, TS 33.180 E.7). */
export const IdRole = {
  IDRi: 1,
  IDRr: 2,
  IDRkms: 3,
  IDRpsk: 4,
  IDRapp: 5,
  IDRkmsi: 6,
  IDRkmsr: 7,
  /** Hashed initiator UID, E.7. */
  IDRuidi: 8,
  /** Hashed responder UID, E.7. */
  IDRuidr: 9,
} as const;

export const ID_ROLE_NAMES: Record<number, string> = {
  1: 'IDRi', 2: 'IDRr', 3: 'IDRkms', 4: 'IDRpsk', 5: 'IDRapp', 6: 'IDRkmsi', 7: 'IDRkmsr', 8: 'IDRuidi', 9: 'IDRuidr',
};

/** ID types (RFC 3830 section 6.7, RFC 6043 section 6.6). */
export const IdType = { NAI: 0, URI: 1, BYTE_STRING: 2 } as const;

/** S type 2 = ECCSI (RFC 6509); the signature is r || s || PVT = 129 octets (RFC 6507). */
export const SIGN_TYPE_ECCSI = 2;
export const ECCSI_SIGNATURE_LENGTH = 129;

/** SAKKE params 1 = parameter set 1 of RFC 6509. */
export const SAKKE_PARAMS_SET_1 = 1;
/** ID scheme 2 = '3GPP MCX hashed UID' (E.1.2); 1 = tel URI with monthly keys (RFC 6509). */
export const ID_SCHEME_3GPP_HASHED_UID = 2;
/** SAKKE data of parameter set 1: R (04 || x || y, 257 octets) || H (16 octets). */
export const SAKKE_DATA_LENGTH = 273;

/** General extension types of TS 33.180 (E.5, E.6). */
export const GenExtType = { VENDOR_ID: 0, SDP_IDS: 1, SAKKE_TO_SELF: 6, KEY_PARAMETERS: 7 } as const;

/** Prot type 0 = SRTP (RFC 3830 section 6.10). */
export const PROT_TYPE_SRTP = 0;

/** Annex G purpose tags: the four most significant bits of a key identifier. */
export const PurposeTag = { GMK: 0, PCK: 1, CSK: 2, SPK: 3, MKFC: 4, MSCCK: 5, MUSIK: 6 } as const;

/** E.6.11 Key Type values. */
export const KeyTypeValue = { GMK: 0, PCK: 1, CSK: 2, SPK: 3, MKFC: 4, MSCCK: 5, MUSIK: 6 } as const;

/** The key kinds a MIKEY-SAKKE I_MESSAGE of TS 33.180 distributes. */
export type KeyKind = 'gmk' | 'pck' | 'csk-upload' | 'csk-download' | 'musik-download';
export const KEY_KINDS: readonly KeyKind[] = ['gmk', 'pck', 'csk-upload', 'csk-download', 'musik-download'];

export function purposeTagOfKind(kind: KeyKind): number {
  switch (kind) {
    case 'gmk': return PurposeTag.GMK;
    case 'pck': return PurposeTag.PCK;
    case 'csk-upload':
    case 'csk-download': return PurposeTag.CSK;
    case 'musik-download': return PurposeTag.MUSIK;
  }
}

export function keyTypeOfKind(kind: KeyKind): number {
  return purposeTagOfKind(kind); // E.6.11 and Annex G share the numbering
}

/** Table E.1.3-1: CS-IDs permitted for each kind of key. */
export const CS_IDS_FOR_KIND: Record<KeyKind, readonly number[]> = {
  pck: [0, 1, 2, 3],
  gmk: [4, 5],
  'csk-upload': [6, 8],
  'csk-download': [6, 8],
  'musik-download': [7, 9],
};

/** Largest CS# each profile allows (E.2.2, E.3.3, E.4.3). */
export const MAX_CS_FOR_KIND: Record<KeyKind, number> = { pck: 4, gmk: 2, 'csk-upload': 2, 'csk-download': 2, 'musik-download': 2 };

/** The length of every distributed key (E.1.1). */
export const KEY_LENGTH = 16;

/** E.6.9 status bits (LSB first). */
export const STATUS_NOT_REVOKED = 0x1;
export const STATUS_SECURITY_GATEWAY = 0x2;

/** SRTP policy parameter types (RFC 3830 section 6.10.1). */
export const SrtpParam = {
  ENC_ALG: 0, ENC_KEY_LEN: 1, AUTH_ALG: 2, AUTH_KEY_LEN: 3, SALT_KEY_LEN: 4, PRF: 5, KDR: 6, SRTP_ENC: 7, SRTCP_ENC: 8,
  FEC_ORDER: 9, SRTP_AUTH: 10, AUTH_TAG_LEN: 11, SRTP_PREFIX_LEN: 12, ROC_RATE: 13, SRTP_AUTH_TAG_LEN: 18, SRTCP_AUTH_TAG_LEN: 19, AEAD_TAG_LEN: 20,
} as const;

/** E.2.2 Table E.2.2-1: default group call SRTP profile (type -> value). */
export const DEFAULT_PROFILE_GMK: ReadonlyArray<[number, number]> = [
  [0, 6], [1, 16], [2, 4], [4, 12], [5, 0], [6, 0], [13, 1], [18, 4], [19, 0], [20, 16],
];
/** E.3.2 Table E.3.2-1 and E.4.2 Table E.4.2-1 (identical value sets). */
export const DEFAULT_PROFILE_PCK: ReadonlyArray<[number, number]> = [[0, 6], [1, 16], [4, 12], [5, 0], [6, 0], [20, 16]];
export const DEFAULT_PROFILE_CSK_MUSIK = DEFAULT_PROFILE_PCK;

export function defaultProfileOfKind(kind: KeyKind): { clause: string; params: ReadonlyArray<[number, number]> } {
  if (kind === 'gmk') return { clause: 'E.2.2', params: DEFAULT_PROFILE_GMK };
  if (kind === 'pck') return { clause: 'E.3.2', params: DEFAULT_PROFILE_PCK };
  return { clause: 'E.4.2', params: DEFAULT_PROFILE_CSK_MUSIK };
}
