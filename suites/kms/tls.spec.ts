/**
 * 6.1.2 / D.1: the KMS interface is HTTPS (HTTP-1) and its TLS follows the
 * TS 33.310 Annex E profile. The scan (lib/tls/profile-scan.ts) puts
 * restricted ClientHellos to the KMS's origin: TLS 1.0/1.1, CBC-only,
 * non-forward-secret and NULL/export/RC4 offers must all be refused.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { scanTlsProfile, describeScan } from '../../lib/tls/profile-scan.ts';
import { KMS_ENDPOINT, TLS_SCAN } from './checks/tls.ts';

test(
  '6.1.2 TLS profile scan of the KMS interface: TLS 1.0/1.1, CBC-only, non-forward-secret and NULL/export/RC4 offers refused (TS 33.310 Annex E)',
  { annotation: declare(TLS_SCAN), tag: ['@kms'] },
  async ({ kms, verify, target, evidence }) => {
    const url = kms.target.baseUrl;
    if (!url.startsWith('https://')) return verify.stop(`kms.baseUrl ${url} is not HTTPS: no TLS to scan (graded by kms.transport.https)`, 'precondition');
    const results = await scanTlsProfile(url, { caPem: target.tls.caPem, verify: target.tls.verify });
    evidence.record('tls', 'KMS interface profile scan', describeScan(results));
    await verify.run(TLS_SCAN, { scans: { [KMS_ENDPOINT]: results } });
  },
);
