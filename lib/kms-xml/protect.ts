/**
 * One-call protection of KMS documents, as a KMS (the reference) or a KM
 * client (the suite) applies it: encrypt key material and the KmsMessage
 * with the TrK, sign with the InK (else the TrK). Keys are the F.1.4-derived
 * ones unless `derivation: 'direct'` (see keys.ts).
 */
import { kmsRequestElement, kmsResponseElement, toXml } from './build.ts';
import { encryptElementContent, encryptKeyMaterial } from './encryption.ts';
import type { KeyContent, KmsRequest, KmsResponse } from './model.ts';
import { NS_KMS } from './namespaces.ts';
import { signKmsDocument } from './signature.ts';
import { xmlKey, type KeyDerivation, type SharedKey } from './keys.ts';
import { child, linkParents } from './xml.ts';

/** Key material for a KmsKeySet field, encrypted under the TrK (EncKeyContentType). */
export function protectKeyMaterial(material: Uint8Array, trk: SharedKey, userUri: string, derivation: KeyDerivation = 'f1.4'): KeyContent {
  return { encrypted: encryptKeyMaterial(material, xmlKey(trk, 'confidentiality', userUri, derivation), trk.id) };
}

/** A new TrK/InK for NewTransportKey/NewIntegrityKey, wrapped under the current TrK. */
export function protectNewKey(newKey: SharedKey, trk: SharedKey, userUri: string, derivation: KeyDerivation = 'f1.4') {
  return encryptKeyMaterial(newKey.key, xmlKey(trk, 'confidentiality', userUri, derivation), trk.id, { carriedKeyName: newKey.id });
}

export interface ResponseProtection {
  /** F.1.4 P0: the UserUri of the request. */
  userUri: string;
  /** Encrypt the KmsMessage content with this TrK (sets TrK-ID). */
  encryptWith?: SharedKey;
  /** Sign with this key (the InK if one is shared, else the TrK; sets Signature-ID). */
  signWith?: SharedKey;
  derivation?: KeyDerivation;
  /** For negative controls: the content encryption algorithm. */
  contentAlgorithm?: string;
}

/** Serializes a KmsResponse with the requested protection applied. */
export function protectedResponseXml(res: KmsResponse, p: ResponseProtection): string {
  const derivation = p.derivation ?? 'f1.4';
  const doc: KmsResponse = { ...res };
  if (p.encryptWith) doc.trkId ??= p.encryptWith.id;
  if (p.signWith) doc.signatureId ??= p.signWith.id;
  const element = kmsResponseElement(doc);
  const message = child(element, NS_KMS, 'KmsMessage');
  if (p.encryptWith && message && message.children.length > 0) {
    encryptElementContent(message, xmlKey(p.encryptWith, 'confidentiality', p.userUri, derivation), p.encryptWith.id, { contentAlgorithm: p.contentAlgorithm });
    linkParents(element);
  }
  if (!p.signWith) return toXml(element);
  return toXml(signKmsDocument('response', element, xmlKey(p.signWith, 'integrity', p.userUri, derivation), p.signWith.id));
}

/** Serializes a KmsRequest, signed (SignedKmsRequest) when `signWith` is given. */
/**
 * The request as XML, signed when a key is given. `omitElements` drops
 * top-level children by name before signing, so a deliberately
 * schema-invalid request still carries a signature that verifies.
 */
export function protectedRequestXml(req: KmsRequest, signWith?: SharedKey, derivation: KeyDerivation = 'f1.4', omitElements: string[] = []): string {
  const doc: KmsRequest = { ...req };
  if (signWith) doc.signatureId ??= signWith.id;
  const element = kmsRequestElement(doc);
  if (omitElements.length) element.children = element.children.filter((n) => !(typeof n === 'object' && 'name' in n && omitElements.includes(n.name)));
  if (!signWith) return toXml(element);
  return toXml(signKmsDocument('request', element, xmlKey(signWith, 'integrity', req.userUri, derivation), signWith.id));
}
