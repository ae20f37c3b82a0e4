/** Refreshing an access token (B.5.2, B.5.3), and the refreshed access token's scope (B.2.2). */
import { checkTable, fail, inconclusive, notApplicable, pass, unmet, verdictOf, type Check } from '../../../lib/harness/check.ts';
import { tokenResponseTable } from '../../../lib/oidc/checks/token-response.ts';
import { tokenRefusalOutcome } from '../../../lib/oidc/checks/refusal.ts';
import { scopeList, serviceGranted, serviceOf, type ServiceKey } from '../../../lib/oidc/claims.ts';
import type { DecodeResult } from '../../../lib/oidc/jwt.ts';
import type { TokenResult } from '../../../lib/oidc/token-request.ts';

export interface RefreshInput {
  res: TokenResult;
  /** The access token the refresh replaces. */
  previousAccessToken?: string;
  /** The refreshed access token, decoded. */
  accessToken: DecodeResult;
  /** The narrower scope asked for. */
  scope: readonly string[];
}

const ACCEPTED = 'idms.refresh.accepted';
const claims = (i: RefreshInput) => (i.accessToken.ok ? i.accessToken.jwt.claims : {});
const decodable = (i: RefreshInput) => (i.accessToken.ok ? undefined : unmet(`the refreshed access token is not a JWT: ${i.accessToken.reason}`, 'target'));

const noServiceId = (key: ServiceKey, requirement: string): Check<RefreshInput> => {
  const s = serviceOf(key);
  return {
    id: `idms.refresh.no-${key}-id`,
    requirement,
    title: `refreshed access token has no ${s.claim} (not asked for)`,
    after: [ACCEPTED],
    needs: decodable,
    run: (i) => (serviceGranted(s, i.scope) ? notApplicable(`${s.name} was asked for`) : verdictOf(claims(i)[s.claim] === undefined, s.claim, 'absent', claims(i)[s.claim])),
  };
};

export const REFRESH_NARROWER = checkTable<RefreshInput>('idms refresh with a narrower scope', [
  {
    id: ACCEPTED,
    requirement: 'MCXSEC-B.5.3-01',
    title: 'refresh with a narrower scope accepted',
    run: ({ res }) => {
      if (res.unreachable || res.status === undefined || res.status >= 500) return inconclusive(`refresh request got no usable answer: ${res.problem ?? res.status}`, res.unreachable ? 'unreachable' : 'target');
      return verdictOf(res.status === 200, 'status', 200, res.status, 'check_failed', res.problem ?? JSON.stringify(res.json?.error));
    },
  },
  ...tokenResponseTable('idms.refresh-response', 'idms refresh response', { accessToken: 'MCXSEC-B.5.3-01', tokenType: 'MCXSEC-B.5.3-02', expiresIn: 'MCXSEC-B.5.3-03' }).checks.map((c) => ({
    ...c,
    after: [ACCEPTED],
    run: (i: RefreshInput) => c.run(i.res),
    needs: c.needs ? (i: RefreshInput) => c.needs!(i.res) : undefined,
  })),
  {
    id: 'idms.refresh.new-access-token',
    requirement: 'MCXSEC-B.5.3-01',
    title: 'refresh returns a new access token',
    after: [ACCEPTED],
    run: ({ res, previousAccessToken }) => {
      const at = res.json?.access_token;
      if (typeof at !== 'string') return inconclusive('no access_token in the refresh response (judged by idms.refresh-response.access-token)', 'target');
      return verdictOf(at !== previousAccessToken, 'access_token', 'a token other than the old one', at === previousAccessToken ? 'the old token' : 'a new token');
    },
  },
  {
    id: 'idms.refresh.scope-narrowed',
    requirement: 'MCXSEC-B.2.2.2-03',
    title: 'refreshed access token scope is the narrower scope asked for',
    after: [ACCEPTED],
    needs: decodable,
    run: (i) => {
      const granted = scopeList(claims(i).scope);
      return verdictOf(granted.ok && granted.scopes.every((s) => s === 'openid' || i.scope.includes(s)), 'scope', i.scope.join(' '), claims(i).scope);
    },
  },
  noServiceId('mcvideo', 'MCXSEC-B.2.2.3-02'),
  noServiceId('mcdata', 'MCXSEC-B.2.2.3-03'),
]);

export interface WiderRefreshInput {
  res: TokenResult;
  /** What the original grant granted. */
  original: readonly string[];
  /** The access token of the answer, decoded, when there is one. */
  accessToken?: DecodeResult;
}

export const REFRESH_WIDER = checkTable<WiderRefreshInput>('idms refresh asking for a wider scope', [
  {
    id: 'idms.refresh.no-wider-scope',
    requirement: 'MCXSEC-B.5.2-01',
    title: 'refresh asking for a scope wider than granted is refused or grants nothing beyond the original',
    run: ({ res, original, accessToken }) => {
      if (res.status !== 200) return tokenRefusalOutcome(res);
      // Accepted: it must at least not have widened (RFC 6749 6 allows no new scope), and that must be visible.
      const fromToken = accessToken?.ok ? scopeList(accessToken.jwt.claims.scope) : undefined;
      const fromResponse = typeof res.json?.scope === 'string' ? res.json.scope.split(' ').filter(Boolean) : undefined;
      const visible = [...(fromToken?.ok ? fromToken.scopes : []), ...(fromResponse ?? [])];
      if (!fromResponse && !fromToken?.ok) return inconclusive('the refresh was accepted, but neither the response nor the access token shows the scope granted', 'target');
      const widened = [...new Set(visible.filter((s) => s !== 'openid' && !original.includes(s)))];
      return widened.length === 0 ? pass('scope', visible.join(' '), `within ${original.join(' ')}`) : fail('scope', `within ${original.join(' ')}`, widened.join(' '), 'not_refused');
    },
  },
]);

export interface RotationInput {
  original: string;
  first: TokenResult;
  again: TokenResult;
}

export const REFRESH_ROTATION = checkTable<RotationInput>('idms refresh token rotation', [
  {
    id: 'idms.refresh.rotated',
    requirement: 'MCXSEC-B.5.3-04',
    title: 'refresh response carries a new refresh token (rotation claimed)',
    run: ({ first, original }) => {
      const rotated = first.json?.refresh_token;
      return verdictOf(typeof rotated === 'string' && rotated !== original, 'refresh_token', 'a new refresh token', typeof rotated === 'string' ? (rotated === original ? 'the same token' : 'new') : 'none', 'missing');
    },
  },
  { id: 'idms.refresh.replaced-token-refused', requirement: 'MCXSEC-B.5.3-04', title: 'reuse of the replaced refresh token refused', run: ({ again }) => tokenRefusalOutcome(again) },
]);

export interface RefreshClientAuthInput {
  /** Whether the target's client holds a secret (a confidential client). */
  confidential: boolean;
  /** A refresh of a valid refresh token sent without client authentication. */
  withoutAuthentication?: TokenResult;
  /** The same refresh token refreshed with the client credentials afterwards: shows the token itself was good. */
  withAuthentication?: TokenResult;
}

export const REFRESH_CLIENT_AUTH = checkTable<RefreshClientAuthInput>('idms refresh without client authentication', [
  {
    id: 'idms.refresh.no-client-auth-refused',
    requirement: 'MCXSEC-B.5.2-02',
    title: 'refresh request of a confidential client without client authentication refused',
    run: ({ confidential, withoutAuthentication, withAuthentication }) => {
      // B.5.2: only a client given credentials by the IdMS must authenticate; a public client has none.
      if (!confidential || !withoutAuthentication) return notApplicable('the target client has no secret (idms.clientSecret absent: a public client), so B.5.2 asks for no client authentication on refresh');
      const refusal = tokenRefusalOutcome(withoutAuthentication);
      if (refusal.verdict !== 'pass') return refusal;
      // A refusal only counts when the refresh token was good: the authenticated refresh of it must then work.
      if (withAuthentication?.status !== 200) return inconclusive(`the refresh with client authentication failed too (${withAuthentication?.problem ?? withAuthentication?.status ?? 'not sent'}), so the refusal may not be about authentication`, 'precondition');
      return refusal;
    },
  },
]);
