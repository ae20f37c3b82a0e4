import { test, declare, primaryClient, type IdmsSession } from '../../lib/oidc/suite-fixtures.ts';
import { GRANT_TOKEN_EXCHANGE, TOKEN_TYPE_JWT } from '../../lib/oidc/token-request.ts';
import { tamperJwt } from '../../lib/oidc/jwt-forge.ts';
import { decodeJwtSafe, nowSeconds } from '../../lib/oidc/jwt.ts';
import { checkExpiredInput } from '../../lib/oidc/expired-inputs.ts';
import { accessTokenDefect } from '../../lib/oidc/token-defects.ts';
import { EXCHANGE, EXPIRED_SUBJECT, GARBAGE_SUBJECT, NO_RESOURCE, TAMPERED_SUBJECT, TOKEN_TYPE_ACCESS_TOKEN } from './checks/token-exchange.ts';

// Token exchange at the primary IdMS (5.1.4.2, B.7.2, B.7.3, B.8).

test('B.7.3 token exchange returns a JWT security token for the partner (B.8 claims, signed by the primary)', { annotation: declare(EXCHANGE), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.token-exchange');
  if (!target.partnerIdms) return verify.stop('the target has no partnerIdms whose token endpoint could be the resource', 'configuration');
  const resource = target.partnerIdms.tokenEndpoint;
  const flow = await idms.login();
  const defect = accessTokenDefect(flow.accessToken.decoded, flow.accessToken.signature, nowSeconds());
  if (defect) return verify.stop(`the subject token (the access token) is itself defective, so a refusal would be right: ${defect}`, 'precondition');
  const ex = await idms.exchangeOutcome(resource);
  if (!ex.ok && !ex.result) return verify.stop(ex.reason, ex.unreachable ? 'unreachable' : 'precondition');
  const res = ex.ok ? ex.result : ex.result!;
  const securityToken = ex.ok ? ex.securityToken : { decoded: decodeJwtSafe(undefined), signature: undefined };
  // Refused: is it the subject_token_type (B.7.2-04)? The same token under the RFC 8693 access_token type tells.
  const otherType =
    res.status !== undefined && res.status >= 400 && res.status < 500
      ? await idms.token({ grant_type: GRANT_TOKEN_EXCHANGE, resource, subject_token: flow.accessToken.raw, subject_token_type: TOKEN_TYPE_ACCESS_TOKEN, client_id: target.idms!.clientId }, primaryClient(target))
      : undefined;
  await verify.run(EXCHANGE, { res, securityToken, issuer: target.idms!.issuer, clientId: target.idms!.clientId, resource, receivedAt: ex.ok ? ex.receivedAt : nowSeconds(), otherType });
});

/** A correct exchange must work first, or a refusal proves nothing. */
async function refusalTest(idms: IdmsSession) {
  const target = idms.target;
  if (!target.partnerIdms) throw new Error('unreachable');
  const resource = target.partnerIdms.tokenEndpoint;
  await idms.exchange(resource);
  const flow = await idms.login();
  return { resource, accessToken: flow.accessToken.raw!, client: primaryClient(target), clientId: target.idms!.clientId };
}

test('B.7.2 token exchange without resource is refused', { annotation: declare(NO_RESOURCE), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.token-exchange');
  if (!target.partnerIdms) return verify.stop('the target has no partnerIdms', 'configuration');
  const c = await refusalTest(idms);
  const res = await idms.token({ grant_type: GRANT_TOKEN_EXCHANGE, subject_token: c.accessToken, subject_token_type: TOKEN_TYPE_JWT, client_id: c.clientId }, c.client);
  await verify.run(NO_RESOURCE, res);
});

test('B.7.2 token exchange with an invalid subject_token is refused', { annotation: declare(GARBAGE_SUBJECT, TAMPERED_SUBJECT), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.token-exchange');
  if (!target.partnerIdms) return verify.stop('the target has no partnerIdms', 'configuration');
  const c = await refusalTest(idms);
  const garbage = await idms.token({ grant_type: GRANT_TOKEN_EXCHANGE, resource: c.resource, subject_token: 'mcx-conformance-not-a-token', subject_token_type: TOKEN_TYPE_JWT, client_id: c.clientId }, c.client);
  await verify.run(GARBAGE_SUBJECT, garbage);
  // Only the signature is wrong: the claims still name a known user and client, so nothing but the signature check can refuse it.
  const tampered = tamperJwt(c.accessToken, { 'mcx-conformance-tampered': true });
  idms.worker.redactor.add(tampered);
  const t = await idms.token({ grant_type: GRANT_TOKEN_EXCHANGE, resource: c.resource, subject_token: tampered, subject_token_type: TOKEN_TYPE_JWT, client_id: c.clientId }, c.client);
  await verify.run(TAMPERED_SUBJECT, t);
});

test('B.12 token exchange with an expired subject_token is refused', { annotation: declare(EXPIRED_SUBJECT), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.token-exchange');
  if (!target.partnerIdms) return verify.stop('the target has no partnerIdms', 'configuration');
  const expired = target.idms?.expiredAccessToken;
  const provider = await idms.provider();
  const input = await checkExpiredInput(expired, { field: 'idms.expiredAccessToken', issuer: target.idms!.issuer, clientId: target.idms!.clientId, jwks: provider.jwks, now: nowSeconds() });
  if (!input.ok) return verify.stop(input.reason, 'configuration');
  const c = await refusalTest(idms);
  const res = await idms.token({ grant_type: GRANT_TOKEN_EXCHANGE, resource: c.resource, subject_token: expired!, subject_token_type: TOKEN_TYPE_JWT, client_id: c.clientId }, c.client);
  await verify.run(EXPIRED_SUBJECT, res);
});
