/**
 * Checks of a KmsKeySet (D.3.3.2, 5.3.6, F.2.1): the UID recomputed from
 * the identity, the KMS URI, the certificate's period and offset and the
 * key set's KeyPeriodNo; the RSK against Z_T and the SSK/PVT against the
 * KPAK for that UID. A crypto check is INCONCLUSIVE when the certificate's
 * public key is itself invalid (graded once, under D.3.2.2); key material
 * that cannot be decrypted or read FAILS it: the key set delivered does not
 * yield a valid key.
 */
import { checkTable, fail, inconclusive, pass, unmet, verdictOf, type Outcome } from '../../../lib/harness/check.ts';
import type { KmsCertificate } from '../../../lib/kms-xml/model.ts';
import type { KeyMaterial, OpenedKeySet } from '../../../lib/kms-xml/open.ts';
import { fromBase64, fromHex, toBase64, toHex, equalBytes } from '../../../lib/crypto/bytes.ts';
import { sakkeValidateRsk } from '../../../lib/crypto/sakke.ts';
import { eccsiValidateUserKey } from '../../../lib/crypto/eccsi.ts';
import { keyPeriodNumber, keyPeriodStart, mikeySakkeUid, mikeySakkeUidInput } from '../../../lib/crypto/uid.ts';
import { ntpSecondsFromUnixSeconds, unixSecondsFromNtpSeconds } from '../../../lib/crypto/ntp.ts';
import { kpakProblem, periodOf, ztProblem } from './certificate.ts';

export interface KeySetContext {
  /** The identity this key set is for (as the suite expects it). */
  identity: string;
  cert: KmsCertificate;
  kmsUri: string;
  /** The key period the set must be for (current unless a time was asked for). */
  expectedPeriodNo?: number;
}

export interface KeySetInput extends KeySetContext {
  /** The key set found for `identity`, if any. */
  set?: OpenedKeySet;
}

export function currentPeriodNo(cert: KmsCertificate, nowMs = Date.now()): number | undefined {
  const p = periodOf(cert);
  if (!p) return undefined;
  const ntp = ntpSecondsFromUnixSeconds(Math.floor(nowMs / 1000));
  return ntp >= p.offset ? keyPeriodNumber(ntp, p.period, p.offset) : undefined;
}

/** The F.2.1 UID for the key set's identity and KeyPeriodNo, with its hash input for the evidence. */
export function expectedUid(ctx: KeySetContext, keyPeriodNo: number): { uid: Uint8Array; input: string } | undefined {
  const p = periodOf(ctx.cert);
  if (!p) return undefined;
  const input = { userUri: ctx.identity, kmsUri: ctx.kmsUri, keyPeriod: p.period, keyPeriodOffset: p.offset, keyPeriodNo };
  return { uid: mikeySakkeUid(input), input: toHex(mikeySakkeUidInput(input)) };
}

function periodNoOf(s: OpenedKeySet): number | undefined {
  return /^\d+$/.test(s.set.keyPeriodNo) ? Number(s.set.keyPeriodNo) : undefined;
}

function materialProblem(m: KeyMaterial, name: string): string | undefined {
  if (m.bytes) return undefined;
  return `${name}: ${m.form === 'encrypted' ? 'encrypted, but does not decrypt with the TrK: ' : ''}${m.problem ?? 'no key material'}`;
}

/** The UID the keys must be for: the identity and the key set's own KeyPeriodNo. */
function uidForKeys(s: OpenedKeySet, ctx: KeySetContext) {
  const n = periodNoOf(s);
  return n !== undefined ? expectedUid(ctx, n) : undefined;
}

const hasSet = (i: KeySetInput) => (i.set ? undefined : unmet(`no key set for ${i.identity} in the answer (graded by the answer's key-set check)`, 'precondition'));
const setOf = (i: KeySetInput) => i.set!;

function periodNoOutcome(i: KeySetInput): Outcome {
  const expected = i.expectedPeriodNo ?? currentPeriodNo(i.cert);
  if (expected === undefined) return inconclusive(`the certificate's key period (${i.cert.userKeyPeriod}/${i.cert.userKeyOffset}) gives no current period number (graded by kms.certificate.period-offset)`, 'precondition');
  return verdictOf(periodNoOf(setOf(i)) === expected, 'KmsKeySet/KeyPeriodNo', expected, setOf(i).set.keyPeriodNo);
}

export const KEY_SET = checkTable<KeySetInput>('kms key set', [
  {
    id: 'kms.keyset.user-uri',
    requirement: 'MCXSEC-D.3.3.2-01',
    title: 'KmsKeySet UserUri and UserID',
    needs: hasSet,
    run: (i) => verdictOf(setOf(i).set.userUri === i.identity && setOf(i).set.userId !== '', 'KmsKeySet/UserUri', i.identity, setOf(i).set.userUri),
  },
  {
    id: 'kms.keyset.kms-uri',
    requirement: 'MCXSEC-D.3.3.2-06',
    title: 'KmsKeySet KmsUri',
    needs: hasSet,
    run: (i) => verdictOf(setOf(i).set.kmsUri === i.kmsUri, 'KmsKeySet/KmsUri', i.kmsUri, setOf(i).set.kmsUri),
  },
  {
    id: 'kms.keyset.key-period-no',
    requirement: 'MCXSEC-D.3.3.2-02',
    title: 'KmsKeySet KeyPeriodNo',
    needs: hasSet,
    run: periodNoOutcome,
  },
  {
    id: 'kms.keyset.current-period',
    requirement: 'MCXSEC-5.3.6-01',
    title: 'KmsKeySet is for the current key period',
    needs: hasSet,
    run: periodNoOutcome,
  },
  {
    id: 'kms.keyset.uid-base64',
    requirement: 'MCXSEC-F.2.1-02',
    title: 'KmsKeySet UserID is a base64 256-bit UID',
    needs: hasSet,
    run: (i) => {
      const id = setOf(i).set.userId;
      const b64 = /^[A-Za-z0-9+/]+={0,2}$/.test(id) ? fromBase64(id) : undefined;
      return verdictOf(!!b64 && b64.length === 32, 'KmsKeySet/UserID', 'base64 of 32 octets', id, 'invalid');
    },
  },
  {
    id: 'kms.keyset.uid',
    requirement: 'MCXSEC-F.2.1-01',
    title: 'KmsKeySet UserID is the F.2.1 UID',
    needs: hasSet,
    run: (i) => {
      const s = setOf(i);
      const n = periodNoOf(s);
      const expected = n !== undefined ? expectedUid(i, n) : undefined;
      if (!expected) return fail('KmsKeySet/KeyPeriodNo', 'an integer key period number', s.set.keyPeriodNo, 'invalid');
      const b64 = /^[A-Za-z0-9+/]+={0,2}$/.test(s.set.userId) ? fromBase64(s.set.userId) : undefined;
      // A hex-written UID is still graded on its value here (its encoding by kms.keyset.uid-base64).
      const asHex = /^[0-9a-fA-F]{64}$/.test(s.set.userId) ? fromHex(s.set.userId) : undefined;
      const value = b64 && b64.length === 32 ? b64 : asHex;
      const detail = `UID = SHA-256(${expected.input}) for P1=${i.identity}, P2=${i.kmsUri}, P3=${i.cert.userKeyPeriod}, P4=${i.cert.userKeyOffset}, P5=${n}`;
      return verdictOf(!!value && equalBytes(value, expected.uid), 'KmsKeySet/UserID', toBase64(expected.uid), s.set.userId, 'mismatch', detail);
    },
  },
  {
    id: 'kms.keyset.rsk-validates',
    requirement: 'MCXSEC-D.3.3.2-03',
    title: 'KmsKeySet RSK validates against Z_T',
    needs: hasSet,
    run: (i) => {
      const s = setOf(i);
      if (ztProblem(i.cert)) return inconclusive(`the certificate's Z_T is not a valid point (graded by kms.certificate.zt)`, 'precondition');
      const uid = uidForKeys(s, i);
      if (!uid) return inconclusive(`KeyPeriodNo '${s.set.keyPeriodNo}' is not a key period number, so the UID of the keys is unknown (graded by kms.keyset.key-period-no)`, 'precondition');
      const expected = `<[b]P + Z_T, RSK> = g for b = UID ${toBase64(uid.uid)} (RFC 6508 6.1.2)`;
      const problem = materialProblem(s.rsk, 'UserDecryptKey');
      if (problem) return fail('KmsKeySet/UserDecryptKey', expected, problem, s.rsk.form === 'missing' ? 'missing' : 'invalid');
      const r = sakkeValidateRsk(fromHex(i.cert.pubEncKey)!, uid.uid, s.rsk.bytes!);
      return r.ok ? pass('KmsKeySet/UserDecryptKey', 'holds', expected) : fail('KmsKeySet/UserDecryptKey', expected, r.reason, 'invalid');
    },
  },
  {
    id: 'kms.keyset.ssk-pvt-validate',
    requirement: 'MCXSEC-D.3.3.2-04',
    title: 'KmsKeySet SSK/PVT validate against the KPAK',
    needs: hasSet,
    run: (i) => {
      const s = setOf(i);
      if (kpakProblem(i.cert)) return inconclusive(`the certificate's KPAK is not a valid P-256 point (graded by kms.certificate.kpak)`, 'precondition');
      const uid = uidForKeys(s, i);
      if (!uid) return inconclusive(`KeyPeriodNo '${s.set.keyPeriodNo}' is not a key period number, so the UID of the keys is unknown (graded by kms.keyset.key-period-no)`, 'precondition');
      const expected = `PVT on P-256, [SSK]G = KPAK + [HS]PVT for ID = UID ${toBase64(uid.uid)} (RFC 6507 5.1.2)`;
      const problems = [materialProblem(s.ssk, 'UserSigningKeySSK'), materialProblem(s.pvt, 'UserPubTokenPVT')].filter((p): p is string => !!p);
      if (problems.length) return fail('KmsKeySet/UserSigningKeySSK, UserPubTokenPVT', expected, problems.join('; '), 'invalid');
      const r = eccsiValidateUserKey(fromHex(i.cert.pubAuthKey)!, uid.uid, s.ssk.bytes!, s.pvt.bytes!);
      return r.ok ? pass('KmsKeySet/UserSigningKeySSK, UserPubTokenPVT', 'holds', expected) : fail('KmsKeySet/UserSigningKeySSK, UserPubTokenPVT', expected, r.reason, 'invalid');
    },
  },
  {
    id: 'kms.keyset.validity',
    requirement: 'MCXSEC-D.3.3.2-05',
    title: 'KmsKeySet validity brackets its key period',
    needs: hasSet,
    run: (i) => {
      const s = setOf(i);
      const p = periodOf(i.cert);
      const n = periodNoOf(s);
      if (!p || n === undefined) return fail('KmsKeySet/KeyPeriodNo', 'a usable key period', s.set.keyPeriodNo, 'invalid');
      const startMs = unixSecondsFromNtpSeconds(keyPeriodStart(n, p.period, p.offset)) * 1000;
      const endMs = startMs + p.period * 1000;
      const from = s.set.validFrom ? Date.parse(s.set.validFrom) : undefined;
      const to = s.set.validTo ? Date.parse(s.set.validTo) : undefined;
      const bad = (from !== undefined && (Number.isNaN(from) || from > startMs + 1000)) || (to !== undefined && (Number.isNaN(to) || to < endMs - 1000));
      return verdictOf(!bad, 'KmsKeySet/ValidFrom, ValidTo', `ValidFrom <= ${new Date(startMs).toISOString()} and ValidTo >= ${new Date(endMs - 1000).toISOString()} (period ${n})`, `${s.set.validFrom ?? '(none)'} .. ${s.set.validTo ?? '(none)'}`);
    },
  },
]);

/** The key set for `identity`: exact UserUri match, else one differing only in the case of the scheme. */
export function keySetFor(sets: OpenedKeySet[], identity: string): OpenedKeySet | undefined {
  const norm = (u: string) => u.replace(/^([a-zA-Z][\w+.-]*):/, (_m, s: string) => `${s.toLowerCase()}:`);
  return sets.find((s) => s.set.userUri === identity) ?? sets.find((s) => norm(s.set.userUri) === norm(identity));
}
