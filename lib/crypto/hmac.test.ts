import { test, expect } from '@playwright/test';
import { createHmac, randomBytes } from 'node:crypto';
import { loadVectors } from '../../vectors/load.ts';
import { hmacSha256, verifyHmacSha256 } from './hmac.ts';
import { hex, toHex } from './bytes.ts';

const file = loadVectors('rfc4231/hmac-sha256.json');

test.describe(`HMAC-SHA256 (${file.source})`, () => {
  test('vector count', () => expect(file.vectors.length).toBe(2));
  for (const v of file.vectors) {
    test(v.name, () => {
      expect(toHex(hmacSha256(hex(v.key), hex(v.data)))).toBe(v.mac);
      expect(verifyHmacSha256(hex(v.key), hex(v.data), hex(v.mac))).toEqual({ ok: true });
    });
  }

  test('verify rejects a wrong or short MAC; truncation only on request', () => {
    const key = randomBytes(32);
    const data = randomBytes(50);
    const mac = hmacSha256(key, data);
    const bad = mac.slice();
    bad[0] ^= 1;
    expect(verifyHmacSha256(key, data, bad)).toMatchObject({ ok: false, reason: /does not match/ });
    expect(verifyHmacSha256(key, data, mac.slice(0, 16))).toMatchObject({ ok: false, reason: /32 octets/ });
    expect(verifyHmacSha256(key, data, mac.slice(0, 16), { allowTruncated: true })).toEqual({ ok: true });
    expect(verifyHmacSha256(key, data, mac.slice(0, 8), { allowTruncated: true })).toMatchObject({ ok: false });
  });

  test('cross-check with node:crypto createHmac', () => {
    for (let i = 0; i < 20; i++) {
      const key = randomBytes(i * 7);
      const data = randomBytes(i * 13);
      expect(toHex(hmacSha256(key, data))).toBe(createHmac('sha256', key).update(data).digest('hex'));
    }
  });
});
