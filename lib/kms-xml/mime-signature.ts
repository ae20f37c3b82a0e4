/**
 * XML signatures over SIP MIME bodies (9.3.5): each integrity-protected XML
 * body carries a Content-ID (RFC 2045, a cid: URL of RFC 2392), and a separate
 * MIME body holds a ds:Signature per body. The Reference names the body by
 * its cid: URL; its SHA-256 digest is over the body's octets as sent (no
 * transform: the referent is an octet stream). SignedInfo is exclusive-C14N
 * canonicalised and HMAC-SHA256 keyed with the F.1.4 integrity key of the
 * XPK (the CSK between client and MC domain, 9.3.3); KeyName the base64 XPK-ID.
 * The clause's figure 9.3.5-1 did not survive the text conversion: the
 * container of several signatures is not fixed here, and one body holds one
 * ds:Signature as its root element (README).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, fromBase64, toBase64, u32be } from '../crypto/bytes.ts';
import { hmacSha256 } from '../crypto/hmac.ts';
import { xmlProtectionKey } from '../crypto/kdf.ts';
import { canonicalize } from './c14n.ts';
import { ALG_EXC_C14N, ALG_HMAC_SHA256, ALG_SHA256, NS_DS } from './namespaces.ts';
import { parseXml } from './parse.ts';
import { xpkKeyName, type Xpk } from './xpk-content.ts';
import { attr, child, children, el, isNamed, linkParents, serializeXml, textOf, type XmlElement } from './xml.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** The F.1.4 integrity key for `userId` (FC 0x52). */
export function xpkIntegrityKey(xpk: Xpk, userId: string): Uint8Array {
  return xmlProtectionKey(xpk.key, 'integrity', userId, u32be(xpk.id));
}

/** A ds:Signature document over the body `octets` named `cid` (without "cid:"); `key` overrides the F.1.4 key (negative tests). */
export function signMimeBody(cid: string, octets: Uint8Array, xpk: Xpk, userId: string, options: { key?: Uint8Array } = {}): string {
  const signedInfo = el(
    'ds:SignedInfo',
    {},
    el('ds:CanonicalizationMethod', { Algorithm: ALG_EXC_C14N }),
    el('ds:SignatureMethod', { Algorithm: ALG_HMAC_SHA256 }),
    el('ds:Reference', { URI: `cid:${cid}` }, el('ds:DigestMethod', { Algorithm: ALG_SHA256 }), el('ds:DigestValue', {}, toBase64(sha256(octets)))),
  );
  const signature = el('ds:Signature', { 'xmlns:ds': NS_DS }, signedInfo);
  linkParents(signature);
  const value = hmacSha256(options.key ?? xpkIntegrityKey(xpk, userId), utf8(canonicalize(signedInfo, 'exclusive')));
  signature.children.push(el('ds:SignatureValue', {}, toBase64(value)), el('ds:KeyInfo', {}, el('ds:KeyName', {}, xpkKeyName(xpk.id))));
  return `<?xml version="1.0" encoding="UTF-8"?>\r\n${serializeXml(signature)}`;
}

/** One signature's result; `digest` and `value` say which of the two comparisons held, when they could be made. */
export type MimeSignatureCheck = { ok: true; cid: string } | { ok: false; reason: string; cid?: string; digest?: boolean; value?: boolean };

/**
 * Verifies every ds:Signature of `signatureXml` against the bodies it names
 * (`bodies`: Content-ID without angle brackets -> octets). Never throws.
 */
export function verifyMimeSignatures(signatureXml: string, bodies: Map<string, Uint8Array>, xpk: Xpk, userId: string, options: { key?: Uint8Array } = {}): MimeSignatureCheck[] {
  const parsed = parseXml(signatureXml, { maxBytes: 64 * 1024 });
  if (!parsed.ok) return [{ ok: false, reason: `the signature body is not XML: ${parsed.reason}` }];
  const signatures = isNamed(parsed.root, NS_DS, 'Signature') ? [parsed.root] : children(parsed.root, NS_DS, 'Signature');
  if (signatures.length === 0) return [{ ok: false, reason: 'the signature body holds no ds:Signature' }];
  let key: Uint8Array;
  try {
    key = options.key ?? xpkIntegrityKey(xpk, userId);
  } catch (err) {
    return [{ ok: false, reason: (err as Error).message }];
  }
  return signatures.map((s) => verifyOne(s, bodies, key, xpk));
}

function verifyOne(signature: XmlElement, bodies: Map<string, Uint8Array>, key: Uint8Array, xpk: Xpk): MimeSignatureCheck {
  const signedInfo = child(signature, NS_DS, 'SignedInfo');
  if (!signedInfo) return { ok: false, reason: 'ds:Signature has no SignedInfo' };
  const method = child(signedInfo, NS_DS, 'SignatureMethod');
  if (method && attr(method, 'Algorithm') !== ALG_HMAC_SHA256) return { ok: false, reason: `SignatureMethod ${attr(method, 'Algorithm')} is not hmac-sha256` };
  const keyInfo = child(signature, NS_DS, 'KeyInfo');
  const keyName = keyInfo && child(keyInfo, NS_DS, 'KeyName');
  if (keyName && textOf(keyName).trim() !== xpkKeyName(xpk.id)) return { ok: false, reason: `KeyName '${textOf(keyName).trim()}' does not name the XPK-ID ${xpkKeyName(xpk.id)}` };
  const reference = child(signedInfo, NS_DS, 'Reference');
  const uri = reference ? attr(reference, 'URI') ?? '' : '';
  if (!uri.startsWith('cid:')) return { ok: false, reason: `Reference URI '${uri}' is not a cid: URL` };
  const cid = decodeURIComponent(uri.slice(4));
  const body = bodies.get(cid);
  if (!body) return { ok: false, reason: `no MIME body has Content-ID <${cid}>`, cid };
  const digestValue = child(reference!, NS_DS, 'DigestValue');
  const expected = digestValue ? fromBase64(textOf(digestValue).replace(/\s+/g, '')) : undefined;
  const digest = !!expected && equalBytes(sha256(body), expected);
  const valueEl = child(signature, NS_DS, 'SignatureValue');
  const mac = valueEl ? fromBase64(textOf(valueEl).replace(/\s+/g, '')) : undefined;
  linkParents(signature);
  const value = !!mac && equalBytes(hmacSha256(key, utf8(canonicalize(signedInfo, 'exclusive'))), mac);
  if (!digest) return { ok: false, reason: `the SHA-256 digest of the body <${cid}> does not match DigestValue`, cid, digest, value };
  if (!value) return { ok: false, reason: 'SignatureValue is not the HMAC-SHA256 of SignedInfo under the F.1.4 integrity key', cid, digest, value };
  return { ok: true, cid };
}
