/**
 * Checks of a KMS certificate (D.3.2.2, 5.3.5, F.2.1). Each function reads
 * one property and records one finding (two when the same observation
 * grades two requirement IDs).
 */
import type { Checker } from '../../../lib/harness/checker.ts';
import type { KmsCertificate } from '../../../lib/kms-xml/model.ts';
import { fromHex } from '../../../lib/crypto/bytes.ts';
import { isSakkePublicPoint } from '../../../lib/crypto/sakke.ts';
import { isValidP256Point } from '../../../lib/crypto/eccsi.ts';
import { REQ } from '../requirements.ts';

const where = (c: KmsCertificate) => `KmsCertificate ${c.certUri ?? c.kmsUri}`;

export function checkCertVersion(verify: Checker, c: KmsCertificate): boolean {
  return verify.check(REQ.certVersion, `${where(c)} Version`, c.version === '1.1.0' || c.version === '1.2.0', { field: 'KmsCertificate/@Version', expected: '1.1.0 or 1.2.0', actual: c.version });
}

export function checkCertRole(verify: Checker, c: KmsCertificate, expected: 'Root' | 'External'): boolean {
  return verify.check(REQ.certRole, `${where(c)} Role`, c.role === expected, { field: 'KmsCertificate/@Role', expected, actual: c.role });
}

export function checkUserIdFormat(verify: Checker, c: KmsCertificate): boolean {
  return verify.check(REQ.certUserIdFormat, `${where(c)} UserIDFormat`, c.userIdFormat === '2', { field: 'KmsCertificate/UserIdFormat', expected: '2 (F.2.1 UID)', actual: c.userIdFormat });
}

/** Period and offset as numbers, or undefined when unusable. */
export function periodOf(c: KmsCertificate): { period: number; offset: number } | undefined {
  const period = /^\d+$/.test(c.userKeyPeriod) ? Number(c.userKeyPeriod) : NaN;
  const offset = /^\d+$/.test(c.userKeyOffset) ? Number(c.userKeyOffset) : NaN;
  return Number.isSafeInteger(period) && period > 0 && Number.isSafeInteger(offset) ? { period, offset } : undefined;
}

export function checkPeriodAndOffset(verify: Checker, c: KmsCertificate): boolean {
  const p = periodOf(c);
  const ok = !!p && p.offset < p.period;
  const details = { field: 'KmsCertificate/UserKeyPeriod, UserKeyOffset', expected: 'UserKeyPeriod > 0 and UserKeyOffset < UserKeyPeriod', actual: `period ${c.userKeyPeriod}, offset ${c.userKeyOffset}` };
  verify.check(REQ.offsetBelowPeriod, `${where(c)} key period offset below the period (P4 < P3)`, ok, details);
  return verify.check(REQ.certPeriodOffset, `${where(c)} UserKeyPeriod and UserKeyOffset`, ok, details);
}

export function checkPubEncKey(verify: Checker, c: KmsCertificate): boolean {
  const bytes = fromHex(c.pubEncKey);
  const r = bytes ? isSakkePublicPoint(bytes) : { ok: false as const, reason: 'PubEncKey is not hex' };
  return verify.check(REQ.certZt, `${where(c)} PubEncKey is a SAKKE Z_T point`, r.ok && bytes!.length === 257 && bytes![0] === 0x04, {
    field: 'KmsCertificate/PubEncKey',
    expected: '257-octet uncompressed point on the RFC 6509 parameter set 1 curve, order q',
    actual: r.ok ? `${bytes!.length} octets, prefix ${bytes![0].toString(16)}` : r.reason,
  });
}

export function checkPubAuthKey(verify: Checker, c: KmsCertificate): boolean {
  const bytes = fromHex(c.pubAuthKey);
  const r = bytes ? isValidP256Point(bytes) : { ok: false as const, reason: 'PubAuthKey is not hex' };
  return verify.check(REQ.certKpak, `${where(c)} PubAuthKey is a P-256 KPAK`, r.ok && bytes!.length === 65 && bytes![0] === 0x04, {
    field: 'KmsCertificate/PubAuthKey',
    expected: '65-octet uncompressed P-256 point',
    actual: r.ok ? `${bytes!.length} octets, prefix ${bytes![0].toString(16)}` : r.reason,
  });
}

export function checkGatewayVersion(verify: Checker, c: KmsCertificate): boolean {
  if (c.isSecurityGateway === undefined) {
    return verify.check(REQ.certGatewayVersion, `${where(c)} IsSecurityGateway implies Version 1.2.0`, true, { field: 'KmsCertificate/@IsSecurityGateway', actual: 'absent', detail: 'not a security gateway certificate: any Version allowed' });
  }
  return verify.check(REQ.certGatewayVersion, `${where(c)} IsSecurityGateway implies Version 1.2.0`, c.version === '1.2.0', { field: 'KmsCertificate/@Version', expected: '1.2.0 (IsSecurityGateway present)', actual: c.version });
}

/** ValidFrom/ValidTo, when given, contain `now`. */
export function checkCertValidity(verify: Checker, c: KmsCertificate, now: Date = new Date()): boolean {
  const from = c.validFrom ? Date.parse(c.validFrom) : undefined;
  const to = c.validTo ? Date.parse(c.validTo) : undefined;
  const bad = (from !== undefined && (Number.isNaN(from) || from > now.getTime())) || (to !== undefined && (Number.isNaN(to) || to < now.getTime()));
  return verify.check(REQ.certValidity, `${where(c)} validity contains the current time`, !bad, { field: 'KmsCertificate/ValidFrom, ValidTo', expected: `ValidFrom <= ${now.toISOString()} <= ValidTo`, actual: `${c.validFrom ?? '(none)'} .. ${c.validTo ?? '(none)'}` });
}

export function checkParameterSet(verify: Checker, c: KmsCertificate): boolean {
  return verify.check(REQ.certParameterSet, `${where(c)} ParameterSet`, c.parameterSet === undefined || c.parameterSet === '1', { field: 'KmsCertificate/ParameterSet', expected: '1 (RFC 6509) or absent', actual: c.parameterSet ?? '(absent)' });
}

/** 5.3.5: the certificate carries what a client needs (role, both keys, UID conversion, validity info). */
export function checkCertContents(verify: Checker, c: KmsCertificate): boolean {
  const missing = [
    ['Role', c.role],
    ['PubAuthKey', c.pubAuthKey],
    ['PubEncKey', c.pubEncKey],
    ['UserIdFormat', c.userIdFormat],
    ['UserKeyPeriod', c.userKeyPeriod],
    ['UserKeyOffset', c.userKeyOffset],
    ['KmsUri', c.kmsUri],
  ].filter(([, v]) => !v).map(([k]) => k);
  return verify.check(REQ.certContents, `${where(c)} carries role, KPAK, Z_T and UID conversion`, missing.length === 0, { field: 'KmsCertificate', expected: 'Role, KmsUri, PubAuthKey, PubEncKey, UserIdFormat, UserKeyPeriod, UserKeyOffset', actual: missing.length ? `missing: ${missing.join(', ')}` : 'all present' });
}

/** Every D.3.2.2 check of a root certificate. */
export function checkRootCertificate(verify: Checker, c: KmsCertificate): void {
  checkCertContents(verify, c);
  checkCertVersion(verify, c);
  checkCertRole(verify, c, 'Root');
  checkUserIdFormat(verify, c);
  checkPeriodAndOffset(verify, c);
  checkPubEncKey(verify, c);
  checkPubAuthKey(verify, c);
  checkGatewayVersion(verify, c);
  checkCertValidity(verify, c);
  checkParameterSet(verify, c);
}
