/**
 * Transport and access (D.1, D.2.1, 5.3.2, 5.3.3): HTTPS, POST only, and
 * every request type refused without a usable access token.
 *
 * How the bad tokens are obtained, black-box:
 * - none: no Authorization header;
 * - expired: idms.expiredAccessToken from the target file (an access token
 *   the IdMS issued whose exp is past; waiting for a fresh one to expire
 *   would take the IdMS's token lifetime);
 * - without the key-management scope: a login asking for idms.scopes minus
 *   every *_key_management_service scope;
 * - untrusted signer: a valid token's header and claims re-signed with a
 *   fresh key of the same algorithm and kid, which the IdMS never published.
 * A refusal is an HTTP 4xx, or a KmsError without KmsMessage.
 */
import { test } from './fixture.ts';
import { requirements } from '../../lib/harness/index.ts';
import type { KmsCall } from '../../lib/kms-xml/client.ts';
import { krrElement } from '../../lib/kms-xml/build.ts';
import { xsdDateTime } from '../../lib/kms-xml/model.ts';
import { REQ } from './requirements.ts';
import { expectKmsResponse, refusalOf } from './checks/answer.ts';
import { resignWithUnknownKey } from './token.ts';
import type { KmsSuite } from './fixture.ts';
import type { Checker } from '../../lib/harness/checker.ts';

/** Requirements of 5.1 and Annex B (idms catalog) that the KMS, as a resource server, is graded on here. */
const RS = {
  scopedForKms: 'MCXSEC-5.1.3.1-01',
  clockSkew: 'MCXSEC-B.2.2.2-02',
  bearerHeader: 'MCXSEC-B.10-01',
  errorOnBadToken: 'MCXSEC-B.10-02',
  validatesTokens: 'MCXSEC-B.11.2-01',
  refusesExpired: 'MCXSEC-B.12-02',
};

/** One request of every type (D.2.3 to D.2.8). */
function everyRequestType(kms: KmsSuite, accessToken: string | undefined): KmsCall[] {
  const ext = kms.target.externalKmsUris[0] ?? 'kms.external.example.org';
  const lookup = kms.target.lookup?.userUri ?? kms.userUri;
  const krr = krrElement({ time: xsdDateTime(), processorUri: kms.userUri, initiatorUri: lookup, initiatorKmsUri: ext, receiverUri: kms.userUri, rejectedKmsUri: ext, proposedKmsUris: [kms.target.kmsUri] }, false);
  return [
    { type: 'init', userUri: kms.userUri, accessToken },
    { type: 'keyprov', userUri: kms.userUri, accessToken },
    { type: 'certcache', userUri: kms.userUri, accessToken },
    { type: 'cert', path: [ext], userUri: kms.userUri, accessToken },
    { type: 'lookup', path: [lookup], userUri: kms.userUri, accessToken },
    { type: 'redirect', path: [lookup], userUri: kms.userUri, accessToken, overrides: { krrList: [krr] } },
  ];
}

async function expectAllRefused(kms: KmsSuite, verify: Checker, requirementIds: string[], what: string, accessToken: string | undefined): Promise<void> {
  const requirement = requirementIds[0];
  const results = [];
  for (const call of everyRequestType(kms, accessToken)) {
    const ex = await kms.send({ ...call, label: `${call.type} ${what}` });
    results.push({ call, r: refusalOf(ex) });
  }
  if (results.every(({ r }) => r.refused === undefined)) return verify.inconclusive(requirementIds, `the KMS gave no answer: ${results[0].r.detail}`, 'unreachable');
  for (const { call, r } of results) {
    if (r.refused === undefined) continue;
    for (const id of requirementIds) verify.refused(id, `${call.type}${call.path ? `/${call.path.join('/')}` : ''} ${what} is refused`, r.refused, { field: 'response', expected: 'HTTP 4xx or KmsError', actual: r.detail });
  }
}

test('D.1 the KMS interface is served over HTTPS and takes the bearer token (5.3.2, B.10)', { annotation: requirements('MCXSEC-D.1-01', 'MCXSEC-5.3.2-01', 'MCXSEC-B.10-01'), tag: ['@kms'] }, async ({ kms, verify }) => {
  const token = await kms.token('valid', [REQ.https, REQ.directHttps, RS.bearerHeader]);
  const ex = await kms.send({ type: 'init', userUri: kms.userUri, accessToken: token, label: 'init' });
  const doc = expectKmsResponse(verify, ex, RS.bearerHeader, 'KMS Initialize with the bearer token');
  verify.check(RS.bearerHeader, 'a valid access token in the Authorization: Bearer header is accepted', !!doc.message, { field: 'request Authorization header', expected: 'request served', actual: `HTTP ${ex.http.ok ? ex.http.status : 'no answer'}` });
  // The exchange above went through TLS with the certificate verified against the target's CA when the URL is https.
  const https = /^https:\/\//i.test(ex.url);
  const details = { field: 'kms.baseUrl', expected: 'https://... (TLS, certificate verified)', actual: ex.url };
  verify.check(REQ.https, 'the KMS answered over HTTPS', https, details);
  verify.check(REQ.directHttps, 'KM client to KMS connection is HTTPS', https, details);
});

test('D.2.1 a GET on a KMS resource does not provision anything', { annotation: requirements('MCXSEC-D.2.1-01'), tag: ['@kms'] }, async ({ kms, verify }) => {
  const token = await kms.token('valid', [REQ.postOnly]);
  const ex = await kms.send({ type: 'init', method: 'GET', userUri: kms.userUri, accessToken: token, label: 'GET init' });
  if (!ex.http.ok) return verify.inconclusive([REQ.postOnly], `GET init: no answer: ${ex.http.error}`, 'unreachable');
  const served = !!ex.opened?.doc?.message;
  verify.check(REQ.postOnly, 'GET /init is not served like a POST', !served, { field: 'response', expected: 'no KmsMessage (e.g. 405)', actual: served ? `HTTP ${ex.http.status} with a KmsMessage` : `HTTP ${ex.http.status}` });
});

test('5.3.3 every request type is refused without an access token', { annotation: requirements('MCXSEC-5.3.3-01'), tag: ['@kms'] }, async ({ kms, verify }) => {
  await expectAllRefused(kms, verify, [REQ.noToken], 'without an access token', undefined);
});

test('5.3.3 every request type is refused with an expired access token (B.12, B.10, B.11.2, B.2.2.2)', { annotation: requirements('MCXSEC-5.3.3-02', 'MCXSEC-B.12-02', 'MCXSEC-B.10-02', 'MCXSEC-B.11.2-01', 'MCXSEC-B.2.2.2-02'), tag: ['@kms'] }, async ({ kms, verify, target }) => {
  const expired = target.idms?.expiredAccessToken;
  if (!expired) return verify.inconclusive([REQ.expiredToken], 'the target file gives no idms.expiredAccessToken (an access token of this IdMS whose exp is past)');
  // The target's expired token is more than 30 s past exp, so refusing it also shows the skew allowance is at most 30 s.
  await expectAllRefused(kms, verify, [REQ.expiredToken, RS.refusesExpired, RS.errorOnBadToken, RS.validatesTokens, RS.clockSkew], 'with an expired access token', expired);
});

test('5.3.3 every request type is refused with an access token lacking the key management scope (5.1.3.1, B.10, B.11.2)', { annotation: requirements('MCXSEC-5.3.3-03', 'MCXSEC-5.1.3.1-01', 'MCXSEC-B.10-02', 'MCXSEC-B.11.2-01'), tag: ['@kms'] }, async ({ kms, verify }) => {
  const token = await kms.token('no-key-management', [REQ.noKeyManagementScope]);
  await expectAllRefused(kms, verify, [REQ.noKeyManagementScope, RS.scopedForKms, RS.errorOnBadToken, RS.validatesTokens], 'with a token without *_key_management_service scope', token);
});

test('5.3.3 every request type is refused with an access token signed by an untrusted key (B.11.2)', { annotation: requirements('MCXSEC-5.3.3-04', 'MCXSEC-B.11.2-01'), tag: ['@kms'] }, async ({ kms, verify, redactor }) => {
  const valid = await kms.token('valid', [REQ.untrustedSigner]);
  const forged = await resignWithUnknownKey(valid);
  if (!forged.ok) return verify.inconclusive([REQ.untrustedSigner], forged.reason);
  redactor.add(forged.token);
  await expectAllRefused(kms, verify, [REQ.untrustedSigner, RS.validatesTokens], 'with a token signed by an unknown key', forged.token);
});
