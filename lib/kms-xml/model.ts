/**
 * The KMS interface documents of TS 33.180 Annex D as data. Values are kept
 * as the strings that travel in the XML, so a faulty KMS's values reach the
 * report unchanged; the checks interpret them. Element names and order:
 * tables D.2.2-1, D.3.1-1, D.3.2.2-1, D.3.3.2-1 and schemas/kms-interface.xsd.
 */
import type { XmlElement } from './xml.ts';

/** Version attribute values the tables give. */
export const KMS_REQUEST_VERSION = '1.1.0';
export const KMS_RESPONSE_VERSION = '1.1.0';
export const KMS_CERT_VERSION = '1.1.0';
/** Required when IsSecurityGateway is present (D.3.2.2). */
export const KMS_CERT_VERSION_GATEWAY = '1.2.0';
export const KMS_KEYSET_VERSION = '1.1.0';
/** UserIDFormat value naming the F.2.1 UID (D.3.2.3). */
export const USER_ID_FORMAT_F21 = '2';

export interface KmsErrorInfo {
  /** ErrorCode (integer in the schema). */
  code: string;
  /** ErrorMsg. */
  message: string;
}

/** Table D.2.2-1 plus the D.3.5.3 extensions. */
export interface KmsRequest {
  version?: string;
  /** Id attribute, the target of the signature's Reference URI. */
  id?: string;
  userUri: string;
  kmsUri: string;
  /** xsd:dateTime. */
  time: string;
  clientId?: string;
  deviceId?: string;
  clientReqUrl: string;
  /** KrrList: KMS Redirect Responses as elements (already built or parsed). */
  krrList?: XmlElement[];
  clientError?: KmsErrorInfo;
  trkId?: string;
  signatureId?: string;
}

/** Table D.3.1-1 plus the D.3.5.3 extensions. */
export interface KmsResponse {
  version?: string;
  id?: string;
  userUri: string;
  kmsUri: string;
  time: string;
  kmsId?: string;
  clientReqUrl: string;
  message?: KmsMessage;
  error?: KmsErrorInfo;
  trkId?: string;
  signatureId?: string;
}

/**
 * KmsMessage: exactly one of the bodies, or `encrypted` when the content
 * was replaced by an xenc:EncryptedData (D.3.1).
 */
export interface KmsMessage {
  init?: KmsInit;
  keyProv?: KmsKeyProv;
  certCache?: KmsCertCache;
  lookup?: KmsLookup;
  /** The xenc:EncryptedData that replaced the content. */
  encrypted?: XmlElement;
}

export interface KmsInit {
  version?: string;
  certificate: KmsCertificate;
  /** xenc:EncryptedKey carrying a new TrK, wrapped under the current TrK. */
  newTransportKey?: XmlElement;
  /** xenc:EncryptedKey carrying a new InK. */
  newIntegrityKey?: XmlElement;
}

export interface KmsKeyProv {
  version?: string;
  keySets: KmsKeySet[];
  newTransportKey?: XmlElement;
  newIntegrityKey?: XmlElement;
}

export interface KmsCertCache {
  version?: string;
  /** CacheNum attribute. */
  cacheNum?: string;
  certificates: KmsCertificate[];
}

/** KmsLookup (D.2.7, D.3.1): the KMS URIs permitted for the looked-up entity. */
export interface KmsLookup {
  version?: string;
  userUri?: string;
  kmsUris: string[];
}

/** Table D.3.2.2-1. */
export interface KmsCertificate {
  version: string;
  role: string;
  isSecurityGateway?: string;
  certUri?: string;
  kmsUri: string;
  issuer?: string;
  validFrom?: string;
  validTo?: string;
  revoked?: string;
  userIdFormat: string;
  userKeyPeriod: string;
  userKeyOffset: string;
  /** Z_T, hex. */
  pubEncKey: string;
  /** KPAK, hex. */
  pubAuthKey: string;
  parameterSet?: string;
  kmsDomains?: string[];
}

/** A key field: hex content (KeyContentType) or an xenc:EncryptedKey (EncKeyContentType). */
export type KeyContent = { hex: string } | { encrypted: XmlElement };

/** Table D.3.3.2-1. */
export interface KmsKeySet {
  version?: string;
  kmsUri: string;
  certUri?: string;
  issuer?: string;
  userUri: string;
  /** Base64 of the F.2.1 UID. */
  userId: string;
  validFrom?: string;
  validTo?: string;
  keyPeriodNo: string;
  revoked?: string;
  /** RSK. */
  userDecryptKey: KeyContent;
  /** SSK. */
  userSigningKeySsk: KeyContent;
  /** PVT. */
  userPubTokenPvt: KeyContent;
}

/** xsd:dateTime in UTC, second precision, 'Z'. */
export function xsdDateTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
