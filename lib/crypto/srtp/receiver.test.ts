import { test, expect } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { protectRtp, protectRtcp } from './aead.ts';
import { SrtpReceiver, SrtcpReceiver } from './receiver.ts';
import { estimateRoc, ReplayWindow } from './replay.ts';
import { concatBytes, hex } from '../bytes.ts';

const keys = { key: randomBytes(16), salt: randomBytes(12) };

function rtp(seq: number, ssrc = 0xcafe0001): Uint8Array {
  const h = new Uint8Array(12);
  const v = new DataView(h.buffer);
  h[0] = 0x80;
  h[1] = 0;
  v.setUint16(2, seq & 0xffff);
  v.setUint32(8, ssrc);
  return concatBytes(h, randomBytes(20));
}

test.describe('RFC 3711 3.3.1 ROC estimation', () => {
  test('Appendix A cases', () => {
    expect(estimateRoc(10, 5, 3)).toBe(3);
    expect(estimateRoc(65530, 5, 3)).toBe(2); // late packet from the previous cycle
    expect(estimateRoc(5, 65530, 3)).toBe(4); // wrapped
    expect(estimateRoc(40000, 50000, 3)).toBe(3);
    expect(estimateRoc(40000, 100, 0)).toBe(-1);
  });

  test('the receiver follows a stream across the SEQ wrap and accepts a late packet from the previous ROC', () => {
    const rx = new SrtpReceiver(keys, { mkiLength: 0 });
    const send = (seq: number, roc: number) => rx.unprotect(protectRtp(keys, rtp(seq), { roc, mkiLength: 0 }));
    expect(send(65530, 0)).toMatchObject({ ok: true, roc: 0 });
    expect(send(65535, 0)).toMatchObject({ ok: true, roc: 0 });
    expect(send(2, 1)).toMatchObject({ ok: true, roc: 1, index: 65538 });
    expect(send(65533, 0)).toMatchObject({ ok: true, roc: 0 }); // reordered, still in the window
    expect(send(3, 1)).toMatchObject({ ok: true, roc: 1 });
    expect(rx.rocOf(0xcafe0001)).toBe(1);
  });

  test('RCCm3 late entry: a receiver joining at ROC 7 learns it from the packet', () => {
    const rx = new SrtpReceiver(keys, { mkiLength: 8, rocRate: 1 });
    const mki = hex('0000000100000002');
    const r = rx.unprotect(protectRtp(keys, rtp(100), { roc: 7, mki, mkiLength: 8, rocRate: 1 }));
    expect(r).toMatchObject({ ok: true, roc: 7, rocSource: 'packet' });
    expect(rx.rocOf(0xcafe0001)).toBe(7);
  });
});

test.describe('RFC 3711 3.3.2 replay protection', () => {
  test('a duplicate is rejected; one older than the window too; a forged packet moves no state', () => {
    const rx = new SrtpReceiver(keys, { mkiLength: 0 });
    const first = protectRtp(keys, rtp(1000), { roc: 0, mkiLength: 0 });
    expect(rx.unprotect(first).ok).toBe(true);
    expect(rx.unprotect(first)).toMatchObject({ ok: false, code: 'replay-duplicate' });
    expect(rx.unprotect(protectRtp(keys, rtp(1200), { roc: 0, mkiLength: 0 })).ok).toBe(true);
    expect(rx.unprotect(protectRtp(keys, rtp(1100), { roc: 0, mkiLength: 0 }))).toMatchObject({ ok: false, code: 'replay-too-old' });
    expect(rx.unprotect(protectRtp(keys, rtp(1199), { roc: 0, mkiLength: 0 })).ok).toBe(true);
    const forged = protectRtp(keys, rtp(1300), { roc: 0, mkiLength: 0 });
    forged[15] ^= 1;
    expect(rx.unprotect(forged)).toMatchObject({ ok: false, code: 'auth-failed' });
    expect(rx.unprotect(protectRtp(keys, rtp(1201), { roc: 0, mkiLength: 0 })).ok).toBe(true);
  });

  test('window bookkeeping', () => {
    const w = new ReplayWindow(64);
    expect(w.check(5)).toBe('fresh');
    w.accept(5);
    w.accept(100);
    expect(w.check(5)).toBe('too-old');
    expect(w.check(100)).toBe('duplicate');
    expect(w.check(99)).toBe('fresh');
    expect(w.check(36)).toBe('too-old');
    expect(w.check(37)).toBe('fresh');
    expect(() => new ReplayWindow(10)).toThrow(RangeError);
  });

  test('SRTCP replay by index', () => {
    const rx = new SrtcpReceiver(keys, { mkiLength: 4 });
    const rtcp = hex('81c800064d617273' + '00'.repeat(20));
    const p = protectRtcp(keys, rtcp, { index: 3, mki: hex('20000001') });
    expect(rx.unprotect(p).ok).toBe(true);
    expect(rx.unprotect(p)).toMatchObject({ ok: false, code: 'replay-duplicate' });
    expect(rx.unprotect(protectRtcp(keys, rtcp, { index: 4, mki: hex('20000001') })).ok).toBe(true);
  });
});

test.describe('SrtpSender', () => {
  test('steps the ROC when SEQ wraps, and a receiver follows it', async () => {
    const { SrtpSender } = await import('./sender.ts');
    const { DEFAULT_PROFILES } = await import('./profiles.ts');
    const mki = hex('0abcdef10c340888');
    const tx = new SrtpSender(keys, { ...DEFAULT_PROFILES.gmk, mki });
    const rx = new SrtpReceiver(keys, { ...DEFAULT_PROFILES.gmk, expectedMki: mki });
    for (const seq of [65534, 65535, 0, 1]) {
      const r = rx.unprotect(tx.protect(rtp(seq)));
      expect(r).toMatchObject({ ok: true, roc: seq < 2 ? 1 : 0 });
    }
    expect(tx.rocOf(0xcafe0001)).toBe(1);
  });
});
