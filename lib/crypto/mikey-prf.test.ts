import { test, expect } from '@playwright/test';
import { createHmac, randomBytes } from 'node:crypto';
import { mikeyPrf, mikeyLabel, srtpMasterFromTgk, MIKEY_KEY_CONSTANT } from './mikey-prf.ts';
import { hex, toHex } from './bytes.ts';

/** RFC 3830 4.1.2 / RFC 6043 6.1 written out again with node:crypto, as a second implementation. */
function nodePrf(inkey: Buffer, label: Buffer, outLength: number): Buffer {
  const m = Math.ceil(outLength / 32);
  const out = Buffer.alloc(m * 32);
  for (let j = 0; j * 32 < inkey.length; j++) {
    const s = inkey.subarray(j * 32, j * 32 + 32);
    let a: Buffer = label;
    for (let i = 0; i < m; i++) {
      a = createHmac('sha256', s).update(a).digest();
      const block = createHmac('sha256', s).update(Buffer.concat([a, label])).digest();
      for (let k = 0; k < 32; k++) out[i * 32 + k] ^= block[k];
    }
  }
  return out.subarray(0, outLength);
}

test.describe('MIKEY PRF-HMAC-SHA-256 key derivation (RFC 3830 4.1.3, RFC 6043 6.1)', () => {
  test('label = constant || CS-ID || CSB-ID || RAND', () => {
    expect(toHex(mikeyLabel(MIKEY_KEY_CONSTANT.tek, 2, hex('1aabbccd'), hex('0102')))).toBe('2ad01c64' + '02' + '1aabbccd' + '0102');
    expect(() => mikeyLabel(0, 256, hex('00000000'), hex(''))).toThrow(RangeError);
    expect(() => mikeyLabel(0, 0, hex('00'), hex(''))).toThrow(/CSB-ID/);
  });

  test('cross-check with a node:crypto HMAC implementation: key lengths 16/32/48/64, outputs 12..80', () => {
    for (const inLength of [16, 32, 48, 64]) {
      for (const outLength of [12, 16, 32, 33, 80]) {
        const inkey = randomBytes(inLength);
        const label = mikeyLabel(MIKEY_KEY_CONSTANT.salt, 1, randomBytes(4), randomBytes(16));
        expect(toHex(mikeyPrf(inkey, label, outLength))).toBe(nodePrf(inkey, Buffer.from(label), outLength).toString('hex'));
      }
    }
  });

  test('7.4.1 SRTP master key (16) and salt (12) from a PCK', () => {
    const tgk = randomBytes(16);
    const rand = randomBytes(16);
    const csbId = hex('1abcdef0');
    const { masterKey, masterSalt } = srtpMasterFromTgk({ tgk, csId: 2, csbId, rand });
    expect(masterKey.length).toBe(16);
    expect(masterSalt.length).toBe(12);
    expect(toHex(masterKey)).toBe(nodePrf(tgk, Buffer.from(mikeyLabel(0x2ad01c64, 2, csbId, rand)), 16).toString('hex'));
    expect(toHex(masterSalt)).toBe(nodePrf(tgk, Buffer.from(mikeyLabel(0x39a2c14b, 2, csbId, rand)), 12).toString('hex'));
  });
});
