/**
 * KMS CertCache, Cert and Lookup (D.2.5 to D.2.7, D.3.1, 5.3.1.2, 5.3.4,
 * 5.3.5). External KMS URIs and the lookup example come from the target
 * file (kms.externalKmsUris, kms.lookup).
 */
import { test } from './fixture.ts';
import { requirements } from '../../lib/harness/index.ts';
import { isElement, localName, type XmlElement } from '../../lib/kms-xml/xml.ts';
import { REQ } from './requirements.ts';
import { expectKmsResponse, refusalOf } from './checks/answer.ts';
import { checkCertRole } from './checks/certificate.ts';

test(
  'D.2.5 CertCache holds the External KMS certificates and honours the cache number (D.3.1, 5.3.1.2, 5.3.5)',
  { annotation: requirements('MCXSEC-D.2.5-01', 'MCXSEC-D.3.1-04', 'MCXSEC-5.3.1.2-03', 'MCXSEC-5.3.5-02', 'MCXSEC-D.3.2.2-02', 'MCXSEC-D.2.5-02'), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.cert-cache');
    const token = await kms.token('valid', [REQ.certCacheResource]);
    const ex = await kms.send({ type: 'certcache', userUri: kms.userUri, accessToken: token, label: 'certcache' });
    const doc = expectKmsResponse(verify, ex, REQ.certCacheResource, 'KMS CertCache');
    const cache = doc.message?.certCache;
    verify.check(REQ.certCacheResource, 'certcache answered with KmsCertCache', !!cache, { field: 'KmsResponse/KmsMessage', expected: 'KmsCertCache', actual: doc.message ? Object.keys(doc.message).join(', ') || 'empty' : '(absent)', fatal: true });
    const certs = cache!.certificates;
    const have = certs.map((c) => c.kmsUri);
    const missing = kms.target.externalKmsUris.filter((u) => !have.includes(u));
    const details = { field: 'KmsCertCache/KmsCertificate/KmsUri', expected: kms.target.externalKmsUris.join(', ') || '(the target names none)', actual: `${have.join(', ') || '(no certificates)'}${missing.length ? `; missing: ${missing.join(', ')}` : ''}` };
    verify.check(REQ.certCacheContent, 'the cache holds every External KMS certificate', missing.length === 0, details);
    verify.check(REQ.externalCerts, 'the Home KMS provides the External KMS certificates', missing.length === 0, details);
    const dup = have.filter((u, i) => have.indexOf(u) !== i);
    verify.check(REQ.oneCertPerKms, 'one certificate per KMS URI in the cache', dup.length === 0, { field: 'KmsCertCache/KmsCertificate/KmsUri', expected: 'unique', actual: dup.length ? `repeated: ${[...new Set(dup)].join(', ')}` : 'unique' });
    for (const c of certs) checkCertRole(verify, c, c.kmsUri === kms.target.kmsUri ? 'Root' : 'External');
    // D.2.5: asking with the cache number just received must not repeat the certificates.
    const num = cache!.cacheNum;
    if (num === undefined) {
      verify.check(REQ.certCacheNumber, 'KmsCertCache carries a CacheNum', false, { field: 'KmsCertCache/@CacheNum', expected: 'a cache number', actual: '(absent)' });
      return;
    }
    const again = await kms.send({ type: 'certcache', path: [num], userUri: kms.userUri, accessToken: token, label: `certcache/${num}` });
    const doc2 = expectKmsResponse(verify, again, REQ.certCacheNumber, `KMS CertCache from ${num}`);
    const repeated = (doc2.message?.certCache?.certificates ?? []).filter((c) => certs.some((o) => o.kmsUri === c.kmsUri && (o.certUri ?? '') === (c.certUri ?? '') && o.pubAuthKey === c.pubAuthKey));
    verify.check(REQ.certCacheNumber, `certcache/${num} does not repeat certificates already held`, repeated.length === 0, { field: 'KmsCertCache/KmsCertificate', expected: 'none of the certificates of cache ' + num, actual: repeated.length ? `repeated: ${repeated.map((c) => c.certUri ?? c.kmsUri).join(', ')}` : 'no repeats' });
  },
);

test(
  'D.2.6 Cert for a known External KMS returns exactly that certificate (D.3.1)',
  { annotation: requirements('MCXSEC-D.2.6-01', 'MCXSEC-D.3.1-05', 'MCXSEC-D.3.2.2-02'), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.cert');
    const ext = kms.target.externalKmsUris[0];
    if (!ext) return verify.inconclusive([REQ.certResource], 'the target file names no External KMS URI (kms.externalKmsUris)');
    const token = await kms.token('valid', [REQ.certResource]);
    const ex = await kms.send({ type: 'cert', path: [ext], userUri: kms.userUri, accessToken: token, label: `cert/${ext}` });
    const doc = expectKmsResponse(verify, ex, REQ.certResource, `KMS Cert for ${ext}`);
    const certs = doc.message?.certCache?.certificates ?? [];
    verify.check(REQ.certSingle, `cert/${ext} answers with one certificate in KmsCertCache`, !!doc.message?.certCache && certs.length === 1, { field: 'KmsCertCache/KmsCertificate', expected: '1 certificate', actual: doc.message?.certCache ? `${certs.length} certificate(s)` : 'no KmsCertCache' });
    const match = certs.find((c) => c.kmsUri === ext);
    verify.check(REQ.certResource, `cert/${ext} returns the certificate of ${ext}`, !!match, { field: 'KmsCertificate/KmsUri', expected: ext, actual: certs.map((c) => c.kmsUri).join(', ') || '(none)' });
    if (match) checkCertRole(verify, match, 'External');
  },
);

test(
  'D.3.1 Cert for an unknown KMS URI is answered with an error',
  { annotation: requirements('MCXSEC-D.3.1-06'), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.cert');
    const unknown = `unknown-${Date.now()}.kms.invalid`;
    const token = await kms.token('valid', [REQ.certUnknownError]);
    const ex = await kms.send({ type: 'cert', path: [unknown], userUri: kms.userUri, accessToken: token, label: `cert/${unknown}` });
    const r = refusalOf(ex);
    if (r.refused === undefined) return verify.inconclusive([REQ.certUnknownError], `cert/${unknown}: ${r.detail}`, 'unreachable');
    const certs = ex.opened?.doc?.message?.certCache?.certificates ?? [];
    verify.check(REQ.certUnknownError, `cert/${unknown} is answered with an error`, r.refused && certs.length === 0, { field: 'response', expected: 'HTTP 4xx or KmsError', actual: r.detail });
  },
);

/** Elements anywhere below `root` that carry key material. */
function keyMaterialElements(root: XmlElement): string[] {
  const found: string[] = [];
  const stack = [root];
  while (stack.length) {
    const e = stack.pop()!;
    if (['KmsKeySet', 'UserDecryptKey', 'UserSigningKeySSK', 'NewTransportKey', 'NewIntegrityKey'].includes(localName(e.name))) found.push(localName(e.name));
    for (const c of e.children) if (isElement(c)) stack.push(c);
  }
  return found;
}

test(
  'D.2.7 Lookup returns the permitted KMS URI for a SIP URI (D.3.1, 5.3.4)',
  { annotation: requirements('MCXSEC-D.2.7-01', 'MCXSEC-D.3.1-07', 'MCXSEC-5.3.4-02'), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.lookup');
    const l = kms.target.lookup;
    if (!l) return verify.inconclusive([REQ.lookupResource], 'the target file gives no kms.lookup (a SIP URI and the KMS URI expected for it)');
    const token = await kms.token('valid', [REQ.lookupResource]);
    const ex = await kms.send({ type: 'lookup', path: [l.userUri], userUri: kms.userUri, accessToken: token, label: `lookup/${l.userUri}` });
    const doc = expectKmsResponse(verify, ex, REQ.lookupResource, `KMS Lookup for ${l.userUri}`);
    verify.check(REQ.lookupContainer, 'lookup answered inside KmsLookup', !!doc.message?.lookup, { field: 'KmsResponse/KmsMessage', expected: 'KmsLookup', actual: doc.message ? Object.keys(doc.message).join(', ') || 'empty' : '(absent)' });
    const uris = [...(doc.message?.lookup?.kmsUris ?? []), ...(doc.message?.certCache?.certificates.map((c) => c.kmsUri) ?? [])];
    verify.check(REQ.lookupResource, `lookup/${l.userUri} names ${l.expectedKmsUri}`, uris.includes(l.expectedKmsUri), { field: 'KmsLookup/KmsUri', expected: l.expectedKmsUri, actual: uris.join(', ') || '(no KMS URI)' });
    const messageEl = ex.opened?.received?.element.children.find((c): c is XmlElement => isElement(c) && localName(c.name) === 'KmsMessage');
    const keys = messageEl ? keyMaterialElements(messageEl) : [];
    verify.check(REQ.lookupNoKeys, 'the Lookup response carries no key material', keys.length === 0, { field: 'KmsMessage', expected: 'no KmsKeySet, no key fields', actual: keys.length ? `found: ${[...new Set(keys)].join(', ')}` : 'none' });
  },
);
