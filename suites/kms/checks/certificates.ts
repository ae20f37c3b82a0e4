/** Answers to KMS CertCache and Cert (D.2.5, D.2.6, D.3.1, 5.3.1.2, 5.3.5): one table per exchange. */
import { checkTable, fail, inconclusive, notApplicable, pass, unmet, verdictOf } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import type { KmsCertificate } from '../../../lib/kms-xml/model.ts';
import { containerOutcome, needsServed, refusalOf, servedProblem } from './answer.ts';

export interface CertCacheAnswer {
  ex: KmsExchange;
  kmsUri: string;
  /** kms.externalKmsUris of the target file. */
  externalKmsUris: string[];
}

const certsOf = (ex: KmsExchange): KmsCertificate[] => ex.opened!.doc!.message!.certCache!.certificates;

function externalOutcome({ ex, externalKmsUris }: CertCacheAnswer) {
  // Only reached when the ICS claims kms.external-kms (the catalog entry is conditional on it).
  if (externalKmsUris.length === 0) return inconclusive('the ICS claims kms.external-kms but the target file names no External KMS (kms.externalKmsUris is empty)', 'configuration');
  const have = certsOf(ex).map((c) => c.kmsUri);
  const missing = externalKmsUris.filter((u) => !have.includes(u));
  return verdictOf(missing.length === 0, 'KmsCertCache/KmsCertificate/KmsUri', externalKmsUris.join(', '), `${have.join(', ') || '(no certificates)'}${missing.length ? `; missing: ${missing.join(', ')}` : ''}`, 'missing');
}

export const CERTCACHE = checkTable<CertCacheAnswer>('kms certcache response', [
  {
    id: 'kms.certcache.kms-certcache',
    requirement: 'MCXSEC-D.2.5-01',
    title: 'KMS CertCache answered with KmsCertCache',
    run: ({ ex }) => containerOutcome(ex, 'certCache', 'KmsCertCache'),
  },
  {
    id: 'kms.certcache.external-certificates',
    requirement: 'MCXSEC-D.3.1-04',
    title: 'the cache holds every External KMS certificate',
    after: ['kms.certcache.kms-certcache'],
    run: externalOutcome,
  },
  {
    id: 'kms.certcache.home-provides-external',
    requirement: 'MCXSEC-5.3.1.2-03',
    title: 'the Home KMS provides the External KMS certificates',
    after: ['kms.certcache.kms-certcache'],
    run: externalOutcome,
  },
  {
    id: 'kms.certcache.one-per-kms',
    requirement: 'MCXSEC-5.3.5-02',
    title: 'one certificate per KMS URI in the cache',
    after: ['kms.certcache.kms-certcache'],
    run: ({ ex }) => {
      const have = certsOf(ex).map((c) => c.kmsUri);
      if (have.length === 0) return notApplicable('no certificates in this cache');
      const dup = [...new Set(have.filter((u, i) => have.indexOf(u) !== i))];
      return verdictOf(dup.length === 0, 'KmsCertCache/KmsCertificate/KmsUri', 'unique', dup.length ? `repeated: ${dup.join(', ')}` : `${have.length} unique`);
    },
  },
  {
    id: 'kms.certcache.roles',
    requirement: 'MCXSEC-D.3.2.2-02',
    title: 'Role of each cached certificate (Root for the KMS itself, External otherwise)',
    after: ['kms.certcache.kms-certcache'],
    run: ({ ex, kmsUri }) => {
      const certs = certsOf(ex);
      if (certs.length === 0) return notApplicable('no certificates in this cache');
      const wrong = certs.filter((c) => c.role !== (c.kmsUri === kmsUri ? 'Root' : 'External')).map((c) => `${c.certUri ?? c.kmsUri}: ${c.role}`);
      return verdictOf(wrong.length === 0, 'KmsCertificate/@Role', `Root for ${kmsUri}, External for the others`, wrong.length ? wrong.join(', ') : `${certs.length} certificate(s) as expected`);
    },
  },
]);

export interface CacheNumberAnswer {
  /** CacheNum of the first answer (absent: none given). */
  cacheNum?: string;
  /** The answer to certcache/<cacheNum>. */
  again?: KmsExchange;
  /** The certificates of the first answer. */
  held: KmsCertificate[];
}

export const CERTCACHE_NUMBER = checkTable<CacheNumberAnswer>('kms certcache/<cache number> response', [
  {
    id: 'kms.certcache.cache-number',
    requirement: 'MCXSEC-D.2.5-02',
    title: 'certcache/<cache number> does not repeat certificates already held',
    run: ({ cacheNum, again, held }) => {
      if (cacheNum === undefined) return fail('KmsCertCache/@CacheNum', 'a cache number', '(absent)', 'missing');
      if (!again) return inconclusive(`certcache/${cacheNum} was not sent`, 'precondition');
      const p = servedProblem(again);
      if (p) return p;
      const repeated = (again.opened!.doc!.message?.certCache?.certificates ?? []).filter((c) => held.some((o) => o.kmsUri === c.kmsUri && (o.certUri ?? '') === (c.certUri ?? '') && o.pubAuthKey === c.pubAuthKey));
      return verdictOf(repeated.length === 0, 'KmsCertCache/KmsCertificate', `none of the certificates of cache ${cacheNum}`, repeated.length ? `repeated: ${repeated.map((c) => c.certUri ?? c.kmsUri).join(', ')}` : 'no repeats');
    },
  },
]);

export interface CertAnswer {
  ex: KmsExchange;
  /** The External KMS URI asked for. */
  ext: string;
}

const matchOf = ({ ex, ext }: CertAnswer) => (ex.opened!.doc!.message?.certCache?.certificates ?? []).find((c) => c.kmsUri === ext);

export const CERT = checkTable<CertAnswer>('kms cert/<kms uri> response', [
  {
    id: 'kms.cert.requested-certificate',
    requirement: 'MCXSEC-D.2.6-01',
    title: 'cert/<kms uri> returns the certificate of that KMS',
    run: (i) => {
      const p = servedProblem(i.ex);
      if (p) return p;
      const certs = i.ex.opened!.doc!.message?.certCache?.certificates ?? [];
      return verdictOf(!!matchOf(i), 'KmsCertificate/KmsUri', i.ext, certs.map((c) => c.kmsUri).join(', ') || '(none)', 'missing');
    },
  },
  {
    id: 'kms.cert.single-certificate',
    requirement: 'MCXSEC-D.3.1-05',
    title: 'cert/<kms uri> answers with one certificate in KmsCertCache',
    needs: ({ ex }) => needsServed(ex, 'kms.cert.requested-certificate'),
    run: ({ ex }) => {
      const cache = ex.opened!.doc!.message?.certCache;
      return verdictOf(!!cache && cache.certificates.length === 1, 'KmsCertCache/KmsCertificate', '1 certificate', cache ? `${cache.certificates.length} certificate(s)` : 'no KmsCertCache');
    },
  },
  {
    id: 'kms.cert.role-external',
    requirement: 'MCXSEC-D.3.2.2-02',
    title: 'the certificate of an External KMS has Role External',
    after: ['kms.cert.requested-certificate'],
    needs: (i) => (matchOf(i) ? undefined : unmet('no certificate of the requested KMS', 'precondition')),
    run: (i) => verdictOf(matchOf(i)!.role === 'External', 'KmsCertificate/@Role', 'External', matchOf(i)!.role),
  },
]);

export const CERT_UNKNOWN = checkTable<{ ex: KmsExchange }>('kms cert/<unknown kms uri> response', [
  {
    id: 'kms.cert-unknown.error',
    requirement: 'MCXSEC-D.3.1-06',
    title: 'cert/<unknown kms uri> is answered with an error',
    run: ({ ex }) => {
      const r = refusalOf(ex);
      if (r.refused === undefined) return inconclusive(`${ex.label}: ${r.detail}`, r.blame);
      const certs = ex.opened?.doc?.message?.certCache?.certificates ?? [];
      if (r.refused && certs.length === 0) return pass('response', r.detail, 'HTTP 4xx or KmsError');
      return fail('response', 'HTTP 4xx or KmsError', certs.length ? `${r.detail}, ${certs.length} certificate(s)` : r.detail, 'not_refused');
    },
  },
]);
