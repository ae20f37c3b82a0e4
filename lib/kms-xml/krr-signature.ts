/**
 * The KRR XML signature profile (D.4.2): an enveloped ds:Signature inside the
 * KmsRedirectResponse, one Reference to the KRR by its Id (so a KRR embedded
 * in a newer one keeps a signature that still verifies), SHA-256 digest,
 * ECDSA-SHA256 (RFC 6931; SignatureValue is r || s), inclusive C14N 1.0 and
 * an X.509 certificate as KeyInfo. D.4.2 puts the certificate's own
 * verification out of scope: `verifyKrrSignature` checks the signature with
 * the key of the certificate the KRR carries, and says which certificate
 * that was, so a caller can compare it with one it trusts.
 * Profile and validity are reported apart: a KRR can be validly signed off
 * the profile, or on the profile with a broken value.
 */
import { createPrivateKey, randomUUID, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64, toBase64 } from '../crypto/bytes.ts';
import { canonicalize, c14nMethodOf } from './c14n.ts';
import { ALG_C14N, ALG_ENVELOPED, ALG_SHA256, NS_DS } from './namespaces.ts';
import { checkReferences, signatureInfo, type SignatureInfo } from './signature.ts';
import { attr, child, el, linkParents, setAttr, textOf, type XmlElement } from './xml.ts';

export const ALG_ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';

const utf8 = (s: string) => new TextEncoder().encode(s);

export interface KrrSigner {
  /** PEM (PKCS#8 or SEC1) or a KeyObject: a P-256 private key. */
  key: string | KeyObject;
  /** PEM certificate of `key`'s public key, carried as X509Certificate. */
  certPem: string;
}

/** Options that make a signature deliberately off the profile (for tests and the reference's faults). */
export interface SignOptions {
  digestAlgorithm?: string;
  canonicalization?: string;
  /** Sign this descendant (given an Id) instead of the whole KRR. */
  part?: XmlElement;
}

/** Adds an enveloped D.4.2 signature to `krr` (a KmsRedirectResponse element, changed in place) and returns it. */
export function signKrr(krr: XmlElement, signer: KrrSigner, options: SignOptions = {}): XmlElement {
  const target = options.part ?? krr;
  const id = attr(target, 'Id') ?? `krr-${randomUUID()}`;
  setAttr(target, 'Id', id);
  const signature = el('ds:Signature', { 'xmlns:ds': NS_DS });
  krr.children.push(signature);
  linkParents(krr);
  const digest = sha256(utf8(canonicalize(target, 'inclusive', signature)));
  const signedInfo = el(
    'ds:SignedInfo',
    {},
    el('ds:CanonicalizationMethod', { Algorithm: options.canonicalization ?? ALG_C14N }),
    el('ds:SignatureMethod', { Algorithm: ALG_ECDSA_SHA256 }),
    el(
      'ds:Reference',
      { URI: `#${id}` },
      el('ds:Transforms', {}, el('ds:Transform', { Algorithm: ALG_ENVELOPED }), el('ds:Transform', { Algorithm: ALG_C14N })),
      el('ds:DigestMethod', { Algorithm: options.digestAlgorithm ?? ALG_SHA256 }),
      el('ds:DigestValue', {}, toBase64(digest)),
    ),
  );
  signature.children.push(signedInfo);
  linkParents(krr);
  const method = c14nMethodOf(options.canonicalization ?? ALG_C14N) ?? 'inclusive';
  const key = typeof signer.key === 'string' ? createPrivateKey(signer.key) : signer.key;
  const value = sign('sha256', utf8(canonicalize(signedInfo, method)), { key, dsaEncoding: 'ieee-p1363' });
  const der = new X509Certificate(signer.certPem).raw;
  signature.children.push(el('ds:SignatureValue', {}, toBase64(value)), el('ds:KeyInfo', {}, el('ds:X509Data', {}, el('ds:X509Certificate', {}, toBase64(der)))));
  linkParents(krr);
  return krr;
}

export interface KrrSignatureProfile {
  digest: string | undefined;
  signatureMethod: string | undefined;
  canonicalization: string | undefined;
  /** 'x509' when KeyInfo carries an X509Certificate, else what it carries. */
  keyInfo: string;
  /** Departures from D.4.2, in words (empty when on the profile). */
  departures: string[];
}

export type KrrSignatureCheck =
  | { ok: true; profile: KrrSignatureProfile; certificate: X509Certificate }
  | { ok: false; reason: string; profile: KrrSignatureProfile; certificate?: X509Certificate };

function certificateOf(signature: XmlElement): X509Certificate | string {
  const keyInfo = child(signature, NS_DS, 'KeyInfo');
  const data = keyInfo ? child(keyInfo, NS_DS, 'X509Data') : undefined;
  const certEl = data ? child(data, NS_DS, 'X509Certificate') : undefined;
  if (!certEl) return keyInfo ? 'KeyInfo carries no X509Data/X509Certificate' : 'the signature has no KeyInfo';
  const der = fromBase64(textOf(certEl).replace(/\s+/g, ''));
  if (!der) return 'X509Certificate is not base64';
  try {
    return new X509Certificate(Buffer.from(der));
  } catch (err) {
    return `X509Certificate does not decode: ${(err as Error).message}`;
  }
}

/** Reads the algorithms of `signature` against D.4.2 without verifying anything. */
export function krrSignatureProfile(signature: XmlElement): KrrSignatureProfile {
  const info: SignatureInfo = signatureInfo(signature);
  const cert = certificateOf(signature);
  const departures: string[] = [];
  if (info.digestMethod !== ALG_SHA256) departures.push(`DigestMethod ${info.digestMethod ?? '(absent)'}, not SHA-256 (${ALG_SHA256})`);
  if (info.signatureMethod !== ALG_ECDSA_SHA256) departures.push(`SignatureMethod ${info.signatureMethod ?? '(absent)'}, not ECDSA-SHA256 (${ALG_ECDSA_SHA256})`);
  if (info.canonicalizationMethod !== ALG_C14N) departures.push(`CanonicalizationMethod ${info.canonicalizationMethod ?? '(absent)'}, not C14N 1.0 (${ALG_C14N})`);
  if (typeof cert === 'string') departures.push(cert);
  return { digest: info.digestMethod, signatureMethod: info.signatureMethod, canonicalization: info.canonicalizationMethod, keyInfo: typeof cert === 'string' ? cert : 'x509', departures };
}

/** Verifies the enveloped signature of `krr` (a KmsRedirectResponse element) with its KeyInfo certificate's key; never throws. */
export function verifyKrrSignature(krr: XmlElement, signature: XmlElement): KrrSignatureCheck {
  const profile = krrSignatureProfile(signature);
  const cert = certificateOf(signature);
  const certificate = typeof cert === 'string' ? undefined : cert;
  const failed = (reason: string): KrrSignatureCheck => ({ ok: false, reason, profile, ...(certificate ? { certificate } : {}) });
  const signedInfo = child(signature, NS_DS, 'SignedInfo');
  if (!signedInfo) return failed('ds:Signature has no SignedInfo');
  if (!certificate) return failed(cert as string);
  if (profile.signatureMethod !== ALG_ECDSA_SHA256) return failed(`SignatureMethod ${profile.signatureMethod ?? '(absent)'} is not ECDSA-SHA256: not verified`);
  const method = c14nMethodOf(profile.canonicalization);
  if (!method) return failed(`CanonicalizationMethod ${profile.canonicalization ?? '(absent)'} is not C14N 1.0 or exclusive C14N`);
  const referenceFailure = checkReferences(krr, signature, signedInfo);
  if (referenceFailure) return failed(referenceFailure.reason);
  const valueEl = child(signature, NS_DS, 'SignatureValue');
  const value = valueEl ? fromBase64(textOf(valueEl).replace(/\s+/g, '')) : undefined;
  if (!value || value.length === 0) return failed('SignatureValue is empty or not base64');
  try {
    const ok = verify('sha256', utf8(canonicalize(signedInfo, method)), { key: certificate.publicKey, dsaEncoding: 'ieee-p1363' }, value);
    return ok ? { ok: true, profile, certificate } : failed("SignatureValue is not an ECDSA-SHA256 signature of the canonical SignedInfo under the KeyInfo certificate's key");
  } catch (err) {
    return failed(`the signature could not be checked with the KeyInfo certificate's key: ${(err as Error).message}`);
  }
}
