/**
 * HMAC-SHA256 XML signatures of KMS requests and responses (D.1, D.2.2,
 * D.3.1, 9.3.5). Layout: SignedKmsResponse / SignedKmsRequest holding the
 * KmsResponse / KmsRequest (with an Id attribute) and a ds:Signature whose
 * single Reference points at that Id; SignedInfo canonicalized with
 * inclusive C14N 1.0, SHA-256 digest, HMAC-SHA256 signature value over the
 * canonical SignedInfo, KeyInfo/KeyName naming the InK-ID or TrK-ID.
 * Verification never throws and says which step failed.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hmacSha256 } from '../crypto/hmac.ts';
import { equalBytes, fromBase64, toBase64 } from '../crypto/bytes.ts';
import { canonicalize, c14nMethodOf } from './c14n.ts';
import { ALG_C14N, ALG_ENVELOPED, ALG_HMAC_SHA256, ALG_SHA256, NS_DS } from './namespaces.ts';
import { signedWrapper } from './build.ts';
import { attr, child, childElements, children, el, isElement, linkParents, setAttr, textOf, type XmlElement } from './xml.ts';

export const SIGNED_ELEMENT_ID = 'kms-signed';
const ALG_HMAC_SHA1 = 'http://www.w3.org/2000/09/xmldsig#hmac-sha1';

const utf8 = (s: string) => new TextEncoder().encode(s);

/**
 * Wraps `inner` (a KmsRequest/KmsResponse element) in SignedKms* with an
 * HMAC-SHA256 signature under `key`, KeyName `keyName`.
 */
export function signKmsDocument(kind: 'request' | 'response', inner: XmlElement, key: Uint8Array, keyName: string, options: { id?: string } = {}): XmlElement {
  const id = attr(inner, 'Id') ?? options.id ?? SIGNED_ELEMENT_ID;
  setAttr(inner, 'Id', id);
  const wrapper = signedWrapper(kind, inner);
  const signed = childElements(wrapper)[0];
  const digest = sha256(utf8(canonicalize(signed, 'inclusive')));
  const signedInfo = el(
    'ds:SignedInfo',
    {},
    el('ds:CanonicalizationMethod', { Algorithm: ALG_C14N }),
    el('ds:SignatureMethod', { Algorithm: ALG_HMAC_SHA256 }),
    el('ds:Reference', { URI: `#${id}` }, el('ds:DigestMethod', { Algorithm: ALG_SHA256 }), el('ds:DigestValue', {}, toBase64(digest))),
  );
  const signature = el('ds:Signature', {}, signedInfo);
  wrapper.children.push(signature);
  linkParents(wrapper);
  const value = hmacSha256(key, utf8(canonicalize(signedInfo, 'inclusive')));
  signature.children.push(el('ds:SignatureValue', {}, toBase64(value)), el('ds:KeyInfo', {}, el('ds:KeyName', {}, keyName)));
  linkParents(wrapper);
  return wrapper;
}

export interface SignatureInfo {
  signatureMethod?: string;
  canonicalizationMethod?: string;
  referenceUri?: string;
  digestMethod?: string;
  keyName?: string;
  hmacOutputLength?: string;
  hasSignatureValue: boolean;
}

export type VerifyFailure =
  | 'malformed'
  | 'unsupported-algorithm'
  | 'reference-not-found'
  | 'digest-mismatch'
  | 'missing-value'
  | 'value-mismatch';

export type SignatureVerification =
  | { ok: true; info: SignatureInfo }
  | { ok: false; failure: VerifyFailure; reason: string; info: SignatureInfo };

/** Reads the parts of a ds:Signature without verifying anything. */
export function signatureInfo(signature: XmlElement): SignatureInfo {
  const signedInfo = child(signature, NS_DS, 'SignedInfo');
  const method = signedInfo ? child(signedInfo, NS_DS, 'SignatureMethod') : undefined;
  const reference = signedInfo ? children(signedInfo, NS_DS, 'Reference')[0] : undefined;
  const keyInfo = child(signature, NS_DS, 'KeyInfo');
  const keyName = keyInfo ? child(keyInfo, NS_DS, 'KeyName') : undefined;
  const valueEl = child(signature, NS_DS, 'SignatureValue');
  const outLen = method ? child(method, NS_DS, 'HMACOutputLength') : undefined;
  const c14n = signedInfo ? child(signedInfo, NS_DS, 'CanonicalizationMethod') : undefined;
  const digestMethod = reference ? child(reference, NS_DS, 'DigestMethod') : undefined;
  return {
    signatureMethod: method ? attr(method, 'Algorithm') : undefined,
    canonicalizationMethod: c14n ? attr(c14n, 'Algorithm') : undefined,
    referenceUri: reference ? attr(reference, 'URI') : undefined,
    digestMethod: digestMethod ? attr(digestMethod, 'Algorithm') : undefined,
    keyName: keyName ? textOf(keyName).trim() : undefined,
    hmacOutputLength: outLen ? textOf(outLen).trim() : undefined,
    hasSignatureValue: !!valueEl && textOf(valueEl).trim() !== '',
  };
}

/** Finds the element a same-document Reference URI ('#id' or '') points at. */
function dereference(root: XmlElement, uri: string): XmlElement | undefined {
  if (uri === '') return root;
  if (!uri.startsWith('#')) return undefined;
  const id = uri.slice(1);
  const stack = [root];
  while (stack.length) {
    const e = stack.pop()!;
    for (const [k, v] of e.attrs) if ((k === 'Id' || k === 'ID' || k === 'id') && v === id) return e;
    for (const c of e.children) if (isElement(c)) stack.push(c);
  }
  return undefined;
}

/** Verifies an HMAC-SHA256 ds:Signature found in the document rooted at `root`. */
export function verifyKmsSignature(root: XmlElement, signature: XmlElement, key: Uint8Array): SignatureVerification {
  const info = signatureInfo(signature);
  const fail = (failure: VerifyFailure, reason: string): SignatureVerification => ({ ok: false, failure, reason, info });
  const signedInfo = child(signature, NS_DS, 'SignedInfo');
  if (!signedInfo) return fail('malformed', 'ds:Signature has no SignedInfo');
  if (info.signatureMethod !== ALG_HMAC_SHA256) {
    return fail('unsupported-algorithm', `SignatureMethod is ${info.signatureMethod ?? 'absent'}, not ${ALG_HMAC_SHA256}${info.signatureMethod === ALG_HMAC_SHA1 ? ' (HMAC-SHA1)' : ''}`);
  }
  if (info.hmacOutputLength !== undefined && info.hmacOutputLength !== '256') return fail('unsupported-algorithm', `HMACOutputLength is ${info.hmacOutputLength}; D.1 requires 256`);
  const signedInfoMethod = c14nMethodOf(info.canonicalizationMethod);
  if (!signedInfoMethod) return fail('unsupported-algorithm', `CanonicalizationMethod ${info.canonicalizationMethod ?? '(absent)'} is not C14N 1.0 or exclusive C14N`);
  const referenceFailure = checkReferences(root, signature, signedInfo);
  if (referenceFailure) return fail(referenceFailure.failure, referenceFailure.reason);
  const valueEl = child(signature, NS_DS, 'SignatureValue');
  const value = valueEl ? fromBase64(textOf(valueEl).replace(/\s+/g, '')) : undefined;
  if (!value || value.length === 0) return fail('missing-value', 'SignatureValue is empty or not base64');
  const mac = hmacSha256(key, utf8(canonicalize(signedInfo, signedInfoMethod)));
  if (value.length !== 32) return fail('value-mismatch', `SignatureValue is ${value.length} octets; HMAC-SHA256 with length 256 gives 32`);
  if (!equalBytes(mac, value)) return fail('value-mismatch', 'SignatureValue is not the HMAC-SHA256 of the canonical SignedInfo under this key');
  return { ok: true, info };
}

/**
 * Checks every Reference of `signedInfo` (same-document URIs, SHA-256 digests,
 * enveloped-signature and C14N transforms): the first failure, or undefined.
 * The enveloped transform removes only `signature` itself, so the signatures
 * of nested documents stay inside what is digested.
 */
export function checkReferences(root: XmlElement, signature: XmlElement, signedInfo: XmlElement): { failure: VerifyFailure; reason: string } | undefined {
  const fail = (failure: VerifyFailure, reason: string) => ({ failure, reason });
  const references = children(signedInfo, NS_DS, 'Reference');
  if (references.length === 0) return fail('malformed', 'SignedInfo has no Reference');
  for (const reference of references) {
    const uri = attr(reference, 'URI') ?? '';
    const target = dereference(root, uri);
    if (!target) return fail('reference-not-found', `Reference URI '${uri}' names no element of the document`);
    const digestMethod = child(reference, NS_DS, 'DigestMethod');
    if (!digestMethod || attr(digestMethod, 'Algorithm') !== ALG_SHA256) return fail('unsupported-algorithm', `DigestMethod is ${digestMethod ? attr(digestMethod, 'Algorithm') : 'absent'}, not SHA-256`);
    let method = 'inclusive' as ReturnType<typeof c14nMethodOf>;
    let envelopedOut: XmlElement | undefined;
    const transforms = child(reference, NS_DS, 'Transforms');
    for (const t of transforms ? children(transforms, NS_DS, 'Transform') : []) {
      const alg = attr(t, 'Algorithm');
      if (alg === ALG_ENVELOPED) envelopedOut = signature;
      else if (c14nMethodOf(alg)) method = c14nMethodOf(alg);
      else return fail('unsupported-algorithm', `Transform ${alg} is not supported`);
    }
    const digestValueEl = child(reference, NS_DS, 'DigestValue');
    const expected = digestValueEl ? fromBase64(textOf(digestValueEl).replace(/\s+/g, '')) : undefined;
    if (!expected) return fail('malformed', 'Reference has no base64 DigestValue');
    const actual = sha256(utf8(canonicalize(target, method, envelopedOut)));
    if (!equalBytes(actual, expected)) return fail('digest-mismatch', `the SHA-256 digest of the referenced element ('${uri}') does not match DigestValue: the signed content was changed`);
  }
  return undefined;
}
