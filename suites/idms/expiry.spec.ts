import { test, declare } from '../../lib/oidc/suite-fixtures.ts';
import { nowSeconds } from '../../lib/oidc/jwt.ts';
import { checkExpiredInput } from '../../lib/oidc/expired-inputs.ts';
import { EXPIRES_IN, KMS_EXPIRED } from './checks/expiry.ts';

// Token expiry (B.12): expires_in and exp agree, and an expired access token
// is refused end to end by a resource server of the target (its KMS).

test('B.12 expires_in agrees with the access token exp', { annotation: declare(EXPIRES_IN), tag: ['@idms'] }, async ({ idms, verify }) => {
  const flow = await idms.login();
  const exp = flow.accessToken.decoded.ok ? flow.accessToken.decoded.jwt.claims.exp : undefined;
  await verify.run(EXPIRES_IN, { expiresIn: flow.token.json?.expires_in, exp, receivedAt: flow.receivedAt });
});

// 5.3.3-02 is a KMS requirement: when the KMS role is not under test the
// harness skips the check, and the test does nothing it does not need.
test('B.12 an expired access token is refused by the KMS (5.3.3)', { annotation: declare(KMS_EXPIRED), tag: ['@idms'] }, async ({ idms, verify, target, http, evidence, scope }) => {
  const requirement = KMS_EXPIRED.checks[0]!.requirement;
  const notJudged = scope.notJudged(requirement);
  if (notJudged !== undefined) {
    // The run does not judge the KMS: the table records nothing, and nothing is sent.
    await verify.run(KMS_EXPIRED, { controlStatus: 200, status: 401, expiredSecondsAgo: 0 });
    evidence.record('text', 'not judged here', `${requirement}: ${notJudged}`);
    return;
  }
  if (!target.kms) return verify.stop('the target has no KMS to present the expired token to', 'configuration');
  const expired = target.idms?.expiredAccessToken;
  const provider = await idms.provider();
  const input = await checkExpiredInput(expired, { field: 'idms.expiredAccessToken', issuer: target.idms!.issuer, clientId: target.idms!.clientId, jwks: provider.jwks, now: nowSeconds() });
  if (!input.ok) return verify.stop(input.reason, 'configuration');
  evidence.record('jwt', 'expired access token', input.jwt);
  // Control: the same request with the live token must succeed, or a refusal proves nothing.
  const flow = await idms.login();
  const url = `${target.kms.baseUrl.replace(/\/$/, '')}/init`;
  const control = await http.request({ url, method: 'POST', headers: { authorization: `Bearer ${flow.accessToken.raw}` } });
  if (!control.ok) return verify.stop(`KMS unreachable: ${control.error}`, 'unreachable');
  const res = await http.request({ url, method: 'POST', headers: { authorization: `Bearer ${expired!}` } });
  if (!res.ok) return verify.stop(`KMS unreachable: ${res.error}`, 'unreachable');
  await verify.run(KMS_EXPIRED, { controlStatus: control.status, status: res.status, expiredSecondsAgo: input.expiredSecondsAgo });
});
