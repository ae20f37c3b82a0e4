/**
 * KMS CertCache, Cert and Lookup (D.2.5 to D.2.7, D.3.1, 5.3.1.2, 5.3.4,
 * 5.3.5). External KMS URIs and the lookup example come from the target
 * file (kms.externalKmsUris, kms.lookup); whether the KMS has External KMSs
 * at all is the ICS feature kms.external-kms.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { CERT, CERT_UNKNOWN, CERTCACHE, CERTCACHE_NUMBER } from './checks/certificates.ts';
import { LOOKUP } from './checks/lookup.ts';
import { SCHEMA } from './checks/schema.ts';
import { BEARER } from './checks/bearer.ts';

test(
  'D.2.5 CertCache holds the External KMS certificates and honours the cache number (D.3.1, 5.3.1.2, 5.3.5)',
  { annotation: declare(CERTCACHE, CERTCACHE_NUMBER, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.cert-cache');
    const token = await kms.token('valid');
    const ex = await kms.serve({ type: 'certcache', userUri: kms.userUri, accessToken: token, label: 'certcache' });
    const r = await verify.run(CERTCACHE, { ex, kmsUri: kms.target.kmsUri, externalKmsUris: kms.target.externalKmsUris }, { label: 'certcache' });
    if (!r.passed('kms.certcache.kms-certcache')) return verify.stop('no KmsCertCache to take a cache number from (kms.certcache.kms-certcache)', 'precondition');
    const cache = ex.opened!.doc!.message!.certCache!;
    // D.2.5: asking with the cache number just received must not repeat the certificates.
    const num = cache.cacheNum;
    const again = num === undefined ? undefined : await kms.serve({ type: 'certcache', path: [num], userUri: kms.userUri, accessToken: token, label: `certcache/${num}` });
    await verify.run(CERTCACHE_NUMBER, { cacheNum: num, again, held: cache.certificates }, { label: `certcache/${num ?? '(no cache number)'}` });
  },
);

test(
  'D.2.6 Cert for a known External KMS returns exactly that certificate (D.3.1)',
  { annotation: declare(CERT, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.cert');
    const ext = kms.target.externalKmsUris[0];
    if (!ext) return verify.stop('the target file names no External KMS URI (kms.externalKmsUris)', 'configuration');
    const token = await kms.token('valid');
    const ex = await kms.serve({ type: 'cert', path: [ext], userUri: kms.userUri, accessToken: token, label: `cert/${ext}` });
    await verify.run(CERT, { ex, ext }, { label: `cert/${ext}` });
  },
);

test(
  'D.3.1 Cert for an unknown KMS URI is answered with an error',
  { annotation: declare(CERT_UNKNOWN, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.cert');
    const unknown = `unknown-${Date.now()}.kms.invalid`;
    const token = await kms.token('valid');
    const ex = await kms.send({ type: 'cert', path: [unknown], userUri: kms.userUri, accessToken: token, label: `cert/${unknown}` });
    await verify.run(CERT_UNKNOWN, { ex }, { label: `cert/${unknown}` });
  },
);

test(
  'D.2.7 Lookup returns the permitted KMS URI for a SIP URI (D.3.1, 5.3.4)',
  { annotation: declare(LOOKUP, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.lookup');
    const l = kms.target.lookup;
    if (!l) return verify.stop('the target file gives no kms.lookup (a SIP URI and the KMS URI expected for it)', 'configuration');
    const token = await kms.token('valid');
    const ex = await kms.serve({ type: 'lookup', path: [l.userUri], userUri: kms.userUri, accessToken: token, label: `lookup/${l.userUri}` });
    await verify.run(LOOKUP, { ex, userUri: l.userUri, expectedKmsUri: l.expectedKmsUri }, { label: `lookup/${l.userUri}` });
  },
);
