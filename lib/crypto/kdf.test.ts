import { test, expect } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { encodeInteger, kdf, kdfInput, userSalt, gukId, gmkIdFromGukId, purposeTag, xmlProtectionKey, dpck, FC } from './kdf.ts';
import { hex, toHex, readU32be } from './bytes.ts';

// No published vectors exist for the TS 33.180 F.1 derivations; each is
// cross-checked against node:crypto HMAC over an S built by hand here.
function nodeKdf(key: Uint8Array, s: Buffer): Buffer {
  return createHmac('sha256', key).update(s).digest();
}
const len = (n: number) => Buffer.from([n >> 8, n & 0xff]);

test.describe('TS 33.220 B.2 KDF', () => {
  test('B.2.1.3 integer encoding: minimal big-endian, zero is 0x00', () => {
    expect(toHex(encodeInteger(0))).toBe('00');
    expect(toHex(encodeInteger(2592000))).toBe('278d00');
    expect(toHex(encodeInteger(1388))).toBe('056c');
    expect(toHex(encodeInteger(255))).toBe('ff');
    expect(toHex(encodeInteger(256))).toBe('0100');
    expect(toHex(encodeInteger(2n ** 64n))).toBe('010000000000000000');
    expect(() => encodeInteger(-1)).toThrow(RangeError);
  });

  test('S = FC || P0 || L0 || P1 || L1, two-octet lengths', () => {
    expect(toHex(kdfInput(0x51, ['ab', hex('01020304')]))).toBe('51' + '6162' + '0002' + '01020304' + '0004');
    expect(toHex(kdfInput(hex('ff07'), []))).toBe('ff07');
    expect(() => kdfInput(hex('0102'), [])).toThrow(RangeError);
  });

  test('B.2.1.2 strings are NFKC-normalised UTF-8', () => {
    // U+FB01 (fi ligature) normalises to 'fi' under NFKC.
    expect(toHex(kdfInput(0x50, ['\ufb01']))).toBe('50' + '6669' + '0002');
  });

  test('KDF equals HMAC-SHA-256(key, S) computed by node:crypto', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const s = Buffer.concat([Buffer.from([0x53]), Buffer.from('12345678', 'hex'), len(4)]);
    expect(toHex(kdf(key, 0x53, [hex('12345678')]))).toBe(nodeKdf(key, s).toString('hex'));
  });
});

test.describe('TS 33.180 F.1 uses of the KDF', () => {
  const gmk = hex('6a9d3b1f0e4c2d7a8b5f6e1d0c9b8a7f6a9d3b1f0e4c2d7a8b5f6e1d0c9b8a7f');
  const user = 'sip:alice@example.org';

  test('F.1.3 User Salt is the 28 LSB of KDF(GMK, 0x50, user ID)', () => {
    const s = Buffer.concat([Buffer.from([0x50]), Buffer.from(user), len(user.length)]);
    const out = nodeKdf(gmk, s);
    expect(userSalt(gmk, user)).toBe(out.readUInt32BE(28) & 0x0fffffff);
  });

  test('5.2.3 GUK-ID keeps the purpose tag, xors the 28 LSB; inverse gives the GMK-ID back', () => {
    const gmkId = hex('0abcdef1');
    const salt = userSalt(gmk, user);
    const guk = gukId(gmk, gmkId, user);
    expect(purposeTag(guk)).toBe(0);
    expect(readU32be(guk)).toBe(((0x0abcdef1 ^ salt) & 0x0fffffff) >>> 0);
    expect(toHex(gmkIdFromGukId(gmk, guk, user))).toBe('0abcdef1');
    // A purpose tag of 1 (PCK) survives too.
    expect(purposeTag(gukId(gmk, 0x1abcdef1, user))).toBe(1);
    expect(() => gukId(gmk, hex('0102'), user)).toThrow(/4 octets/);
  });

  test('F.1.4 XML keys: FC 0x51/0x52, 128 LSB for a 128-bit XPK, all 256 bits for a 256-bit XPK', () => {
    const xpkId = hex('2000abcd');
    const s = (fc: number) => Buffer.concat([Buffer.from([fc]), Buffer.from(user), len(user.length), Buffer.from(xpkId), len(4)]);
    const xpk256 = gmk;
    const xpk128 = gmk.slice(0, 16);
    expect(toHex(xmlProtectionKey(xpk256, 'confidentiality', user, xpkId))).toBe(nodeKdf(xpk256, s(0x51)).toString('hex'));
    expect(toHex(xmlProtectionKey(xpk256, 'integrity', user, xpkId))).toBe(nodeKdf(xpk256, s(0x52)).toString('hex'));
    expect(toHex(xmlProtectionKey(xpk128, 'confidentiality', user, xpkId))).toBe(nodeKdf(xpk128, s(0x51)).subarray(16).toString('hex'));
    expect(() => xmlProtectionKey(hex('00'), 'integrity', user, xpkId)).toThrow(RangeError);
  });

  test('F.1.5 DPCK: FC 0x53 over the DPPK-ID; length by algorithm', () => {
    const dppkId = hex('2fedcba9');
    const s = Buffer.concat([Buffer.from([FC.mcdataPayload]), Buffer.from(dppkId), len(4)]);
    const full = nodeKdf(gmk, s);
    expect(toHex(dpck(gmk, dppkId, 32))).toBe(full.toString('hex'));
    expect(toHex(dpck(gmk, dppkId, 16))).toBe(full.subarray(16).toString('hex'));
  });
});
