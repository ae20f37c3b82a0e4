import type { Checker } from '../../../lib/harness/index.ts';
import type { AuthorizeOutcome } from '../../../lib/oidc/login-driver.ts';
import { isRedirectTo } from '../../../lib/oidc/redirect.ts';
import { refusalOf, type TokenResult } from '../../../lib/oidc/token-request.ts';

/**
 * Negative checks: the IdMS was sent something it must refuse. A refusal is
 * a 4xx (token endpoint) or no code delivered (authorization endpoint); an
 * answer that tells neither (no answer, 5xx) is INCONCLUSIVE, never a pass.
 */
export function checkTokenRequestRefused(verify: Checker, requirement: string, what: string, res: TokenResult): boolean {
  const r = refusalOf(res);
  if (r.verdict === 'unclear') verify.inconclusive([requirement], `${what}: the token endpoint's answer neither refuses nor accepts (${r.detail})`, res.unreachable ? 'unreachable' : 'precondition');
  return verify.refused(requirement, what, r.verdict === 'refused', { expected: 'a 4xx refusal (RFC 6749 5.2)', actual: r.detail });
}

export type AuthRefusal = { verdict: 'refused' | 'accepted' | 'unclear'; detail: string };

/**
 * Whether an authentication request was refused: no code reached the client
 * and, when `forbiddenRedirect` is given (an unregistered redirect URI),
 * nothing at all was sent there.
 */
export function authorizationRefusalOf(outcome: AuthorizeOutcome, forbiddenRedirect?: string): AuthRefusal {
  switch (outcome.kind) {
    case 'redirect': {
      const { query, fragment, location } = outcome.redirect;
      const code = query.code ?? fragment.code;
      const where = location.split('?')[0];
      if (code) return { verdict: 'accepted', detail: `a code was issued and sent to ${where}` };
      if (forbiddenRedirect && isRedirectTo(location, forbiddenRedirect)) return { verdict: 'accepted', detail: `the IdMS redirected to the unregistered URI ${where} (error=${query.error ?? 'none'})` };
      return { verdict: 'refused', detail: `redirect to the client with error=${query.error ?? fragment.error ?? '(none)'} and no code` };
    }
    case 'error':
      return { verdict: 'refused', detail: `error answer: ${outcome.detail}` };
    case 'stuck':
      return { verdict: 'refused', detail: `no code; the IdMS stopped at: ${outcome.detail}` };
    case 'login-rejected':
      return { verdict: 'unclear', detail: `the login was refused before the request could be judged: ${outcome.detail}` };
    case 'unreachable':
      return { verdict: 'unclear', detail: outcome.detail };
  }
}

export function checkAuthorizationRefused(verify: Checker, requirements: string[], what: string, outcome: AuthorizeOutcome, forbiddenRedirect?: string): void {
  const r = authorizationRefusalOf(outcome, forbiddenRedirect);
  if (r.verdict === 'unclear') verify.inconclusive(requirements, `${what}: ${r.detail}`, outcome.kind === 'unreachable' ? 'unreachable' : 'precondition');
  for (const id of requirements) verify.refused(id, what, r.verdict === 'refused', { expected: 'no code issued (error page or error redirect)', actual: r.detail });
}
