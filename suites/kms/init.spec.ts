/**
 * KMS Initialize (D.2.3, D.3.1, D.3.2, 5.3.4, 5.3.5) and the Root KMS
 * certificate, requested as a KM client with the first test user's access
 * token. Every response is also schema-checked (fixture, D.3.5.1).
 */
import { test } from './fixture.ts';
import { requirements } from '../../lib/harness/index.ts';
import { REQ } from './requirements.ts';
import { expectKmsResponse } from './checks/answer.ts';
import { checkEcho, checkNoForeignElementsInKmsNamespace } from './checks/envelope.ts';
import { checkRootCertificate } from './checks/certificate.ts';
import { checkKeyWrap } from './checks/protection.ts';

test(
  'D.2.3 KMS Initialize returns the Root KMS certificate (D.3.1, D.3.2.2, 5.3.4, 5.3.5)',
  {
    annotation: requirements(
      'MCXSEC-D.2.3-01', 'MCXSEC-D.3.1-01', 'MCXSEC-D.3.1-02', 'MCXSEC-5.3.4-01', 'MCXSEC-5.3.1.2-01', 'MCXSEC-5.3.5-01', 'MCXSEC-D.3.2.2-01', 'MCXSEC-D.3.2.2-02',
      'MCXSEC-D.3.2.2-03', 'MCXSEC-D.3.2.2-04', 'MCXSEC-F.2.1-03', 'MCXSEC-D.3.2.2-05', 'MCXSEC-D.3.2.2-06', 'MCXSEC-D.3.2.2-07', 'MCXSEC-D.3.2.2-08',
      'MCXSEC-D.3.2.2-09', 'MCXSEC-D.1-03', 'MCXSEC-D.3.5.1-01', 'MCXSEC-9.3.4.2-03',
    ),
    tag: ['@kms'],
  },
  async ({ kms, verify }) => {
    const token = await kms.token('valid', [REQ.initResource]);
    const ex = await kms.send({ type: 'init', userUri: kms.userUri, accessToken: token, label: 'init' });
    const doc = expectKmsResponse(verify, ex, REQ.initResource, 'KMS Initialize');
    verify.check(REQ.initResource, 'init answered with KmsInit', !!doc.message?.init, { field: 'KmsResponse/KmsMessage', expected: 'KmsInit', actual: doc.message ? Object.keys(doc.message).join(', ') || 'empty' : '(absent)', fatal: true });
    checkEcho(verify, ex, doc, { userUri: kms.userUri, kmsUri: kms.target.kmsUri });
    checkNoForeignElementsInKmsNamespace(verify, ex, ex.opened!.received!.root);
    const cert = doc.message!.init!.certificate;
    const present = cert.kmsUri !== '' || cert.pubAuthKey !== '';
    const details = { field: 'KmsInit/KmsCertificate', expected: 'the KMS certificate', actual: present ? `${cert.certUri ?? ''} ${cert.kmsUri}` : '(absent)' };
    verify.check(REQ.initCarriesCert, 'KMSInit response carries the KMS certificate', present, details);
    verify.check(REQ.homeCert, 'the Home KMS gives its own certificate', present && cert.kmsUri === kms.target.kmsUri, { ...details, expected: `certificate of ${kms.target.kmsUri}` });
    verify.check(REQ.initRootCert, 'KmsInit holds the KMS\'s Root certificate', present && cert.kmsUri === kms.target.kmsUri, { ...details, expected: `certificate of ${kms.target.kmsUri}`, fatal: true });
    checkRootCertificate(verify, cert);
    // A new TrK/InK, when sent (5.3.4, D.3.2), must unwrap under the current TrK (kw-aes256). Using it would
    // rotate the user's keys under the other tests running in parallel, so the suite only unwraps it.
    checkKeyWrap(verify, ex, ex.opened!);
  },
);

test(
  'D.3.2.1 the KMS has one root certificate: two initializations return the same one',
  { annotation: requirements('MCXSEC-D.3.2.1-01'), tag: ['@kms'] },
  async ({ kms, verify }) => {
    const token = await kms.token('valid', [REQ.oneRootCert]);
    const first = expectKmsResponse(verify, await kms.send({ type: 'init', userUri: kms.userUri, accessToken: token, label: 'init 1' }), REQ.oneRootCert, 'KMS Initialize');
    const second = expectKmsResponse(verify, await kms.send({ type: 'init', userUri: kms.userUri, accessToken: token, label: 'init 2' }), REQ.oneRootCert, 'KMS Initialize');
    const a = first.message?.init?.certificate;
    const b = second.message?.init?.certificate;
    if (!a || !b || !a.pubAuthKey || !b.pubAuthKey) return verify.inconclusive([REQ.oneRootCert], 'KMS Initialize returned no certificate (graded under D.3.1)');
    const same = a.certUri === b.certUri && a.kmsUri === b.kmsUri && a.pubEncKey.toLowerCase() === b.pubEncKey.toLowerCase() && a.pubAuthKey.toLowerCase() === b.pubAuthKey.toLowerCase();
    verify.check(REQ.oneRootCert, 'both KMS Initialize responses carry the same root certificate', same, {
      field: 'KmsCertificate CertUri, KmsUri, PubEncKey, PubAuthKey',
      expected: `${a.certUri ?? '(no CertUri)'} ${a.kmsUri}`,
      actual: `${b.certUri ?? '(no CertUri)'} ${b.kmsUri}${a.pubAuthKey.toLowerCase() !== b.pubAuthKey.toLowerCase() ? ' (different KPAK)' : ''}${a.pubEncKey.toLowerCase() !== b.pubEncKey.toLowerCase() ? ' (different Z_T)' : ''}`,
    });
  },
);
