/**
 * XML element content encryption between MC client and MC domain (9.3.3,
 * 9.3.4.2): the XPK is the CSK and the XPK-ID the CSK-ID; the content key is
 * the confidentiality key F.1.4 derives from them (P0 the MC service user ID),
 * used directly with AES-128-GCM: no EncryptedKey, the KeyInfo/KeyName carries
 * the base64 XPK-ID. (On the KMS interface the content key is instead wrapped
 * under the TrK: lib/kms-xml/encryption.ts.)
 */
import { xmlDecrypt, xmlEncrypt } from '../crypto/aes-gcm.ts';
import { fromBase64, toBase64, u32be } from '../crypto/bytes.ts';
import { xmlProtectionKey } from '../crypto/kdf.ts';
import { ALG_AES128_GCM, NS_DS, NS_XENC, XENC_TYPE_CONTENT } from './namespaces.ts';
import { parseXml } from './parse.ts';
import { attr, child, el, isElement, isNamed, serializeXml, textOf, type XmlElement } from './xml.ts';

export interface Xpk {
  key: Uint8Array;
  /** XPK-ID (the CSK-ID: purpose tag 2 in the 4 most significant bits). */
  id: number;
}

/** The KeyName of 9.3.4.2: the base64 of the 4-octet XPK-ID. */
export function xpkKeyName(id: number): string {
  return toBase64(u32be(id));
}

/** The F.1.4 confidentiality key for `userId` (the MC service user ID of the client end). */
export function xpkContentKey(xpk: Xpk, userId: string): Uint8Array {
  return xmlProtectionKey(xpk.key, 'confidentiality', userId, u32be(xpk.id));
}

export interface EncryptOptions {
  /** The key to encrypt under; default the F.1.4 confidentiality key (negative tests give another). */
  key?: Uint8Array;
  /** KeyName to write; default xpkKeyName(xpk.id), null to leave KeyInfo out (9.3.4.2 makes it optional). */
  keyName?: string | null;
  /** Leave out the optional Type and EncryptionMethod too (9.3.4.2: then known by other means). */
  bare?: boolean;
  /** Flip one bit of the GCM tag (negative tests: the content must then not be used). */
  alterTag?: boolean;
}

/** An xenc:EncryptedData (Type #Content, aes128-gcm) of `contentXml`, serialised with its own namespace declarations. */
export function encryptContent(contentXml: string, xpk: Xpk, userId: string, options: EncryptOptions = {}): string {
  const key = options.key ?? xpkContentKey(xpk, userId);
  const keyName = options.keyName === undefined ? xpkKeyName(xpk.id) : options.keyName;
  const sealed = xmlEncrypt(key, new TextEncoder().encode(contentXml));
  if (options.alterTag) sealed[sealed.length - 1]! ^= 0x01;
  const data = el(
    'xenc:EncryptedData',
    { 'xmlns:xenc': NS_XENC, 'xmlns:ds': NS_DS, ...(options.bare ? {} : { Type: XENC_TYPE_CONTENT }) },
    options.bare ? undefined : el('xenc:EncryptionMethod', { Algorithm: ALG_AES128_GCM }),
    keyName === null ? undefined : el('ds:KeyInfo', {}, el('ds:KeyName', {}, keyName)),
    el('xenc:CipherData', {}, el('xenc:CipherValue', {}, toBase64(sealed))),
  );
  return serializeXml(data);
}

export type DecryptContentOutcome = { ok: true; xml: string; keyName?: string } | { ok: false; reason: string; keyName?: string };

/**
 * Decrypts the single xenc:EncryptedData of `holderXml` (an element whose
 * content was encrypted) with the F.1.4 key of `xpk` (or `options.key`, for
 * negative controls). A KeyName, when present, must name xpk.id; without an
 * EncryptionMethod the algorithm is aes128-gcm, the one both ends must
 * support (9.3.4.2). Never throws.
 */
export function decryptContent(holderXml: string, xpk: Xpk, userId: string, options: { maxBytes?: number; key?: Uint8Array } = {}): DecryptContentOutcome {
  const parsed = parseXml(holderXml, { maxBytes: options.maxBytes ?? 64 * 1024 });
  if (!parsed.ok) return { ok: false, reason: `not XML: ${parsed.reason}` };
  const data = findEncryptedData(parsed.root);
  if (!data) return { ok: false, reason: 'no xenc:EncryptedData in the element' };
  const info = child(data, NS_DS, 'KeyInfo');
  const nameEl = info ? child(info, NS_DS, 'KeyName') : undefined;
  const keyName = nameEl ? textOf(nameEl).trim() : undefined;
  if (keyName !== undefined && keyName !== xpkKeyName(xpk.id)) return { ok: false, reason: `KeyName '${keyName}' does not name the XPK-ID ${xpkKeyName(xpk.id)}`, keyName };
  let key: Uint8Array;
  try {
    key = options.key ?? xpkContentKey(xpk, userId);
  } catch (err) {
    return { ok: false, reason: (err as Error).message, keyName };
  }
  const method = child(data, NS_XENC, 'EncryptionMethod');
  const algorithm = method ? attr(method, 'Algorithm') : ALG_AES128_GCM;
  if (algorithm !== ALG_AES128_GCM) return { ok: false, reason: `EncryptionMethod ${algorithm ?? '(no Algorithm)'} is not aes128-gcm`, keyName };
  const cipherData = child(data, NS_XENC, 'CipherData');
  const cipherValue = cipherData ? child(cipherData, NS_XENC, 'CipherValue') : undefined;
  const cipher = cipherValue ? fromBase64(textOf(cipherValue).replace(/\s+/g, '')) : undefined;
  if (!cipher) return { ok: false, reason: 'no CipherData/CipherValue with base64 content', keyName };
  const out = xmlDecrypt(key, cipher);
  if (!out.ok) return { ok: false, reason: `decrypt: ${out.reason}`, keyName };
  try {
    return { ok: true, xml: new TextDecoder('utf-8', { fatal: true }).decode(out.plaintext), keyName };
  } catch {
    return { ok: false, reason: 'the decrypted content is not UTF-8', keyName };
  }
}

function findEncryptedData(root: XmlElement): XmlElement | undefined {
  if (isNamed(root, NS_XENC, 'EncryptedData')) return root;
  for (const c of root.children) if (isElement(c)) {
    const found = findEncryptedData(c);
    if (found) return found;
  }
  return undefined;
}
