import { test, expect } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { eccsiGenerateKms, eccsiIssueUserKey } from '../crypto/eccsi.ts';
import { toHex } from '../crypto/bytes.ts';
import { decodeEarPayload, encodeEarPayload, EAR_ROLE, hasAuthorisation, plainIdentity, PRIVILEGED_REQUEST, REQUEST_TYPE, type EarPayload } from './payload.ts';
import { openEar, originMatchesUid, signEar, signerUid, type EarSigner } from './signed.ts';

const payload: EarPayload = {
  dateTime: 0x0102030405,
  earId: Uint8Array.from({ length: 16 }, (_, i) => i),
  sourceRole: EAR_ROLE.client,
  sourceId: 'sip:a@x?mc-priv-mcptt=01',
  targetRole: EAR_ROLE.client,
  targetId: 'sip:b@x',
  request: { type: REQUEST_TYPE.privileged, id: PRIVILEGED_REQUEST.mcpttAutomaticPrivateCall, expiry: 1_900_000_000 },
};

test.describe('Annex J EAR PAYLOAD', () => {
  test('J.1.2 layout: V fields in table order, LV-E entity IDs, the Request TLV-E last', () => {
    const bytes = encodeEarPayload(payload);
    const head = '01' + '0102030405' + '000102030405060708090a0b0c0d0e0f' + '01';
    expect(toHex(bytes.subarray(0, 23))).toBe(head);
    const source = new TextEncoder().encode(payload.sourceId);
    expect(toHex(bytes.subarray(23, 25))).toBe(source.length.toString(16).padStart(4, '0'));
    // Request TLV-E: IEI, length 10 = type 1 + ID TV 3 + expiry TV 6.
    expect(toHex(bytes.subarray(bytes.length - 13))).toBe('7d000a' + '01' + '010101' + '02' + (1_900_000_000).toString(16).padStart(10, '0'));
    expect(decodeEarPayload(bytes)).toEqual({ ok: true, payload });
  });

  test('decoding never throws and names what is wrong', () => {
    const bytes = encodeEarPayload(payload);
    // Cut anywhere but where the optional Request begins, the payload does not decode.
    const requestAt = bytes.length - 13;
    for (let n = 0; n < bytes.length; n++) expect(decodeEarPayload(bytes.subarray(0, n)).ok).toBe(n === requestAt);
    for (let i = 0; i < 500; i++) expect(() => decodeEarPayload(randomBytes(i % 80))).not.toThrow();
    const other = bytes.slice();
    other[0] = 9;
    expect(decodeEarPayload(other)).toMatchObject({ ok: false, reason: /message type 9/ });
    const { request: _r, ...bare } = payload;
    expect(decodeEarPayload(encodeEarPayload(bare))).toEqual({ ok: true, payload: bare });
  });

  test('J.3: authorisation bits are read LSB first within left-most-first bytes', () => {
    expect(hasAuthorisation('sip:a@x?mc-role-client=01&mc-priv-mcptt=0201', 'mc-priv-mcptt', 1)).toBe(true);
    expect(hasAuthorisation('sip:a@x?mc-priv-mcptt=0201', 'mc-priv-mcptt', 8)).toBe(true);
    expect(hasAuthorisation('sip:a@x?mc-priv-mcptt=0201', 'mc-priv-mcptt', 0)).toBe(false);
    expect(hasAuthorisation('sip:a@x', 'mc-priv-mcptt', 0)).toBe(false);
    expect(plainIdentity('sip:a@x?mc-priv-mcptt=01')).toBe('sip:a@x');
  });
});

test.describe('8.5.5 signed EAR', () => {
  const kms = eccsiGenerateKms();
  const period = { kmsUri: 'kms.x', keyPeriod: 2_592_000, keyPeriodOffset: 0, keyPeriodNo: 1500 };
  const uri = payload.sourceId;
  const keys = eccsiIssueUserKey(kms, signerUid({ uri, ...period }));
  const signer: EarSigner = { uri, ...period, ...keys, kpak: kms.kpak };

  test('signs and opens; the signature and the origin-to-UID binding are checked apart', () => {
    const ear = signEar(payload, signer);
    const opened = openEar(ear, kms.kpak);
    expect(opened).toMatchObject({ ok: true, payload, signingKms: 'kms.x', signature: { ok: true } });
    if (!opened.ok) return;
    expect(originMatchesUid(opened.payload.sourceId, opened.signingUid, opened.signingKms, period)).toBe(true);
    expect(originMatchesUid('sip:c@x', opened.signingUid, opened.signingKms, period)).toBe(false);
    const forged = ear.slice();
    forged[forged.length - 100]! ^= 1;
    expect(openEar(forged, kms.kpak)).toMatchObject({ ok: true, signature: { ok: false } });
    expect(openEar(ear, eccsiGenerateKms().kpak)).toMatchObject({ ok: true, signature: { ok: false } });
  });

  test('opening never throws on junk or cut EARs', () => {
    const ear = signEar(payload, signer);
    for (let n = 0; n < ear.length; n += 7) expect(openEar(ear.subarray(0, n), kms.kpak).ok).toBe(false);
    for (let i = 0; i < 200; i++) expect(() => openEar(randomBytes(i), kms.kpak)).not.toThrow();
  });
});
