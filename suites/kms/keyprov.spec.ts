/**
 * KMS KeyProvision (D.2.4, D.3.1, D.3.3, 5.3.6, F.2.1): key sets for the
 * identities the access token carries (its mcptt_id, mcvideo_id and
 * mcdata_id claims), verified cryptographically against the Root KMS
 * certificate (UID per F.2.1, RSK per RFC 6508 6.1.2, SSK/PVT per RFC 6507
 * 5.1.2).
 */
import { test } from './fixture.ts';
import { declare, pick } from '../../lib/harness/index.ts';
import { KEYPROV_FOREIGN, KEYPROV_GROUP, KEYPROV_NAMED, KEYPROV_NAMED_ECHO, KEYPROV_RESPONSE, KEYPROV_SERVER, KEYPROV_TIME } from './checks/keyprov-response.ts';
import { KEY_SET, currentPeriodNo, keySetFor } from './checks/key-set.ts';
import { periodOf } from './checks/certificate.ts';
import { servedDoc } from './checks/answer.ts';
import { SCHEMA } from './checks/schema.ts';
import { BEARER } from './checks/bearer.ts';
import { tokenIdentities } from './token.ts';
import { keyPeriodStart } from '../../lib/crypto/uid.ts';
import { ntpToBytes } from '../../lib/crypto/ntp.ts';
import { toHex } from '../../lib/crypto/bytes.ts';

test(
  'D.2.4 KeyProvision issues a verified key set for each identity of the access token (D.3.1, D.3.3.2, 5.3.6, F.2.1)',
  { annotation: declare(KEYPROV_RESPONSE, KEY_SET, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify }) => {
    const cert = await kms.rootCertificate();
    const token = await kms.token('valid');
    const identities = tokenIdentities(token);
    const ex = await kms.serve({ type: 'keyprov', userUri: kms.userUri, accessToken: token, label: 'keyprov' });
    const r = await verify.run(KEYPROV_RESPONSE, { ex, userUri: kms.userUri, kmsUri: kms.target.kmsUri, identities }, { label: 'keyprov' });
    if (!r.passed('kms.keyprov.kms-keyprov')) return verify.stop('no KmsKeyProv to read key sets from (kms.keyprov.kms-keyprov)', 'precondition');
    // The identities the token carries; without them (graded by kms.keyprov.key-set-per-identity), the UserUri sent.
    const sets = ex.opened!.keySets;
    for (const identity of identities.ok ? identities.ids : [kms.userUri]) {
      await verify.run(KEY_SET, { set: keySetFor(sets, identity), identity, cert, kmsUri: kms.target.kmsUri }, { label: `KmsKeySet ${identity}` });
    }
  },
);

test(
  "D.2.4 KeyProvision naming one of the user's identities returns its key set",
  { annotation: declare(KEYPROV_NAMED, KEYPROV_NAMED_ECHO, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify }) => {
    const token = await kms.token('valid');
    const ids = tokenIdentities(token);
    const identity = ids.ok ? ids.ids[ids.ids.length - 1]! : kms.identities[kms.identities.length - 1]!;
    const ex = await kms.serve({ type: 'keyprov', path: [identity], userUri: kms.userUri, accessToken: token, label: `keyprov/${identity}` });
    await verify.run(KEYPROV_NAMED, { ex, identity }, { label: `keyprov/${identity}` });
    await verify.run(KEYPROV_NAMED_ECHO, { ex, userUri: kms.userUri, kmsUri: kms.target.kmsUri }, { label: `keyprov/${identity}` });
  },
);

test(
  "D.2.4 KeyProvision naming an identity and an NTP time returns that key period's key set",
  { annotation: declare(KEYPROV_TIME, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify }) => {
    const cert = await kms.rootCertificate();
    const p = periodOf(cert);
    const current = currentPeriodNo(cert);
    if (!p || current === undefined || current < 1) return verify.stop(`the certificate's key period (${cert.userKeyPeriod}/${cert.userKeyOffset}) gives no usable previous period`, 'precondition');
    const wanted = current - 1;
    // The middle of the previous key period, as a 64-bit NTP timestamp in hex (D.2.4 example 2).
    const ntpHex = toHex(ntpToBytes({ seconds: keyPeriodStart(wanted, p.period, p.offset) + Math.floor(p.period / 2), fraction: 0 })).toUpperCase();
    const token = await kms.token('valid');
    const ex = await kms.serve({ type: 'keyprov', path: [kms.userUri, ntpHex], userUri: kms.userUri, accessToken: token, label: `keyprov/${kms.userUri}/${ntpHex}` });
    await verify.run(KEYPROV_TIME, { ex, identity: kms.userUri, periodNo: wanted }, { label: `keyprov/${kms.userUri}/${ntpHex}` });
  },
);

test(
  '5.3.1.2 KeyProvision for an identity the access token does not carry is refused',
  { annotation: declare(KEYPROV_FOREIGN, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify, target }) => {
    const foreign = kms.target.foreignIdentity ?? target.idms?.users[1]?.mcpttId ?? `sip:not-${Date.now()}@${kms.userUri.split('@')[1] ?? 'example.org'}`;
    const token = await kms.token('valid');
    const ids = tokenIdentities(token);
    if (ids.ok && ids.ids.includes(foreign)) return verify.stop(`the access token carries ${foreign}, the identity meant to be foreign (kms.foreignIdentity)`, 'configuration');
    const ex = await kms.send({ type: 'keyprov', path: [foreign], userUri: kms.userUri, accessToken: token, label: `keyprov/${foreign} (not the user's)` });
    await verify.run(KEYPROV_FOREIGN, { ex, foreign }, { label: `keyprov/${foreign}` });
  },
);

const CURRENT_PERIOD = pick(KEY_SET, 'kms.keyset.current-period');

test(
  '5.3.6 KeyProvision key sets are for the current key period',
  { annotation: declare(CURRENT_PERIOD, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify }) => {
    // Graded with the other key set checks in the first test; this one re-reads one key set on its own so a
    // report filtered to 5.3.6 shows its evidence.
    const cert = await kms.rootCertificate();
    const token = await kms.token('valid');
    const ex = await kms.serve({ type: 'keyprov', path: [kms.userUri], userUri: kms.userUri, accessToken: token, label: `keyprov/${kms.userUri}` });
    if (!servedDoc(ex)) return verify.stop(`keyprov/${kms.userUri} gave no readable KmsKeyProv (graded by the KeyProvision tests)`, ex.http.ok ? 'precondition' : 'unreachable');
    await verify.run(CURRENT_PERIOD, { set: keySetFor(ex.opened!.keySets, kms.userUri), identity: kms.userUri, cert, kmsUri: kms.target.kmsUri }, { label: `KmsKeySet ${kms.userUri}` });
  },
);

for (const [kind, table, field] of [
  ['group', KEYPROV_GROUP, 'groupUri'],
  ['server', KEYPROV_SERVER, 'serverUri'],
] as const) {
  test(`D.2.4 KeyProvision naming a ${kind} URI is answered for that URI or refused`, { annotation: declare(table, SCHEMA), tag: ['@kms'] }, async ({ kms, verify }) => {
    const uri = kms.target.keyprov?.[field];
    if (!uri) return verify.stop(`the target file gives no kms.keyprov.${field} (a ${kind} URI of the KMS's domain to request keyprov/<uri> for)`, 'configuration');
    const token = await kms.token('valid');
    const ex = await kms.send({ type: 'keyprov', path: [uri], userUri: kms.userUri, accessToken: token, label: `keyprov/${uri} (${kind})` });
    await verify.run(table, { ex, uri }, { label: `keyprov/${uri}` });
  });
}
