import { test, expect } from '@playwright/test';
import { gukId } from '../crypto/kdf.ts';
import { buildIMessage, type BuildOptions } from './build.ts';
import { KEY_KINDS, STATUS_SECURITY_GATEWAY, type KeyKind } from './constants.ts';
import { parseIMessage } from './codec.ts';
import { createTestKms, initiatorMaterial, receiverKeys, receiverMaterial } from './test-domain.ts';
import { KEY_PARAMETER_RULES, keyParameterTable, messageTable, validateIMessage } from './validate.ts';
import { verifyIMessage } from './verify.ts';

const TIME = Date.UTC(2026, 10, 23, 12, 0, 0);
const PARTIES: Record<KeyKind, { initiator: string; receiver: string }> = {
  gmk: { initiator: 'sip:gms@mcx.example.org', receiver: 'sip:alice@mcx.example.org' },
  pck: { initiator: 'sip:bob@mcx.example.org', receiver: 'sip:alice@mcx.example.org' },
  'csk-upload': { initiator: 'sip:alice@mcx.example.org', receiver: 'sip:mdsi@mcx.example.org' },
  'csk-download': { initiator: 'sip:mdsi@mcx.example.org', receiver: 'sip:alice@mcx.example.org' },
  'musik-download': { initiator: 'sip:mdsi@mcx.example.org', receiver: 'sip:alice@mcx.example.org' },
};

test.describe('MIKEY-SAKKE build and verify with key material (5.2, Annex E)', () => {
  test.describe.configure({ mode: 'serial' });
  const kms = createTestKms('kms.mcx.example.org');

  function build(kind: KeyKind, extra: Partial<BuildOptions> = {}) {
    const p = PARTIES[kind];
    return buildIMessage({ kind, time: TIME, initiator: initiatorMaterial(kms, p.initiator, TIME), receiver: receiverMaterial(kms, p.receiver), ...extra });
  }

  for (const kind of KEY_KINDS) {
    test(`${kind}: builder output conforms, verifies and yields the key`, () => {
      const built = build(kind, { sakkeToSelf: true, keyParameters: kind === 'pck' ? false : {}, cryptoSessions: kind === 'pck' ? [0, 1] : [] });
      expect(validateIMessage(built.bytes, { kind }).findings).toEqual([]);
      const r = verifyIMessage(built.bytes, { ...receiverKeys(kms, PARTIES[kind].receiver, TIME), kind });
      expect(r.findings).toEqual([]);
      expect(r.signature).toEqual({ ok: true });
      expect(r.decryption).toEqual({ ok: true });
      expect(r.verified).toBe(true);
      expect(Buffer.from(r.key!).equals(Buffer.from(built.key))).toBe(true);
      expect(r.keyId).toBe(built.keyId);
      // SAKKE-to-self decapsulates for the initiator (E.5).
      const self = verifyIMessage(built.bytes, { ...receiverKeys(kms, PARTIES[kind].initiator, TIME), kind });
      expect(self.findings).toEqual([]);
      expect(self.sakkeToSelf).toBe(true);
      expect(self.verified).toBe(true);
      expect(Buffer.from(self.key!).equals(Buffer.from(built.key))).toBe(true);
      expect(self.keyId).toBe(built.keyId);
    });
  }

  test('GMK: CSB-ID is the GUK-ID and unmasks to the GMK-ID (5.2.3, F.1.3)', () => {
    const built = build('gmk', { keyId: 0x0123_4567 });
    expect(built.csbId).not.toBe(built.keyId);
    expect(Buffer.from(gukId(built.key, built.keyId, PARTIES.gmk.receiver)).readUInt32BE(0)).toBe(built.csbId);
    const r = verifyIMessage(built.bytes, receiverKeys(kms, PARTIES.gmk.receiver, TIME));
    expect(r.keyId).toBe(0x0123_4567);
    expect(r.keyParameters?.keyType).toBe(0);
    expect(r.revoked).toBe(false);
  });

  test('status bits: revoked and security gateway are reported (5.2.4, E.6.9)', () => {
    const built = build('gmk', { keyParameters: { status: STATUS_SECURITY_GATEWAY } });
    const r = verifyIMessage(built.bytes, receiverKeys(kms, PARTIES.gmk.receiver, TIME));
    expect(r.revoked).toBe(true);
    expect(r.securityGateway).toBe(true);
    expect(r.findings.map((f) => f.rule).sort()).toEqual(['verify.revoked', 'verify.security-gateway']);
  });

  test('a signature by anyone else, or over other octets, fails', () => {
    const built = build('pck');
    const tampered = built.bytes.slice();
    tampered[25] ^= 1; // inside RAND (HDR 10 + T 10 + 2 octets of RAND header)
    const r = verifyIMessage(tampered, receiverKeys(kms, PARTIES.pck.receiver, TIME));
    expect(r.signature.ok).toBe(false);
    expect(r.verified).toBe(false);
    expect(r.findings.some((f) => f.rule === 'verify.signature')).toBe(true);
  });

  test('the wrong receiver cannot decrypt and is told why', () => {
    const built = build('pck');
    const r = verifyIMessage(built.bytes, receiverKeys(kms, 'sip:carol@mcx.example.org', TIME));
    expect(r.decryption.ok).toBe(false);
    expect(r.findings.map((f) => f.rule)).toContain('verify.receiver-uri');
  });

  test('identity hiding (E.7, 5.2.6): receiver recognises its UID; initiator UID recomputed from the URI', () => {
    const built = build('pck', { hide: { initiator: true, receiver: true } });
    const parsed = parseIMessage(built.bytes);
    expect(parsed.ok && parsed.message.payloads.filter((p) => p.kind === 'IDR').map((p) => p.kind === 'IDR' && p.role)).toEqual([8, 9, 6, 7]);
    const keys = receiverKeys(kms, PARTIES.pck.receiver, TIME);
    const ok = verifyIMessage(built.bytes, { ...keys, initiatorUri: PARTIES.pck.initiator });
    expect(ok.findings).toEqual([]);
    expect(ok.verified).toBe(true);
    const wrongInitiator = verifyIMessage(built.bytes, { ...keys, initiatorUri: 'sip:mallory@mcx.example.org' });
    expect(wrongInitiator.findings.map((f) => f.rule)).toContain('verify.initiator-uid');
    expect(wrongInitiator.verified).toBe(false);
    const notMe = verifyIMessage(built.bytes, { ...receiverKeys(kms, 'sip:carol@mcx.example.org', TIME), initiatorUri: PARTIES.pck.initiator });
    expect(notMe.findings.map((f) => f.rule)).toContain('verify.receiver-uid');
  });

  test('expected initiator and timestamp skew are checked when asked', () => {
    const built = build('gmk');
    const keys = receiverKeys(kms, PARTIES.gmk.receiver, TIME);
    expect(verifyIMessage(built.bytes, { ...keys, expectedInitiatorUri: PARTIES.gmk.initiator, now: TIME + 60_000 }).findings).toEqual([]);
    const r = verifyIMessage(built.bytes, { ...keys, expectedInitiatorUri: 'sip:other-gms@mcx.example.org', now: TIME + 3_600_000 });
    expect(r.findings.map((f) => f.rule).sort()).toEqual(['verify.initiator-identity', 'verify.timestamp']);
  });

  test('key parameter mutations are caught after decryption', () => {
    for (const rule of ['kp.key-type', 'kp.group-ids', 'kp.decode'] as const) {
      const built = build('gmk', { mutate: rule });
      const r = verifyIMessage(built.bytes, receiverKeys(kms, PARTIES.gmk.receiver, TIME));
      expect(r.signature.ok).toBe(true);
      expect(r.findings.map((f) => f.rule), rule).toContain(rule);
    }
  });

  test('kind: without one, the decrypted Key Type says GMK, so a PCK purpose tag fails and the Key Type is left undecided', () => {
    const built = build('gmk', { keyId: 0x1234_5678 });
    const keys = receiverKeys(kms, PARTIES.gmk.receiver, TIME);
    const r = verifyIMessage(built.bytes, keys);
    expect(r).toMatchObject({ kind: 'gmk', kindSource: 'key-type', kindResolved: true, conforms: false, keyId: 0x1234_5678 });
    expect(r.results.find((x) => x.id === 'mikey.csb.purpose-tag')).toMatchObject({ verdict: 'fail', severity: 'error' });
    expect(r.inconclusive.map((x) => x.id)).toEqual(['mikey.kp.key-type']);
    const given = verifyIMessage(built.bytes, { ...keys, kind: 'gmk' });
    expect(given.results.find((x) => x.id === 'mikey.kp.key-type')?.verdict).toBe('pass');
    expect(given.findings.map((f) => f.rule).sort()).toEqual(['csb.purpose-tag', 'verify.guk-id']);
    // Without key parameters nothing but the purpose tag names the kind: ambiguous, the purpose-tag check undecided.
    const bare = verifyIMessage(build('gmk', { keyId: 0x1234_5678, keyParameters: false }).bytes, keys);
    expect(bare).toMatchObject({ kind: 'pck', kindSource: 'purpose-tag', kindResolved: false, conforms: false });
    expect(bare.results.find((x) => x.id === 'mikey.csb.purpose-tag')?.verdict).toBe('inconclusive');
  });

  test('a shall-level departure is an error and the message does not conform; every check of both tables has one result', () => {
    const r = verifyIMessage(build('gmk', { mutate: 'idr.id-type' }).bytes, { ...receiverKeys(kms, PARTIES.gmk.receiver, TIME), kind: 'gmk' });
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([['idr.id-type', 'error']]);
    expect(r.conforms).toBe(false);
    expect(r.results.map((x) => x.id)).toEqual([...messageTable('gmk').checks, ...keyParameterTable('gmk').checks].map((c) => c.id));
    const pck = verifyIMessage(build('pck').bytes, { ...receiverKeys(kms, PARTIES.pck.receiver, TIME), kind: 'pck' });
    expect(pck.conforms).toBe(true);
    expect(pck.results.filter((x) => x.rule.startsWith('kp.') && KEY_PARAMETER_RULES.includes(x.rule as never)).map((x) => x.verdict)).toEqual(Array(5).fill('not-applicable'));
  });

  test('a mutated message is still signed, so only the mutated rule fails', () => {
    const built = build('gmk', { mutate: 'hdr.prf-func' });
    const r = verifyIMessage(built.bytes, receiverKeys(kms, PARTIES.gmk.receiver, TIME));
    expect(r.signature.ok).toBe(true);
    expect(r.findings.map((f) => f.rule)).toEqual(['hdr.prf-func']);
  });
});

test('verify never throws on mutated signed messages and names a reason for every failure', () => {
  test.setTimeout(120_000);
  const kms = createTestKms('kms.mcx.example.org');
  const built = buildIMessage({ kind: 'gmk', time: TIME, initiator: initiatorMaterial(kms, PARTIES.gmk.initiator, TIME), receiver: receiverMaterial(kms, PARTIES.gmk.receiver), sakkeToSelf: true });
  const keys = receiverKeys(kms, PARTIES.gmk.receiver, TIME);
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  for (let i = 0; i < 120; i++) {
    const b = built.bytes.slice();
    if (i % 3 === 0) b[rnd(b.length)] ^= 1 << rnd(8);
    else if (i % 3 === 1) b.set([rnd(256), rnd(256)], rnd(b.length - 2));
    else b[149 + rnd(273)] ^= 0xff; // inside the SAKKE data: R off the curve, H wrong
    const r = verifyIMessage(b, keys);
    expect(r.findings.filter((f) => f.rule === 'verify.defect')).toEqual([]);
    if (!r.signature.ok) expect(r.signature.reason).toBeTruthy();
    if (!r.decryption.ok) expect(r.decryption.reason).toBeTruthy();
    expect(r.verified).toBe(false);
  }
});
