/**
 * Fixtures of the idms and partner-idms suites. One worker logs in once and
 * shares the result (discovery, the login, the token response, the token
 * exchange), so the whole run stays fast; tests that need a fresh code get
 * one from the same login driver, riding on the IdMS session without logging
 * in again. Nothing here throws for what the IdMS does: a failed
 * precondition is handed to the test, which reports it INCONCLUSIVE with the
 * reason.
 */
import { test as base, type Checker, type Evidence } from '../harness/index.ts';
import { HttpClient, type HttpRequest, type HttpResult } from '../http/client.ts';
import type { Target, TestUser } from '../target/types.ts';
import { readJson } from '../http/json.ts';
import { discover, discoveryUrlOf, type DiscoveryResult, type Provider } from './discovery.ts';
import { buildAuthorizationRequest, type AuthorizationRequest, type AuthorizationRequestOptions } from './authorization-request.ts';
import type { AuthorizeOutcome, LoginDriver } from './login-driver.ts';
import { FormLoginDriver } from './form-login.ts';
import { BrowserLoginDriver } from './browser-login.ts';
import { probeTls } from './tls-probe.ts';
import { decodeJwtSafe, nowSeconds, verifyJwsSignature, type DecodeResult, type VerifyResult } from './jwt.ts';
import { basicAuthorization, GRANT_JWT_BEARER, GRANT_TOKEN_EXCHANGE, TOKEN_TYPE_JWT, tokenRequest, type ClientCredentials, type TokenResult } from './token-request.ts';
import type { Redactor } from '../harness/redactor.ts';
import { CHECK_ANNOTATION, type Finding } from '../harness/finding.ts';
import type { Blame } from '../harness/check.ts';
import type { CheckScope } from '../harness/checker.ts';
import type { TestInfo } from '@playwright/test';

/** One HTTP exchange made outside a test (worker fixtures), replayed as evidence by the tests that use it. */
export interface LoggedExchange {
  label: string;
  data: unknown;
}

/** A code flow run to its token response (B.4.2.2 to B.4.2.5). */
export type CodeFlow =
  | {
      ok: true;
      request: AuthorizationRequest;
      outcome: Extract<AuthorizeOutcome, { kind: 'redirect' }>;
      code: string;
      token: TokenResult;
      sentAt: number;
      receivedAt: number;
      idToken: TokenJwt;
      accessToken: TokenJwt;
      refreshToken?: string;
      /** Scopes granted: the response's scope, else the access token's, else those requested. */
      grantedScopes: string[];
      log: LoggedExchange[];
    }
  | { ok: false; reason: string; unreachable: boolean; log: LoggedExchange[] };

export interface TokenJwt {
  raw?: string;
  decoded: DecodeResult;
  signature?: VerifyResult;
}

export type ExchangeFlow =
  | { ok: true; resource: string; result: TokenResult; receivedAt: number; securityToken: TokenJwt; log: LoggedExchange[] }
  /** `refused`: the token endpoint answered an OAuth error (4xx JSON) to the exchange itself. */
  | { ok: false; reason: string; unreachable: boolean; refused?: boolean; result?: TokenResult; log: LoggedExchange[] };

interface IdmsWorker {
  target: Target;
  redactor: Redactor;
  provider: () => Promise<DiscoveryResult>;
  driver: () => Promise<{ ok: true; driver: LoginDriver } | { ok: false; reason: string }>;
  /** The worker's full-scope login, done once. */
  login: () => Promise<CodeFlow>;
  /** The token exchange of the shared login's access token for a resource, done once per resource. */
  exchange: (resource: string) => Promise<ExchangeFlow>;
  workerHttp: (log: LoggedExchange[]) => HttpClient;
  /** The partner IdMS's discovery (for its JWKS), done once. */
  partnerProvider: () => Promise<DiscoveryResult>;
  /** The JWT-bearer grant at the partner with the shared security token, done once. */
  partnerGrant: () => Promise<PartnerGrant>;
}

export type PartnerGrant =
  | { ok: true; scope: string[]; result: TokenResult; receivedAt: number; accessToken: TokenJwt; assertion: string; log: LoggedExchange[] }
  | { ok: false; reason: string; unreachable: boolean; log: LoggedExchange[] };

/** What the suite asks the partner for: a strict subset of its scopes where possible (B.7.4). */
export function partnerRequestScopes(allowed: readonly string[]): string[] {
  const mcx = allowed.filter((s) => s.startsWith('3gpp:mc:'));
  return [...(allowed.includes('openid') ? ['openid'] : []), ...mcx.slice(0, Math.max(1, mcx.length - 1))];
}

export function partnerClient(target: Target): ClientCredentials {
  return { clientId: target.partnerIdms!.clientId, clientSecret: target.partnerIdms!.clientSecret };
}

export const MCPTT_SCOPES = ['3gpp:mc:ptt_service', '3gpp:mc:ptt_key_management_service'];

/** The client of the target as credentials for the token endpoint. */
export function primaryClient(target: Target): ClientCredentials {
  return { clientId: target.idms!.clientId, clientSecret: target.idms!.clientSecret };
}

/** A narrow scope set: openid and the MCPTT scopes the client may ask for (falls back to the first MCX scope). */
export function narrowScopes(allowed: readonly string[]): string[] {
  const ptt = allowed.filter((s) => MCPTT_SCOPES.includes(s));
  const mcx = allowed.filter((s) => s.startsWith('3gpp:mc:'));
  return ['openid', ...(ptt.length ? ptt : mcx.slice(0, 1))];
}

export function firstUser(target: Target): TestUser | undefined {
  return target.idms?.users[0];
}

async function decodeAndVerify(raw: unknown, jwks: unknown): Promise<TokenJwt> {
  const decoded = decodeJwtSafe(raw);
  return { raw: typeof raw === 'string' ? raw : undefined, decoded, signature: decoded.ok ? await verifyJwsSignature(raw as string, jwks) : undefined };
}

/** Runs an authentication request through a driver and redeems the code (the worker's login and fresh logins). */
export async function runCodeFlow(args: {
  target: Target;
  provider: Provider;
  driver: LoginDriver;
  http: HttpClient;
  redactor: Redactor;
  scope: string[];
  log: LoggedExchange[];
}): Promise<CodeFlow> {
  const { target, provider, driver, http, redactor, scope, log } = args;
  const idms = target.idms!;
  const user = firstUser(target);
  const request = buildAuthorizationRequest({ authorizationEndpoint: provider.authorizationEndpoint, clientId: idms.clientId, redirectUri: idms.redirectUri, scope });
  const outcome = await authorizeWith(driver, request, target, http);
  if (outcome.kind !== 'redirect') return { ok: false, reason: `login did not reach the redirect URI: ${outcome.kind}: ${outcome.detail}`, unreachable: outcome.kind === 'unreachable', log };
  const code = outcome.redirect.query.code;
  if (!code) return { ok: false, reason: `the authentication response has no code in its query (${JSON.stringify({ ...outcome.redirect.query, ...outcome.redirect.fragment })})`, unreachable: false, log };
  if ((outcome.redirect.query.state ?? outcome.redirect.fragment.state) !== request.state) {
    return { ok: false, reason: 'the authentication response state differs from the request; a conforming client ignores the code (B.4.2.3)', unreachable: false, log };
  }
  redactor.add(code);
  const sentAt = nowSeconds();
  const token = await tokenRequest(http, provider.tokenEndpoint, { grant_type: 'authorization_code', code, redirect_uri: idms.redirectUri, client_id: idms.clientId, code_verifier: request.pkce?.verifier }, primaryClient(target));
  const receivedAt = nowSeconds();
  if (!token.json || token.status !== 200) return { ok: false, reason: `token request failed: ${token.problem ?? `status ${token.status} ${JSON.stringify(token.json)}`}`, unreachable: token.unreachable, log };
  const j = token.json;
  if (typeof j.refresh_token === 'string') redactor.add(j.refresh_token);
  if (typeof j.access_token === 'string') redactor.add(j.access_token);
  if (typeof j.id_token === 'string') redactor.add(j.id_token);
  const idToken = await decodeAndVerify(j.id_token, provider.jwks);
  const accessToken = await decodeAndVerify(j.access_token, provider.jwks);
  let grantedScopes = scope;
  if (typeof j.scope === 'string') grantedScopes = j.scope.split(' ').filter(Boolean);
  else if (accessToken.decoded.ok && typeof accessToken.decoded.jwt.claims.scope === 'string') grantedScopes = accessToken.decoded.jwt.claims.scope.split(' ').filter(Boolean);
  void user;
  return { ok: true, request, outcome, code, token, sentAt, receivedAt, idToken, accessToken, refreshToken: typeof j.refresh_token === 'string' ? j.refresh_token : undefined, grantedScopes, log };
}

export function authorizeWith(driver: LoginDriver, request: AuthorizationRequest, target: Target, http: HttpClient, redirectUri = request.redirectUri, password?: string): Promise<AuthorizeOutcome> {
  const user = firstUser(target);
  const login = target.idms!.login ?? { mode: 'form' };
  const options = {
    redirectUri,
    credentials: user ? { username: user.username, password: password ?? user.password } : undefined,
    usernameField: login.usernameField,
    passwordField: login.passwordField,
  };
  return driver instanceof FormLoginDriver ? driver.authorize(request.url, options, http) : driver.authorize(request.url, options);
}

/** Launches the login driver the target asks for (form posts, or Chromium trusting the CA-verified server key). */
export async function launchDriver(target: Target, provider: Provider, http: HttpClient, mode = target.idms!.login?.mode ?? 'form'): Promise<{ ok: true; driver: LoginDriver } | { ok: false; reason: string }> {
  if (mode === 'form') return { ok: true, driver: new FormLoginDriver(http) };
  const spki: string[] = [];
  if (target.tls.verify) {
    const origins = new Set([new URL(provider.authorizationEndpoint).origin, new URL(target.idms!.issuer).origin]);
    for (const origin of origins) {
      if (!origin.startsWith('https:')) continue;
      const probe = await probeTls(origin, { caPem: target.tls.caPem, verify: true });
      if (!probe.ok) return { ok: false, reason: `cannot verify the TLS certificate of ${origin} against the target CA: ${probe.reason}` };
      spki.push(probe.spkiSha256);
    }
  }
  try {
    return { ok: true, driver: await BrowserLoginDriver.launch({ trustedSpki: spki, ignoreHttpsErrors: !target.tls.verify }) };
  } catch (err) {
    return { ok: false, reason: `cannot launch Chromium: ${(err as Error).message.split('\n')[0]}` };
  }
}

function memo<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
}

function loggingHttp(target: Target, redactor: Redactor, log: LoggedExchange[]): HttpClient {
  let n = 0;
  return new HttpClient({
    caPem: target.tls.caPem,
    verify: target.tls.verify,
    onExchange: (req: HttpRequest & { rawBody?: string }, res: HttpResult) => {
      n += 1;
      registerExchangeSecrets(redactor, res);
      log.push({
        label: `shared ${String(n).padStart(2, '0')} ${req.method} ${req.url.split('?')[0]}`,
        data: {
          request: { method: req.method, url: req.url, headers: req.headers, body: req.rawBody },
          response: res.ok ? { status: res.status, headers: res.headers, body: res.bodyText.slice(0, 20_000) } : { error: res.error },
          durationMs: res.durationMs,
        },
      });
    },
  });
}

/** Registers the secrets an exchange carries (tokens in JSON bodies, codes in Location) before it becomes evidence. */
export function registerExchangeSecrets(redactor: Redactor, res: HttpResult): void {
  if (!res.ok) return;
  const loc = res.headers.location;
  if (loc) {
    try {
      const u = new URL(loc, 'https://x.invalid');
      for (const p of [u.searchParams, new URLSearchParams(u.hash.slice(1))]) redactor.add(p.get('code'));
    } catch {
      /* not a URL: nothing to register */
    }
  }
  if (!/^\s*\{/.test(res.bodyText)) return;
  // The bounded reader: a hostile body cannot blow the stack here either.
  const read = readJson(res.bodyText, 'response body', { maxBytes: Number.MAX_SAFE_INTEGER });
  if (!read.ok || !read.value || typeof read.value !== 'object') return;
  const j = read.value as Record<string, unknown>;
  for (const k of ['access_token', 'refresh_token', 'id_token']) if (typeof j[k] === 'string') redactor.add(j[k] as string);
}

export const test = base.extend<{ idms: IdmsSession }, { idmsWorker: IdmsWorker }>({
  // The harness's client, plus registration of received secrets before each exchange is recorded.
  http: async ({ target, evidence, redactor }, use) => {
    let n = 0;
    const client = new HttpClient({
      caPem: target.tls.caPem,
      verify: target.tls.verify,
      onExchange: (req, res) => {
        n += 1;
        registerExchangeSecrets(redactor, res);
        evidence.record('http', `${String(n).padStart(2, '0')} ${req.method} ${req.url}`, {
          request: { method: req.method, url: req.url, headers: req.headers, body: req.rawBody },
          response: res.ok ? { status: res.status, headers: res.headers, body: res.bodyText.slice(0, 20_000), truncated: res.truncated } : { error: res.error },
          durationMs: res.durationMs,
        });
      },
    });
    await use(client);
    await client.close();
  },
  idmsWorker: [
    async ({ target, redactor }, use) => {
      const clients: HttpClient[] = [];
      const workerHttp = (log: LoggedExchange[]) => {
        const c = loggingHttp(target, redactor, log);
        clients.push(c);
        return c;
      };
      for (const [id, secret] of [[target.idms?.clientId, target.idms?.clientSecret], [target.partnerIdms?.clientId, target.partnerIdms?.clientSecret]]) {
        if (id && secret) redactor.add(basicAuthorization(id, secret).slice('Basic '.length));
      }
      // Passwords travel form-encoded in login posts.
      for (const u of target.idms?.users ?? []) {
        redactor.add(encodeURIComponent(u.password));
        redactor.add(new URLSearchParams({ p: u.password }).toString().slice(2));
      }
      redactor.add(target.idms?.expiredAccessToken);
      redactor.add(target.partnerIdms?.expiredAssertion);
      const discoveryLog: LoggedExchange[] = [];
      const provider = memo(async (): Promise<DiscoveryResult> => {
        if (!target.idms) return { ok: false, unreachable: false, reason: 'the target has no idms section' };
        return discover(workerHttp(discoveryLog), discoveryUrlOf(target.idms.issuer, target.idms.discoveryUrl));
      });
      let launched: LoginDriver | undefined;
      const driver = memo(async () => {
        const p = await provider();
        if (!p.ok) return { ok: false as const, reason: `discovery failed: ${p.reason}` };
        const d = await launchDriver(target, p.provider, workerHttp([]));
        if (d.ok) launched = d.driver;
        return d;
      });
      const login = memo(async (): Promise<CodeFlow> => {
        const log: LoggedExchange[] = [];
        const p = await provider();
        if (!p.ok) return { ok: false, reason: `discovery failed: ${p.reason}`, unreachable: p.unreachable, log };
        const d = await driver();
        if (!d.ok) return { ok: false, reason: d.reason, unreachable: false, log };
        return runCodeFlow({ target, provider: p.provider, driver: d.driver, http: workerHttp(log), redactor, scope: target.idms!.scopes, log });
      });
      const exchanges = new Map<string, Promise<ExchangeFlow>>();
      const exchange = (resource: string) => {
        let p = exchanges.get(resource);
        if (!p) {
          p = (async (): Promise<ExchangeFlow> => {
            const log: LoggedExchange[] = [];
            const flow = await login();
            if (!flow.ok) return { ok: false, reason: `the login failed: ${flow.reason}`, unreachable: flow.unreachable, log };
            const prov = await provider();
            if (!prov.ok) return { ok: false, reason: prov.reason, unreachable: prov.unreachable, log };
            if (!flow.accessToken.raw) return { ok: false, reason: 'the login gave no access token', unreachable: false, log };
            const result = await tokenRequest(
              workerHttp(log),
              prov.provider.tokenEndpoint,
              { grant_type: GRANT_TOKEN_EXCHANGE, resource, subject_token: flow.accessToken.raw, subject_token_type: TOKEN_TYPE_JWT, client_id: target.idms!.clientId },
              primaryClient(target),
            );
            const receivedAt = nowSeconds();
            if (!result.json || result.status !== 200) {
              const refused = !!result.json && (result.status ?? 0) >= 400 && (result.status ?? 0) < 500;
              return { ok: false, reason: `token exchange failed: ${result.problem ?? `status ${result.status} ${JSON.stringify(result.json)}`}`, unreachable: result.unreachable, refused, result, log };
            }
            const raw = result.json.access_token;
            if (typeof raw === 'string') redactor.add(raw);
            return { ok: true, resource, result, receivedAt, securityToken: await decodeAndVerify(raw, prov.provider.jwks), log };
          })();
          exchanges.set(resource, p);
        }
        return p;
      };
      const partnerLog: LoggedExchange[] = [];
      const partnerProvider = memo(async (): Promise<DiscoveryResult> => {
        if (!target.partnerIdms) return { ok: false, unreachable: false, reason: 'the target has no partnerIdms section' };
        return discover(workerHttp(partnerLog), discoveryUrlOf(target.partnerIdms.issuer, target.partnerIdms.discoveryUrl));
      });
      const partnerGrant = memo(async (): Promise<PartnerGrant> => {
        const log: LoggedExchange[] = [];
        if (!target.partnerIdms) return { ok: false, reason: 'the target has no partnerIdms section', unreachable: false, log };
        const ex = await exchange(target.partnerIdms.tokenEndpoint);
        if (!ex.ok) return { ok: false, reason: `no security token from the primary: ${ex.reason}`, unreachable: ex.unreachable, log };
        const assertion = ex.securityToken.raw;
        if (!assertion) return { ok: false, reason: 'the token exchange gave no security token', unreachable: false, log };
        const scope = partnerRequestScopes(target.partnerIdms.scopes);
        const result = await tokenRequest(workerHttp(log), target.partnerIdms.tokenEndpoint, { grant_type: GRANT_JWT_BEARER, assertion, client_id: target.partnerIdms.clientId, scope: scope.join(' ') }, partnerClient(target));
        const receivedAt = nowSeconds();
        if (result.unreachable) return { ok: false, reason: result.problem ?? 'partner unreachable', unreachable: true, log };
        const pp = await partnerProvider();
        const accessToken = await decodeAndVerify(result.json?.access_token, pp.ok ? pp.provider.jwks : undefined);
        return { ok: true, scope, result, receivedAt, accessToken, assertion, log };
      });
      await use({ target, redactor, provider, driver, login, exchange, workerHttp, partnerProvider, partnerGrant });
      await launched?.close();
      for (const c of clients) await c.close();
    },
    { scope: 'worker' },
  ],
  idms: async ({ idmsWorker, verify, evidence, http }, use) => {
    await use(new IdmsSession(idmsWorker, verify, evidence, http));
  },
});

export { expect, declare, pick } from '../harness/index.ts';

/**
 * What a test of these suites works with: the shared results (a missing one
 * stops the test with the reason; every declared check not yet recorded
 * becomes INCONCLUSIVE), and fresh requests through the test's own
 * (evidence-recording) HTTP client.
 */
export class IdmsSession {
  private replayed = new Set<LoggedExchange[]>();

  constructor(
    readonly worker: IdmsWorker,
    private readonly verify: Checker,
    readonly evidence: Evidence,
    readonly http: HttpClient,
  ) {}

  get target(): Target {
    return this.worker.target;
  }

  /** The target's idms section, or stop. */
  config() {
    const idms = this.target.idms;
    if (!idms) this.verify.stop('the target file has no idms section', 'configuration');
    return idms;
  }

  async provider(): Promise<Provider> {
    this.config();
    const p = await this.worker.provider();
    if (!p.ok) this.verify.stop(`IdMS discovery failed: ${p.reason}`, p.unreachable ? 'unreachable' : 'precondition');
    return p.provider;
  }

  async login(): Promise<Extract<CodeFlow, { ok: true }>> {
    await this.provider();
    const flow = await this.worker.login();
    this.replay(flow.log);
    if (!flow.ok) this.verify.stop(`the shared login failed: ${flow.reason}`, flow.unreachable ? 'unreachable' : 'precondition');
    this.recordJwt('id_token', flow.idToken);
    this.recordJwt('access_token', flow.accessToken);
    return flow;
  }

  /** The shared login as it went, replayed as evidence, without stopping on a failure. */
  async loginOutcome(): Promise<CodeFlow> {
    const flow = await this.worker.login();
    this.replay(flow.log);
    if (flow.ok) {
      this.recordJwt('id_token', flow.idToken);
      this.recordJwt('access_token', flow.accessToken);
    }
    return flow;
  }

  async exchange(resource: string): Promise<Extract<ExchangeFlow, { ok: true }>> {
    await this.provider();
    const flow = await this.worker.exchange(resource);
    this.replay(flow.log);
    if (!flow.ok) this.verify.stop(`the token exchange for ${resource} failed: ${flow.reason}`, flow.unreachable ? 'unreachable' : 'precondition');
    this.recordJwt(`security token for ${resource}`, flow.securityToken);
    return flow;
  }

  /** The shared exchange as it went, replayed as evidence, without judging it. */
  async exchangeOutcome(resource: string): Promise<ExchangeFlow> {
    const flow = await this.worker.exchange(resource);
    this.replay(flow.log);
    if (flow.ok) this.recordJwt(`security token for ${resource}`, flow.securityToken);
    return flow;
  }

  /** The shared JWT-bearer grant at the partner, replayed as evidence, without judging it. */
  async partnerGrant(): Promise<PartnerGrant> {
    const flow = await this.worker.partnerGrant();
    this.replay(flow.log);
    if (flow.ok) this.recordJwt('partner access token', flow.accessToken);
    return flow;
  }

  async driver(): Promise<LoginDriver> {
    const d = await this.worker.driver();
    if (!d.ok) this.verify.stop(d.reason, 'precondition');
    return d.driver;
  }

  /** A new authentication request (B.4.2.2) sent through the shared login driver. */
  async authorize(options: Partial<AuthorizationRequestOptions> & { expectRedirectUri?: string; password?: string } = {}): Promise<{ request: AuthorizationRequest; outcome: AuthorizeOutcome }> {
    const provider = await this.provider();
    const idms = this.target.idms!;
    const driver = await this.driver();
    const request = buildAuthorizationRequest({
      authorizationEndpoint: provider.authorizationEndpoint,
      clientId: options.clientId ?? idms.clientId,
      redirectUri: options.redirectUri ?? idms.redirectUri,
      scope: options.scope ?? idms.scopes,
      pkce: options.pkce,
      nonce: options.nonce,
      extra: options.extra,
    });
    const outcome = await authorizeWith(driver, request, this.target, this.http, options.expectRedirectUri ?? request.redirectUri, options.password);
    this.evidence.record('text', 'authorization steps', { request: request.params, outcome: { kind: outcome.kind, ...(outcome.kind === 'redirect' ? { redirect: outcome.redirect.location.split('?')[0], params: Object.keys(outcome.redirect.query) } : { detail: outcome.detail }), steps: outcome.steps } });
    if (outcome.kind === 'redirect' && outcome.redirect.query.code) this.worker.redactor.add(outcome.redirect.query.code);
    return { request, outcome };
  }

  /** A fresh code for a correct request, or stop. */
  async freshCode(options: Partial<AuthorizationRequestOptions> = {}): Promise<{ request: AuthorizationRequest; code: string }> {
    const { request, outcome } = await this.authorize(options);
    if (outcome.kind !== 'redirect') this.verify.stop(`could not obtain a code: ${outcome.kind}: ${outcome.detail}`, outcome.kind === 'unreachable' ? 'unreachable' : 'precondition');
    const code = outcome.redirect.query.code;
    if (!code) this.verify.stop(`could not obtain a code: the redirect carries ${JSON.stringify(outcome.redirect.query)}`, 'precondition');
    if (outcome.redirect.query.state !== request.state) this.verify.stop('the authentication response state differs from the request; a conforming client ignores the code', 'precondition');
    return { request, code };
  }

  /** The token request of B.4.2.4 for a code, with parameters overridden or removed (undefined). */
  /** `client` null sends no client authentication at all. */
  async redeem(request: AuthorizationRequest, code: string, overrides: Record<string, string | undefined> = {}, client: ClientCredentials | null = primaryClient(this.target)): Promise<TokenResult> {
    const provider = await this.provider();
    const params: Record<string, string | undefined> = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: request.redirectUri,
      client_id: request.clientId,
      code_verifier: request.pkce?.verifier,
      ...overrides,
    };
    this.registerClient(client);
    const res = await tokenRequest(this.http, provider.tokenEndpoint, params, client ?? undefined);
    this.registerTokens(res);
    return res;
  }

  async token(params: Record<string, string | undefined>, client: ClientCredentials | null = primaryClient(this.target), endpoint?: string): Promise<TokenResult> {
    const url = endpoint ?? (await this.provider()).tokenEndpoint;
    this.registerClient(client);
    const res = await tokenRequest(this.http, url, params, client ?? undefined);
    this.registerTokens(res);
    return res;
  }

  async decode(raw: unknown, jwks: unknown): Promise<TokenJwt> {
    return decodeAndVerify(raw, jwks);
  }

  recordJwt(label: string, token: TokenJwt): void {
    this.evidence.record('jwt', label, token.decoded.ok ? { header: token.decoded.jwt.header, claims: token.decoded.jwt.claims, signature: token.signature } : { error: token.decoded.reason });
  }

  /** Client secrets (also deliberately wrong ones) never reach the report, nor their Basic encoding. */
  registerClient(client: ClientCredentials | null): void {
    if (!client?.clientSecret) return;
    this.worker.redactor.add(client.clientSecret);
    this.worker.redactor.add(basicAuthorization(client.clientId, client.clientSecret).slice('Basic '.length));
  }

  registerTokens(res: TokenResult): void {
    for (const k of ['access_token', 'refresh_token', 'id_token']) {
      const v = res.json?.[k];
      if (typeof v === 'string') this.worker.redactor.add(v);
    }
  }

  private replay(log: LoggedExchange[]): void {
    if (this.replayed.has(log)) return;
    this.replayed.add(log);
    for (const e of log) this.evidence.record('http', e.label, e.data);
  }
}
