/**
 * XML encryption on the KMS interface (5.3.3, 9.3.4.2, D.3.1).
 *
 * - Key material (RSK, SSK, PVT; a new TrK or InK) travels as an
 *   xenc:EncryptedKey. Material of a multiple of 8 octets (>= 16) is wrapped
 *   directly with kw-aes256 (RFC 3394) under the TrK-derived key; material
 *   of other lengths (the 257-octet RSK, the 65-octet PVT cannot be
 *   RFC 3394 wrapped) is encrypted with aes128-gcm under a fresh content key
 *   that is itself wrapped with kw-aes256 (nested EncryptedKey in KeyInfo).
 * - A KmsMessage's content is replaced by an xenc:EncryptedData
 *   (Type #Content, aes128-gcm) whose content key is wrapped the same way.
 * KeyName carries the TrK-ID. Decryption never throws: it says which step
 * failed, and which key (F.1.4-derived or raw TrK) worked.
 */
import { randomBytes } from 'node:crypto';
import { unwrapKey, wrapKey } from '../crypto/keywrap.ts';
import { xmlDecrypt, xmlEncrypt } from '../crypto/aes-gcm.ts';
import { fromBase64, toBase64 } from '../crypto/bytes.ts';
import { ALG_AES128_GCM, ALG_AES256_GCM, ALG_KW_AES256, NS_DS, NS_XENC, XENC_TYPE_CONTENT } from './namespaces.ts';
import { parseXml } from './parse.ts';
import { attr, child, el, inScopeNamespaces, linkParents, serializeXml, textOf, type XmlElement, type XmlNode } from './xml.ts';

/** A key-encryption key candidate: the KEK bytes and how it was obtained, for the report. */
export interface KekCandidate {
  key: Uint8Array;
  label: string;
}

/** Names the KEKs to try for a KeyName (the TrK-ID), in order of preference. */
export type KekResolver = (keyName: string | undefined) => KekCandidate[];

export type DecryptOutcome =
  | { ok: true; plaintext: Uint8Array; algorithm: string; keyName?: string; kekLabel?: string }
  | { ok: false; step: 'structure' | 'algorithm' | 'unwrap' | 'decrypt'; reason: string; algorithm?: string; keyName?: string };

function cipherValueEl(value: Uint8Array): XmlElement {
  return el('xenc:CipherData', {}, el('xenc:CipherValue', {}, toBase64(value)));
}

function keyNameInfo(keyName: string): XmlElement {
  return el('ds:KeyInfo', {}, el('ds:KeyName', {}, keyName));
}

/** kw-aes256 EncryptedKey of `keyData` (multiple of 8 octets) under `kek`. */
function wrappedKey(keyData: Uint8Array, kek: Uint8Array, kekName: string, carriedKeyName?: string): XmlElement {
  return el(
    'xenc:EncryptedKey',
    {},
    el('xenc:EncryptionMethod', { Algorithm: ALG_KW_AES256 }),
    keyNameInfo(kekName),
    cipherValueEl(wrapKey(kek, keyData)),
    carriedKeyName ? el('xenc:CarriedKeyName', {}, carriedKeyName) : undefined,
  );
}

/** Encrypts key material for a KmsKeySet field or NewTransportKey/NewIntegrityKey. */
export function encryptKeyMaterial(material: Uint8Array, kek: Uint8Array, kekName: string, options: { carriedKeyName?: string } = {}): XmlElement {
  if (material.length >= 16 && material.length % 8 === 0) return wrappedKey(material, kek, kekName, options.carriedKeyName);
  const cek = randomBytes(16);
  return el(
    'xenc:EncryptedKey',
    {},
    el('xenc:EncryptionMethod', { Algorithm: ALG_AES128_GCM }),
    el('ds:KeyInfo', {}, wrappedKey(cek, kek, kekName)),
    cipherValueEl(xmlEncrypt(cek, material)),
    options.carriedKeyName ? el('xenc:CarriedKeyName', {}, options.carriedKeyName) : undefined,
  );
}

/**
 * Replaces the content of `holder` (a KmsMessage) with an EncryptedData.
 * `contentAlgorithm` exists for negative controls (aes256-gcm).
 */
export function encryptElementContent(holder: XmlElement, kek: Uint8Array, kekName: string, options: { contentAlgorithm?: string } = {}): void {
  const algorithm = options.contentAlgorithm ?? ALG_AES128_GCM;
  const cek = randomBytes(algorithm === ALG_AES256_GCM ? 32 : 16);
  const content = holder.children.map((c) => (typeof c === 'string' ? c : serializeXml(c))).join('');
  const encrypted = el(
    'xenc:EncryptedData',
    { Type: XENC_TYPE_CONTENT },
    el('xenc:EncryptionMethod', { Algorithm: algorithm }),
    el('ds:KeyInfo', {}, wrappedKey(cek, kek, kekName)),
    cipherValueEl(xmlEncrypt(cek, new TextEncoder().encode(content))),
  );
  holder.children = [encrypted];
}

function keyNameOf(element: XmlElement): string | undefined {
  const info = child(element, NS_DS, 'KeyInfo');
  const name = info ? child(info, NS_DS, 'KeyName') : undefined;
  return name ? textOf(name).trim() : undefined;
}

function cipherValueOf(element: XmlElement): Uint8Array | undefined | 'reference' {
  const data = child(element, NS_XENC, 'CipherData');
  if (!data) return undefined;
  if (child(data, NS_XENC, 'CipherReference')) return 'reference';
  const value = child(data, NS_XENC, 'CipherValue');
  return value ? fromBase64(textOf(value).replace(/\s+/g, '')) : undefined;
}

/** The EncryptionMethod Algorithm of an EncryptedKey/EncryptedData. */
export function encryptionAlgorithm(element: XmlElement): string | undefined {
  const m = child(element, NS_XENC, 'EncryptionMethod');
  return m ? attr(m, 'Algorithm') : undefined;
}

/** The KeyName naming the TrK, looking through a nested EncryptedKey. */
export function trkKeyName(element: XmlElement): string | undefined {
  const direct = keyNameOf(element);
  if (direct !== undefined) return direct;
  const info = child(element, NS_DS, 'KeyInfo');
  const nested = info ? child(info, NS_XENC, 'EncryptedKey') : undefined;
  return nested ? keyNameOf(nested) : undefined;
}

/** Decrypts an EncryptedKey or EncryptedData to octets. */
export function decryptToOctets(element: XmlElement, resolve: KekResolver): DecryptOutcome {
  const algorithm = encryptionAlgorithm(element);
  const cipher = cipherValueOf(element);
  const keyName = keyNameOf(element);
  if (cipher === 'reference') return { ok: false, step: 'structure', reason: 'CipherData holds a CipherReference, not a CipherValue', algorithm };
  if (!cipher) return { ok: false, step: 'structure', reason: 'no CipherData/CipherValue with base64 content', algorithm };
  if (algorithm === ALG_KW_AES256) {
    const candidates = resolve(keyName);
    if (candidates.length === 0) return { ok: false, step: 'unwrap', reason: `no key known for KeyName '${keyName ?? '(none)'}'`, algorithm, keyName };
    let last = '';
    for (const c of candidates) {
      const r = unwrapKey(c.key, cipher);
      if (r.ok) return { ok: true, plaintext: r.key, algorithm, keyName, kekLabel: c.label };
      last = r.reason;
    }
    return { ok: false, step: 'unwrap', reason: `kw-aes256 unwrap failed with ${candidates.map((c) => c.label).join(' and ')}: ${last}`, algorithm, keyName };
  }
  if (algorithm === ALG_AES128_GCM || algorithm === ALG_AES256_GCM) {
    const info = child(element, NS_DS, 'KeyInfo');
    const nested = info ? child(info, NS_XENC, 'EncryptedKey') : undefined;
    let cek: Uint8Array | undefined;
    let kekLabel: string | undefined;
    let outerKeyName = keyName;
    if (nested) {
      const k = decryptToOctets(nested, resolve);
      if (!k.ok) return { ...k, step: k.step === 'decrypt' ? 'decrypt' : 'unwrap', reason: `content key: ${k.reason}`, algorithm };
      cek = k.plaintext;
      kekLabel = k.kekLabel;
      outerKeyName = k.keyName;
    } else {
      const direct = resolve(keyName).find((c) => c.key.length === (algorithm === ALG_AES128_GCM ? 16 : 32));
      if (!direct) return { ok: false, step: 'unwrap', reason: `no content key: KeyInfo holds no EncryptedKey and no ${algorithm === ALG_AES128_GCM ? 128 : 256}-bit key is named '${keyName ?? ''}'`, algorithm, keyName };
      cek = direct.key;
      kekLabel = direct.label;
    }
    const opened = xmlDecrypt(cek, cipher);
    if (!opened.ok) return { ok: false, step: 'decrypt', reason: opened.reason, algorithm, keyName: outerKeyName };
    return { ok: true, plaintext: opened.plaintext, algorithm, keyName: outerKeyName, kekLabel };
  }
  return { ok: false, step: 'algorithm', reason: `EncryptionMethod ${algorithm ?? '(absent)'} is neither kw-aes256 nor aes128-gcm/aes256-gcm`, algorithm, keyName };
}

export type ContentDecryptOutcome =
  | { ok: true; nodes: XmlNode[]; xml: string; algorithm: string; keyName?: string; kekLabel?: string }
  | { ok: false; step: 'structure' | 'algorithm' | 'unwrap' | 'decrypt' | 'parse'; reason: string; algorithm?: string; keyName?: string };

/**
 * Decrypts an EncryptedData that replaced an element's content, parses the
 * plaintext as XML in the holder's namespace context, and returns the nodes
 * (the caller splices them in place of the EncryptedData).
 */
export function decryptElementContent(encryptedData: XmlElement, holder: XmlElement, resolve: KekResolver, limits: { maxBytes?: number } = {}): ContentDecryptOutcome {
  const octets = decryptToOctets(encryptedData, resolve);
  if (!octets.ok) return octets;
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(octets.plaintext);
  } catch {
    return { ok: false, step: 'parse', reason: 'decrypted content is not UTF-8', algorithm: octets.algorithm };
  }
  const decls = [...inScopeNamespaces(holder)].map(([p, uri]) => (p ? ` xmlns:${p}="${uri}"` : ` xmlns="${uri}"`)).join('');
  const parsed = parseXml(`<mcx-decrypted${decls}>${xml}</mcx-decrypted>`, { maxBytes: limits.maxBytes });
  if (!parsed.ok) return { ok: false, step: 'parse', reason: `decrypted content is not XML: ${parsed.reason}`, algorithm: octets.algorithm };
  return { ok: true, nodes: parsed.root.children, xml, algorithm: octets.algorithm, keyName: octets.keyName, kekLabel: octets.kekLabel };
}

/** Splices decrypted nodes into `holder` in place of its EncryptedData and relinks parents. */
export function replaceWithDecrypted(holder: XmlElement, encryptedData: XmlElement, nodes: XmlNode[], root: XmlElement): void {
  const at = holder.children.indexOf(encryptedData);
  holder.children.splice(at < 0 ? holder.children.length : at, at < 0 ? 0 : 1, ...nodes);
  linkParents(root);
}
