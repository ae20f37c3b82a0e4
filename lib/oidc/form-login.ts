import type { HttpClient, HttpResult } from '../http/client.ts';
import { CookieJar } from './cookies.ts';
import { findLoginForm, formValues, pageExcerpt, parseForms } from './html-form.ts';
import type { AuthorizeOptions, AuthorizeOutcome, LoginDriver } from './login-driver.ts';
import { isRedirectTo, parseRedirect } from './redirect.ts';

const MAX_STEPS = 12;

/**
 * Drives an IdMS login with plain HTTP, as a user agent without scripts
 * would: GET the authentication request, follow redirects by hand, fill and
 * post the login form, submit a consent form, and stop at the first
 * redirect to the client's redirect URI. Cookies persist across calls, so a
 * second authorize rides on the IdMS session like a browser's SSO.
 */
export class FormLoginDriver implements LoginDriver {
  readonly mode = 'form' as const;
  private readonly jar = new CookieJar();

  constructor(private readonly http: HttpClient) {}

  /** `http` overrides the client for this call (the per-test client records evidence). */
  async authorize(url: string, options: AuthorizeOptions, http: HttpClient = this.http): Promise<AuthorizeOutcome> {
    const steps: string[] = [];
    let next: { url: string; method: 'GET' | 'POST'; form?: Record<string, string> } = { url, method: 'GET' };
    let loginShown = false;
    let loginsSubmitted = 0;
    let consentShown = false;
    for (let i = 0; i < MAX_STEPS; i++) {
      const cookie = this.jar.header(next.url);
      const res: HttpResult = await http.request({
        url: next.url,
        method: next.method,
        form: next.form,
        headers: { ...(cookie ? { cookie } : {}), accept: 'text/html,application/xhtml+xml' },
      });
      if (!res.ok) return { kind: 'unreachable', detail: `${next.method} ${next.url}: ${res.error}`, steps };
      steps.push(`${next.method} ${stripQuery(next.url)} -> ${res.status}`);
      this.jar.store(next.url, res.headers['set-cookie']);
      const location = res.headers.location;
      if (res.status >= 300 && res.status < 400 && location) {
        const target = resolve(location, next.url);
        if (isRedirectTo(target, options.redirectUri)) return { kind: 'redirect', redirect: parseRedirect(target), loginShown, consentShown, steps };
        next = { url: target, method: 'GET' };
        continue;
      }
      const forms = parseForms(res.bodyText);
      if (res.status >= 400) {
        if (loginsSubmitted > 0 && findLoginForm(forms, options)) return { kind: 'login-rejected', detail: `login form shown again (${res.status}) after credentials were posted: ${pageExcerpt(res.bodyText)}`, steps };
        return { kind: 'error', status: res.status, detail: `${res.status}: ${pageExcerpt(res.bodyText)}`, steps };
      }
      // response_mode=form_post or a script-less auto-submit to the client.
      const toClient = forms.find((f) => f.action && isRedirectTo(resolve(f.action, next.url), options.redirectUri));
      if (toClient) {
        const values = formValues(toClient);
        const target = new URL(resolve(toClient.action!, next.url));
        for (const [k, v] of Object.entries(values)) target.searchParams.set(k, v);
        return { kind: 'redirect', redirect: parseRedirect(target.toString()), loginShown, consentShown, steps };
      }
      const login = findLoginForm(forms, options);
      if (login) {
        loginShown = true;
        if (loginsSubmitted > 0) return { kind: 'login-rejected', detail: `login form shown again after credentials were posted: ${pageExcerpt(res.bodyText)}`, steps };
        if (!options.credentials) return { kind: 'stuck', detail: 'login form shown but no credentials given', steps };
        if (!login.usernameField) return { kind: 'stuck', detail: 'login form has no recognisable username field (set target idms.login.usernameField)', steps };
        const values = formValues(login.form);
        values[login.usernameField] = options.credentials.username;
        values[login.passwordField] = options.credentials.password;
        loginsSubmitted++;
        next = submission(login.form.action, login.form.method, values, next.url);
        continue;
      }
      // A consent page (C.1 step 3c): a form without a password field; submitted once.
      const consent = forms.find((f) => f.method === 'POST');
      if (consent && !consentShown) {
        consentShown = true;
        next = submission(consent.action, consent.method, formValues(consent), next.url);
        continue;
      }
      return { kind: 'stuck', detail: `page ${res.status} with no form to act on: ${pageExcerpt(res.bodyText)}`, steps };
    }
    return { kind: 'stuck', detail: `more than ${MAX_STEPS} steps without reaching the redirect URI`, steps };
  }

  async resetSession(): Promise<void> {
    this.jar.clear();
  }

  async close(): Promise<void> {}
}

function submission(action: string | undefined, method: 'GET' | 'POST', values: Record<string, string>, base: string) {
  const url = resolve(action || base, base);
  if (method === 'GET') {
    const u = new URL(url);
    for (const [k, v] of Object.entries(values)) u.searchParams.set(k, v);
    return { url: u.toString(), method, form: undefined };
  }
  return { url, method, form: values };
}

function resolve(location: string, base: string): string {
  try {
    return new URL(location, base).toString();
  } catch {
    return location;
  }
}

function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : `${url.slice(0, i)}?...`;
}
