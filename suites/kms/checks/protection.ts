/**
 * Response protection (5.3.2, 5.3.3, 9.3.3 to 9.3.5, D.1, D.3.1, F.1.4) on
 * an opened response: one table for confidentiality (TrK encryption), one
 * for integrity (the response signature), one for the TrK-only signature
 * and one for clear key sets. Each failure names the step that failed.
 */
import { checkTable, fail, inconclusive, notApplicable, pass, unmet, verdictOf, type Unmet } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import type { SharedKey } from '../../../lib/kms-xml/keys.ts';
import type { KeyMaterial, OpenedResponse } from '../../../lib/kms-xml/open.ts';
import { ALG_AES128_GCM, ALG_HMAC_SHA256, ALG_KW_AES256 } from '../../../lib/kms-xml/namespaces.ts';
import { refusalOf } from './answer.ts';

export interface ProtectedAnswer {
  ex: KmsExchange;
  /** The key the suite named: the TrK (encryption) or the signing key (InK, else TrK). */
  key: SharedKey;
}

/** A KmsResponse was received (encrypted or not). */
function received({ ex }: ProtectedAnswer): Unmet | undefined {
  if (!ex.http.ok) return unmet(`${ex.label}: no answer: ${ex.http.error}`, 'unreachable');
  if (!ex.opened?.received) return unmet(`${ex.label}: HTTP ${ex.http.status} gave no KmsResponse (graded by the request's answer check)`, 'target');
  return undefined;
}

/** Received, and its KmsMessage, if encrypted, decrypted: the key material can be examined. */
function decrypted(i: ProtectedAnswer): Unmet | undefined {
  const r = received(i);
  if (r) return r;
  const m = i.ex.opened!.messageEncryption;
  if (m && !m.ok) return unmet('the KmsMessage did not decrypt, so the key material cannot be examined (graded by kms.encryption.content-decrypts)', 'precondition');
  return undefined;
}

const o = (i: ProtectedAnswer): OpenedResponse => i.ex.opened!;

function keyFields(r: OpenedResponse): [string, KeyMaterial][] {
  const fields = r.keySets.flatMap((s) => [[`${s.set.userUri} UserDecryptKey`, s.rsk], [`${s.set.userUri} UserSigningKeySSK`, s.ssk], [`${s.set.userUri} UserPubTokenPVT`, s.pvt]] as [string, KeyMaterial][]);
  if (r.newTransportKey) fields.push(['NewTransportKey', r.newTransportKey]);
  if (r.newIntegrityKey) fields.push(['NewIntegrityKey', r.newIntegrityKey]);
  return fields;
}

/** Confidentiality of a response to a request that named the TrK (`key`). */
export const ENCRYPTION = checkTable<ProtectedAnswer>('kms response encryption', [
  {
    id: 'kms.encryption.message-encrypted',
    requirement: 'MCXSEC-D.3.1-09',
    title: 'KmsMessage encrypted with the TrK named in TrK-ID',
    needs: received,
    run: (i) => {
      const encrypted = o(i).messageEncryption !== undefined;
      const trkId = o(i).received!.doc.trkId;
      return verdictOf(encrypted && trkId === i.key.id, 'KmsResponse/KmsMessage, TrK-ID', `xenc:EncryptedData in KmsMessage and TrK-ID ${i.key.id}`, `${encrypted ? 'encrypted' : 'KmsMessage in clear'}, TrK-ID ${trkId ?? '(absent)'}`);
    },
  },
  {
    id: 'kms.encryption.message-aes128-gcm',
    requirement: 'MCXSEC-D.3.1-10',
    title: 'KmsMessage content encryption algorithm',
    needs: received,
    run: (i) => {
      const m = o(i).messageEncryption;
      if (!m) return inconclusive('the KmsMessage is not encrypted (graded by kms.encryption.message-encrypted)', 'precondition');
      return verdictOf(m.algorithm === ALG_AES128_GCM, 'EncryptedData/EncryptionMethod/@Algorithm', ALG_AES128_GCM, m.algorithm ?? '(absent)');
    },
  },
  {
    id: 'kms.encryption.cipher-value',
    requirement: 'MCXSEC-9.3.4.2-01',
    title: 'EncryptedData carries CipherData/CipherValue',
    needs: received,
    run: (i) => {
      const m = o(i).messageEncryption;
      if (!m) return inconclusive('the KmsMessage is not encrypted (graded by kms.encryption.message-encrypted)', 'precondition');
      return verdictOf(m.hasCipherValue, 'EncryptedData/CipherData/CipherValue', 'present', m.hasCipherValue ? 'present' : (m.problem ?? 'absent'), 'missing');
    },
  },
  {
    id: 'kms.encryption.content-decrypts',
    requirement: 'MCXSEC-9.3.4.2-02',
    title: 'KmsMessage content decrypts with the TrK',
    after: ['kms.encryption.cipher-value'],
    needs: received,
    run: (i) => {
      const m = o(i).messageEncryption;
      if (!m) return inconclusive('the KmsMessage is not encrypted (graded by kms.encryption.message-encrypted)', 'precondition');
      if (m.step === 'structure') return inconclusive(`the EncryptedData structure is unusable: ${m.problem} (graded by kms.encryption.cipher-value)`, 'precondition');
      return verdictOf(m.ok, 'KmsMessage/EncryptedData', 'content key unwraps with the TrK and AES-GCM opens to XML', m.ok ? `decrypted (${m.derivation === 'direct' ? 'raw TrK' : 'F.1.4 key'})` : `${m.step}: ${m.problem}`, 'invalid');
    },
  },
  {
    id: 'kms.encryption.key-material-encrypted',
    requirement: 'MCXSEC-5.3.3-05',
    title: 'key material is encrypted under the TrK',
    needs: decrypted,
    run: (i) => {
      const r = o(i);
      const clear = r.keySets.flatMap((s) => ([['UserDecryptKey', s.rsk], ['UserSigningKeySSK', s.ssk], ['UserPubTokenPVT', s.pvt]] as [string, KeyMaterial][]).filter(([, m]) => m.form === 'clear').map(([n]) => `${s.set.userUri} ${n}`));
      // An answer without key sets has nothing to encrypt: whether it should have carried some is graded by the request's own checks.
      if (r.keySets.length === 0) return inconclusive('the answer carries no key sets, so there is no key material to judge', 'target');
      return verdictOf(clear.length === 0, 'KmsKeySet/UserDecryptKey, UserSigningKeySSK, UserPubTokenPVT', 'EncKeyContentType (xenc:EncryptedKey) for every key field', clear.length ? `in clear: ${clear.join(', ')}` : 'all encrypted');
    },
  },
  {
    id: 'kms.encryption.key-wrap',
    requirement: 'MCXSEC-9.3.4.2-03',
    title: 'encrypted key material unwraps with kw-aes256 under the TrK',
    needs: decrypted,
    run: (i) => {
      const encrypted = keyFields(o(i)).filter(([, m]) => m.form === 'encrypted');
      if (encrypted.length === 0) return notApplicable('no encrypted key material (key sets, NewTransportKey, NewIntegrityKey) in this answer');
      const failed = encrypted.filter(([, m]) => !m.bytes).map(([n, m]) => `${n}: ${m.problem}`);
      return verdictOf(failed.length === 0, 'xenc:EncryptedKey', `${ALG_KW_AES256} under the TrK (directly, or wrapping the aes128-gcm content key)`, failed.length ? failed.join('; ') : `${encrypted.length} field(s) unwrapped`, 'invalid');
    },
  },
  {
    id: 'kms.encryption.trk-key-name',
    requirement: 'MCXSEC-9.3.3-01',
    title: 'encryption names the TrK-ID as XPK-ID',
    needs: received,
    run: (i) => {
      const r = o(i);
      const names = [r.messageEncryption?.keyName, ...r.keySets.flatMap((s) => [s.rsk.keyName, s.ssk.keyName, s.pvt.keyName])].filter((n): n is string => n !== undefined);
      if (names.length === 0) return notApplicable('no KeyName in any EncryptedData or EncryptedKey of this answer');
      const wrong = [...new Set(names.filter((n) => n !== i.key.id))];
      return verdictOf(wrong.length === 0, 'ds:KeyInfo/ds:KeyName', i.key.id, wrong.length ? wrong.join(', ') : i.key.id);
    },
  },
  {
    id: 'kms.encryption.f14-keys',
    requirement: 'MCXSEC-F.1.4-01',
    title: 'XML protection keys derived from the XPK with the F.1.4 KDF',
    needs: decrypted,
    run: (i) => {
      const r = o(i);
      const used = [
        r.messageEncryption?.ok ? ['KmsMessage encryption', r.messageEncryption.derivation] : undefined,
        ...r.keySets.flatMap((s) => [s.rsk, s.ssk, s.pvt].filter((m) => m.bytes && m.derivation).map((m) => ['key material', m.derivation])),
        r.signature?.verification.ok ? ['signature', r.signature.derivation] : undefined,
      ].filter((x): x is [string, string] => !!x && !!x[1]);
      if (used.length === 0) return inconclusive('no key was used successfully (nothing decrypted, no signature verified), so the derivation cannot be told', 'precondition');
      const direct = [...new Set(used.filter(([, d]) => d === 'direct').map(([w]) => w))];
      return verdictOf(direct.length === 0, 'keys used', 'KDF(XPK, 0x51 / 0x52, UserUri, XPK-ID)', direct.length ? `raw TrK/InK used for: ${direct.join(', ')}` : 'F.1.4-derived keys');
    },
  },
]);

const signed = (i: ProtectedAnswer) => {
  const r = received(i);
  if (r) return r;
  return o(i).signature ? undefined : unmet('the response is not signed (graded by the Signature-ID check)', 'precondition');
};

function signatureIdOutcome(i: ProtectedAnswer, keyKind: 'InK' | 'TrK') {
  const sig = o(i).signature;
  const sigId = o(i).received!.doc.signatureId;
  return verdictOf(!!sig && sigId === i.key.id, 'KmsResponse/Signature-ID', `${i.key.id} (the ${keyKind})`, sig ? (sigId ?? '(absent)') : 'the response is not signed', sig ? 'mismatch' : 'missing');
}

function methodOutcome(i: ProtectedAnswer) {
  const info = o(i).signature!.info;
  const ok = info.signatureMethod === ALG_HMAC_SHA256 && (info.hmacOutputLength === undefined || info.hmacOutputLength === '256');
  return verdictOf(ok, 'ds:SignatureMethod/@Algorithm', `${ALG_HMAC_SHA256}, length 256`, `${info.signatureMethod ?? '(absent)'}${info.hmacOutputLength ? `, HMACOutputLength ${info.hmacOutputLength}` : ''}`);
}

/** Integrity of a response to a request signed with the InK (`key`). */
export const SIGNATURE = checkTable<ProtectedAnswer>('kms response signature', [
  {
    id: 'kms.signature.signature-id',
    requirement: 'MCXSEC-D.3.1-11',
    title: 'Signature-ID names the InK',
    needs: received,
    run: (i) => signatureIdOutcome(i, 'InK'),
  },
  {
    id: 'kms.signature.ink-integrity',
    requirement: 'MCXSEC-5.3.2-05',
    title: 'the response is integrity-protected with the InK',
    needs: received,
    run: (i) => signatureIdOutcome(i, 'InK'),
  },
  {
    id: 'kms.signature.key-name',
    requirement: 'MCXSEC-9.3.3-02',
    title: 'signature KeyName names the signing key',
    needs: signed,
    run: (i) => {
      const keyName = o(i).signature!.info.keyName;
      if (keyName === undefined) return notApplicable('no ds:KeyInfo/ds:KeyName in the signature');
      const want = o(i).received!.doc.signatureId ?? i.key.id;
      return verdictOf(keyName === want, 'ds:KeyInfo/ds:KeyName', want, keyName);
    },
  },
  {
    id: 'kms.signature.method',
    requirement: 'MCXSEC-9.3.5-01',
    title: 'signature method is HMAC-SHA256',
    needs: signed,
    run: methodOutcome,
  },
  {
    id: 'kms.signature.hmac-sha256',
    requirement: 'MCXSEC-D.1-02',
    title: 'HMAC-SHA256 with a 256-bit signature',
    needs: signed,
    run: methodOutcome,
  },
  {
    id: 'kms.signature.value-present',
    requirement: 'MCXSEC-9.3.5-02',
    title: 'SignatureValue present',
    needs: signed,
    run: (i) => {
      const has = o(i).signature!.info.hasSignatureValue;
      return verdictOf(has, 'ds:SignatureValue', 'base64 HMAC value', has ? 'present' : 'empty or absent', 'missing');
    },
  },
  {
    id: 'kms.signature.verifies',
    requirement: 'MCXSEC-D.3.1-12',
    title: 'response signature verifies',
    needs: received,
    run: (i) => {
      const sig = o(i).signature;
      const expected = 'HMAC-SHA256 (SHA-256 digests, C14N) under the key Signature-ID names';
      if (!sig) return fail('ds:Signature', expected, 'the response is not signed', 'missing');
      const v = sig.verification;
      if (v.ok) return pass('ds:Signature', `verified with the ${sig.keyUsed} (${sig.derivation === 'direct' ? 'raw key' : 'F.1.4 key'})`, expected);
      // Any failure is the KMS's: an unsupported algorithm or a missing value is a signature a KM client cannot verify.
      return fail('ds:Signature', expected, `${v.failure}: ${v.reason}`, v.failure === 'missing-value' ? 'missing' : 'invalid');
    },
  },
]);

/** Integrity of a response to a request signed with the TrK, no InK (`key` = TrK). */
export const TRK_SIGNATURE = checkTable<ProtectedAnswer>('kms response signature without InK', [
  {
    id: 'kms.trk-signature.signature-id',
    requirement: 'MCXSEC-5.3.2-04',
    title: 'without an InK, the response is integrity-protected with the TrK',
    needs: received,
    run: (i) => signatureIdOutcome(i, 'TrK'),
  },
]);

export interface ClearKeySetsInput {
  ex: KmsExchange;
  /** The ICS claims kms.clear-key-sets. */
  declared: boolean;
}

/** A KeyProvision without TrK-ID (5.3.3-07). */
export const CLEAR_KEY_SETS = checkTable<ClearKeySetsInput>('kms keyprov without TrK-ID', [
  {
    id: 'kms.clear-key-sets.only-if-declared',
    requirement: 'MCXSEC-5.3.3-07',
    title: 'clear key sets only with kms.clear-key-sets in the ICS',
    run: ({ ex, declared }) => {
      const r = refusalOf(ex);
      const ics = `ICS kms.clear-key-sets ${declared ? 'declared' : 'not declared'}`;
      if (r.refused === undefined) return inconclusive(`${ex.label}: ${r.detail}`, r.blame);
      if (r.refused) return pass('response', `refused (${r.detail}), ${ics}`, 'a refusal, encrypted key material, or clear key sets if declared');
      const sets = ex.opened?.keySets ?? [];
      const enc = ex.opened?.messageEncryption;
      if (sets.length === 0) {
        if (enc && !enc.ok) return inconclusive(`${ex.label}: an encrypted KmsMessage that does not decrypt (${enc.problem}): its key sets cannot be examined`, 'target');
        return inconclusive(`${ex.label}: neither a refusal nor key sets to examine (${r.detail})`, 'target');
      }
      const clear = sets.filter((s) => s.rsk.form === 'clear' || s.ssk.form === 'clear' || s.pvt.form === 'clear');
      const field = 'KmsKeySet key fields';
      if (clear.length === 0) return pass(field, `${sets.length} key set(s), all key material encrypted, ${ics}`, 'no clear key material unless declared');
      return verdictOf(declared, field, declared ? 'clear key sets allowed (ICS kms.clear-key-sets)' : 'a refusal or encrypted key material', `${clear.length} key set(s) in clear, ${ics}`);
    },
  },
]);
