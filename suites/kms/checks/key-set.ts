/**
 * Checks of a KmsKeySet (D.3.3.2, 5.3.6, F.2.1): the UID recomputed from
 * the identity, the KMS URI, the certificate's period and offset and the
 * key set's KeyPeriodNo; the RSK against Z_T and the SSK/PVT against the
 * KPAK for that UID. Crypto checks are skipped (no finding) when the
 * certificate's public key is itself invalid: that is graded once, under
 * D.3.2.2, and must not fail the key set too.
 */
import type { Checker } from '../../../lib/harness/checker.ts';
import type { KmsCertificate } from '../../../lib/kms-xml/model.ts';
import type { KeyMaterial, OpenedKeySet } from '../../../lib/kms-xml/open.ts';
import { fromBase64, fromHex, toBase64, toHex, equalBytes } from '../../../lib/crypto/bytes.ts';
import { isSakkePublicPoint, sakkeValidateRsk } from '../../../lib/crypto/sakke.ts';
import { eccsiValidateUserKey, isValidP256Point } from '../../../lib/crypto/eccsi.ts';
import { keyPeriodNumber, keyPeriodStart, mikeySakkeUid, mikeySakkeUidInput } from '../../../lib/crypto/uid.ts';
import { ntpSecondsFromUnixSeconds, unixSecondsFromNtpSeconds } from '../../../lib/crypto/ntp.ts';
import { periodOf } from './certificate.ts';
import { REQ } from '../requirements.ts';

export interface KeySetContext {
  /** The identity this key set is for (as the suite expects it). */
  identity: string;
  cert: KmsCertificate;
  kmsUri: string;
  /** The key period the set must be for (current unless a time was asked for). */
  expectedPeriodNo?: number;
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

export function checkKeySetIdentity(verify: Checker, s: OpenedKeySet, ctx: KeySetContext): boolean {
  return verify.check(REQ.keySetIdentity, `KmsKeySet UserUri for ${ctx.identity}`, s.set.userUri === ctx.identity && s.set.userId !== '', { field: 'KmsKeySet/UserUri', expected: ctx.identity, actual: s.set.userUri });
}

export function checkKeySetKmsUri(verify: Checker, s: OpenedKeySet, ctx: KeySetContext): boolean {
  return verify.check(REQ.keySetKmsUri, `KmsKeySet ${ctx.identity} KmsUri`, s.set.kmsUri === ctx.kmsUri, { field: 'KmsKeySet/KmsUri', expected: ctx.kmsUri, actual: s.set.kmsUri });
}

/** KeyPeriodNo is the expected (current) period; graded under D.3.3.2 and 5.3.6. */
export function checkKeyPeriodNo(verify: Checker, s: OpenedKeySet, ctx: KeySetContext): boolean {
  const expected = ctx.expectedPeriodNo ?? currentPeriodNo(ctx.cert);
  const details = { field: 'KmsKeySet/KeyPeriodNo', expected, actual: s.set.keyPeriodNo };
  const ok = expected !== undefined && periodNoOf(s) === expected;
  verify.check(REQ.keySetCurrent, `KmsKeySet ${ctx.identity} is for the current key period`, ok, details);
  return verify.check(REQ.keySetPeriod, `KmsKeySet ${ctx.identity} KeyPeriodNo`, ok, details);
}

/** UserID: base64 (F.2.1-02) of the UID (F.2.1-01). A hex-written UID still grades F.2.1-01 on its value. */
export function checkUid(verify: Checker, s: OpenedKeySet, ctx: KeySetContext): boolean {
  const n = periodNoOf(s);
  const expected = n !== undefined ? expectedUid(ctx, n) : undefined;
  const b64 = /^[A-Za-z0-9+/]+={0,2}$/.test(s.set.userId) ? fromBase64(s.set.userId) : undefined;
  const base64Ok = !!b64 && b64.length === 32;
  verify.check(REQ.uidBase64, `KmsKeySet ${ctx.identity} UserID is a base64 256-bit UID`, base64Ok, { field: 'KmsKeySet/UserID', expected: 'base64 of 32 octets', actual: s.set.userId });
  const asHex = /^[0-9a-fA-F]{64}$/.test(s.set.userId) ? fromHex(s.set.userId) : undefined;
  const value = base64Ok ? b64 : asHex;
  if (!expected) return verify.check(REQ.uid, `KmsKeySet ${ctx.identity} UserID is the F.2.1 UID`, false, { field: 'KmsKeySet/KeyPeriodNo', expected: 'an integer key period number', actual: s.set.keyPeriodNo });
  return verify.check(REQ.uid, `KmsKeySet ${ctx.identity} UserID is the F.2.1 UID`, !!value && equalBytes(value, expected.uid), {
    field: 'KmsKeySet/UserID',
    expected: toBase64(expected.uid),
    actual: s.set.userId,
    detail: `UID = SHA-256(${expected.input}) for P1=${ctx.identity}, P2=${ctx.kmsUri}, P3=${ctx.cert.userKeyPeriod}, P4=${ctx.cert.userKeyOffset}, P5=${n}`,
  });
}

function materialProblem(m: KeyMaterial, name: string): string | undefined {
  if (m.bytes) return undefined;
  return `${name}: ${m.problem ?? 'no key material'}`;
}

/** The UID the keys must be for: the identity and the key set's own KeyPeriodNo. */
function uidForKeys(s: OpenedKeySet, ctx: KeySetContext) {
  const n = periodNoOf(s);
  return n !== undefined ? expectedUid(ctx, n) : undefined;
}

/** RFC 6508 6.1.2 for the RSK; no finding when Z_T is invalid or the RSK could not be had (graded elsewhere). */
export function checkRsk(verify: Checker, s: OpenedKeySet, ctx: KeySetContext): boolean | undefined {
  const zT = fromHex(ctx.cert.pubEncKey);
  if (!zT || !isSakkePublicPoint(zT).ok) return undefined;
  const problem = materialProblem(s.rsk, 'UserDecryptKey');
  if (problem && s.rsk.form === 'encrypted') return undefined;
  const uid = uidForKeys(s, ctx);
  if (!uid) return undefined;
  const r = problem ? { ok: false as const, reason: problem } : sakkeValidateRsk(zT, uid.uid, s.rsk.bytes!);
  return verify.check(REQ.keySetRsk, `KmsKeySet ${ctx.identity} RSK validates against Z_T`, r.ok, {
    field: 'KmsKeySet/UserDecryptKey',
    expected: `<[b]P + Z_T, RSK> = g for b = UID ${toBase64(uid.uid)} (RFC 6508 6.1.2)`,
    actual: r.ok ? 'holds' : r.reason,
  });
}

/** RFC 6507 5.1.2 for SSK and PVT; no finding when the KPAK is invalid or the keys could not be decrypted. */
export function checkSskPvt(verify: Checker, s: OpenedKeySet, ctx: KeySetContext): boolean | undefined {
  const kpak = fromHex(ctx.cert.pubAuthKey);
  if (!kpak || !isValidP256Point(kpak).ok) return undefined;
  const problem = materialProblem(s.ssk, 'UserSigningKeySSK') ?? materialProblem(s.pvt, 'UserPubTokenPVT');
  if (problem && (s.ssk.form === 'encrypted' || s.pvt.form === 'encrypted')) return undefined;
  const uid = uidForKeys(s, ctx);
  if (!uid) return undefined;
  const r = problem ? { ok: false as const, reason: problem } : eccsiValidateUserKey(kpak, uid.uid, s.ssk.bytes!, s.pvt.bytes!);
  return verify.check(REQ.keySetSskPvt, `KmsKeySet ${ctx.identity} SSK/PVT validate against the KPAK`, r.ok, {
    field: 'KmsKeySet/UserSigningKeySSK, UserPubTokenPVT',
    expected: `PVT on P-256, [SSK]G = KPAK + [HS]PVT for ID = UID ${toBase64(uid.uid)} (RFC 6507 5.1.2)`,
    actual: r.ok ? 'holds' : r.reason,
  });
}

/** ValidFrom/ValidTo, when given, contain the key set's period. */
export function checkKeySetValidity(verify: Checker, s: OpenedKeySet, ctx: KeySetContext): boolean {
  const p = periodOf(ctx.cert);
  const n = periodNoOf(s);
  if (!p || n === undefined) return verify.check(REQ.keySetValidity, `KmsKeySet ${ctx.identity} validity brackets its key period`, false, { field: 'KeyPeriodNo', actual: s.set.keyPeriodNo, detail: 'no usable key period' });
  const startMs = unixSecondsFromNtpSeconds(keyPeriodStart(n, p.period, p.offset)) * 1000;
  const endMs = startMs + p.period * 1000;
  const from = s.set.validFrom ? Date.parse(s.set.validFrom) : undefined;
  const to = s.set.validTo ? Date.parse(s.set.validTo) : undefined;
  const bad = (from !== undefined && (Number.isNaN(from) || from > startMs + 1000)) || (to !== undefined && (Number.isNaN(to) || to < endMs - 1000));
  return verify.check(REQ.keySetValidity, `KmsKeySet ${ctx.identity} validity brackets its key period`, !bad, {
    field: 'KmsKeySet/ValidFrom, ValidTo',
    expected: `ValidFrom <= ${new Date(startMs).toISOString()} and ValidTo >= ${new Date(endMs - 1000).toISOString()} (period ${n})`,
    actual: `${s.set.validFrom ?? '(none)'} .. ${s.set.validTo ?? '(none)'}`,
  });
}

/** Every check of one key set. */
export function checkKeySet(verify: Checker, s: OpenedKeySet, ctx: KeySetContext): void {
  checkKeySetIdentity(verify, s, ctx);
  checkKeySetKmsUri(verify, s, ctx);
  checkKeyPeriodNo(verify, s, ctx);
  checkUid(verify, s, ctx);
  checkRsk(verify, s, ctx);
  checkSskPvt(verify, s, ctx);
  checkKeySetValidity(verify, s, ctx);
}

/** The key set for `identity`: exact UserUri match, else one differing only in the case of the scheme. */
export function keySetFor(sets: OpenedKeySet[], identity: string): OpenedKeySet | undefined {
  const norm = (u: string) => u.replace(/^([a-zA-Z][\w+.-]*):/, (_m, s: string) => `${s.toLowerCase()}:`);
  return sets.find((s) => s.set.userUri === identity) ?? sets.find((s) => norm(s.set.userUri) === norm(identity));
}
