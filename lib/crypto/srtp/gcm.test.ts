import { test, expect } from '@playwright/test';
import { createCipheriv, randomBytes } from 'node:crypto';
import { GcmKey } from './gcm.ts';
import { protectRtp, unprotectRtp } from './aead.ts';
import { deriveSessionKeys } from './kdf.ts';
import { loadVectors } from '../../../vectors/load.ts';
import { hex, toHex } from '../bytes.ts';

/** The per-key GCM context (table GHASH, persistent AES, keystream fetched ahead) against node's AES-GCM. */
test.describe('GcmKey (SP 800-38D with a context per key)', () => {
  test('published GCM vectors', () => {
    const file = loadVectors('gcm-spec/aes-128-gcm.json');
    for (const v of file.vectors) {
      const g = new GcmKey(hex(v.key));
      if (hex(v.iv).length !== 12) continue;
      const sealed = g.seal(hex(v.iv), hex(v.aad), hex(v.plaintext));
      expect(toHex(sealed)).toBe(v.ciphertext + v.tag);
      expect(toHex(g.open(hex(v.iv), hex(v.aad), sealed) ?? new Uint8Array(0))).toBe(v.plaintext);
    }
  });

  test('agrees with node aes-128-gcm / aes-256-gcm for every length 0..100 and AAD 0..40; one flipped bit fails', () => {
    for (const keyLength of [16, 32]) {
      const key = randomBytes(keyLength);
      const g = new GcmKey(key);
      for (let n = 0; n <= 100; n++) {
        const iv = randomBytes(12), pt = randomBytes(n), aad = randomBytes(n % 41);
        const c = createCipheriv(`aes-${keyLength * 8}-gcm` as 'aes-128-gcm', key, iv);
        c.setAAD(aad);
        const expected = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
        const sealed = g.seal(iv, aad, pt);
        expect(toHex(sealed)).toBe(expected.toString('hex'));
        expect(toHex(g.open(iv, aad, sealed) ?? new Uint8Array([1]))).toBe(pt.toString('hex'));
        const bad = Uint8Array.from(sealed);
        bad[(n * 7) % bad.length] ^= 1 << (n % 8);
        expect(g.open(iv, aad, bad)).toBeUndefined();
        if (aad.length) {
          const badAad = Uint8Array.from(aad);
          badAad[0] ^= 0x80;
          expect(g.open(iv, badAad, sealed)).toBeUndefined();
        }
      }
    }
  });

  test('SRTP keystream fetched ahead: in order, out of order, SSRC and ROC changes, longer packets all open', () => {
    const keys = deriveSessionKeys(randomBytes(16), randomBytes(12)).srtp;
    const cases: [number, number, number, number][] = []; // ssrc, roc, seq, payload
    for (let s = 0; s < 200; s++) cases.push([0xcafe0001, 0, s, 60]);
    cases.push([0xcafe0001, 0, 5, 60], [0xcafe0002, 0, 6, 60], [0xcafe0001, 1, 7, 60], [0xcafe0001, 0, 201, 1000], [0xcafe0001, 0, 202, 20], [0xcafe0001, 0, 65535, 60], [0xcafe0001, 1, 0, 60]);
    for (const [ssrc, roc, seq, len] of cases) {
      const rtp = new Uint8Array(12 + len);
      rtp[0] = 0x80;
      rtp[2] = seq >> 8;
      rtp[3] = seq & 0xff;
      new DataView(rtp.buffer).setUint32(8, ssrc);
      rtp.fill(seq & 0xff, 12);
      const packet = protectRtp(keys, rtp, { roc, mkiLength: 0 });
      const r = unprotectRtp(keys, packet, { mkiLength: 0, roc });
      expect(r.ok && toHex(r.rtp), `ssrc ${ssrc} roc ${roc} seq ${seq}`).toBe(toHex(rtp));
      expect(unprotectRtp(keys, packet, { mkiLength: 0, roc: roc + 1 }).ok).toBe(false);
    }
  });
});
