import { test, expect } from '@playwright/test';
import { contentOf, encodeForSigning, encodeIMessage, appendSignature, parseIMessage } from './codec.ts';
import { GenExtType, IdRole, IdType, PayloadType } from './constants.ts';
import type { MikeyMessage } from './types.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const filled = (n: number, v: number) => new Uint8Array(n).fill(v);

function sample(): MikeyMessage {
  return {
    hdr: { kind: 'HDR', version: 1, dataType: 26, vFlag: false, prfFunc: 1, csbId: 0x1234abcd, csCount: 1, csIdMapType: 2,
      genericIds: [{ csId: 4, protType: 0, sFlag: false, policies: [0], sessionData: new Uint8Array(0), spi: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }] },
    payloads: [
      { kind: 'T', tsType: 0, value: Uint8Array.of(0xe8, 0, 0, 0, 0, 0, 0, 1) },
      { kind: 'RAND', rand: filled(16, 0xaa) },
      { kind: 'IDR', role: IdRole.IDRi, idType: IdType.URI, data: enc('sip:gms@example.org') },
      { kind: 'IDR', role: IdRole.IDRr, idType: IdType.URI, data: enc('sip:alice@example.org') },
      { kind: 'IDR', role: IdRole.IDRkmsi, idType: IdType.URI, data: enc('kms.example.org') },
      { kind: 'IDR', role: IdRole.IDRkmsr, idType: IdType.URI, data: enc('kms.example.org') },
      { kind: 'SP', policyNo: 0, protType: 0, params: [{ type: 0, value: Uint8Array.of(6) }, { type: 1, value: Uint8Array.of(16) }] },
      { kind: 'SAKKE', sakkeParams: 1, idScheme: 2, data: filled(273, 0x04) },
      { kind: 'GENERAL_EXT', extType: GenExtType.SAKKE_TO_SELF, data: new Uint8Array(0), sakke: { kind: 'SAKKE', sakkeParams: 1, idScheme: 2, data: filled(273, 0x05) } },
      { kind: 'GENERAL_EXT', extType: GenExtType.KEY_PARAMETERS, data: filled(40, 0x07) },
      { kind: 'SIGN', sType: 2, declaredLength: 129, signature: filled(129, 0x5a) },
    ],
  };
}

test.describe('MIKEY codec (RFC 3830 / 6043 / 6509, TS 33.180 Annex E)', () => {
  test('parse(build(x)) gives x back, with offsets for every field', () => {
    const bytes = encodeIMessage(sample());
    const r = parseIMessage(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const m = r.message;
    // The builder writes SAKKE-to-self data from the inner payload: compare without the raw copy.
    const noRaw = (x: MikeyMessage): MikeyMessage => ({ ...x, payloads: x.payloads.map((p) => (p.kind === 'GENERAL_EXT' && p.sakke ? { ...p, data: new Uint8Array(0) } : p)) });
    expect(contentOf(noRaw(m))).toEqual(contentOf(noRaw(sample())));
    expect(m.hdr.fields!.csbId).toEqual({ offset: 4, length: 4 });
    const sign = m.payloads.at(-1)!;
    expect(sign.kind).toBe('SIGN');
    expect(m.signedLength).toBe(bytes.length - 129);
    for (const p of m.payloads) expect(p.offset! + p.length!).toBeLessThanOrEqual(bytes.length);
    const self = m.payloads[8];
    expect(self.kind === 'GENERAL_EXT' && self.sakke?.nextPayload).toBe(0);
    expect(self.kind === 'GENERAL_EXT' && self.sakke!.fields!.data.offset).toBe(self.offset! + 4 + 5);
  });

  test('build(parse(b)) gives b back octet for octet', () => {
    const bytes = encodeIMessage(sample());
    const r = parseIMessage(bytes);
    expect(r.ok && Buffer.from(encodeIMessage(r.message)).equals(Buffer.from(bytes))).toBe(true);
  });

  test('signature covers everything up to and including the S type and length (RFC 3830 5.2)', () => {
    const m = sample();
    const signed = encodeForSigning(m, 2, 129);
    const whole = appendSignature(signed, filled(129, 0x5a));
    expect(Buffer.from(whole).equals(Buffer.from(encodeIMessage(m)))).toBe(true);
    const r = parseIMessage(whole);
    expect(r.ok && r.message.signedLength).toBe(signed.length);
  });

  test('every truncation is a decode error naming offset and reason', () => {
    const bytes = encodeIMessage(sample());
    for (let n = 0; n < bytes.length; n++) {
      const r = parseIMessage(bytes.subarray(0, n));
      if (r.ok) {
        // Cutting exactly between payloads is only decodable when the cut payload chain says 'last'; never the case here.
        throw new Error(`truncation at ${n} decoded`);
      }
      expect(r.error.reason.length).toBeGreaterThan(5);
      expect(r.error.offset).toBeLessThanOrEqual(n);
    }
  });

  test('unknown payload types, map types and TS types are named', () => {
    const bytes = encodeIMessage(sample());
    const badNext = bytes.slice();
    badNext[2] = 99;
    const r1 = parseIMessage(badNext);
    expect(!r1.ok && r1.error.reason).toMatch(/next payload 99/);
    const badMap = bytes.slice();
    badMap[9] = 7;
    const r2 = parseIMessage(badMap);
    expect(!r2.ok && r2.error).toMatchObject({ offset: 9, field: 'HDR.csIdMapType' });
    const trailing = new Uint8Array([...bytes, 0]);
    const r3 = parseIMessage(trailing);
    expect(!r3.ok && r3.error.reason).toMatch(/after the SIGN payload/);
    expect(PayloadType.SAKKE).toBe(26);
  });
});
