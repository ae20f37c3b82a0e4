import { headerValue, parseMcInfo, parseMultipart, type McService, type SipMessage } from '../../lib/sip/index.ts';
import { createDecipheriv } from 'node:crypto';
import { decryptContent, xpkContentKey, type Xpk } from '../../lib/kms-xml/xpk-content.ts';

/**
 * The access token a SIP request carries (TS 24.379 mcptt-info and its
 * MCData / MCVideo equivalents), either as the whole body or as one part
 * of a multipart body (a REGISTER or PUBLISH for several services).
 * A token of type "Encrypted" (9.2.1.3 server step 2, 9.3.4.2) is opened
 * with the CSK uploaded in the same message; without one, or when it does
 * not decrypt, it is carried as undecryptable (and binds nothing).
 */
export interface CarriedToken {
  service: McService;
  token: string;
  /** Why an encrypted token could not be read (token is then empty). */
  undecryptable?: string;
}

/** The CSK a token of type Encrypted is decrypted with: the XPK and the MC service user ID of F.1.4. */
export interface TokenKey {
  xpk: Xpk;
  userId: string;
  /** Decrypt with this key instead of the F.1.4 one (fault mcx-server.xml-key-not-derived). */
  rawKey?: Uint8Array;
  /** Refuse an EncryptedData without KeyName or EncryptionMethod (fault mcx-server.requires-xml-key-info). */
  requireKeyInfo?: boolean;
  /** Decrypt AES-GCM as plain CTR, never checking the tag (fault mcx-server.xml-ignores-gcm-tag). */
  ignoreTag?: boolean;
}

const INFO_TYPE = /^application\/vnd\.3gpp\.(mcptt|mcdata|mcvideo)-info\+xml/i;

export function tokensOf(message: SipMessage, key?: TokenKey): CarriedToken[] {
  const contentType = headerValue(message, 'content-type') ?? '';
  const body = message.body ?? new Uint8Array();
  const bodies: Uint8Array[] = [];
  if (INFO_TYPE.test(contentType)) bodies.push(body);
  else if (/^multipart\//i.test(contentType)) {
    const parsed = parseMultipart(body, contentType);
    for (const part of parsed.parts ?? []) if (INFO_TYPE.test(part.contentType ?? '')) bodies.push(part.body);
  }
  const out: CarriedToken[] = [];
  for (const b of bodies) {
    const { info } = parseMcInfo(b);
    if (!info?.accessToken) continue;
    if (info.accessToken.type === 'Encrypted') out.push({ service: info.service, ...openToken(Buffer.from(b).toString('utf8'), info.service, key) });
    else if (info.accessToken.value) out.push({ service: info.service, token: info.accessToken.value });
  }
  return out;
}

function openToken(xml: string, service: McService, key: TokenKey | undefined): { token: string; undecryptable?: string } {
  if (!key) return { token: '', undecryptable: 'an encrypted access token and no CSK to open it' };
  const element = new RegExp(`<(?:[\\w.-]+:)?${service}-access-token\\b[\\s\\S]*?</(?:[\\w.-]+:)?${service}-access-token>`).exec(xml)?.[0];
  if (!element) return { token: '', undecryptable: `no ${service}-access-token element` };
  if (key.requireKeyInfo && !(/<(?:[\w.-]+:)?KeyName\b/.test(element) && /<(?:[\w.-]+:)?EncryptionMethod\b/.test(element))) return { token: '', undecryptable: 'fault: no KeyName or EncryptionMethod' };
  const opened = decryptContent(element, key.xpk, key.userId, key.rawKey ? { key: key.rawKey } : {});
  if (!opened.ok && key.ignoreTag && /tag does not verify/.test(opened.reason)) return tokenIn(ctrDecrypt(element, xpkContentKey(key.xpk, key.userId)), service);
  if (!opened.ok) return { token: '', undecryptable: opened.reason };
  return tokenIn(opened.xml, service);
}

function tokenIn(xml: string, service: McService): { token: string; undecryptable?: string } {
  const token = new RegExp(`<(?:[\\w.-]+:)?${service}String>([^<]*)<`).exec(xml)?.[1]?.trim();
  return token ? { token } : { token: '', undecryptable: `the decrypted content holds no ${service}String` };
}

/** What a receiver that skips the GCM tag recovers: the keystream from inc32(IV || 1) applied to the ciphertext (SP 800-38D 7.2). */
function ctrDecrypt(element: string, key: Uint8Array): string {
  const value = Buffer.from(/<(?:[\w.-]+:)?CipherValue>([^<]*)</.exec(element)?.[1]?.replace(/\s+/g, '') ?? '', 'base64');
  if (value.length < 28) return '';
  const counter = Buffer.concat([value.subarray(0, 12), Buffer.from([0, 0, 0, 2])]);
  const decipher = createDecipheriv('aes-128-ctr', key, counter);
  return Buffer.concat([decipher.update(value.subarray(12, value.length - 16)), decipher.final()]).toString('utf8');
}

/** `"Alice" <sip:alice@x>;tag=1` -> `sip:alice@x`. */
export function uriOf(nameAddr: string | undefined): string {
  if (!nameAddr) return '';
  const bracketed = /<([^>]*)>/.exec(nameAddr);
  return (bracketed ? bracketed[1]! : nameAddr.split(';')[0]!).trim();
}
