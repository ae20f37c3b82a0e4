/**
 * Checks of a KMS certificate (D.3.2.2, 5.3.5, F.2.1), one table: each
 * check reads one property of the certificate for one requirement. A
 * property that cannot be read fails its own check only; the others still
 * give their result.
 */
import { checkTable, fail, notApplicable, pass, verdictOf } from '../../../lib/harness/check.ts';
import type { KmsCertificate } from '../../../lib/kms-xml/model.ts';
import { fromHex } from '../../../lib/crypto/bytes.ts';
import { isSakkePublicPoint } from '../../../lib/crypto/sakke.ts';
import { isValidP256Point } from '../../../lib/crypto/eccsi.ts';

export interface CertificateInput {
  cert: KmsCertificate;
  /** The role the certificate must have where it was found. */
  role: 'Root' | 'External';
  now?: Date;
}

/** Period and offset as numbers, or undefined when unusable. */
export function periodOf(c: KmsCertificate): { period: number; offset: number } | undefined {
  const period = /^\d+$/.test(c.userKeyPeriod) ? Number(c.userKeyPeriod) : NaN;
  const offset = /^\d+$/.test(c.userKeyOffset) ? Number(c.userKeyOffset) : NaN;
  return Number.isSafeInteger(period) && period > 0 && Number.isSafeInteger(offset) ? { period, offset } : undefined;
}

const periodField = 'KmsCertificate/UserKeyPeriod, UserKeyOffset';
const periodActual = (c: KmsCertificate) => `period ${c.userKeyPeriod}, offset ${c.userKeyOffset}`;
const offsetBelow = (c: KmsCertificate) => {
  const p = periodOf(c);
  return !!p && p.offset < p.period;
};

/** RFC 6509 Z_T: 257-octet uncompressed point on the parameter set 1 curve. */
export function ztProblem(c: KmsCertificate): string | undefined {
  const bytes = fromHex(c.pubEncKey);
  if (!bytes) return 'PubEncKey is not hex';
  const r = isSakkePublicPoint(bytes);
  if (!r.ok) return r.reason;
  if (bytes.length !== 257 || bytes[0] !== 0x04) return `${bytes.length} octets, prefix ${bytes[0]?.toString(16)}`;
  return undefined;
}

/** RFC 6507 KPAK: 65-octet uncompressed P-256 point. */
export function kpakProblem(c: KmsCertificate): string | undefined {
  const bytes = fromHex(c.pubAuthKey);
  if (!bytes) return 'PubAuthKey is not hex';
  const r = isValidP256Point(bytes);
  if (!r.ok) return r.reason;
  if (bytes.length !== 65 || bytes[0] !== 0x04) return `${bytes.length} octets, prefix ${bytes[0]?.toString(16)}`;
  return undefined;
}

export const CERTIFICATE = checkTable<CertificateInput>('kms certificate', [
  {
    id: 'kms.certificate.contents',
    requirement: 'MCXSEC-5.3.5-01',
    title: 'the certificate carries role, KPAK, Z_T and UID conversion',
    run: ({ cert: c }) => {
      const missing = [
        ['Role', c.role],
        ['PubAuthKey', c.pubAuthKey],
        ['PubEncKey', c.pubEncKey],
        ['UserIdFormat', c.userIdFormat],
        ['UserKeyPeriod', c.userKeyPeriod],
        ['UserKeyOffset', c.userKeyOffset],
        ['KmsUri', c.kmsUri],
      ].filter(([, v]) => !v).map(([k]) => k);
      return verdictOf(missing.length === 0, 'KmsCertificate', 'Role, KmsUri, PubAuthKey, PubEncKey, UserIdFormat, UserKeyPeriod, UserKeyOffset', missing.length ? `missing: ${missing.join(', ')}` : 'all present', 'missing');
    },
  },
  {
    id: 'kms.certificate.version',
    requirement: 'MCXSEC-D.3.2.2-01',
    title: 'certificate Version',
    run: ({ cert: c }) => verdictOf(c.version === '1.1.0' || c.version === '1.2.0', 'KmsCertificate/@Version', '1.1.0 or 1.2.0', c.version),
  },
  {
    id: 'kms.certificate.role',
    requirement: 'MCXSEC-D.3.2.2-02',
    title: 'certificate Role',
    run: ({ cert: c, role }) => verdictOf(c.role === role, 'KmsCertificate/@Role', role, c.role),
  },
  {
    id: 'kms.certificate.user-id-format',
    requirement: 'MCXSEC-D.3.2.2-03',
    title: 'certificate UserIDFormat',
    run: ({ cert: c }) => verdictOf(c.userIdFormat === '2', 'KmsCertificate/UserIdFormat', '2 (F.2.1 UID)', c.userIdFormat),
  },
  {
    id: 'kms.certificate.period-offset',
    requirement: 'MCXSEC-D.3.2.2-04',
    title: 'certificate UserKeyPeriod and UserKeyOffset',
    run: ({ cert: c }) => verdictOf(offsetBelow(c), periodField, 'UserKeyPeriod > 0 and UserKeyOffset < UserKeyPeriod', periodActual(c)),
  },
  {
    id: 'kms.certificate.offset-below-period',
    requirement: 'MCXSEC-F.2.1-03',
    title: 'certificate key period offset below the period (P4 < P3)',
    run: ({ cert: c }) => verdictOf(offsetBelow(c), periodField, 'UserKeyOffset < UserKeyPeriod', periodActual(c)),
  },
  {
    id: 'kms.certificate.zt',
    requirement: 'MCXSEC-D.3.2.2-05',
    title: 'certificate PubEncKey is a SAKKE Z_T point',
    run: ({ cert: c }) => {
      const p = ztProblem(c);
      return p ? fail('KmsCertificate/PubEncKey', '257-octet uncompressed point on the RFC 6509 parameter set 1 curve, order q', p, 'invalid') : pass('KmsCertificate/PubEncKey', 'a 257-octet point on the curve');
    },
  },
  {
    id: 'kms.certificate.kpak',
    requirement: 'MCXSEC-D.3.2.2-06',
    title: 'certificate PubAuthKey is a P-256 KPAK',
    run: ({ cert: c }) => {
      const p = kpakProblem(c);
      return p ? fail('KmsCertificate/PubAuthKey', '65-octet uncompressed P-256 point', p, 'invalid') : pass('KmsCertificate/PubAuthKey', 'a 65-octet P-256 point');
    },
  },
  {
    id: 'kms.certificate.gateway-version',
    requirement: 'MCXSEC-D.3.2.2-07',
    title: 'IsSecurityGateway implies Version 1.2.0',
    run: ({ cert: c }) =>
      c.isSecurityGateway === undefined
        ? notApplicable('no IsSecurityGateway attribute: not a security gateway certificate')
        : verdictOf(c.version === '1.2.0', 'KmsCertificate/@Version', '1.2.0 (IsSecurityGateway present)', c.version),
  },
  {
    id: 'kms.certificate.validity',
    requirement: 'MCXSEC-D.3.2.2-08',
    title: 'certificate validity contains the current time',
    run: ({ cert: c, now = new Date() }) => {
      const from = c.validFrom ? Date.parse(c.validFrom) : undefined;
      const to = c.validTo ? Date.parse(c.validTo) : undefined;
      const bad = (from !== undefined && (Number.isNaN(from) || from > now.getTime())) || (to !== undefined && (Number.isNaN(to) || to < now.getTime()));
      return verdictOf(!bad, 'KmsCertificate/ValidFrom, ValidTo', `ValidFrom <= ${now.toISOString()} <= ValidTo`, `${c.validFrom ?? '(none)'} .. ${c.validTo ?? '(none)'}`);
    },
  },
  {
    id: 'kms.certificate.parameter-set',
    requirement: 'MCXSEC-D.3.2.2-09',
    title: 'certificate ParameterSet',
    run: ({ cert: c }) => verdictOf(c.parameterSet === undefined || c.parameterSet === '1', 'KmsCertificate/ParameterSet', '1 (RFC 6509) or absent', c.parameterSet ?? '(absent)'),
  },
]);
