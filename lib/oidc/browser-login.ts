import { recordAnswer, recordTimeout, stoppedReason } from '../http/endpoint-health.ts';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import type { AuthorizeOptions, AuthorizeOutcome, LoginDriver } from './login-driver.ts';
import { isRedirectTo, parseRedirect } from './redirect.ts';

/**
 * Drives the IdMS's own login pages in Debian's Chromium through Playwright,
 * as a user would (5.1.2.3.2 steps 3a/3b). The authentication response is
 * caught as the redirect towards the client's redirect URI (request or 3xx
 * Location, so custom-scheme redirect URIs of native clients work too) and
 * never followed.
 *
 * TLS: Chromium cannot be handed a CA PEM. With verification on, the caller
 * first verifies the server against the target CA with node:tls and passes
 * the SPKI hash of the certificate it saw; Chromium then accepts exactly that
 * key (--ignore-certificate-errors-spki-list). With verification off in the
 * target, certificate errors are ignored and the report says so.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const STEP_TIMEOUT_MS = 10_000;

interface FetchPaused {
  requestId: string;
  request: { url: string; method: string };
  responseStatusCode?: number;
  responseHeaders?: { name: string; value: string }[];
}

export interface BrowserLoginOptions {
  /** base64 SHA-256 SPKI hashes of the certificates to accept (CA-verified by the caller). */
  trustedSpki?: string[];
  /** Target turned verification off: ignore certificate errors. */
  ignoreHttpsErrors?: boolean;
  executablePath?: string;
}

export class BrowserLoginDriver implements LoginDriver {
  readonly mode = 'browser' as const;

  private constructor(
    private readonly browser: Browser,
    private context: BrowserContext,
    private readonly ignoreHttpsErrors: boolean,
  ) {}

  static async launch(options: BrowserLoginOptions = {}): Promise<BrowserLoginDriver> {
    const args = [...CHROMIUM_ARGS];
    if (options.trustedSpki?.length) args.push(`--ignore-certificate-errors-spki-list=${options.trustedSpki.join(',')}`);
    const browser = await chromium.launch({ executablePath: options.executablePath ?? CHROMIUM_PATH, args });
    const ignore = options.ignoreHttpsErrors === true;
    const context = await browser.newContext({ ignoreHTTPSErrors: ignore });
    return new BrowserLoginDriver(browser, context, ignore);
  }

  async authorize(url: string, options: AuthorizeOptions): Promise<AuthorizeOutcome> {
    // The browser does not go through lib/http, so it consults and feeds the same per-origin
    // health record: an IdMS that stopped answering the client is not waited for here either.
    const stopped = stoppedReason(url);
    if (stopped) return { kind: 'unreachable', detail: `browser login not attempted: ${stopped}`, steps: [] };
    const page = await this.context.newPage();
    const steps: string[] = [];
    let captured: string | undefined;
    let resolveCapture: () => void = () => undefined;
    const capturedPromise = new Promise<void>((r) => (resolveCapture = r));
    const capture = (location: string) => {
      if (!captured && isRedirectTo(location, options.redirectUri)) {
        captured = location;
        resolveCapture();
      }
    };
    page.on('response', (res) => steps.push(`${res.request().method()} ${res.url().split('?')[0]} -> ${res.status()}`));
    // Pause every response before Chromium acts on it: a 3xx towards the
    // redirect URI is read and stopped there. Works for custom schemes, whose
    // redirects Chromium drops without a response event.
    const cdp = await this.context.newCDPSession(page);
    cdp.on('Fetch.requestPaused', (e: FetchPaused) => {
      const status = e.responseStatusCode ?? 0;
      const loc = e.responseHeaders?.find((h) => h.name.toLowerCase() === 'location')?.value;
      let target: string | undefined;
      if (status >= 300 && status < 400 && loc) {
        try {
          target = new URL(loc, e.request.url).toString();
        } catch {
          target = loc;
        }
        steps.push(`${e.request.method} ${e.request.url.split('?')[0]} -> ${status}`);
      }
      if (!target && isRedirectTo(e.request.url, options.redirectUri)) target = e.request.url;
      if (target && isRedirectTo(target, options.redirectUri)) {
        capture(target);
        void cdp.send('Fetch.failRequest', { requestId: e.requestId, errorReason: 'Aborted' }).catch(() => undefined);
      } else {
        void cdp.send('Fetch.continueRequest', { requestId: e.requestId }).catch(() => undefined);
      }
    });
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*', requestStage: 'Response' }, { urlPattern: '*', requestStage: 'Request' }] });
    try {
      const first = await page.goto(url, { timeout: STEP_TIMEOUT_MS }).catch((err: Error) => err);
      if (first instanceof Error && !captured) {
        if (/ERR_CERT|certificate/i.test(first.message)) return { kind: 'unreachable', detail: `browser refused the TLS certificate: ${firstLine(first.message)}`, steps };
        // Any other network or TLS failure (e.g. ERR_SSL_VERSION_OR_CIPHER_MISMATCH): Chromium could not talk to the IdMS.
        if (/net::ERR_|Timeout/i.test(first.message)) {
          const detail = `browser could not load the authorization endpoint: ${firstLine(first.message)}`;
          if (/Timeout|TIMED_OUT/i.test(first.message)) recordTimeout(url, detail);
          return { kind: 'unreachable', detail, steps };
        }
      } else if (!(first instanceof Error) && first && first.status() >= 400 && !captured) {
        recordAnswer(url);
        return { kind: 'error', status: first.status(), detail: `${first.status()}: ${await excerpt(page)}`, steps };
      }
      if (!(first instanceof Error)) recordAnswer(url);
      let loginShown = false;
      let loginsSubmitted = 0;
      let consentShown = false;
      for (let i = 0; i < 6 && !captured; i++) {
        const what = await Promise.race([
          capturedPromise.then(() => 'captured' as const),
          page.waitForSelector('input[type=password]', { timeout: STEP_TIMEOUT_MS }).then(() => 'login' as const),
          page.waitForSelector('form button, form input[type=submit]', { timeout: STEP_TIMEOUT_MS, state: 'visible' }).then(async () => {
            await page.waitForTimeout(300); // give a password field or a redirect the chance to show first
            return 'form' as const;
          }),
        ]).catch(() => 'timeout' as const);
        if (captured || what === 'captured') break;
        if (what === 'timeout') return { kind: 'stuck', detail: `no login form, consent form or redirect within ${STEP_TIMEOUT_MS} ms: ${await excerpt(page)}`, steps };
        const hasPassword = (await page.locator('input[type=password]').count()) > 0;
        if (hasPassword) {
          loginShown = true;
          if (loginsSubmitted > 0) return { kind: 'login-rejected', detail: `login form shown again after credentials were entered: ${await excerpt(page)}`, steps };
          if (!options.credentials) return { kind: 'stuck', detail: 'login form shown but no credentials given', steps };
          const form = page.locator('form:has(input[type=password])').first();
          const user = options.usernameField
            ? form.locator(`[name="${options.usernameField}"]`)
            : form.locator('input[type=text], input[type=email], input:not([type])').first();
          const pass = options.passwordField ? form.locator(`[name="${options.passwordField}"]`) : form.locator('input[type=password]').first();
          await user.fill(options.credentials.username, { timeout: STEP_TIMEOUT_MS });
          await maskedFill(pass, options.credentials.password);
          loginsSubmitted++;
          await submitAndWait(page, 'form:has(input[type=password])', capturedPromise);
          continue;
        }
        if (consentShown) return { kind: 'stuck', detail: `a form is still shown after consent was given: ${await excerpt(page)}`, steps };
        consentShown = true;
        await submitAndWait(page, 'form', capturedPromise);
      }
      if (!captured) await Promise.race([capturedPromise, page.waitForTimeout(2000)]);
      if (!captured) return { kind: 'stuck', detail: `no redirect to the client after login: ${await excerpt(page)}`, steps };
      return { kind: 'redirect', redirect: parseRedirect(captured), loginShown, consentShown, steps };
    } catch (err) {
      if (captured) return { kind: 'redirect', redirect: parseRedirect(captured), loginShown: false, consentShown: false, steps };
      return { kind: 'stuck', detail: `browser: ${firstLine((err as Error).message)}`, steps };
    } finally {
      await page.close().catch(() => undefined);
    }
  }

  async resetSession(): Promise<void> {
    await this.context.close().catch(() => undefined);
    this.context = await this.browser.newContext({ ignoreHTTPSErrors: this.ignoreHttpsErrors });
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }
}

/** Submits a form and waits until the page has moved on (or the redirect to the client was seen). */
async function submitAndWait(page: Page, formSelector: string, captured: Promise<void>): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: STEP_TIMEOUT_MS }).catch(() => undefined);
  await submit(page, formSelector);
  await Promise.race([captured, navigated]);
  await Promise.race([captured, page.waitForLoadState('domcontentloaded', { timeout: STEP_TIMEOUT_MS }).catch(() => undefined)]);
}

async function submit(page: Page, formSelector: string): Promise<void> {
  const form = page.locator(formSelector).first();
  const button = form.locator('button[type=submit], input[type=submit], button:not([type])').first();
  if ((await button.count()) > 0) await button.click({ timeout: STEP_TIMEOUT_MS, noWaitAfter: true });
  else await form.evaluate((f) => (f as HTMLFormElement).submit());
}

async function excerpt(page: Page): Promise<string> {
  const text = await page.evaluate(() => `${document.title}: ${document.body?.innerText ?? ''}`).catch(() => '');
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}...` : flat || page.url().split('?')[0];
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

/**
 * Types a secret into a field without letting it reach a step title: Playwright titles `fill`
 * steps with the value (`Fill "..."`), evaluate steps only with the word. The page sees the same
 * input and change events as a fill.
 */
async function maskedFill(field: Locator, secret: string): Promise<void> {
  await field.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await field.evaluate((el, value) => {
    const input = el as HTMLInputElement;
    input.focus();
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, secret);
}
