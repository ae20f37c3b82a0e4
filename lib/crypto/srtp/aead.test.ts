import { test, expect } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { gcm } from '@noble/ciphers/aes.js';
import { loadVectors } from '../../../vectors/load.ts';
import { protectRtp, unprotectRtp, protectRtcp, unprotectRtcp, srtpIv, srtcpIv } from './aead.ts';
import { parseRtpHeader } from './rtp.ts';
import { hex, toHex, concatBytes } from '../bytes.ts';

const file = loadVectors('rfc7714/sections-16-17.json');

function rtpPacket(seq: number, payload: Uint8Array = randomBytes(40), opts: { csrcs?: number; extensionWords?: number } = {}): Uint8Array {
  const cc = opts.csrcs ?? 0;
  const ext = opts.extensionWords;
  const header = new Uint8Array(12 + 4 * cc + (ext === undefined ? 0 : 4 + 4 * ext));
  header[0] = 0x80 | (ext === undefined ? 0 : 0x10) | cc;
  header[1] = 96;
  new DataView(header.buffer).setUint16(2, seq);
  new DataView(header.buffer).setUint32(4, seq * 160);
  new DataView(header.buffer).setUint32(8, 0x12345678);
  if (ext !== undefined) new DataView(header.buffer).setUint16(12 + 4 * cc + 2, ext);
  return concatBytes(header, payload);
}

test.describe(`SRTP/SRTCP AEAD_AES_GCM (${file.source})`, () => {
  test('vector count', () => {
    expect(file.vectors.filter((v) => v.kind === 'srtp').length).toBe(2);
    expect(file.vectors.filter((v) => v.kind === 'srtcp').length).toBe(2);
  });

  for (const v of file.vectors) {
    const keys = { key: hex(v.key), salt: hex(v.salt) };
    test(`${v.name}: IV, protect and unprotect`, () => {
      if (v.kind === 'srtp') {
        const header = parseRtpHeader(hex(v.plain));
        expect(header.ok).toBe(true);
        if (!header.ok) return;
        expect(toHex(srtpIv(keys.salt, header.header.ssrc, v.roc, header.header.sequenceNumber))).toBe(v.iv);
        expect(toHex(protectRtp(keys, hex(v.plain), { roc: v.roc, mkiLength: 0 }))).toBe(v.protected);
        const back = unprotectRtp(keys, hex(v.protected), { roc: v.roc, mkiLength: 0 });
        expect(back.ok && toHex(back.rtp)).toBe(toHex(hex(v.plain)));
        const tampered = hex(v.protected);
        tampered[20] ^= 1;
        expect(unprotectRtp(keys, tampered, { roc: v.roc, mkiLength: 0 })).toMatchObject({ ok: false, code: 'auth-failed' });
        expect(unprotectRtp(keys, hex(v.protected), { roc: 1, mkiLength: 0 })).toMatchObject({ ok: false, code: 'auth-failed' });
      } else {
        expect(toHex(srtcpIv(keys.salt, 0x4d617273, v.index))).toBe(v.iv);
        expect(toHex(protectRtcp(keys, hex(v.plain), { index: v.index }))).toBe(v.protected);
        const back = unprotectRtcp(keys, hex(v.protected), { mkiLength: 0 });
        expect(back).toMatchObject({ ok: true, index: v.index, encrypted: true });
        expect(back.ok && toHex(back.rtcp)).toBe(v.plain);
        const tampered = hex(v.protected);
        tampered[30] ^= 8;
        expect(unprotectRtcp(keys, tampered, { mkiLength: 0 })).toMatchObject({ ok: false, code: 'auth-failed' });
        const otherIndex = hex(v.protected);
        otherIndex[otherIndex.length - 1] ^= 1;
        expect(unprotectRtcp(keys, otherIndex, { mkiLength: 0 })).toMatchObject({ ok: false, code: 'auth-failed' });
      }
    });
  }
});

test.describe('TS 33.180 7.5.1 packet extras: MKI and RCCm3 ROC tag', () => {
  const keys = { key: randomBytes(16), salt: randomBytes(12) };

  test('8-octet MKI (GMK-ID || GUK-ID) and ROC in every packet (E.2.2 default, R = 1)', () => {
    const mki = hex('0abcdef10c340888');
    const rtp = rtpPacket(7);
    const srtp = protectRtp(keys, rtp, { roc: 5, mki, mkiLength: 8, rocRate: 1 });
    expect(srtp.length).toBe(rtp.length + 16 + 8 + 4);
    expect(toHex(srtp.subarray(srtp.length - 12, srtp.length - 4))).toBe('0abcdef10c340888');
    expect(toHex(srtp.subarray(srtp.length - 4))).toBe('00000005');
    // The ROC comes from the packet, whatever the receiver believes.
    const back = unprotectRtp(keys, srtp, { roc: 0, mkiLength: 8, rocRate: 1 });
    expect(back).toMatchObject({ ok: true, roc: 5, rocSource: 'packet', index: 5 * 65536 + 7 });
    expect(back.ok && toHex(back.rtp)).toBe(toHex(rtp));
    expect(back.ok && toHex(back.mki!)).toBe('0abcdef10c340888');
    // A forged ROC fails authentication (7.5.1 NOTE: ROC and MKI are protected through the IV/key lookup).
    const forged = srtp.slice();
    forged[forged.length - 1] ^= 1;
    expect(unprotectRtp(keys, forged, { mkiLength: 8, rocRate: 1 })).toMatchObject({ ok: false, code: 'auth-failed', roc: 4 });
    expect(unprotectRtp(keys, srtp, { mkiLength: 8, rocRate: 1, expectedMki: hex('0abcdef100000000') })).toMatchObject({ ok: false, code: 'mki-mismatch' });
  });

  test('ROC rate R = 4: only packets with SEQ mod 4 = 0 carry the ROC', () => {
    for (const seq of [8, 9]) {
      const rtp = rtpPacket(seq);
      const srtp = protectRtp(keys, rtp, { roc: 2, mki: hex('10000001'), mkiLength: 4, rocRate: 4 });
      expect(srtp.length).toBe(rtp.length + 16 + 4 + (seq % 4 === 0 ? 4 : 0));
      expect(unprotectRtp(keys, srtp, { roc: 2, mkiLength: 4, rocRate: 4 })).toMatchObject({ ok: true, rocSource: seq % 4 === 0 ? 'packet' : 'receiver' });
    }
    expect(unprotectRtp(keys, protectRtp(keys, rtpPacket(9), { roc: 2, mkiLength: 0, rocRate: 4 }), { mkiLength: 0, rocRate: 4 })).toMatchObject({ ok: false, code: 'bad-parameter' });
  });

  test('headers with CSRCs and an extension are authenticated, not encrypted', () => {
    const rtp = rtpPacket(100, randomBytes(33), { csrcs: 2, extensionWords: 1 });
    const srtp = protectRtp(keys, rtp, { roc: 0, mkiLength: 0 });
    expect(toHex(srtp.subarray(0, 12 + 8 + 8))).toBe(toHex(rtp.subarray(0, 28)));
    expect(unprotectRtp(keys, srtp, { roc: 0, mkiLength: 0 })).toMatchObject({ ok: true, header: { csrcCount: 2, extension: true, headerLength: 28 } });
    const flipped = srtp.slice();
    flipped[14] ^= 0x80; // inside the CSRC list
    expect(unprotectRtp(keys, flipped, { roc: 0, mkiLength: 0 })).toMatchObject({ ok: false, code: 'auth-failed' });
  });

  test('cross-check with @noble/ciphers GCM: ciphertext = GCM(key, IV, AAD = header)', () => {
    for (let i = 0; i < 20; i++) {
      const rtp = rtpPacket(i * 997, randomBytes(i * 7));
      const roc = i * 3;
      const srtp = protectRtp(keys, rtp, { roc, mkiLength: 0 });
      const expected = gcm(keys.key, srtpIv(keys.salt, 0x12345678, roc, i * 997), rtp.subarray(0, 12)).encrypt(rtp.subarray(12));
      expect(toHex(srtp.subarray(12))).toBe(toHex(expected));
    }
  });

  test('SRTCP: authenticate-only (E = 0) and 4-octet MKI; cross-check AAD = packet || E||index', () => {
    const rtcp = hex('81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeef');
    const mki = hex('20000042');
    const srtcp = protectRtcp(keys, rtcp, { index: 77, encrypt: false, mki });
    expect(toHex(srtcp.subarray(0, rtcp.length))).toBe(toHex(rtcp));
    expect(toHex(srtcp.subarray(srtcp.length - 8))).toBe('0000004d20000042');
    const tag = gcm(keys.key, srtcpIv(keys.salt, 0x4d617273, 77), concatBytes(rtcp, hex('0000004d'))).encrypt(new Uint8Array(0));
    expect(toHex(srtcp.subarray(rtcp.length, rtcp.length + 16))).toBe(toHex(tag));
    expect(unprotectRtcp(keys, srtcp, { mkiLength: 4, expectedMki: mki })).toMatchObject({ ok: true, encrypted: false, index: 77 });
    const bad = srtcp.slice();
    bad[9] ^= 1;
    expect(unprotectRtcp(keys, bad, { mkiLength: 4 })).toMatchObject({ ok: false, code: 'auth-failed' });
  });

  test('malformed input yields a reason, never an exception', () => {
    expect(unprotectRtp(keys, new Uint8Array(5), { roc: 0, mkiLength: 0 })).toMatchObject({ ok: false, code: 'malformed', reason: /shorter than the 12-octet/ });
    expect(unprotectRtp(keys, hex('400000000000000000000000' + '00'.repeat(20)), { roc: 0, mkiLength: 0 })).toMatchObject({ ok: false, reason: /version is 1/ });
    expect(unprotectRtp(keys, rtpPacket(1, new Uint8Array(3)), { roc: 0, mkiLength: 4 })).toMatchObject({ ok: false, code: 'malformed' });
    expect(unprotectRtp({ key: new Uint8Array(3), salt: keys.salt }, rtpPacket(1), { roc: 0, mkiLength: 0 })).toMatchObject({ ok: false, code: 'bad-parameter' });
    expect(unprotectRtcp(keys, new Uint8Array(10), { mkiLength: 0 })).toMatchObject({ ok: false, code: 'malformed' });
  });
});

test('missing keys or policy are reported, not thrown', () => {
  const packet = hex('8060000100000000cafe0001' + '00'.repeat(20));
  expect(unprotectRtp(undefined as never, packet, { roc: 0, mkiLength: 0 })).toMatchObject({ ok: false, code: 'bad-parameter' });
  expect(unprotectRtp({ key: new Uint8Array(16), salt: new Uint8Array(12) }, packet, undefined as never)).toMatchObject({ ok: false, code: 'bad-parameter' });
  expect(unprotectRtcp({ key: new Uint8Array(16), salt: new Uint8Array(12) }, packet, undefined as never)).toMatchObject({ ok: false, code: 'bad-parameter' });
});
