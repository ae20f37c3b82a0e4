/**
 * B.10-01: the KMS takes the access token from the Authorization: Bearer
 * header (RFC 6750 2.1). Judged over every request of a test that the KMS
 * should serve and that carried the test's valid token: a refusal of the
 * token on any of them (HTTP 401, or an invalid_token challenge) fails it,
 * so a KMS that honours the header for one request type and not another is
 * caught on that type. The fixture runs this table at teardown for the tests
 * that declare it, and stops a test at the first token refusal: the checks
 * that read the answer then have no input (INCONCLUSIVE), and this check
 * carries the failure.
 */
import { checkTable, fail, inconclusive, pass } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';

/** Why the answer refuses the bearer token itself, or undefined when it does not. */
export function tokenRefusal(ex: KmsExchange): string | undefined {
  const res = ex.http;
  if (!res.ok) return undefined;
  const challenge = res.headers['www-authenticate'];
  const invalidToken = typeof challenge === 'string' && /\berror\s*=\s*"?invalid_token\b/i.test(challenge);
  if (res.status === 401 || (res.status >= 400 && res.status < 500 && invalidToken)) return `HTTP ${res.status}${challenge ? ` WWW-Authenticate: ${challenge}` : ' without WWW-Authenticate'}`;
  return undefined;
}

export const BEARER = checkTable<KmsExchange[]>('kms requests with the valid access token', [
  {
    id: 'kms.bearer.valid-token-accepted',
    requirement: 'MCXSEC-B.10-01',
    title: 'a valid access token in the Authorization: Bearer header is accepted on every request type sent',
    run: (exchanges) => {
      const refused = exchanges.flatMap((ex) => {
        const why = tokenRefusal(ex);
        return why ? [`${ex.label}: ${why}`] : [];
      });
      if (refused.length) return fail('Authorization header (Bearer scheme, the valid token)', 'the token accepted (the request served)', refused.join('; '), 'mismatch');
      // A 2xx is the KMS processing the request: the token was accepted (a Redirect Upload is answered without a KmsMessage).
      const served = exchanges.filter((ex) => ex.http.ok && ex.http.status >= 200 && ex.http.status < 300);
      if (served.length) return pass('Authorization header (Bearer scheme, the valid token)', `HTTP 2xx: ${served.map((ex) => ex.label).join(', ')}`, 'the token accepted (the request served)');
      const silent = exchanges.find((ex) => !ex.http.ok);
      if (silent) return inconclusive(`${silent.label}: no answer: ${silent.http.ok ? '' : silent.http.error}`, 'unreachable');
      if (exchanges.length === 0) return inconclusive('no request with the valid access token was sent in this test', 'precondition');
      // Answered, not served, and not a token refusal: the token may have been accepted and the request refused for another reason.
      return inconclusive(`no request was served and none refused the token: ${exchanges.map((ex) => `${ex.label}: HTTP ${ex.http.ok ? ex.http.status : '?'}`).join('; ')}`, 'target');
    },
  },
]);
