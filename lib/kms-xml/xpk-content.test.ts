import { test, expect } from '@playwright/test';
import { xmlDecrypt } from '../crypto/aes-gcm.ts';
import { fromBase64, u32be } from '../crypto/bytes.ts';
import { xmlProtectionKey } from '../crypto/kdf.ts';
import { decryptContent, encryptContent, xpkContentKey, xpkKeyName } from './xpk-content.ts';

/** 9.3.4.2 content encryption directly under the F.1.4 key of a CSK, as SIP bodies use it. */
const xpk = { key: Uint8Array.from({ length: 16 }, (_, i) => i + 1), id: 0x2abcdef0 };
const user = 'sip:alice@mcx.example.org';
const holder = (enc: string) => `<mcptt-access-token xmlns="urn:3gpp:ns:mcpttInfo:1.0" type="Encrypted">${enc}</mcptt-access-token>`;

test('the KeyName is the base64 XPK-ID and the key is the F.1.4 confidentiality key (FC 0x51, P0 user, P1 XPK-ID)', () => {
  expect(xpkKeyName(0x2abcdef0)).toBe('Krze8A==');
  expect(Buffer.from(fromBase64(xpkKeyName(xpk.id))!).toString('hex')).toBe('2abcdef0');
  expect(xpkContentKey(xpk, user)).toEqual(xmlProtectionKey(xpk.key, 'confidentiality', user, u32be(xpk.id)));
});

test('content encrypted under the XPK decrypts to the exact content, and the CipherValue is IV || ciphertext || tag under the derived key', () => {
  const content = '<mcpttString>eyJ&amp;token</mcpttString>';
  const enc = encryptContent(content, xpk, user);
  expect(enc).toContain('Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"');
  expect(enc).toContain('Type="http://www.w3.org/2001/04/xmlenc#Content"');
  expect(enc).toContain(`<ds:KeyName>${xpkKeyName(xpk.id)}</ds:KeyName>`);
  expect(decryptContent(holder(enc), xpk, user)).toEqual({ ok: true, xml: content, keyName: xpkKeyName(xpk.id) });
  const cipher = fromBase64(/<xenc:CipherValue>([^<]+)</.exec(enc)![1]!)!;
  const opened = xmlDecrypt(xpkContentKey(xpk, user), cipher);
  expect(opened.ok && Buffer.from(opened.plaintext).toString('utf8')).toBe(content);
  // Without KeyName (9.3.4.2 makes it optional) the receiver still decrypts with the key it knows.
  expect(decryptContent(holder(encryptContent(content, xpk, user, { keyName: null })), xpk, user)).toMatchObject({ ok: true, xml: content });
  const bare = encryptContent(content, xpk, user, { keyName: null, bare: true });
  expect(bare).not.toMatch(/Type=|EncryptionMethod|KeyInfo/);
  expect(decryptContent(holder(bare), xpk, user)).toMatchObject({ ok: true, xml: content });
});

test('a wrong key, another user, another KeyName, an altered ciphertext and a missing EncryptedData are each refused with a reason', () => {
  const enc = encryptContent('<mcpttString>t</mcpttString>', xpk, user);
  expect(decryptContent(holder(enc), { ...xpk, key: new Uint8Array(16) }, user)).toMatchObject({ ok: false, reason: /tag/ });
  expect(decryptContent(holder(enc), xpk, 'sip:bob@mcx.example.org')).toMatchObject({ ok: false });
  expect(decryptContent(holder(enc), { ...xpk, id: 0x20000001 }, user)).toMatchObject({ ok: false, reason: /KeyName/ });
  expect(decryptContent(holder(encryptContent('<x/>', xpk, user, { key: xpk.key })), xpk, user)).toMatchObject({ ok: false, reason: /tag/ });
  const altered = enc.replace(/<xenc:CipherValue>(.)/, (_m, c: string) => `<xenc:CipherValue>${c === 'A' ? 'B' : 'A'}`);
  expect(decryptContent(holder(altered), xpk, user)).toMatchObject({ ok: false });
  expect(decryptContent(holder('<mcpttString>t</mcpttString>'), xpk, user)).toMatchObject({ ok: false, reason: /no xenc:EncryptedData/ });
  expect(decryptContent('<<not xml', xpk, user)).toMatchObject({ ok: false, reason: /not XML/ });
  expect(decryptContent(holder(enc.replace('xmlenc11#aes128-gcm', 'xmlenc11#aes256-gcm')), xpk, user)).toMatchObject({ ok: false, reason: /not aes128-gcm/ });
});
