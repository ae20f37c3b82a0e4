import { test, expect } from '@playwright/test';
import { createCipheriv, randomBytes } from 'node:crypto';
import { loadVectors } from '../../vectors/load.ts';
import { wrapKey, unwrapKey } from './keywrap.ts';
import { hex, toHex } from './bytes.ts';

const file = loadVectors('rfc3394/section-4.json');

test.describe(`AES key wrap (${file.source})`, () => {
  test('vector count', () => expect(file.vectors.length).toBe(6));

  for (const v of file.vectors) {
    test(`${v.name}: wrap and unwrap`, () => {
      const wrapped = wrapKey(hex(v.kek), hex(v.keyData));
      expect(toHex(wrapped)).toBe(v.ciphertext.toLowerCase());
      const back = unwrapKey(hex(v.kek), wrapped);
      expect(back.ok && toHex(back.key)).toBe(v.keyData.toLowerCase());
    });
  }

  test('unwrap rejects a flipped bit, a wrong KEK and bad lengths with a reason', () => {
    const kek = hex(file.vectors[5].kek);
    const wrapped = hex(file.vectors[5].ciphertext);
    wrapped[3] ^= 1;
    expect(unwrapKey(kek, wrapped)).toMatchObject({ ok: false, reason: /integrity check failed/ });
    expect(unwrapKey(randomBytes(32), hex(file.vectors[5].ciphertext))).toMatchObject({ ok: false });
    expect(unwrapKey(kek, new Uint8Array(20))).toMatchObject({ ok: false, reason: /multiple of 8/ });
    expect(unwrapKey(new Uint8Array(5), wrapped)).toMatchObject({ ok: false, reason: /KEK must be/ });
  });

  test('cross-check with node:crypto id-aes256-wrap on random keys', () => {
    for (let i = 0; i < 20; i++) {
      const kek = randomBytes(32);
      const data = randomBytes(16 + 8 * (i % 4));
      const c = createCipheriv('id-aes256-wrap', kek, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'));
      const expected = Buffer.concat([c.update(data), c.final()]);
      expect(toHex(wrapKey(kek, data))).toBe(expected.toString('hex'));
    }
  });
});
