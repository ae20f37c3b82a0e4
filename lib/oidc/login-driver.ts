import type { RedirectParams } from './redirect.ts';

/**
 * How the suites get an authentication response out of an IdMS: by driving
 * its own login (and consent) pages, in a browser or with plain form posts.
 * The outcome says where the IdMS sent the user agent, never throws for what
 * the IdMS does.
 */
export type AuthorizeOutcome =
  /** The IdMS redirected to the client's redirect URI (with a code, or an error). */
  | { kind: 'redirect'; redirect: RedirectParams; loginShown: boolean; consentShown: boolean; steps: string[] }
  /** Credentials were submitted and the login form came back: the IdMS refused them. */
  | { kind: 'login-rejected'; detail: string; steps: string[] }
  /** The IdMS answered with an error status or page and sent nothing to the client. */
  | { kind: 'error'; status?: number; detail: string; steps: string[] }
  /** The IdMS could not be reached. */
  | { kind: 'unreachable'; detail: string; steps: string[] }
  /** A page the driver cannot act on (no login form, script-only page, redirect loop). */
  | { kind: 'stuck'; detail: string; steps: string[] };

export interface LoginCredentials {
  username: string;
  password: string;
}

export interface AuthorizeOptions {
  /** Where the authentication response is expected (the redirect_uri of the request). */
  redirectUri: string;
  /** Credentials for the login form; without them a login form ends the attempt as 'stuck'. */
  credentials?: LoginCredentials;
  /** Field names when the target names them (target.idms.login). */
  usernameField?: string;
  passwordField?: string;
}

export interface LoginDriver {
  readonly mode: 'browser' | 'form';
  authorize(url: string, options: AuthorizeOptions): Promise<AuthorizeOutcome>;
  /** Forget the IdMS session (cookies), so the next authorize shows the login form. */
  resetSession(): Promise<void>;
  close(): Promise<void>;
}

/** The code of an outcome, or why there is none. */
export function codeOf(outcome: AuthorizeOutcome): { code?: string; reason?: string } {
  if (outcome.kind !== 'redirect') return { reason: `${outcome.kind}: ${outcome.detail}` };
  const code = outcome.redirect.query.code;
  if (code) return { code };
  const err = outcome.redirect.query.error ?? outcome.redirect.fragment.error;
  if (err) return { reason: `redirect carries error=${err}${outcome.redirect.query.error_description ? ` (${outcome.redirect.query.error_description})` : ''}` };
  if (outcome.redirect.fragment.code) return { reason: 'code returned in the fragment, not the query' };
  return { reason: 'redirect carries no code' };
}
