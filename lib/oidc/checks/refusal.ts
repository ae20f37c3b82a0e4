/**
 * Refusals as positive evidence, shared by the IdMS and partner-IdMS suites.
 * A token request is refused by a 4xx (RFC 6749 5.2); an authentication
 * request by an error redirect to the client (no code) or an error page
 * with a 4xx status. Anything else (no answer, a 5xx, a browser exception,
 * a step timeout, a redirect loop, a page the driver cannot read) tells
 * nothing: INCONCLUSIVE, never a pass.
 */
import { checkTable, fail, inconclusive, pass, type Check, type CheckTable, type Outcome } from '../../harness/check.ts';
import { refusalOf, type TokenResult } from '../token-request.ts';
import type { AuthorizeOutcome } from '../login-driver.ts';
import { isRedirectTo } from '../redirect.ts';

export interface RefusalCheck {
  id: string;
  requirement: string;
  title: string;
}

/** The outcome of a token request that must be refused. */
export function tokenRefusalOutcome(res: TokenResult): Outcome {
  const r = refusalOf(res);
  if (r.verdict === 'refused') return pass('status', r.detail, 'a 4xx refusal (RFC 6749 5.2)');
  if (r.verdict === 'accepted') return fail('status', 'a 4xx refusal (RFC 6749 5.2)', r.detail, 'not_refused');
  return inconclusive(`the token endpoint's answer neither refuses nor accepts (${r.detail})`, res.unreachable ? 'unreachable' : 'target');
}

/** One check per entry, each judging the same token request (one requirement each). */
export function tokenRefusalTable(exchange: string, checks: readonly RefusalCheck[]): CheckTable<TokenResult> {
  return checkTable<TokenResult>(exchange, checks.map((c): Check<TokenResult> => ({ ...c, run: tokenRefusalOutcome })));
}

export interface AuthorizationRefusalInput {
  outcome: AuthorizeOutcome;
  /** An unregistered redirect URI: nothing at all may be sent there. */
  forbiddenRedirect?: string;
}

/** The outcome of an authentication request that must be refused. */
export function authorizationRefusalOutcome({ outcome, forbiddenRedirect }: AuthorizationRefusalInput): Outcome {
  const expected = 'no code issued: an error redirect or a 4xx error page';
  switch (outcome.kind) {
    case 'redirect': {
      const { query, fragment, location } = outcome.redirect;
      const code = query.code ?? fragment.code;
      const where = location.split('?')[0]!.split('#')[0];
      if (code) return fail('redirect code', expected, `a code was issued and sent to ${where}`, 'not_refused');
      if (forbiddenRedirect && isRedirectTo(location, forbiddenRedirect)) return fail('redirect', expected, `the IdMS redirected to the unregistered URI ${where} (error=${query.error ?? fragment.error ?? 'none'})`, 'not_refused');
      const error = query.error ?? fragment.error;
      if (error) return pass('redirect error', `redirect to the client with error=${error} and no code`, expected);
      return inconclusive(`redirect to the client with neither a code nor an error: not evidence of a refusal (${Object.keys({ ...query, ...fragment }).join(', ') || 'no parameters'})`, 'target');
    }
    case 'error':
      if (outcome.status !== undefined && outcome.status >= 400 && outcome.status < 500) return pass('status', `error page ${outcome.detail}`, expected);
      return inconclusive(`the IdMS answered ${outcome.status ?? 'an error'} (not a 4xx refusal): ${outcome.detail}`, 'target');
    case 'stuck':
      return inconclusive(`no code, but no refusal either: the login driver stopped at ${outcome.detail}`, 'target');
    case 'login-rejected':
      return inconclusive(`the login was refused before the request could be judged: ${outcome.detail}`, 'precondition');
    case 'unreachable':
      return inconclusive(outcome.detail, 'unreachable');
  }
}

export function authorizationRefusalTable(exchange: string, checks: readonly RefusalCheck[]): CheckTable<AuthorizationRefusalInput> {
  return checkTable<AuthorizationRefusalInput>(exchange, checks.map((c): Check<AuthorizationRefusalInput> => ({ ...c, run: authorizationRefusalOutcome })));
}
