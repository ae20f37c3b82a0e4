import { test, expect } from '@playwright/test';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { protectPayload, unprotectPayload, parseProtectedPayload, payloadCipherKey, authenticatedPayloadSigningInput, buildAuthenticatedPayload, parseAuthenticatedPayload } from './mcdata-payload.ts';
import { dpck } from './kdf.ts';
import { hex, toHex } from './bytes.ts';

test.describe('8.5.4 MCData protected payload', () => {
  const dppk = hex('000102030405060708090a0b0c0d0e0f');
  const iv = hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
  const text = new TextEncoder().encode('hello MCData');

  test('layout, associated data and round trip (DP_AES_128_GCM)', () => {
    const p = protectPayload({ plaintext: text, dppk, dppkId: 0xdeadbaad, dateTime: 0x0102030405, payloadId: 7, sequenceNumber: 2, iv });
    expect(toHex(p.subarray(0, 12))).toBe('40' + '0102030405' + '00000007' + '02' + '01');
    expect(toHex(p.subarray(12, 28))).toBe(toHex(iv));
    expect(toHex(p.subarray(28, 32))).toBe('deadbaad');
    expect(toHex(p.subarray(32, 35))).toBe('78' + (text.length + 16).toString(16).padStart(4, '0'));
    const back = unprotectPayload(p, { dppk });
    expect(back.ok && new TextDecoder().decode(back.plaintext)).toBe('hello MCData');
    expect(back).toMatchObject({ ok: true, algorithm: 'DP_AES_128_GCM', fields: { payloadId: 7, sequenceNumber: 2, dateTime: 0x0102030405 } });
  });

  test('cross-check with node:crypto: GCM(DPCK, 16-octet IV, AD = header) for 128 and 256', () => {
    for (const algorithm of ['DP_AES_128_GCM', 'DP_AES_256_GCM'] as const) {
      const key = randomBytes(algorithm === 'DP_AES_256_GCM' ? 32 : 16);
      const p = protectPayload({ plaintext: text, dppk: key, dppkId: 0x20000001, dateTime: 1, iv, algorithm });
      const parsed = parseProtectedPayload(p);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      const cipherKey = payloadCipherKey(key, 0x20000001, algorithm);
      expect(toHex(cipherKey)).toBe(toHex(dpck(key, hex('20000001'), algorithm === 'DP_AES_256_GCM' ? 32 : 16)));
      const d = createDecipheriv(algorithm === 'DP_AES_256_GCM' ? 'aes-256-gcm' : 'aes-128-gcm', cipherKey, iv);
      d.setAAD(parsed.fields.associatedData);
      d.setAuthTag(parsed.fields.ciphertext.subarray(parsed.fields.ciphertext.length - 16));
      const plain = Buffer.concat([d.update(parsed.fields.ciphertext.subarray(0, parsed.fields.ciphertext.length - 16)), d.final()]);
      expect(plain.toString()).toBe('hello MCData');
    }
  });

  test('signalling algorithm octet and a trailing I_MESSAGE TLV-E are found', () => {
    const iMessageTlv = hex('790004aabbccdd');
    const p = protectPayload({ plaintext: text, dppk, dppkId: 1, dateTime: 5, iv, signallingAlgorithm: 'DP_AES_256_GCM', iMessageTlv });
    const back = unprotectPayload(p, { dppk });
    expect(back).toMatchObject({ ok: true, fields: { signallingAlgorithm: 2 } });
    expect(back.ok && toHex(back.fields.iMessageTlv!)).toBe('790004aabbccdd');
  });

  test('failures come back with a code: tampered header, wrong key, wrong DPPK-ID, bad algorithm, truncation', () => {
    const p = protectPayload({ plaintext: text, dppk, dppkId: 1, dateTime: 5, iv });
    const t = p.slice();
    t[3] ^= 1; // Date and Time is associated data
    expect(unprotectPayload(t, { dppk })).toMatchObject({ ok: false, code: 'auth-failed' });
    expect(unprotectPayload(p, { dppk: randomBytes(16) })).toMatchObject({ ok: false, code: 'auth-failed' });
    expect(unprotectPayload(p, { dppk, expectedDppkId: 2 })).toMatchObject({ ok: false, code: 'key-id-mismatch' });
    const alg = p.slice();
    alg[11] = 9;
    expect(unprotectPayload(alg, { dppk, signallingAlgorithm: 'absent' })).toMatchObject({ ok: false, code: 'unknown-algorithm' });
    expect(unprotectPayload(p.subarray(0, 30), { dppk })).toMatchObject({ ok: false, code: 'malformed' });
    expect(parseProtectedPayload(new Uint8Array(0))).toMatchObject({ ok: false });
  });
});

test.describe('8.5.5 MCData authenticated payload signing data', () => {
  test('signature covers everything but the signature value; parse gives the same signed octets', () => {
    const parts = { originalPayload: hex('0102030405'), signingUid: randomBytes(32), signingKms: 'kms.example.org', signatureLength: 129 };
    const input = authenticatedPayloadSigningInput(parts);
    expect(toHex(input.subarray(input.length - 3))).toBe('7c0081');
    const signature = randomBytes(129);
    const payload = buildAuthenticatedPayload(parts, signature);
    const parsed = parseAuthenticatedPayload(payload);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(toHex(parsed.fields.signedData)).toBe(toHex(input));
    expect(toHex(parsed.fields.signature)).toBe(toHex(signature));
    expect(toHex(parsed.fields.signingUid)).toBe(toHex(parts.signingUid));
    expect(parsed.fields.signingKms).toBe('kms.example.org');
    expect(parseAuthenticatedPayload(payload.subarray(0, payload.length - 1))).toMatchObject({ ok: false, reason: /Signature IE length/ });
  });
});
