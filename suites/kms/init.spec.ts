/**
 * KMS Initialize (D.2.3, D.3.1, D.3.2, 5.3.4, 5.3.5) and the Root KMS
 * certificate, requested as a KM client with the first test user's access
 * token. Every response is also schema-checked (fixture, D.3.5.1).
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { INIT_RESPONSE } from './checks/init-response.ts';
import { CERTIFICATE } from './checks/certificate.ts';
import { ROOT_CERTIFICATE } from './checks/root-certificate.ts';
import { SCHEMA } from './checks/schema.ts';
import { BEARER } from './checks/bearer.ts';

test(
  'D.2.3 KMS Initialize returns the Root KMS certificate (D.3.1, D.3.2.2, 5.3.4, 5.3.5)',
  { annotation: declare(INIT_RESPONSE, CERTIFICATE, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify }) => {
    const token = await kms.token('valid');
    const ex = await kms.serve({ type: 'init', userUri: kms.userUri, accessToken: token, label: 'init' });
    const r = await verify.run(INIT_RESPONSE, { ex, userUri: kms.userUri, kmsUri: kms.target.kmsUri }, { label: 'init' });
    if (!r.passed('kms.init.root-certificate')) return verify.stop('KmsInit carries no certificate of this KMS to check (kms.init.root-certificate)', 'precondition');
    const cert = ex.opened!.doc!.message!.init!.certificate;
    await verify.run(CERTIFICATE, { cert, role: 'Root' }, { label: `KmsCertificate ${cert.certUri ?? cert.kmsUri}` });
  },
);

test(
  'D.3.2.1 the KMS has one root certificate: two initializations return the same one',
  { annotation: declare(ROOT_CERTIFICATE, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify }) => {
    const token = await kms.token('valid');
    const first = await kms.serve({ type: 'init', userUri: kms.userUri, accessToken: token, label: 'init 1' });
    const second = await kms.serve({ type: 'init', userUri: kms.userUri, accessToken: token, label: 'init 2' });
    await verify.run(ROOT_CERTIFICATE, { first, second });
  },
);
