import { test, requirements } from './fixtures.ts';
import { checkExpiresInAgreesWithExp } from './checks/expiry.ts';
import { decodeJwtSafe, nowSeconds } from '../../lib/oidc/jwt.ts';
import { MAX_SKEW_S } from './checks/id-token.ts';
import { R } from './checks/ids.ts';

// Token expiry (B.12): expires_in and exp agree, and an expired access token
// is refused end to end by a resource server of the target (its KMS).

test('B.12 expires_in agrees with the access token exp', { annotation: requirements('MCXSEC-B.12-01'), tag: ['@idms'] }, async ({ idms, verify }) => {
  const flow = await idms.login([R.expiresInAgrees]);
  const exp = flow.accessToken.decoded.ok ? flow.accessToken.decoded.jwt.claims.exp : undefined;
  checkExpiresInAgreesWithExp(verify, flow.token.json?.expires_in, exp, flow.receivedAt);
});

test('B.12 an expired access token is refused by the KMS (5.3.3)', { annotation: requirements('MCXSEC-5.3.3-02'), tag: ['@idms'] }, async ({ idms, verify, target, http, evidence }) => {
  const ids = [R.kmsRefusesExpired];
  if (!target.kms) return verify.inconclusive(ids, 'the target has no KMS to present the expired token to');
  const expired = target.idms?.expiredAccessToken;
  if (!expired) return verify.inconclusive(ids, 'the target gives no expired access token (idms.expiredAccessToken)');
  const decoded = decodeJwtSafe(expired);
  if (!decoded.ok) return verify.inconclusive(ids, `idms.expiredAccessToken is not a JWT: ${decoded.reason}`);
  evidence.record('jwt', 'expired access token', decoded.jwt);
  const exp = decoded.jwt.claims.exp;
  if (typeof exp !== 'number' || exp > nowSeconds() - MAX_SKEW_S - 1) return verify.inconclusive(ids, `idms.expiredAccessToken has exp ${JSON.stringify(exp)}, not more than ${MAX_SKEW_S} s in the past`);
  // Control: the same request with the live token must succeed, or a refusal proves nothing.
  const flow = await idms.login(ids);
  const url = `${target.kms.baseUrl.replace(/\/$/, '')}/init`;
  const control = await http.request({ url, method: 'POST', headers: { authorization: `Bearer ${flow.accessToken.raw}` } });
  if (!control.ok) return verify.inconclusive(ids, `KMS unreachable: ${control.error}`, 'unreachable');
  if (control.status !== 200) return verify.inconclusive(ids, `the KMS refuses the live access token too (${control.status}), so a refusal of the expired one proves nothing`);
  const res = await http.request({ url, method: 'POST', headers: { authorization: `Bearer ${expired}` } });
  if (!res.ok) return verify.inconclusive(ids, `KMS unreachable: ${res.error}`, 'unreachable');
  if (res.status >= 500) return verify.inconclusive(ids, `the KMS answered ${res.status}: neither a refusal nor an acceptance`);
  verify.refused(R.kmsRefusesExpired, 'KMS refuses an access token expired more than 30 s ago', res.status >= 400, { field: 'status', expected: '401 or another 4xx', actual: res.status, detail: `token expired ${nowSeconds() - exp} s ago` });
});
