import { test, expect } from '@playwright/test';
import { createCipheriv, randomBytes } from 'node:crypto';
import { loadVectors } from '../../vectors/load.ts';
import { gcmEncrypt, gcmDecrypt, xmlEncrypt, xmlDecrypt, encryptUri, decryptUri, parseEncryptedUri } from './aes-gcm.ts';
import { hex, toHex, toBase64 } from './bytes.ts';

const file = loadVectors('gcm-spec/aes-128-gcm.json');

test.describe(`AES-GCM (${file.source})`, () => {
  test('vector count', () => expect(file.vectors.length).toBe(2));
  for (const v of file.vectors) {
    test(`${v.name}: encrypt and decrypt`, () => {
      const sealed = gcmEncrypt(hex(v.key), hex(v.iv), hex(v.plaintext), hex(v.aad));
      expect(toHex(sealed)).toBe(v.ciphertext + v.tag);
      const opened = gcmDecrypt(hex(v.key), hex(v.iv), sealed, hex(v.aad));
      expect(opened.ok && toHex(opened.plaintext)).toBe(v.plaintext);
    });
  }

  test('cross-check with node:crypto aes-128-gcm and aes-256-gcm', () => {
    for (const keyLength of [16, 32]) {
      for (let i = 0; i < 10; i++) {
        const key = randomBytes(keyLength), iv = randomBytes(12), pt = randomBytes(i * 11), aad = randomBytes(i);
        const c = createCipheriv(`aes-${keyLength * 8}-gcm` as 'aes-128-gcm', key, iv);
        c.setAAD(aad);
        const expected = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
        expect(toHex(gcmEncrypt(key, iv, pt, aad))).toBe(expected.toString('hex'));
      }
    }
  });
});

test.describe('9.3.4.2 xmlenc AES-128-GCM CipherValue', () => {
  test('IV || ciphertext || tag round trip; tamper and truncation fail with a reason', () => {
    const key = randomBytes(16);
    const iv = randomBytes(12);
    const value = xmlEncrypt(key, new TextEncoder().encode('sensitive.data@example.org'), iv);
    expect(toHex(value.subarray(0, 12))).toBe(toHex(iv));
    expect(value.length).toBe(12 + 26 + 16);
    const opened = xmlDecrypt(key, value);
    expect(opened.ok && new TextDecoder().decode(opened.plaintext)).toBe('sensitive.data@example.org');
    value[20] ^= 0x40;
    expect(xmlDecrypt(key, value)).toMatchObject({ ok: false, reason: /tag does not verify/ });
    expect(xmlDecrypt(key, value.subarray(0, 20))).toMatchObject({ ok: false, reason: /12-octet IV/ });
    expect(xmlDecrypt(new Uint8Array(3), value)).toMatchObject({ ok: false, reason: /16 or 32 octets/ });
  });
});

test.describe('9.3.4.3 XML URI attribute encryption', () => {
  const key = hex('000102030405060708090a0b0c0d0e0f');
  const keyId = hex('20000001');
  const iv = hex('101112131415161718191a1b');

  test('format: base64 ciphertext, ;iv=, ;key-id=, ;alg=, appended domain; round trip', () => {
    const text = encryptUri({ key, keyId, uri: 'sip:alice@example.org', iv });
    expect(text).toMatch(/^sip:[A-Za-z0-9+/=]+;iv=EBESExQVFhcYGRob;key-id=IAAAAQ==;alg=128-AES-GCM@mc1-encryption\.3gppnetwork\.org$/);
    const back = decryptUri(key, text);
    expect(back.ok && back.uri).toBe('sip:alice@example.org');
    const url = encryptUri({ key, keyId, uri: 'sip:alice@example.org', iv, alphabet: 'base64url', domain: 'enc.example.org' });
    expect(decryptUri(key, url)).toMatchObject({ ok: true, uri: 'sip:alice@example.org', fields: { domain: 'enc.example.org' } });
  });

  test('bad URIs fail with a reason naming the part', () => {
    const ct = toBase64(gcmEncrypt(key, iv, new TextEncoder().encode('sip:a@b')));
    expect(parseEncryptedUri('no-scheme')).toMatchObject({ ok: false, reason: /scheme/ });
    expect(parseEncryptedUri(`sip:${ct};iv=EBESExQVFhcYGRob;alg=128-AES-GCM@d`)).toMatchObject({ ok: false, reason: /key-id/ });
    expect(parseEncryptedUri(`sip:${ct};iv=AAAA;key-id=AA==;alg=128-AES-GCM@d`)).toMatchObject({ ok: false, reason: /96-bit/ });
    expect(parseEncryptedUri(`sip:${ct};iv=EBESExQVFhcYGRob;key-id=AA==;alg=128-AES-GCM`)).toMatchObject({ ok: false, reason: /domain/ });
    expect(decryptUri(key, `sip:${ct};iv=EBESExQVFhcYGRob;key-id=AA==;alg=256-AES-GCM@d`)).toMatchObject({ ok: false, reason: /alg/ });
    expect(decryptUri(randomBytes(16), `sip:${ct};iv=EBESExQVFhcYGRob;key-id=AA==;alg=128-aes-gcm@d`)).toMatchObject({ ok: false, reason: /tag/ });
    expect(decryptUri(key, `sip:${ct};iv=EBESExQVFhcYGRob;key-id=AA==;alg=128-aes-gcm@d`)).toMatchObject({ ok: true, uri: 'sip:a@b' });
  });
});
