import { gcm } from '@noble/ciphers/aes.js';
import { randomBytes } from 'node:crypto';
import { concatBytes, fromBase64, toBase64, toBase64Url } from './bytes.ts';

/**
 * AES-GCM for TS 33.180 9.3.4: xmlenc 1.1 content encryption
 * (CipherValue = IV(12) || ciphertext || tag(16)) and the 9.3.4.3 URI
 * attribute encryption format.
 */

export const XMLENC_AES128_GCM = 'http://www.w3.org/2009/xmlenc11#aes128-gcm';
export const XMLENC_AES256_GCM = 'http://www.w3.org/2009/xmlenc11#aes256-gcm';
export const GCM_IV_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;

export type DecryptResult = { ok: true; plaintext: Uint8Array } | { ok: false; reason: string };

function keyProblem(key: Uint8Array): string | undefined {
  return key.length === 16 || key.length === 32 ? undefined : `AES-GCM key must be 16 or 32 octets, got ${key.length}`;
}

/** AES-GCM encrypt: ciphertext || tag. Throws on bad arguments (they are ours). */
export function gcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  const problem = keyProblem(key);
  if (problem) throw new RangeError(problem);
  if (iv.length !== GCM_IV_LENGTH) throw new RangeError(`GCM IV must be 12 octets, got ${iv.length}`);
  return gcm(key, iv, aad).encrypt(plaintext);
}

/** AES-GCM decrypt of ciphertext || tag; never throws. */
export function gcmDecrypt(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): DecryptResult {
  const problem = keyProblem(key);
  if (problem) return { ok: false, reason: problem };
  if (iv.length !== GCM_IV_LENGTH) return { ok: false, reason: `GCM IV must be 12 octets, got ${iv.length}` };
  if (sealed.length < GCM_TAG_LENGTH) return { ok: false, reason: `ciphertext shorter than the 16-octet GCM tag (${sealed.length} octets)` };
  try {
    return { ok: true, plaintext: gcm(key, iv, aad).decrypt(sealed) };
  } catch {
    return { ok: false, reason: 'GCM authentication tag does not verify' };
  }
}

/** xmlenc 1.1 AES-GCM CipherValue octets: IV || ciphertext || tag. A fresh random IV unless given. */
export function xmlEncrypt(key: Uint8Array, plaintext: Uint8Array, iv: Uint8Array = randomBytes(GCM_IV_LENGTH)): Uint8Array {
  return concatBytes(iv, gcmEncrypt(key, iv, plaintext));
}

/** Decrypts an xmlenc 1.1 AES-GCM CipherValue (IV || ciphertext || tag); never throws. */
export function xmlDecrypt(key: Uint8Array, cipherValue: Uint8Array): DecryptResult {
  if (cipherValue.length < GCM_IV_LENGTH + GCM_TAG_LENGTH) {
    return { ok: false, reason: `CipherValue must hold a 12-octet IV and a 16-octet tag, got ${cipherValue.length} octets` };
  }
  return gcmDecrypt(key, cipherValue.subarray(0, GCM_IV_LENGTH), cipherValue.subarray(GCM_IV_LENGTH));
}

// ---- 9.3.4.3 URI attribute encryption ----

export const URI_ENCRYPTION_ALG = '128-AES-GCM';
export const DEFAULT_ENCRYPTION_DOMAIN = 'mc1-encryption.3gppnetwork.org';

export interface EncryptedUriFields {
  scheme: string;
  /** ciphertext || tag */
  ciphertext: Uint8Array;
  iv: Uint8Array;
  keyId: Uint8Array;
  alg: string;
  domain: string;
}

export interface EncryptUriOptions {
  /** XPK (16 octets for 128-AES-GCM). */
  key: Uint8Array;
  /** XPK-ID, carried base64 in ';key-id='. */
  keyId: Uint8Array;
  uri: string;
  domain?: string;
  scheme?: string;
  iv?: Uint8Array;
  /**
   * The text says base64; the clause's example uses the URL-safe alphabet.
   * Standard base64 by default; the parser accepts both.
   */
  alphabet?: 'base64' | 'base64url';
}

/** 9.3.4.3: <scheme>:<b64 ct>;iv=<b64>;key-id=<b64>;alg=128-AES-GCM@<domain>. */
export function encryptUri(opts: EncryptUriOptions): string {
  if (opts.key.length !== 16) throw new RangeError(`128-AES-GCM needs a 16-octet XPK, got ${opts.key.length}`);
  const iv = opts.iv ?? randomBytes(GCM_IV_LENGTH);
  const b64 = opts.alphabet === 'base64url' ? toBase64Url : toBase64;
  const ct = gcmEncrypt(opts.key, iv, new TextEncoder().encode(opts.uri));
  return `${opts.scheme ?? 'sip'}:${b64(ct)};iv=${b64(iv)};key-id=${b64(opts.keyId)};alg=${URI_ENCRYPTION_ALG}@${opts.domain ?? DEFAULT_ENCRYPTION_DOMAIN}`;
}

export type ParseUriResult = { ok: true; fields: EncryptedUriFields } | { ok: false; reason: string };

/** Splits a 9.3.4.3 encrypted URI into its fields; never throws. */
export function parseEncryptedUri(text: string): ParseUriResult {
  if (typeof text !== 'string') return { ok: false, reason: 'encrypted URI is not a string' };
  const colon = text.indexOf(':');
  const at = text.lastIndexOf('@');
  if (colon <= 0) return { ok: false, reason: 'encrypted URI has no scheme' };
  if (at < colon) return { ok: false, reason: "encrypted URI has no appended domain ('@domain')" };
  const scheme = text.slice(0, colon);
  const domain = text.slice(at + 1);
  if (!domain) return { ok: false, reason: 'encrypted URI has an empty appended domain' };
  const [ctText, ...params] = text.slice(colon + 1, at).split(';');
  const named = new Map<string, string>();
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq <= 0) return { ok: false, reason: `encrypted URI parameter '${p.slice(0, 40)}' is not name=value` };
    const name = p.slice(0, eq).toLowerCase();
    if (named.has(name)) return { ok: false, reason: `encrypted URI repeats ';${name}='` };
    named.set(name, p.slice(eq + 1));
  }
  for (const required of ['iv', 'key-id', 'alg']) {
    if (!named.has(required)) return { ok: false, reason: `encrypted URI lacks ';${required}='` };
  }
  const ciphertext = fromBase64(ctText);
  if (!ciphertext || ciphertext.length === 0) return { ok: false, reason: 'encrypted URI ciphertext is not base64' };
  const iv = fromBase64(named.get('iv')!);
  if (!iv) return { ok: false, reason: "';iv=' is not base64" };
  if (iv.length !== GCM_IV_LENGTH) return { ok: false, reason: `';iv=' must be a 96-bit IV, got ${iv.length} octets` };
  const keyId = fromBase64(named.get('key-id')!);
  if (!keyId) return { ok: false, reason: "';key-id=' is not base64" };
  return { ok: true, fields: { scheme, ciphertext, iv, keyId, alg: named.get('alg')!, domain } };
}

export type DecryptUriResult = { ok: true; uri: string; fields: EncryptedUriFields } | { ok: false; reason: string };

/** Parses and decrypts a 9.3.4.3 encrypted URI with the XPK; never throws. */
export function decryptUri(key: Uint8Array, text: string): DecryptUriResult {
  const parsed = parseEncryptedUri(text);
  if (!parsed.ok) return parsed;
  const { fields } = parsed;
  if (fields.alg.toUpperCase() !== URI_ENCRYPTION_ALG) return { ok: false, reason: `';alg=${fields.alg.slice(0, 40)}' is not ${URI_ENCRYPTION_ALG}` };
  if (key.length !== 16) return { ok: false, reason: `128-AES-GCM needs a 16-octet XPK, got ${key.length}` };
  const opened = gcmDecrypt(key, fields.iv, fields.ciphertext);
  if (!opened.ok) return opened;
  let uri: string;
  try {
    uri = new TextDecoder('utf-8', { fatal: true }).decode(opened.plaintext);
  } catch {
    return { ok: false, reason: 'decrypted URI is not UTF-8' };
  }
  return { ok: true, uri, fields };
}
