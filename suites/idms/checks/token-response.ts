/** The token response to the authorization_code grant (B.4.2.4, B.4.2.5). */
import { checkTable, inconclusive, unmet, verdictOf } from '../../../lib/harness/check.ts';
import { tokenResponseTable } from '../../../lib/oidc/checks/token-response.ts';
import type { TokenResult } from '../../../lib/oidc/token-request.ts';
import { mediaTypeOf } from '../../../lib/oidc/json-response.ts';

const FIELDS = tokenResponseTable('idms.token-response', 'idms authorization_code token response', {
  accessToken: 'MCXSEC-B.4.2.5-02',
  tokenType: 'MCXSEC-B.4.2.5-03',
  expiresIn: 'MCXSEC-B.4.2.5-04',
  noStore: 'MCXSEC-B.4.2.5-05',
});

export const AUTH_CODE_RESPONSE = checkTable<TokenResult>('idms authorization_code token response', [
  {
    id: 'idms.token-request.grant-authorization-code',
    requirement: 'MCXSEC-B.4.2.4-02',
    title: 'grant_type authorization_code accepted',
    run: (res) => (res.status === undefined ? inconclusive(res.problem ?? 'no answer', 'unreachable') : verdictOf(res.status === 200, 'status', 200, res.status)),
  },
  {
    id: 'idms.token-response.all-tokens',
    requirement: 'MCXSEC-B.4.2.5-01',
    title: 'ID token, access token and refresh token all returned',
    needs: (res) => (res.json && res.status === 200 ? undefined : unmet(`no token response: ${res.problem ?? `HTTP ${res.status}`} (the status is judged by idms.token-request.grant-authorization-code)`, res.unreachable ? 'unreachable' : 'target')),
    run: ({ json }) => {
      const missing = ['access_token', 'id_token', 'refresh_token'].filter((k) => typeof json![k] !== 'string' || !json![k]);
      return verdictOf(missing.length === 0, missing.join(', ') || 'tokens', 'access_token, id_token, refresh_token', missing.length ? `missing ${missing.join(', ')}` : 'all present', 'missing');
    },
  },
  {
    id: 'idms.token-response.media-type',
    requirement: 'MCXSEC-B.4.2.5-06',
    title: 'token response served as application/json (RFC 6749 5.1)',
    needs: (res) => (res.json ? undefined : unmet(`no JSON token response: ${res.problem ?? `HTTP ${res.status}`}`, res.unreachable ? 'unreachable' : 'target')),
    run: ({ contentType }) => verdictOf(mediaTypeOf(contentType) === 'application/json', 'Content-Type', 'application/json', contentType || '(none)', contentType ? 'mismatch' : 'missing'),
  },
  ...FIELDS.checks,
]);
