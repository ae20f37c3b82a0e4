/**
 * Opening a received KMS response, as a KM client does: parse safely, read,
 * verify the signature (before anything changes the tree), decrypt the
 * KmsMessage and the key material. Nothing here throws or does I/O; every
 * step records what it found so checks can grade it.
 */
import { toBase64, toHex } from '../crypto/bytes.ts';
import { decryptElementContent, decryptToOctets, encryptionAlgorithm, replaceWithDecrypted, trkKeyName, type KekCandidate, type KekResolver } from './encryption.ts';
import { xmlKey, type KeyDerivation, type SharedKey } from './keys.ts';
import type { KeyContent, KmsKeySet, KmsResponse } from './model.ts';
import { NS_KMS, NS_XENC } from './namespaces.ts';
import { parseXml, type ParseLimits, type ParseResult } from './parse.ts';
import { keyContentType, readKmsResponse, type ReadKmsDocument } from './read.ts';
import { signatureInfo, verifyKmsSignature, type SignatureInfo, type SignatureVerification } from './signature.ts';
import { child, children, type XmlElement } from './xml.ts';

export interface OpenKeys {
  trk?: SharedKey;
  ink?: SharedKey;
  /** F.1.4 P0: the UserUri of the request. */
  userUri: string;
}

export interface SignatureCheck {
  info: SignatureInfo;
  /** Verification with the key the response names (Signature-ID / KeyName), F.1.4-derived first. */
  verification: SignatureVerification;
  /** Which shared key verified, and how it was used. */
  keyUsed?: 'InK' | 'TrK';
  derivation?: KeyDerivation;
}

export interface KeyMaterial {
  /** How the field came: hex content or an xenc structure. */
  form: 'clear' | 'encrypted' | 'missing';
  /** xsi:type as written. */
  xsiType?: string;
  bytes?: Uint8Array;
  /** Why the bytes could not be had. */
  problem?: string;
  algorithm?: string;
  keyName?: string;
  derivation?: KeyDerivation;
}

export interface OpenedKeySet {
  set: KmsKeySet;
  rsk: KeyMaterial;
  ssk: KeyMaterial;
  pvt: KeyMaterial;
}

export interface OpenedResponse {
  parse: ParseResult;
  /** Read as received (reasons in `problems`). */
  received?: ReadKmsDocument<KmsResponse>;
  readFailure?: string;
  signature?: SignatureCheck;
  /** Present when the KmsMessage content was an EncryptedData. */
  messageEncryption?: {
    algorithm?: string;
    keyName?: string;
    ok: boolean;
    problem?: string;
    step?: string;
    derivation?: KeyDerivation;
    hasCipherValue: boolean;
  };
  /** The response after decryption (equal to received.doc when nothing was encrypted). */
  doc?: KmsResponse;
  keySets: OpenedKeySet[];
  newTransportKey?: KeyMaterial;
  newIntegrityKey?: KeyMaterial;
}

/** A resolver trying the TrK F.1.4-derived first, then raw; labels say which. */
export function trkResolver(keys: OpenKeys): KekResolver {
  return () => {
    if (!keys.trk) return [];
    return [
      { key: xmlKey(keys.trk, 'confidentiality', keys.userUri, 'f1.4'), label: 'f1.4' },
      { key: keys.trk.key, label: 'direct' },
    ] satisfies KekCandidate[];
  };
}

/** Opens a response body. `secret` receives every decrypted secret value (for the redactor). */
export function openKmsResponse(body: string, keys: OpenKeys, options: ParseLimits & { secret?: (value: string) => void } = {}): OpenedResponse {
  const parse = parseXml(body, options);
  const out: OpenedResponse = { parse, keySets: [] };
  if (!parse.ok) return out;
  const received = readKmsResponse(parse.root);
  if (!received.ok) {
    out.readFailure = received.reason;
    return out;
  }
  out.received = received;
  if (received.signature) out.signature = checkSignature(parse.root, received.signature, received.doc, keys);
  const resolve = trkResolver(keys);
  const messageEl = child(received.element, NS_KMS, 'KmsMessage');
  const encrypted = messageEl ? child(messageEl, NS_XENC, 'EncryptedData') : undefined;
  if (messageEl && encrypted) {
    const hasCipherValue = !!child(encrypted, NS_XENC, 'CipherData') && !!child(child(encrypted, NS_XENC, 'CipherData')!, NS_XENC, 'CipherValue');
    const outcome = decryptElementContent(encrypted, messageEl, resolve, { maxBytes: options.maxBytes });
    if (outcome.ok) {
      replaceWithDecrypted(messageEl, encrypted, outcome.nodes, parse.root);
      out.messageEncryption = { ok: true, algorithm: outcome.algorithm, keyName: outcome.keyName, derivation: outcome.kekLabel as KeyDerivation, hasCipherValue };
    } else {
      out.messageEncryption = { ok: false, algorithm: outcome.algorithm ?? encryptionAlgorithm(encrypted), keyName: trkKeyName(encrypted), problem: outcome.reason, step: outcome.step, hasCipherValue };
    }
  }
  const reread = readKmsResponse(parse.root);
  out.doc = reread.ok ? reread.doc : received.doc;
  const sets = out.doc.message?.keyProv?.keySets ?? [];
  const setEls = messageEl ? children(child(messageEl, NS_KMS, 'KmsKeyProv') ?? messageEl, NS_KMS, 'KmsKeySet') : [];
  out.keySets = sets.map((set, i) => {
    const setEl = setEls[i];
    const field = (name: string, content: KeyContent, secret: boolean): KeyMaterial => {
      const fieldEl = setEl ? child(setEl, NS_KMS, name) : undefined;
      const m = openKey(content, resolve, fieldEl ? keyContentType(fieldEl) : undefined);
      if (secret && m.bytes) registerSecret(m.bytes, options.secret);
      return m;
    };
    return {
      set,
      rsk: field('UserDecryptKey', set.userDecryptKey, true),
      ssk: field('UserSigningKeySSK', set.userSigningKeySsk, true),
      pvt: field('UserPubTokenPVT', set.userPubTokenPvt, false),
    };
  });
  const holder = out.doc.message?.init ?? out.doc.message?.keyProv;
  if (holder?.newTransportKey) {
    out.newTransportKey = openKey({ encrypted: holder.newTransportKey }, resolve, 'EncKeyContentType');
    if (out.newTransportKey.bytes) registerSecret(out.newTransportKey.bytes, options.secret);
  }
  if (holder?.newIntegrityKey) {
    out.newIntegrityKey = openKey({ encrypted: holder.newIntegrityKey }, resolve, 'EncKeyContentType');
    if (out.newIntegrityKey.bytes) registerSecret(out.newIntegrityKey.bytes, options.secret);
  }
  return out;
}

function registerSecret(bytes: Uint8Array, secret: ((v: string) => void) | undefined): void {
  if (!secret) return;
  const hex = toHex(bytes);
  secret(hex);
  secret(hex.toUpperCase());
  secret(toBase64(bytes));
}

function openKey(content: KeyContent, resolve: KekResolver, xsiType: string | undefined): KeyMaterial {
  if ('hex' in content) {
    if (content.hex === '') return { form: 'missing', xsiType, problem: 'the key field is empty or missing' };
    const clean = content.hex.replace(/\s+/g, '');
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(clean)) return { form: 'clear', xsiType, problem: 'the key field is not hexBinary' };
    return { form: 'clear', xsiType, bytes: Uint8Array.from(Buffer.from(clean, 'hex')) };
  }
  const r = decryptToOctets(content.encrypted, resolve);
  if (!r.ok) return { form: 'encrypted', xsiType, problem: `${r.step}: ${r.reason}`, algorithm: r.algorithm, keyName: r.keyName };
  return { form: 'encrypted', xsiType, bytes: r.plaintext, algorithm: r.algorithm, keyName: r.keyName, derivation: r.kekLabel as KeyDerivation };
}

function checkSignature(root: XmlElement, signature: XmlElement, doc: KmsResponse, keys: OpenKeys): SignatureCheck {
  const info = signatureInfo(signature);
  const named = doc.signatureId ?? info.keyName;
  const candidates: { label: 'InK' | 'TrK'; key: SharedKey }[] = [];
  if (keys.ink && (named === undefined || named === keys.ink.id)) candidates.push({ label: 'InK', key: keys.ink });
  if (keys.trk && (named === undefined || named === keys.trk.id)) candidates.push({ label: 'TrK', key: keys.trk });
  if (candidates.length === 0) {
    if (keys.ink) candidates.push({ label: 'InK', key: keys.ink });
    if (keys.trk) candidates.push({ label: 'TrK', key: keys.trk });
  }
  let first: SignatureVerification | undefined;
  for (const c of candidates) {
    for (const derivation of ['f1.4', 'direct'] as const) {
      const v = verifyKmsSignature(root, signature, xmlKey(c.key, 'integrity', keys.userUri, derivation));
      if (v.ok) return { info, verification: v, keyUsed: c.label, derivation };
      if (!first || (first.ok === false && first.failure === 'value-mismatch' && v.failure !== 'value-mismatch')) first = v;
    }
  }
  return { info, verification: first ?? { ok: false, failure: 'malformed', reason: 'no shared key (TrK/InK) to verify with: the target file names none', info } };
}

/** Masks key material in XML text for evidence: RSK and SSK contents become a length note. */
export function redactKeyMaterialXml(xml: string): string {
  return xml.replace(/(<(?:[\w.-]+:)?(UserDecryptKey|UserSigningKeySSK)\b[^>]*>)([0-9A-Fa-f\s]+)(<\/)/g, (_m, open: string, _n: string, hex: string, close: string) => `${open}[redacted ${hex.replace(/\s+/g, '').length / 2} octets]${close}`);
}
