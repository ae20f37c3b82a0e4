/**
 * Transport and access (D.1, D.2.1, 5.3.2, 5.3.3): HTTPS, POST only, and
 * every request type refused without a usable access token.
 *
 * How the bad tokens are obtained, black-box:
 * - none: no Authorization header;
 * - expired: idms.expiredAccessToken from the target file (an access token
 *   the IdMS issued whose exp is past; waiting for a fresh one to expire
 *   would take the IdMS's token lifetime). Its age is read from its exp: the
 *   skew check (B.2.2.2) needs it expired by more than 30 s;
 * - without the key-management scope: a login asking for idms.scopes minus
 *   every *_key_management_service scope;
 * - untrusted signer: a valid token's header and claims re-signed with a
 *   fresh key of the same algorithm and kid, which the IdMS never published.
 * A refusal is an HTTP 4xx without key material, or a KmsError without
 * KmsMessage; no answer or a 5xx is no evidence either way.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import type { KmsCall } from '../../lib/kms-xml/client.ts';
import type { CheckTable } from '../../lib/harness/check.ts';
import { krrElement } from '../../lib/kms-xml/krr.ts';
import { xsdDateTime } from '../../lib/kms-xml/model.ts';
import { EXPIRED_TOKEN, GET_INIT, NO_SCOPE_TOKEN, NO_TOKEN, TRANSPORT, UNTRUSTED_TOKEN, WRONG_AUDIENCE_TOKEN, type BadTokenAnswer } from './checks/access.ts';
import { checkWrongAudienceInput } from '../../lib/oidc/wrong-audience-input.ts';
import { decodeJwtSafe } from '../../lib/oidc/jwt.ts';
import { discover, discoveryUrlOf } from '../../lib/oidc/discovery.ts';
import { SCHEMA } from './checks/schema.ts';
import { BEARER } from './checks/bearer.ts';
import { resignWithUnknownKey, secondsSinceExpiry } from './token.ts';
import type { KmsSuite } from './fixture.ts';
import type { Checker } from '../../lib/harness/checker.ts';

/** One request of every type (D.2.3 to D.2.8). */
function everyRequestType(kms: KmsSuite, accessToken: string | undefined): KmsCall[] {
  const ext = kms.target.externalKmsUris[0] ?? 'kms.external.example.org';
  const lookup = kms.target.lookup?.userUri ?? kms.userUri;
  const krr = krrElement({ time: xsdDateTime(), creatorUri: kms.userUri, initiatorUri: lookup, initiatorKmsUri: ext, receiverUri: kms.userUri, receiverKmsUri: ext, initiatorKmsList: 'any', receiverKmsList: [kms.target.kmsUri] });
  return [
    { type: 'init', userUri: kms.userUri, accessToken },
    { type: 'keyprov', userUri: kms.userUri, accessToken },
    { type: 'certcache', userUri: kms.userUri, accessToken },
    { type: 'cert', path: [ext], userUri: kms.userUri, accessToken },
    { type: 'lookup', path: [lookup], userUri: kms.userUri, accessToken },
    { type: 'redirect', path: [lookup], userUri: kms.userUri, accessToken, overrides: { krrList: [krr] } },
  ];
}

/** Sends every request type with `accessToken` and runs `table` on each answer. */
async function expectAllRefused(kms: KmsSuite, verify: Checker, table: CheckTable<BadTokenAnswer>, what: string, accessToken: string | undefined, extra: Omit<BadTokenAnswer, 'ex'> = {}): Promise<void> {
  for (const call of everyRequestType(kms, accessToken)) {
    const ex = await kms.send({ ...call, label: `${call.type} ${what}` });
    await verify.run(table, { ex, ...extra }, { label: `${call.type}${call.path ? `/${call.path.join('/')}` : ''} ${what}` });
  }
}

test('D.1 the KMS interface is served over HTTPS and takes the bearer token (5.3.2, B.10)', { annotation: declare(TRANSPORT, BEARER, SCHEMA), tag: ['@kms'] }, async ({ kms, verify, target }) => {
  const token = await kms.token('valid');
  const ex = await kms.serve({ type: 'init', userUri: kms.userUri, accessToken: token, label: 'init' });
  // The exchange went through TLS with the certificate verified against the target's CA when the URL is https and tls.verify is on.
  await verify.run(TRANSPORT, { ex, tlsVerify: target.tls.verify }, { label: 'init' });
});

test('D.2.1 a GET on a KMS resource does not provision anything', { annotation: declare(GET_INIT, SCHEMA), tag: ['@kms'] }, async ({ kms, verify }) => {
  const token = await kms.token('valid');
  const ex = await kms.send({ type: 'init', method: 'GET', userUri: kms.userUri, accessToken: token, label: 'GET init' });
  await verify.run(GET_INIT, { ex }, { label: 'GET init' });
});

test('5.3.3 every request type is refused without an access token', { annotation: declare(NO_TOKEN, SCHEMA), tag: ['@kms'] }, async ({ kms, verify }) => {
  await expectAllRefused(kms, verify, NO_TOKEN, 'without an access token', undefined);
});

test('5.3.3 every request type is refused with an expired access token (B.12, B.10, B.11.2, B.2.2.2)', { annotation: declare(EXPIRED_TOKEN, SCHEMA), tag: ['@kms'] }, async ({ kms, verify, target }) => {
  const expired = target.idms?.expiredAccessToken;
  if (!expired) return verify.stop('the target file gives no idms.expiredAccessToken (an access token of this IdMS whose exp is past)', 'configuration');
  const age = secondsSinceExpiry(expired);
  if (age.ok && age.seconds <= 0) return verify.stop(`idms.expiredAccessToken is not expired (exp is ${-age.seconds} s ahead)`, 'configuration');
  await expectAllRefused(kms, verify, EXPIRED_TOKEN, 'with an expired access token', expired, age.ok ? { expiredBy: age.seconds } : { expiryProblem: age.reason });
});

test('B.11.2 every request type is refused with a key-management access token issued for another resource (RFC 7519 4.1.3)', { annotation: declare(WRONG_AUDIENCE_TOKEN, SCHEMA), tag: ['@kms'] }, async ({ kms, verify, target, http }) => {
  // The input is checked first (this IdMS's, unexpired, aud disjoint from a token the KMS accepts): a refusal of anything else proves nothing about aud.
  const valid = decodeJwtSafe(await kms.token('valid'));
  if (!valid.ok) return verify.stop(`the suite's valid access token is not a JWT (${valid.reason}): its aud cannot be compared`, 'target');
  const issuer = target.idms?.issuer ?? String(valid.jwt.claims.iss);
  const discovered = await discover(http, discoveryUrlOf(issuer, target.idms?.discoveryUrl));
  const input = await checkWrongAudienceInput(kms.target.wrongAudienceAccessToken, { issuer, acceptedAudience: valid.jwt.claims.aud, ...(discovered.ok ? { jwks: discovered.provider.jwks } : {}), now: Math.floor(Date.now() / 1000) });
  if (!input.ok) return verify.stop(input.reason, 'configuration');
  await expectAllRefused(kms, verify, WRONG_AUDIENCE_TOKEN, `with a token for aud ${JSON.stringify(input.audience)}`, kms.target.wrongAudienceAccessToken);
});

test('5.3.3 every request type is refused with an access token lacking the key management scope (5.1.3.1, B.10, B.11.2)', { annotation: declare(NO_SCOPE_TOKEN, SCHEMA), tag: ['@kms'] }, async ({ kms, verify }) => {
  const token = await kms.token('no-key-management');
  await expectAllRefused(kms, verify, NO_SCOPE_TOKEN, 'with a token without *_key_management_service scope', token);
});

test('5.3.3 every request type is refused with an access token signed by an untrusted key (B.11.2)', { annotation: declare(UNTRUSTED_TOKEN, SCHEMA), tag: ['@kms'] }, async ({ kms, verify, redactor }) => {
  const valid = await kms.token('valid');
  const forged = await resignWithUnknownKey(valid);
  if (!forged.ok) return verify.stop(forged.reason, 'precondition');
  redactor.add(forged.token);
  await expectAllRefused(kms, verify, UNTRUSTED_TOKEN, 'with a token signed by an unknown key', forged.token);
});
