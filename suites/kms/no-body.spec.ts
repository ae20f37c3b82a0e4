/**
 * D.2.2: without the signing extension or TrK confidentiality a KMS request
 * needs no KmsRequest payload; KMS Initialize (which returns only public
 * material) POSTed with the access token alone (graded at 'may').
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { BEARER } from './checks/bearer.ts';
import { NO_BODY_INIT } from './checks/no-body.ts';

test('D.2.2 KMS Initialize POSTed without a KmsRequest body is served from the access token (may)', { annotation: declare(NO_BODY_INIT, BEARER), tag: ['@kms'] }, async ({ kms, verify }) => {
  const token = await kms.token('valid');
  const ex = await kms.serve({ type: 'init', userUri: kms.userUri, accessToken: token, rawBody: '', label: 'init without a body' });
  await verify.run(NO_BODY_INIT, { ex }, { label: 'init without a body' });
});
