import { toBase64, toHex } from '../../lib/crypto/bytes.ts';
import type { KeyContent, KmsCertificate, KmsKeySet } from '../../lib/kms-xml/model.ts';
import type { KeySetData, KmsCertificateData } from './key-store.ts';

/**
 * The KMS's certificates and key sets in the string form of lib/kms-xml's
 * model (tables D.3.2.2-1 and D.3.3.2-1). Key material goes through
 * `protectKey`: hex in clear, or an xenc:EncryptedKey under the TrK.
 */
export type ProtectKey = (name: 'UserDecryptKey' | 'UserSigningKeySSK' | 'UserPubTokenPVT', key: Uint8Array) => KeyContent;

export const clearKey: ProtectKey = (_name, key) => ({ hex: toHex(key).toUpperCase() });

export function certificateModel(cert: KmsCertificateData): KmsCertificate {
  return {
    version: cert.version,
    role: cert.role,
    certUri: cert.certUri,
    kmsUri: cert.kmsUri,
    issuer: cert.issuer,
    validFrom: cert.validFrom,
    validTo: cert.validTo,
    revoked: String(cert.revoked),
    userIdFormat: String(cert.userIdFormat),
    userKeyPeriod: String(cert.userKeyPeriod),
    userKeyOffset: String(cert.userKeyOffset),
    pubEncKey: toHex(cert.pubEncKey).toUpperCase(),
    pubAuthKey: toHex(cert.pubAuthKey).toUpperCase(),
    parameterSet: String(cert.parameterSet),
    kmsDomains: cert.kmsDomainList,
  };
}

export function keySetModel(set: KeySetData, protectKey: ProtectKey): KmsKeySet {
  return {
    kmsUri: set.kmsUri,
    certUri: set.certUri,
    issuer: set.issuer,
    userUri: set.userUri,
    userId: toBase64(set.userId),
    validFrom: set.validFrom,
    validTo: set.validTo,
    keyPeriodNo: String(set.keyPeriodNo),
    revoked: String(set.revoked),
    userDecryptKey: protectKey('UserDecryptKey', set.rsk),
    userSigningKeySsk: protectKey('UserSigningKeySSK', set.ssk),
    userPubTokenPvt: protectKey('UserPubTokenPVT', set.pvt),
  };
}
