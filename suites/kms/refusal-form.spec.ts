/**
 * How the KMS spells a refusal (B.10 with RFC 6750 section 3, D.3.1): the
 * form of the answer to a request without an access token, and to a
 * request that fails a D.2.2 check (its KmsUri names another KMS). Whether
 * each is refused at all is graded by access.spec.ts and
 * request-security.spec.ts; here only refusals are read.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { NO_TOKEN_REFUSAL_FORM, REQUEST_REFUSAL_FORM } from './checks/refusal-form.ts';

test('B.10 a request without an access token is refused with 401 and a Bearer challenge (RFC 6750 section 3)', { annotation: declare(NO_TOKEN_REFUSAL_FORM), tag: ['@kms'] }, async ({ kms, verify }) => {
  const ex = await kms.send({ type: 'init', userUri: kms.userUri, label: 'init without an access token' });
  await verify.run(NO_TOKEN_REFUSAL_FORM, { ex, gradedBy: 'kms.no-token.refused' }, { label: 'init without an access token' });
});

test('D.3.1 a request that fails its checks is refused with a KmsError', { annotation: declare(REQUEST_REFUSAL_FORM), tag: ['@kms'] }, async ({ kms, verify }) => {
  const token = await kms.token('valid');
  const ex = await kms.send({ type: 'init', userUri: kms.userUri, accessToken: token, overrides: { kmsUri: `other.${kms.target.kmsUri}` }, label: 'init naming another KmsUri' });
  await verify.run(REQUEST_REFUSAL_FORM, { ex, gradedBy: 'kms.request.foreign-kms-uri-refused' }, { label: 'init naming another KmsUri' });
});
