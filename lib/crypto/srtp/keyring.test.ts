import { test, expect } from '@playwright/test';
import { SrtpKeyRing } from './keyring.ts';
import { protectRtp } from './aead.ts';
import { deriveSessionKeys } from './kdf.ts';
import { hex } from '../bytes.ts';

test.describe('SrtpKeyRing (key chosen by the MKI, as libsrtp does)', () => {
  const a = { mki: hex('10000001'), keys: deriveSessionKeys(new Uint8Array(16).fill(1), new Uint8Array(12).fill(2)).srtp };
  const b = { mki: hex('10000002'), keys: deriveSessionKeys(new Uint8Array(16).fill(3), new Uint8Array(12).fill(4)).srtp };
  const rtp = (seq: number) => hex(`8060${seq.toString(16).padStart(4, '0')}00000320cafe0001` + '0102030405');

  test('each packet opens with its MKI key; an unknown MKI and a wrong key fail with their code', () => {
    const ring = new SrtpKeyRing([a, b], { rocRate: 0 });
    for (let seq = 0; seq < 10; seq++) {
      const k = seq % 2 ? b : a;
      const r = ring.unprotect(protectRtp(k.keys, rtp(seq), { roc: 0, mki: k.mki, mkiLength: 4 }));
      expect(r.ok && r.mki, `seq ${seq}`).toEqual(k.mki);
    }
    const unknown = ring.unprotect(protectRtp(a.keys, rtp(20), { roc: 0, mki: hex('10000003'), mkiLength: 4 }));
    expect(unknown).toMatchObject({ ok: false, code: 'mki-mismatch' });
    const crossed = ring.unprotect(protectRtp(a.keys, rtp(21), { roc: 0, mki: b.mki, mkiLength: 4 }));
    expect(crossed).toMatchObject({ ok: false, code: 'auth-failed' });
    expect(ring.unprotect(hex('8060'))).toMatchObject({ ok: false, code: 'malformed' });
  });

  test('ring construction: empty, mixed MKI lengths and a repeated MKI are refused', () => {
    expect(() => new SrtpKeyRing([])).toThrow(/at least one/);
    expect(() => new SrtpKeyRing([a, { mki: hex('0102'), keys: b.keys }])).toThrow(/2 octets; the ring's MKIs are 4/);
    expect(() => new SrtpKeyRing([a, a])).toThrow(/twice/);
  });
});
