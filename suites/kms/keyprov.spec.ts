/**
 * KMS KeyProvision (D.2.4, D.3.1, D.3.3, 5.3.6, F.2.1): key sets for the
 * identities the access token carries, verified cryptographically against
 * the Root KMS certificate (UID per F.2.1, RSK per RFC 6508 6.1.2, SSK/PVT
 * per RFC 6507 5.1.2). The first test user's MC service IDs come from the
 * target file (idms.users[0]).
 */
import { test } from './fixture.ts';
import { requirements } from '../../lib/harness/index.ts';
import { REQ } from './requirements.ts';
import { expectKmsResponse, refusalOf } from './checks/answer.ts';
import { checkEcho } from './checks/envelope.ts';
import { checkKeySet, checkKeyPeriodNo, currentPeriodNo, keySetFor } from './checks/key-set.ts';
import { periodOf } from './checks/certificate.ts';
import { keyPeriodStart } from '../../lib/crypto/uid.ts';
import { ntpToBytes } from '../../lib/crypto/ntp.ts';
import { toHex } from '../../lib/crypto/bytes.ts';

test(
  'D.2.4 KeyProvision issues a verified key set for each identity of the access token (D.3.1, D.3.3.2, 5.3.6, F.2.1)',
  {
    annotation: requirements('MCXSEC-D.2.4-01', 'MCXSEC-D.3.1-01', 'MCXSEC-D.3.1-03', 'MCXSEC-5.3.6-01', 'MCXSEC-D.3.3.2-01', 'MCXSEC-D.3.3.2-02', 'MCXSEC-D.3.3.2-03', 'MCXSEC-D.3.3.2-04', 'MCXSEC-D.3.3.2-05', 'MCXSEC-D.3.3.2-06', 'MCXSEC-F.2.1-01', 'MCXSEC-F.2.1-02', 'MCXSEC-D.3.5.1-01'),
    tag: ['@kms'],
  },
  async ({ kms, verify }) => {
    const cert = await kms.rootCertificate([REQ.keyProvResource]);
    const token = await kms.token('valid', [REQ.keyProvResource]);
    const ex = await kms.send({ type: 'keyprov', userUri: kms.userUri, accessToken: token, label: 'keyprov' });
    const doc = expectKmsResponse(verify, ex, REQ.keyProvResource, 'KMS KeyProvision');
    verify.check(REQ.keyProvResource, 'keyprov answered with KmsKeyProv', !!doc.message?.keyProv, { field: 'KmsResponse/KmsMessage', expected: 'KmsKeyProv', actual: doc.message ? Object.keys(doc.message).join(', ') || 'empty' : '(absent)', fatal: true });
    checkEcho(verify, ex, doc, { userUri: kms.userUri, kmsUri: kms.target.kmsUri });
    const sets = ex.opened!.keySets;
    const missing = kms.identities.filter((id) => !keySetFor(sets, id));
    verify.check(REQ.keyProvPerIdentity, 'a key set for each MC service ID of the access token', missing.length === 0, {
      field: 'KmsKeyProv/KmsKeySet/UserUri',
      expected: kms.identities.join(', '),
      actual: `${sets.map((s) => s.set.userUri).join(', ') || '(no key sets)'}${missing.length ? `; missing: ${missing.join(', ')}` : ''}`,
    });
    for (const identity of kms.identities) {
      const s = keySetFor(sets, identity);
      if (s) checkKeySet(verify, s, { identity, cert, kmsUri: kms.target.kmsUri });
    }
  },
);

test(
  'D.2.4 KeyProvision naming one of the user\'s identities returns its key set',
  { annotation: requirements('MCXSEC-D.2.4-02'), tag: ['@kms'] },
  async ({ kms, verify }) => {
    const token = await kms.token('valid', [REQ.keyProvNamed]);
    const identity = kms.identities[kms.identities.length - 1];
    const ex = await kms.send({ type: 'keyprov', path: [identity], userUri: kms.userUri, accessToken: token, label: `keyprov/${identity}` });
    const doc = expectKmsResponse(verify, ex, REQ.keyProvNamed, `KMS KeyProvision for ${identity}`);
    const sets = ex.opened!.keySets;
    verify.check(REQ.keyProvNamed, `keyprov/${identity} returns the key set of ${identity}`, !!doc.message?.keyProv && !!keySetFor(sets, identity), {
      field: 'KmsKeyProv/KmsKeySet/UserUri',
      expected: identity,
      actual: sets.map((s) => s.set.userUri).join(', ') || '(no key sets)',
    });
  },
);

test(
  'D.2.4 KeyProvision naming an identity and an NTP time returns that key period\'s key set',
  { annotation: requirements('MCXSEC-D.2.4-03'), tag: ['@kms'] },
  async ({ kms, verify }) => {
    const cert = await kms.rootCertificate([REQ.keyProvTime]);
    const p = periodOf(cert);
    const current = currentPeriodNo(cert);
    if (!p || current === undefined || current < 1) return verify.inconclusive([REQ.keyProvTime], `the certificate's key period (${cert.userKeyPeriod}/${cert.userKeyOffset}) gives no usable previous period`);
    const wanted = current - 1;
    // The middle of the previous key period, as a 64-bit NTP timestamp in hex (D.2.4 example 2).
    const ntpHex = toHex(ntpToBytes({ seconds: keyPeriodStart(wanted, p.period, p.offset) + Math.floor(p.period / 2), fraction: 0 })).toUpperCase();
    const token = await kms.token('valid', [REQ.keyProvTime]);
    const ex = await kms.send({ type: 'keyprov', path: [kms.userUri, ntpHex], userUri: kms.userUri, accessToken: token, label: `keyprov/${kms.userUri}/${ntpHex}` });
    expectKmsResponse(verify, ex, REQ.keyProvTime, 'KMS KeyProvision with a time');
    const s = keySetFor(ex.opened!.keySets, kms.userUri);
    verify.check(REQ.keyProvTime, `keyprov/${kms.userUri}/${ntpHex} returns the key set of period ${wanted}`, !!s && s.set.keyPeriodNo === String(wanted), {
      field: 'KmsKeySet/KeyPeriodNo',
      expected: String(wanted),
      actual: s ? s.set.keyPeriodNo : `no key set for ${kms.userUri}`,
    });
  },
);

test(
  '5.3.1.2 KeyProvision for an identity the access token does not carry is refused',
  { annotation: requirements('MCXSEC-5.3.1.2-02'), tag: ['@kms'] },
  async ({ kms, verify, target }) => {
    const foreign = kms.target.foreignIdentity ?? target.idms?.users[1]?.mcpttId ?? `sip:not-${Date.now()}@${(kms.userUri.split('@')[1] ?? 'example.org')}`;
    const token = await kms.token('valid', [REQ.ownIdentitiesOnly]);
    const ex = await kms.send({ type: 'keyprov', path: [foreign], userUri: kms.userUri, accessToken: token, label: `keyprov/${foreign} (not the user's)` });
    const r = refusalOf(ex);
    const issued = ex.opened?.keySets.filter((s) => s.set.userUri === foreign) ?? [];
    if (r.refused === undefined && issued.length === 0) return verify.inconclusive([REQ.ownIdentitiesOnly], `keyprov/${foreign}: ${r.detail}`, 'unreachable');
    verify.refused(REQ.ownIdentitiesOnly, `keyprov/${foreign} refused or answered without keys for it`, issued.length === 0, {
      field: 'response',
      expected: `no key set for ${foreign}`,
      actual: issued.length ? `issued a key set for ${foreign}` : r.detail,
    });
  },
);

test(
  '5.3.6 KeyProvision key sets are for the current key period',
  { annotation: requirements('MCXSEC-5.3.6-01'), tag: ['@kms'] },
  async ({ kms, verify }) => {
    // Graded with the other key set checks in the first test; this one re-reads one key set on its own so a
    // report filtered to 5.3.6 shows its evidence.
    const cert = await kms.rootCertificate([REQ.keySetCurrent]);
    const token = await kms.token('valid', [REQ.keySetCurrent]);
    const ex = await kms.send({ type: 'keyprov', path: [kms.userUri], userUri: kms.userUri, accessToken: token, label: `keyprov/${kms.userUri}` });
    expectKmsResponse(verify, ex, REQ.keySetCurrent, 'KMS KeyProvision');
    const s = keySetFor(ex.opened!.keySets, kms.userUri);
    if (!s) return verify.inconclusive([REQ.keySetCurrent], `no key set for ${kms.userUri} (graded under D.2.4)`);
    checkKeyPeriodNo(verify, s, { identity: kms.userUri, cert, kmsUri: kms.target.kmsUri });
  },
);
