import { test, declare, narrowScopes, runCodeFlow, type IdmsSession, type LoggedExchange } from '../../lib/oidc/suite-fixtures.ts';
import { decodeJwtSafe } from '../../lib/oidc/jwt.ts';
import { REFRESH_CLIENT_AUTH, REFRESH_NARROWER, REFRESH_ROTATION, REFRESH_WIDER } from './checks/refresh.ts';

// Refreshing an access token (B.5). Each test refreshes a refresh token of
// its own (from a fresh code on the worker's IdMS session), since rotation
// may consume it.

async function ownLogin(idms: IdmsSession, scope?: string[]) {
  const provider = await idms.provider();
  const driver = await idms.driver();
  const log: LoggedExchange[] = [];
  await idms.login();
  const flow = await runCodeFlow({ target: idms.target, provider, driver, http: idms.http, redactor: idms.worker.redactor, scope: scope ?? idms.target.idms!.scopes, log });
  if (!flow.ok) idms.evidence.record('text', 'login for refresh', flow.reason);
  return { provider, flow };
}

test('B.5 refresh with a narrower scope: new access token, bearer, expires_in, scope as asked', { annotation: declare(REFRESH_NARROWER), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const { provider, flow } = await ownLogin(idms);
  if (!flow.ok) return verify.stop(flow.reason, flow.unreachable ? 'unreachable' : 'precondition');
  if (!flow.refreshToken) return verify.stop('the token response has no refresh_token', 'precondition');
  const scope = narrowScopes(target.idms!.scopes);
  const res = await idms.token({ grant_type: 'refresh_token', refresh_token: flow.refreshToken, scope: scope.join(' '), client_id: target.idms!.clientId });
  const at = await idms.decode(res.json?.access_token, provider.jwks);
  idms.recordJwt('refreshed access_token', at);
  await verify.run(REFRESH_NARROWER, { res, previousAccessToken: flow.accessToken.raw, accessToken: at.decoded, scope });
});

test('B.5.2 refresh asking for a wider scope than granted is refused', { annotation: declare(REFRESH_WIDER), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const narrow = narrowScopes(target.idms!.scopes);
  if (narrow.length >= target.idms!.scopes.length) return verify.stop('the client has no scope beyond the narrow set to widen to', 'configuration');
  const { flow } = await ownLogin(idms, narrow);
  if (!flow.ok) return verify.stop(flow.reason, flow.unreachable ? 'unreachable' : 'precondition');
  if (!flow.refreshToken) return verify.stop('the token response has no refresh_token', 'precondition');
  // The original grant is what was granted, not what was asked for.
  const original = flow.grantedScopes;
  if (target.idms!.scopes.every((s) => original.includes(s))) return verify.stop(`the narrow login was granted every scope already (${original.join(' ')}); nothing is left to widen to`, 'precondition');
  const res = await idms.token({ grant_type: 'refresh_token', refresh_token: flow.refreshToken, scope: target.idms!.scopes.join(' '), client_id: target.idms!.clientId });
  const accessToken = typeof res.json?.access_token === 'string' ? decodeJwtSafe(res.json.access_token) : undefined;
  if (accessToken?.ok) idms.evidence.record('jwt', 'access_token after a wider refresh', accessToken.jwt);
  await verify.run(REFRESH_WIDER, { res, original, accessToken });
});

test('B.5.3 a rotated refresh token is refused afterwards', { annotation: declare(REFRESH_ROTATION), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.refresh-token-rotation');
  const { flow } = await ownLogin(idms);
  if (!flow.ok) return verify.stop(flow.reason, flow.unreachable ? 'unreachable' : 'precondition');
  if (!flow.refreshToken) return verify.stop('the token response has no refresh_token', 'precondition');
  const first = await idms.token({ grant_type: 'refresh_token', refresh_token: flow.refreshToken, client_id: target.idms!.clientId });
  if (first.status !== 200) return verify.stop(`the first refresh failed: ${first.problem ?? first.status}`, first.unreachable ? 'unreachable' : 'precondition');
  const again = await idms.token({ grant_type: 'refresh_token', refresh_token: flow.refreshToken, client_id: target.idms!.clientId });
  await verify.run(REFRESH_ROTATION, { original: flow.refreshToken, first, again });
});

test('B.5.2 a refresh request of a confidential client without client authentication is refused', { annotation: declare(REFRESH_CLIENT_AUTH), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  if (!target.idms!.clientSecret) return verify.run(REFRESH_CLIENT_AUTH, { confidential: false });
  const { flow } = await ownLogin(idms);
  if (!flow.ok) return verify.stop(flow.reason, flow.unreachable ? 'unreachable' : 'precondition');
  if (!flow.refreshToken) return verify.stop('the token response has no refresh_token', 'precondition');
  const request = { grant_type: 'refresh_token', refresh_token: flow.refreshToken, client_id: target.idms!.clientId };
  const withoutAuthentication = await idms.token(request, null);
  const withAuthentication = await idms.token(request);
  await verify.run(REFRESH_CLIENT_AUTH, { confidential: true, withoutAuthentication, withAuthentication });
});
