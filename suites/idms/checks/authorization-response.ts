import type { Checker } from '../../../lib/harness/index.ts';
import type { AuthorizationRequest } from '../../../lib/oidc/authorization-request.ts';
import type { AuthorizeOutcome } from '../../../lib/oidc/login-driver.ts';
import { R } from './ids.ts';

/**
 * B.4.2.3: the code in the query of the registered redirect URI and the
 * exact state of the request. Returns the code when a conforming client
 * would use it (state matches), else undefined.
 */
export function checkAuthorizationResponse(verify: Checker, request: AuthorizationRequest, outcome: Extract<AuthorizeOutcome, { kind: 'redirect' }>): string | undefined {
  const { query, fragment } = outcome.redirect;
  const code = query.code;
  const ok = verify.check(R.codeInQuery, 'code in the query of the redirect URI', typeof code === 'string' && code.length > 0, {
    field: 'redirect query code',
    expected: 'a code',
    actual: code ? 'present' : fragment.code ? 'only in the fragment' : query.error ? `error=${query.error}` : undefined,
    reason: 'missing',
  });
  const state = query.state ?? fragment.state;
  const stateOk = verify.equal(R.stateEcho, 'state returned exactly', request.state, state, { field: 'redirect query state' });
  return ok && stateOk ? code : undefined;
}
