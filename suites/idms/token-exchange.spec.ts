import { test, requirements, primaryClient } from './fixtures.ts';
import { checkTokenResponseFields } from './checks/token-response.ts';
import { checkSecurityToken } from './checks/security-token.ts';
import { checkTokenRequestRefused } from './checks/refusal.ts';
import { R } from './checks/ids.ts';
import { GRANT_TOKEN_EXCHANGE, TOKEN_TYPE_JWT } from '../../lib/oidc/token-request.ts';
import { tamperJwt } from '../../lib/oidc/jwt-forge.ts';
import { decodeJwtSafe, nowSeconds } from '../../lib/oidc/jwt.ts';
import { MAX_SKEW_S } from './checks/id-token.ts';
import { accessTokenDefect } from './checks/access-token.ts';

// Token exchange at the primary IdMS (5.1.4.2, B.7.2, B.7.3, B.8).

const POSITIVE = [R.tokenExchangeOffered, R.exchangeGrant, R.exchangeSubjectType, R.exchangeReturnsSecurityToken, R.exchangeAccessToken, R.exchangeIssuedType, R.exchangeBearer, R.exchangeExpiresIn, R.securityTokenSigned, R.stIss, R.stSub, R.stAud, R.stExp, R.stIat];

test('B.7.3 token exchange returns a JWT security token for the partner (B.8 claims, signed by the primary)', { annotation: requirements('MCXSEC-5.1.4.2-04', 'MCXSEC-B.7.2-01', 'MCXSEC-B.7.2-04', 'MCXSEC-B.7.3-01', 'MCXSEC-B.7.3-02', 'MCXSEC-B.7.3-03', 'MCXSEC-B.7.3-04', 'MCXSEC-B.7.3-05', 'MCXSEC-5.1.4.2-05', 'MCXSEC-B.8-01', 'MCXSEC-B.8-02', 'MCXSEC-B.8-03', 'MCXSEC-B.8-04', 'MCXSEC-B.8-05'), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.token-exchange');
  if (!target.partnerIdms) return verify.inconclusive(POSITIVE, 'the target has no partnerIdms whose token endpoint could be the resource');
  const resource = target.partnerIdms.tokenEndpoint;
  const flow = await idms.login(POSITIVE);
  const defect = accessTokenDefect(flow.accessToken.decoded, flow.accessToken.signature, nowSeconds());
  if (defect) return verify.inconclusive(POSITIVE, `the subject token (the access token) is itself defective, so a refusal would be right: ${defect}`);
  const ex = await idms.exchangeOutcome(resource);
  if (!ex.ok) {
    if (!ex.refused) return verify.inconclusive(POSITIVE, ex.reason, ex.unreachable ? 'unreachable' : 'precondition');
    verify.check(R.exchangeGrant, 'token exchange grant with a JWT subject token accepted', false, { detail: ex.reason, reason: 'check_failed' });
    return;
  }
  const res = ex.result;
  verify.check(R.exchangeGrant, 'token exchange grant accepted', res.status === 200, { field: 'status', expected: 200, actual: res.status });
  verify.check(R.exchangeSubjectType, 'subject_token_type urn:ietf:params:oauth:token-type:jwt accepted', res.status === 200, { field: 'status', expected: 200, actual: res.status });
  verify.check(R.tokenExchangeOffered, 'the primary IdMS issues a security token by token exchange', typeof res.json?.access_token === 'string', { field: 'access_token', reason: 'missing' });
  verify.check(R.exchangeReturnsSecurityToken, 'the token exchange response carries a security token', typeof res.json?.access_token === 'string', { field: 'access_token', reason: 'missing' });
  checkTokenResponseFields(verify, res, { accessToken: R.exchangeAccessToken, tokenType: R.exchangeBearer, expiresIn: R.exchangeExpiresIn });
  verify.equal(R.exchangeIssuedType, 'issued_token_type is the JWT token type', TOKEN_TYPE_JWT, res.json?.issued_token_type, { field: 'issued_token_type' });
  checkSecurityToken(verify, { decoded: ex.securityToken.decoded, signature: ex.securityToken.signature, issuer: target.idms!.issuer, clientId: target.idms!.clientId, resource, receivedAt: ex.receivedAt });
});

/** A correct exchange must work first, or a refusal proves nothing. */
async function refusalTest(idms: Parameters<Parameters<typeof test>[2]>[0]['idms'], ids: string[]) {
  const target = idms.target;
  if (!target.partnerIdms) throw new Error('unreachable');
  const resource = target.partnerIdms.tokenEndpoint;
  await idms.exchange(ids, resource);
  const flow = await idms.login(ids);
  return { resource, accessToken: flow.accessToken.raw!, client: primaryClient(target), clientId: target.idms!.clientId };
}

test('B.7.2 token exchange without resource is refused', { annotation: requirements('MCXSEC-B.7.2-02'), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.token-exchange');
  if (!target.partnerIdms) return verify.inconclusive([R.exchangeResource], 'the target has no partnerIdms');
  const c = await refusalTest(idms, [R.exchangeResource]);
  const res = await idms.token({ grant_type: GRANT_TOKEN_EXCHANGE, subject_token: c.accessToken, subject_token_type: TOKEN_TYPE_JWT, client_id: c.clientId }, c.client);
  checkTokenRequestRefused(verify, R.exchangeResource, 'token exchange without resource', res);
});

test('B.7.2 token exchange with an invalid subject_token is refused', { annotation: requirements('MCXSEC-B.7.2-03'), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.token-exchange');
  if (!target.partnerIdms) return verify.inconclusive([R.exchangeSubject], 'the target has no partnerIdms');
  const c = await refusalTest(idms, [R.exchangeSubject]);
  const garbage = await idms.token({ grant_type: GRANT_TOKEN_EXCHANGE, resource: c.resource, subject_token: 'mcx-conformance-not-a-token', subject_token_type: TOKEN_TYPE_JWT, client_id: c.clientId }, c.client);
  checkTokenRequestRefused(verify, R.exchangeSubject, 'token exchange with a subject_token that is not a JWT', garbage);
  // Only the signature is wrong: the claims still name a known user and client, so nothing but the signature check can refuse it.
  const tampered = tamperJwt(c.accessToken, { 'mcx-conformance-tampered': true });
  idms.worker.redactor.add(tampered);
  const t = await idms.token({ grant_type: GRANT_TOKEN_EXCHANGE, resource: c.resource, subject_token: tampered, subject_token_type: TOKEN_TYPE_JWT, client_id: c.clientId }, c.client);
  checkTokenRequestRefused(verify, R.exchangeSubject, 'token exchange with a tampered subject_token (payload changed, old signature)', t);
});

test('B.12 token exchange with an expired subject_token is refused', { annotation: requirements('MCXSEC-B.12-02'), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.token-exchange');
  const ids = [R.expiredRefused];
  if (!target.partnerIdms) return verify.inconclusive(ids, 'the target has no partnerIdms');
  const expired = target.idms?.expiredAccessToken;
  if (!expired) return verify.inconclusive(ids, 'the target gives no expired access token (idms.expiredAccessToken)');
  const d = decodeJwtSafe(expired);
  const exp = d.ok ? d.jwt.claims.exp : undefined;
  if (typeof exp !== 'number' || exp > nowSeconds() - MAX_SKEW_S - 1) return verify.inconclusive(ids, `idms.expiredAccessToken exp ${JSON.stringify(exp)} is not more than ${MAX_SKEW_S} s past`);
  const c = await refusalTest(idms, ids);
  const res = await idms.token({ grant_type: GRANT_TOKEN_EXCHANGE, resource: c.resource, subject_token: expired, subject_token_type: TOKEN_TYPE_JWT, client_id: c.clientId }, c.client);
  checkTokenRequestRefused(verify, R.expiredRefused, `token exchange with a subject_token expired ${nowSeconds() - exp} s ago`, res);
});
