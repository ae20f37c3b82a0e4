/**
 * The access token of B.2.2, shared by the IdMS suite (B.2.2) and the
 * partner-IdMS suite (B.9 says a partner's access token has the same
 * format): a signed JWT with exp, scope, client_id and the MC service IDs of
 * the granted services, and none for a service not asked for. A factory:
 * each suite names its own check ids and requirement IDs.
 */
import { checkTable, fail, inconclusive, notApplicable, pass, verdictOf, type Check, type CheckTable } from '../../harness/check.ts';
import type { TestUser } from '../../target/types.ts';
import type { DecodeResult, VerifyResult } from '../jwt.ts';
import { isNumericDate, scopeList, serviceGranted, SERVICES, type Service, type ServiceKey } from '../claims.ts';

export interface AccessTokenInput {
  decoded: DecodeResult;
  signature: VerifyResult | undefined;
  clientId: string;
  requestedScopes: readonly string[];
  user?: TestUser;
  /** Whether a granted service's ID can be expected (a partner only knows the IDs the assertion carried). */
  serviceIdExpected?: (s: Service) => boolean;
}

export interface AccessTokenRequirements {
  jwt: string;
  signed: string;
  exp: string;
  scope: string;
  clientId: string;
  /** The service ID of a granted service. */
  service: Record<ServiceKey, string>;
  /** No service ID for a service not asked for (default: `service`). */
  serviceNotRequested?: Record<ServiceKey, string>;
}

const claimsOf = (i: AccessTokenInput) => (i.decoded.ok ? i.decoded.jwt.claims : {});
const grantedOf = (i: AccessTokenInput) => {
  const s = scopeList(claimsOf(i).scope);
  return s.ok ? s.scopes : [...i.requestedScopes];
};

/** `idPrefix` names the exchange, e.g. `idms.access-token`; `checks` picks a subset by suffix (default: all). */
export function accessTokenTable(idPrefix: string, exchange: string, ids: AccessTokenRequirements, only?: readonly string[]): CheckTable<AccessTokenInput> {
  const jwtId = `${idPrefix}.jwt`;
  const after = only && !only.includes('jwt') ? [] : [jwtId];
  const all: Check<AccessTokenInput>[] = [
    {
      id: jwtId,
      requirement: ids.jwt,
      title: 'access token is a JWT (RFC 7519)',
      // An answer without any access token is graded by the token response's own access_token check.
      needs: (i) => (!i.decoded.ok && /\(undefined\)$/.test(i.decoded.reason) ? { reason: 'no access token in the answer (judged by the token response check)', blame: 'target' } : undefined),
      run: (i) => (i.decoded.ok ? pass('access_token', `alg ${String(i.decoded.jwt.header.alg)}`, 'a JWT') : fail('access_token', 'a JWT', i.decoded.reason, 'invalid')),
    },
    {
      id: `${idPrefix}.signature`,
      requirement: ids.signed,
      title: 'access token JWS signature verifies with the issuer JWKS (RFC 7515)',
      after,
      run: ({ signature: sig }) => {
        if (!sig) return inconclusive('the signature was not verified (no JWKS)', 'precondition');
        return sig.ok ? pass('access_token (JWS)', `${sig.alg} kid ${sig.kid ?? '-'}`, 'a signature by a key of jwks_uri') : fail('access_token (JWS)', 'a signature by a key of jwks_uri', sig.reason, 'invalid');
      },
    },
    {
      id: `${idPrefix}.exp`,
      requirement: ids.exp,
      title: 'access token exp present as NumericDate',
      after,
      run: (i) => {
        const exp = claimsOf(i).exp;
        return verdictOf(isNumericDate(exp), 'exp', 'seconds since the epoch', exp, exp === undefined ? 'missing' : 'invalid');
      },
    },
    {
      id: `${idPrefix}.client-id`,
      requirement: ids.clientId,
      title: 'access token client_id is the client',
      after,
      run: (i) => {
        const v = claimsOf(i).client_id;
        return verdictOf(v === i.clientId, 'client_id', i.clientId, v, v === undefined ? 'missing' : 'mismatch');
      },
    },
    {
      id: `${idPrefix}.scope`,
      requirement: ids.scope,
      title: 'access token scope reflects the requested scopes',
      after,
      run: (i) => {
        const raw = claimsOf(i).scope;
        const scope = scopeList(raw);
        if (!scope.ok) return fail('scope', 'a space-separated string', raw, scope.reason === 'missing' ? 'missing' : 'invalid', scope.reason);
        const requestedMcx = i.requestedScopes.filter((s) => s !== 'openid');
        const extra = scope.scopes.filter((s) => s !== 'openid' && !i.requestedScopes.includes(s));
        const missing = requestedMcx.filter((s) => !scope.scopes.includes(s));
        const ok = extra.length === 0 && scope.scopes.some((s) => s !== 'openid') && missing.length < requestedMcx.length;
        return verdictOf(ok, 'scope', `a subset of: ${i.requestedScopes.join(' ')}`, raw, 'mismatch', extra.length ? `not requested: ${extra.join(' ')}` : missing.length ? `requested but not granted: ${missing.join(' ')}` : undefined);
      },
    },
    ...SERVICES.map(
      (s): Check<AccessTokenInput> => ({
        id: `${idPrefix}.${s.key}-id`,
        requirement: ids.service[s.key],
        title: `access token ${s.claim} present when ${s.name} is granted`,
        after,
        run: (i) => {
          if (!serviceGranted(s, grantedOf(i))) return notApplicable(`${s.name} was not granted`);
          if (i.serviceIdExpected && !i.serviceIdExpected(s)) return notApplicable(`no ${s.claim} can be expected here (the assertion carried none)`);
          const value = claimsOf(i)[s.claim];
          const expected = i.user?.[s.userField];
          const ok = typeof value === 'string' && value.length > 0 && (expected === undefined || value === expected);
          return verdictOf(ok, s.claim, expected ?? 'a non-empty MC service ID', value, value === undefined ? 'missing' : 'mismatch');
        },
      }),
    ),
    ...SERVICES.map(
      (s): Check<AccessTokenInput> => ({
        id: `${idPrefix}.no-${s.key}-id`,
        requirement: (ids.serviceNotRequested ?? ids.service)[s.key],
        title: `access token carries no ${s.claim} when ${s.name} is not requested`,
        after,
        run: (i) => {
          if (serviceGranted(s, i.requestedScopes)) return notApplicable(`${s.name} was requested`);
          const value = claimsOf(i)[s.claim];
          return verdictOf(value === undefined, s.claim, 'absent', value, 'mismatch');
        },
      }),
    ),
  ];
  return checkTable(exchange, only ? all.filter((c) => only.includes(c.id.slice(idPrefix.length + 1))) : all);
}
