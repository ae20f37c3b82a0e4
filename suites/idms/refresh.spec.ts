import { test, requirements, narrowScopes, runCodeFlow, type LoggedExchange } from './fixtures.ts';
import { checkTokenResponseFields } from './checks/token-response.ts';
import { checkTokenRequestRefused } from './checks/refusal.ts';
import { scopeList } from './checks/claims.ts';
import { R, SERVICES, serviceGranted } from './checks/ids.ts';
import type { IdmsSession } from './fixtures.ts';

// Refreshing an access token (B.5). Each test refreshes a refresh token of
// its own (from a fresh code on the worker's IdMS session), since rotation
// may consume it.

async function ownLogin(idms: IdmsSession, ids: string[], scope?: string[]) {
  const provider = await idms.provider(ids);
  const driver = await idms.driver(ids);
  const log: LoggedExchange[] = [];
  await idms.login(ids);
  const flow = await runCodeFlow({ target: idms.target, provider, driver, http: idms.http, redactor: idms.worker.redactor, scope: scope ?? idms.target.idms!.scopes, log });
  if (!flow.ok) idms.evidence.record('text', 'login for refresh', flow.reason);
  return { provider, flow };
}

const NARROWER = [R.refreshAccessToken, R.refreshBearer, R.refreshExpiresIn, R.atScope, R.atMcvideo, R.atMcdata];
test('B.5 refresh with a narrower scope: new access token, bearer, expires_in, scope as asked', { annotation: requirements('MCXSEC-B.5.3-01', 'MCXSEC-B.5.3-02', 'MCXSEC-B.5.3-03', 'MCXSEC-B.2.2.2-03', 'MCXSEC-B.2.2.3-02', 'MCXSEC-B.2.2.3-03'), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const { provider, flow } = await ownLogin(idms, NARROWER);
  if (!flow.ok || !flow.refreshToken) return verify.inconclusive(NARROWER, flow.ok ? 'the token response has no refresh_token' : flow.reason);
  const scope = narrowScopes(target.idms!.scopes);
  const res = await idms.token({ grant_type: 'refresh_token', refresh_token: flow.refreshToken, scope: scope.join(' '), client_id: target.idms!.clientId });
  if (res.unreachable || (res.status ?? 500) >= 500) return verify.inconclusive(NARROWER, `refresh request got no usable answer: ${res.problem ?? res.status}`, res.unreachable ? 'unreachable' : 'precondition');
  verify.check(R.refreshAccessToken, 'refresh with a narrower scope accepted', res.status === 200, { field: 'status', expected: 200, actual: res.status, detail: res.problem ?? JSON.stringify(res.json?.error), fatal: true });
  checkTokenResponseFields(verify, res, { accessToken: R.refreshAccessToken, tokenType: R.refreshBearer, expiresIn: R.refreshExpiresIn });
  verify.check(R.refreshAccessToken, 'refresh returns a new access token', res.json?.access_token !== flow.accessToken.raw, { field: 'access_token', expected: 'a token other than the old one', reason: 'mismatch' });
  const at = await idms.decode(res.json?.access_token, provider.jwks);
  idms.recordJwt('refreshed access_token', at);
  if (at.decoded.ok) {
    const c = at.decoded.jwt.claims;
    const granted = scopeList(c.scope);
    verify.check(R.atScope, 'refreshed access token scope is the narrower scope asked for', granted.ok && granted.scopes.every((s) => s === 'openid' || scope.includes(s)), { field: 'scope', expected: scope.join(' '), actual: c.scope, reason: 'mismatch' });
    for (const svc of SERVICES) {
      if (!serviceGranted(svc, scope)) verify.check(svc.accessToken, `refreshed access token has no ${svc.claim} (not asked for)`, c[svc.claim] === undefined, { field: svc.claim, expected: 'absent', actual: c[svc.claim], reason: 'mismatch' });
    }
  }
});

test('B.5.2 refresh asking for a wider scope than granted is refused', { annotation: requirements('MCXSEC-B.5.2-01'), tag: ['@idms'] }, async ({ idms, verify, target }) => {
  const narrow = narrowScopes(target.idms!.scopes);
  if (narrow.length >= target.idms!.scopes.length) return verify.inconclusive([R.refreshScope], 'the client has no scope beyond the narrow set to widen to');
  const { provider, flow } = await ownLogin(idms, [R.refreshScope], narrow);
  if (!flow.ok || !flow.refreshToken) return verify.inconclusive([R.refreshScope], flow.ok ? 'the token response has no refresh_token' : flow.reason);
  // The original grant is what was granted, not what was asked for.
  const original = flow.grantedScopes;
  if (target.idms!.scopes.every((s) => original.includes(s))) return verify.inconclusive([R.refreshScope], `the narrow login was granted every scope already (${original.join(' ')}); nothing is left to widen to`);
  const res = await idms.token({ grant_type: 'refresh_token', refresh_token: flow.refreshToken, scope: target.idms!.scopes.join(' '), client_id: target.idms!.clientId });
  if (res.status === 200) {
    // Accepted: it must at least not have widened (RFC 6749 6 allows no new scope).
    const at = await idms.decode(res.json?.access_token, provider.jwks);
    idms.recordJwt('access_token after a wider refresh', at);
    const granted = at.decoded.ok ? scopeList(at.decoded.jwt.claims.scope) : { ok: false as const, reason: 'not a JWT' };
    const fromResponse = typeof res.json?.scope === 'string' ? res.json.scope.split(' ') : [];
    const all = [...(granted.ok ? granted.scopes : []), ...fromResponse];
    const widened = all.filter((s) => s !== 'openid' && !original.includes(s));
    verify.check(R.refreshScope, 'refresh did not grant scopes beyond the original grant', widened.length === 0, { field: 'scope', expected: `within ${original.join(' ')}`, actual: [...new Set(widened)].join(' ') || 'no scope visible', reason: 'not_refused' });
    return;
  }
  checkTokenRequestRefused(verify, R.refreshScope, 'refresh with a scope wider than granted', res);
});

test('B.5.3 a rotated refresh token is refused afterwards', { annotation: requirements('MCXSEC-B.5.3-04'), tag: ['@idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('idms.refresh-token-rotation');
  const { flow } = await ownLogin(idms, [R.refreshRotation]);
  if (!flow.ok || !flow.refreshToken) return verify.inconclusive([R.refreshRotation], flow.ok ? 'the token response has no refresh_token' : flow.reason);
  const first = await idms.token({ grant_type: 'refresh_token', refresh_token: flow.refreshToken, client_id: target.idms!.clientId });
  if (first.status !== 200) return verify.inconclusive([R.refreshRotation], `the first refresh failed: ${first.problem ?? first.status}`);
  const rotated = first.json?.refresh_token;
  verify.check(R.refreshRotation, 'refresh response carries a new refresh token (rotation claimed)', typeof rotated === 'string' && rotated !== flow.refreshToken, { field: 'refresh_token', expected: 'a new refresh token', actual: typeof rotated === 'string' ? (rotated === flow.refreshToken ? 'the same token' : 'new') : 'none', reason: 'missing' });
  const again = await idms.token({ grant_type: 'refresh_token', refresh_token: flow.refreshToken, client_id: target.idms!.clientId });
  checkTokenRequestRefused(verify, R.refreshRotation, 'reuse of the replaced refresh token', again);
});
