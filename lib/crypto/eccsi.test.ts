import { test, expect } from '@playwright/test';
import { createECDH, createHash } from 'node:crypto';
import { loadVectors } from '../../vectors/load.ts';
import { hex, toHex, concatBytes } from './bytes.ts';
import {
  eccsiKmsFromSecret, eccsiGenerateKms, eccsiIssueUserKey, eccsiValidateUserKey, eccsiSign, eccsiVerify,
  eccsiHashHS, eccsiHashHE, isValidP256Point,
} from './eccsi.ts';

interface Rfc6507Vector { name: string; KSAK: string; KPAK: string; ID: string; v: string; PVT: string; HS: string; SSK: string; M: string; j: string; r: string; HE: string; s: string; Signature: string }
const file = loadVectors<Rfc6507Vector>('./rfc6507/appendix-a.json');
const int = (h: string): bigint => BigInt('0x' + h.replace(/\s+/g, ''));

test.describe(`ECCSI, ${file.source}`, () => {
  test('the vector set is complete (1 vector, 13 published values)', () => {
    expect(file.vectors).toHaveLength(1);
    expect(Object.keys(file.vectors[0])).toHaveLength(14);
  });

  for (const v of file.vectors) {
    test(`${v.name}: KPAK = [KSAK]G (RFC 6507 4.2)`, () => {
      expect(toHex(eccsiKmsFromSecret(int(v.KSAK)).kpak)).toBe(toHex(hex(v.KPAK)));
    });

    test(`${v.name}: PVT, HS and SSK (RFC 6507 5.1.1)`, () => {
      const kms = eccsiKmsFromSecret(int(v.KSAK));
      const key = eccsiIssueUserKey(kms, hex(v.ID), int(v.v));
      expect(toHex(key.pvt)).toBe(toHex(hex(v.PVT)));
      expect(toHex(eccsiHashHS(kms.kpak, hex(v.ID), key.pvt))).toBe(toHex(hex(v.HS)));
      expect(toHex(key.ssk)).toBe(toHex(hex(v.SSK)));
    });

    test(`${v.name}: the published SSK/PVT pass the 5.1.2 validation`, () => {
      expect(eccsiValidateUserKey(hex(v.KPAK), hex(v.ID), hex(v.SSK), hex(v.PVT))).toEqual({ ok: true });
    });

    test(`${v.name}: r, HE, s and the signature (RFC 6507 5.2.1)`, () => {
      const sig = eccsiSign(hex(v.M), hex(v.ID), hex(v.SSK), hex(v.PVT), hex(v.KPAK), int(v.j));
      expect(toHex(sig.subarray(0, 32))).toBe(toHex(hex(v.r)));
      expect(toHex(eccsiHashHE(hex(v.HS), hex(v.r), hex(v.M)))).toBe(toHex(hex(v.HE)));
      expect(toHex(sig.subarray(32, 64))).toBe(toHex(hex(v.s)));
      expect(toHex(sig)).toBe(toHex(hex(v.Signature)));
    });

    test(`${v.name}: the published signature verifies (RFC 6507 5.2.2)`, () => {
      expect(eccsiVerify(hex(v.M), hex(v.Signature), hex(v.ID), hex(v.KPAK))).toEqual({ ok: true });
    });

    test(`${v.name}: cross-check of the P-256 and SHA-256 parts with node:crypto`, () => {
      // KPAK and PVT are public keys of KSAK and v under OpenSSL's P-256.
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(Buffer.from(int(v.KSAK).toString(16).padStart(64, '0'), 'hex'));
      expect(ecdh.getPublicKey('hex')).toBe(toHex(hex(v.KPAK)));
      ecdh.setPrivateKey(Buffer.from(int(v.v).toString(16).padStart(64, '0'), 'hex'));
      expect(ecdh.getPublicKey('hex')).toBe(toHex(hex(v.PVT)));
      // r is the x coordinate of [j]G.
      ecdh.setPrivateKey(Buffer.from(int(v.j).toString(16).padStart(64, '0'), 'hex'));
      expect(ecdh.getPublicKey('hex').slice(2, 66)).toBe(toHex(hex(v.r)));
      const G = createECDH('prime256v1');
      G.setPrivateKey(Buffer.from('01'.padStart(64, '0'), 'hex'));
      const hs = createHash('sha256').update(Buffer.concat([G.getPublicKey(), hex(v.KPAK), hex(v.ID), hex(v.PVT)])).digest('hex');
      expect(hs).toBe(toHex(hex(v.HS)));
    });
  }
});

test.describe('ECCSI round trips and rejections', () => {
  const id = new Uint8Array(32).fill(7); // a UID-sized identifier
  const message = new TextEncoder().encode('MIKEY I_MESSAGE body');

  test('a fresh KMS and user key sign and verify; any other message, identifier or KPAK fails', () => {
    const kms = eccsiGenerateKms();
    const key = eccsiIssueUserKey(kms, id);
    expect(eccsiValidateUserKey(kms.kpak, id, key.ssk, key.pvt)).toEqual({ ok: true });
    const sig = eccsiSign(message, id, key.ssk, key.pvt, kms.kpak);
    expect(sig).toHaveLength(129);
    expect(eccsiVerify(message, sig, id, kms.kpak)).toEqual({ ok: true });
    const other = eccsiGenerateKms();
    expect(eccsiVerify(concatBytes(message, Uint8Array.of(0)), sig, id, kms.kpak).ok).toBe(false);
    expect(eccsiVerify(message, sig, new Uint8Array(32).fill(8), kms.kpak).ok).toBe(false);
    expect(eccsiVerify(message, sig, id, other.kpak).ok).toBe(false);
    expect(eccsiValidateUserKey(other.kpak, id, key.ssk, key.pvt)).toMatchObject({ ok: false, reason: expect.stringContaining('[SSK]G != KPAK + [HS]PVT') });
    expect(eccsiValidateUserKey(kms.kpak, new Uint8Array(32), key.ssk, key.pvt).ok).toBe(false);
  });

  test('rejections name what is wrong', () => {
    const kms = eccsiKmsFromSecret(0x12345n);
    const key = eccsiIssueUserKey(kms, id, 0x23456n);
    const sig = eccsiSign(message, id, key.ssk, key.pvt, kms.kpak, 0x34567n);
    expect(eccsiVerify(message, sig.subarray(0, 128), id, kms.kpak)).toMatchObject({ ok: false, reason: expect.stringContaining('128 octets, expected 129') });
    const badPrefix = sig.slice();
    badPrefix[64] = 0x02;
    expect(eccsiVerify(message, badPrefix, id, kms.kpak)).toMatchObject({ ok: false, reason: expect.stringContaining('PVT does not start with 0x04') });
    const offCurve = sig.slice();
    offCurve[128] ^= 1;
    expect(eccsiVerify(message, offCurve, id, kms.kpak)).toMatchObject({ ok: false, reason: expect.stringContaining('PVT is not on P-256') });
    const zeroS = sig.slice();
    zeroS.fill(0, 32, 64);
    expect(eccsiVerify(message, zeroS, id, kms.kpak)).toMatchObject({ ok: false, reason: 's is not in [1, q-1]' });
    const badR = sig.slice();
    badR[3] ^= 0x40;
    expect(eccsiVerify(message, badR, id, kms.kpak)).toMatchObject({ ok: false, reason: expect.stringContaining('Jx != r') });
    expect(eccsiVerify(message, sig, id, kms.kpak.subarray(1))).toMatchObject({ ok: false, reason: expect.stringContaining('KPAK is 64 octets') });
    expect(eccsiValidateUserKey(kms.kpak, id, key.ssk.subarray(1), key.pvt)).toMatchObject({ ok: false, reason: 'SSK is 31 octets, expected 32' });
    expect(isValidP256Point(kms.kpak)).toEqual({ ok: true });
    expect(isValidP256Point(new Uint8Array(65))).toMatchObject({ ok: false, reason: expect.stringContaining('0x00') });
  });
});
