import { test, expect } from '@playwright/test';
import { createCipheriv, randomBytes } from 'node:crypto';
import { loadVectors } from '../../../vectors/load.ts';
import { aesCmPrf, deriveSessionKeys, SRTP_LABEL } from './kdf.ts';
import { hex, toHex } from '../bytes.ts';

const file = loadVectors('rfc3711/b.3-key-derivation.json');

test.describe(`SRTP AES-CM PRF (${file.source})`, () => {
  test('vector count', () => {
    expect(file.vectors.length).toBe(1);
    expect(file.vectors[0].outputs.length).toBe(3);
  });

  for (const v of file.vectors) {
    for (const o of v.outputs) {
      test(`${v.name}: label ${o.label}`, () => {
        expect(toHex(aesCmPrf(hex(v.masterKey), hex(v.masterSalt), o.label, o.value.length / 2))).toBe(o.value.toLowerCase());
      });
    }
  }

  test('cross-check with node:crypto aes-128-ctr and aes-256-ctr over IV = (label-xored salt) * 2^16', () => {
    for (const keyLength of [16, 32]) {
      for (const saltLength of [12, 14]) {
        for (let label = 0; label < 6; label++) {
          const key = randomBytes(keyLength);
          const salt = randomBytes(saltLength);
          const iv = Buffer.alloc(16);
          salt.copy(iv);
          iv[7] ^= label;
          const c = createCipheriv(`aes-${keyLength * 8}-ctr`, key, iv);
          const expected = c.update(Buffer.alloc(40));
          expect(toHex(aesCmPrf(key, salt, label, 40))).toBe(expected.toString('hex'));
        }
      }
    }
  });

  test('AEAD_AES_128_GCM session keys: 16-octet key, 12-octet salt; 96-bit master salt padded with zeros', () => {
    const masterKey = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
    const salt12 = hex('0EC675AD498AFEEBB6960B3A');
    const keys = deriveSessionKeys(masterKey, salt12);
    expect(keys.srtp.key.length).toBe(16);
    expect(keys.srtp.salt.length).toBe(12);
    // A 12-octet salt behaves as the same salt followed by 00 00.
    expect(toHex(keys.srtcp.key)).toBe(toHex(aesCmPrf(masterKey, hex('0EC675AD498AFEEBB6960B3A0000'), SRTP_LABEL.rtcpEncryption, 16)));
    expect(toHex(keys.srtp.key)).not.toBe(toHex(keys.srtcp.key));
    expect(() => aesCmPrf(masterKey, hex('00'), 0, 16)).toThrow(RangeError);
  });
});
