/**
 * Checks of response protection (5.3.2, 5.3.3, 9.3.3 to 9.3.5, D.1, D.3.1,
 * F.1.4) on an opened response. Each failure names the step that failed.
 */
import type { Checker } from '../../../lib/harness/checker.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import type { SharedKey } from '../../../lib/kms-xml/keys.ts';
import type { KeyMaterial, OpenedResponse } from '../../../lib/kms-xml/open.ts';
import { ALG_AES128_GCM, ALG_HMAC_SHA256, ALG_KW_AES256 } from '../../../lib/kms-xml/namespaces.ts';
import { REQ } from '../requirements.ts';

/** 5.3.3-05: with a TrK-ID sent, no key field travels in clear. */
export function checkKeyMaterialNotClear(verify: Checker, ex: KmsExchange, o: OpenedResponse): boolean {
  const clear = o.keySets.flatMap((s) => ([['UserDecryptKey', s.rsk], ['UserSigningKeySSK', s.ssk], ['UserPubTokenPVT', s.pvt]] as [string, KeyMaterial][]).filter(([, m]) => m.form === 'clear').map(([n]) => `${s.set.userUri} ${n}`));
  return verify.check(REQ.keyMaterialEncrypted, `${ex.label}: key material is encrypted under the TrK`, clear.length === 0 && o.keySets.length > 0, {
    field: 'KmsKeySet/UserDecryptKey, UserSigningKeySSK, UserPubTokenPVT',
    expected: 'EncKeyContentType (xenc:EncryptedKey) for every key field',
    actual: o.keySets.length === 0 ? 'no key sets' : clear.length ? `in clear: ${clear.join(', ')}` : 'all encrypted',
  });
}

/** D.3.1-09: with a TrK-ID sent, the KmsMessage is encrypted and the response names that TrK-ID. */
export function checkMessageEncrypted(verify: Checker, ex: KmsExchange, o: OpenedResponse, trk: SharedKey): boolean {
  const encrypted = o.messageEncryption !== undefined;
  const trkId = o.received?.doc.trkId;
  return verify.check(REQ.messageEncrypted, `${ex.label}: KmsMessage encrypted with the TrK named in TrK-ID`, encrypted && trkId === trk.id, {
    field: 'KmsResponse/KmsMessage, TrK-ID',
    expected: `xenc:EncryptedData in KmsMessage and TrK-ID ${trk.id}`,
    actual: `${encrypted ? 'encrypted' : 'KmsMessage in clear'}, TrK-ID ${trkId ?? '(absent)'}`,
  });
}

/** D.3.1-10: the KmsMessage content algorithm is aes128-gcm. */
export function checkMessageAlgorithm(verify: Checker, ex: KmsExchange, o: OpenedResponse): boolean | undefined {
  if (!o.messageEncryption) return undefined;
  return verify.check(REQ.messageAes128Gcm, `${ex.label}: KmsMessage content encryption algorithm`, o.messageEncryption.algorithm === ALG_AES128_GCM, { field: 'EncryptedData/EncryptionMethod/@Algorithm', expected: ALG_AES128_GCM, actual: o.messageEncryption.algorithm ?? '(absent)' });
}

/** 9.3.4.2-01: the EncryptedData holds CipherData/CipherValue. */
export function checkEncryptedDataShape(verify: Checker, ex: KmsExchange, o: OpenedResponse): boolean | undefined {
  if (!o.messageEncryption) return undefined;
  return verify.check(REQ.encryptedDataShape, `${ex.label}: EncryptedData carries CipherData/CipherValue`, o.messageEncryption.hasCipherValue, { field: 'EncryptedData/CipherData/CipherValue', expected: 'present', actual: o.messageEncryption.hasCipherValue ? 'present' : (o.messageEncryption.problem ?? 'absent') });
}

/** 9.3.4.2-02: the content decrypts (AES-GCM tag verifies, plaintext is XML). Structure problems are graded by 9.3.4.2-01. */
export function checkContentDecrypts(verify: Checker, ex: KmsExchange, o: OpenedResponse): boolean | undefined {
  const m = o.messageEncryption;
  if (!m || m.step === 'structure') return undefined;
  return verify.check(REQ.contentDecrypts, `${ex.label}: KmsMessage content decrypts with the TrK`, m.ok, { field: 'KmsMessage/EncryptedData', expected: 'content key unwraps with the TrK and AES-GCM opens to XML', actual: m.ok ? `decrypted (${m.derivation === 'direct' ? 'raw TrK' : 'F.1.4 key'})` : `${m.step}: ${m.problem}` });
}

/** 9.3.4.2-03: each encrypted key field (and new TrK/InK) unwraps with kw-aes256 under the TrK. */
export function checkKeyWrap(verify: Checker, ex: KmsExchange, o: OpenedResponse): boolean | undefined {
  const fields: [string, KeyMaterial][] = o.keySets.flatMap((s) => [[`${s.set.userUri} UserDecryptKey`, s.rsk], [`${s.set.userUri} UserSigningKeySSK`, s.ssk], [`${s.set.userUri} UserPubTokenPVT`, s.pvt]] as [string, KeyMaterial][]);
  if (o.newTransportKey) fields.push(['NewTransportKey', o.newTransportKey]);
  if (o.newIntegrityKey) fields.push(['NewIntegrityKey', o.newIntegrityKey]);
  const encrypted = fields.filter(([, m]) => m.form === 'encrypted');
  if (encrypted.length === 0) return undefined;
  const failed = encrypted.filter(([, m]) => !m.bytes).map(([n, m]) => `${n}: ${m.problem}`);
  return verify.check(REQ.keyWrap, `${ex.label}: encrypted key material unwraps with kw-aes256 under the TrK`, failed.length === 0, {
    field: 'xenc:EncryptedKey',
    expected: `${ALG_KW_AES256} under the TrK (directly, or wrapping the aes128-gcm content key)`,
    actual: failed.length ? failed.join('; ') : `${encrypted.length} field(s) unwrapped`,
  });
}

/** 9.3.3-01: KeyName of the encryption names the TrK-ID. */
export function checkTrkKeyName(verify: Checker, ex: KmsExchange, o: OpenedResponse, trk: SharedKey): boolean | undefined {
  const names = [o.messageEncryption?.keyName, ...o.keySets.flatMap((s) => [s.rsk.keyName, s.ssk.keyName, s.pvt.keyName])].filter((n): n is string => n !== undefined);
  if (names.length === 0) return undefined;
  const wrong = [...new Set(names.filter((n) => n !== trk.id))];
  return verify.check(REQ.trkAsXpk, `${ex.label}: encryption names the TrK-ID as XPK-ID`, wrong.length === 0, { field: 'ds:KeyInfo/ds:KeyName', expected: trk.id, actual: wrong.length ? wrong.join(', ') : trk.id });
}

/** F.1.4-01: encryption and signature keys are the F.1.4-derived ones, not the raw TrK/InK. */
export function checkXmlKeyDerivation(verify: Checker, ex: KmsExchange, o: OpenedResponse): boolean | undefined {
  const used = [
    o.messageEncryption?.ok ? ['KmsMessage encryption', o.messageEncryption.derivation] : undefined,
    ...o.keySets.flatMap((s) => [s.rsk, s.ssk, s.pvt].filter((m) => m.bytes && m.derivation).map((m) => ['key material', m.derivation])),
    o.signature?.verification.ok ? ['signature', o.signature.derivation] : undefined,
  ].filter((x): x is [string, string] => !!x && !!x[1]);
  if (used.length === 0) return undefined;
  const direct = [...new Set(used.filter(([, d]) => d === 'direct').map(([w]) => w))];
  return verify.check(REQ.xmlKeyDerivation, `${ex.label}: XML protection keys derived from the XPK with the F.1.4 KDF`, direct.length === 0, {
    field: 'keys used',
    expected: 'KDF(XPK, 0x51 / 0x52, UserUri, XPK-ID)',
    actual: direct.length ? `raw TrK/InK used for: ${direct.join(', ')}` : 'F.1.4-derived keys',
  });
}

/**
 * Signature checks of a response signed with `expectedKey` (the InK when the
 * request named one, else the TrK): Signature-ID, KeyName, method, value,
 * verification.
 */
export function checkResponseSignature(verify: Checker, ex: KmsExchange, o: OpenedResponse, expectedKey: SharedKey, keyKind: 'InK' | 'TrK'): void {
  const sig = o.signature;
  const sigId = o.received?.doc.signatureId;
  const idOk = !!sig && sigId === expectedKey.id;
  const idDetails = { field: 'KmsResponse/Signature-ID', expected: `${expectedKey.id} (the ${keyKind})`, actual: sig ? (sigId ?? '(absent)') : 'the response is not signed' };
  if (keyKind === 'InK') {
    verify.check(REQ.signatureId, `${ex.label}: Signature-ID names the InK`, idOk, idDetails);
    verify.check(REQ.inkIntegrity, `${ex.label}: the response is integrity-protected with the InK`, idOk, idDetails);
  } else {
    verify.check(REQ.trkIntegrity, `${ex.label}: without an InK, the response is integrity-protected with the TrK`, idOk, idDetails);
  }
  if (!sig) return;
  if (sig.info.keyName !== undefined) {
    verify.check(REQ.inkAsXpk, `${ex.label}: signature KeyName names the signing key`, sig.info.keyName === (sigId ?? expectedKey.id), { field: 'ds:KeyInfo/ds:KeyName', expected: sigId ?? expectedKey.id, actual: sig.info.keyName });
  }
  const methodOk = sig.info.signatureMethod === ALG_HMAC_SHA256 && (sig.info.hmacOutputLength === undefined || sig.info.hmacOutputLength === '256');
  const methodDetails = { field: 'ds:SignatureMethod/@Algorithm', expected: `${ALG_HMAC_SHA256}, length 256`, actual: `${sig.info.signatureMethod ?? '(absent)'}${sig.info.hmacOutputLength ? `, HMACOutputLength ${sig.info.hmacOutputLength}` : ''}` };
  verify.check(REQ.signatureMethod, `${ex.label}: signature method is HMAC-SHA256`, methodOk, methodDetails);
  verify.check(REQ.hmacSha256, `${ex.label}: HMAC-SHA256 with a 256-bit signature`, methodOk, methodDetails);
  verify.check(REQ.signatureValue, `${ex.label}: SignatureValue present`, sig.info.hasSignatureValue, { field: 'ds:SignatureValue', expected: 'base64 HMAC value', actual: sig.info.hasSignatureValue ? 'present' : 'empty or absent' });
  const v = sig.verification;
  if (v.ok) {
    verify.check(REQ.signatureVerifies, `${ex.label}: response signature verifies`, true, { field: 'ds:Signature', actual: `verified with the ${sig.keyUsed} (${sig.derivation === 'direct' ? 'raw key' : 'F.1.4 key'})` });
  } else if (v.failure === 'digest-mismatch' || v.failure === 'value-mismatch' || v.failure === 'reference-not-found' || v.failure === 'malformed') {
    verify.check(REQ.signatureVerifies, `${ex.label}: response signature verifies`, false, { field: 'ds:Signature', expected: `HMAC-SHA256 under the key Signature-ID names`, actual: `${v.failure}: ${v.reason}` });
  }
}
