import { createHash } from 'node:crypto';
import Provider, { errors, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { FaultSet } from '../fault.ts';
import type { AccountStore } from './accounts.ts';
import { ModelStore } from './adapter.ts';
import type { SigningKey } from './keys.ts';
import { createInteractionHandler, INTERACTION_PREFIX, interactionUrl, page } from './login.ts';
import { jsonNotFound, listenHttps, sendHtml, type HttpsEndpoint } from './https-server.ts';
import { ACR_PASSWORD, MCX_SCOPES, OPENID, oidcClaimsConfig, serviceIdClaimsFor, splitScope } from './scopes.ts';
import { TOKEN_EXCHANGE_GRANT, tokenExchangeHandler, TOKEN_EXCHANGE_PARAMS } from './token-exchange.ts';
import { accessTokenFaults, requestFaults, responseFaults, rewriteTokenRequest, storedModelFaults, type FaultContext } from './primary-faults.ts';
import type { ServerTls } from '../component.ts';

/**
 * The reference primary IdMS (5.1.2, Annex B) on oidc-provider: code flow
 * with PKCE S256 required, MCX scopes, JWT access tokens carrying the MC
 * service IDs, refresh tokens rotated on use, and the token exchange grant of
 * B.7.2 issuing security tokens (B.8) for a partner IdMS.
 */
export interface PrimaryClient {
  clientId: string;
  /** Without one, a public client (B.4.2.1: PKCE only, no client authentication at the token endpoint). */
  clientSecret?: string;
}

export interface PrimaryOptions {
  tls: ServerTls;
  faults: FaultSet;
  key: SigningKey;
  /** Signs what fault switches want signed by a key the JWKS does not publish. */
  unknownKey: SigningKey;
  accounts: AccountStore;
  clients: PrimaryClient[];
  cookieKey: string;
  /** Ask for consent after login (C.1 step 3c). */
  consentPage?: boolean;
}

export interface PrimaryIdms {
  issuer: string;
  redirectUri: string;
  /** Audience of the access tokens: the MCX resource servers of the domain, KMS included. */
  resource: string;
  provider: Provider;
  endpoint: HttpsEndpoint;
}

export const ROUTES = {
  authorization: '/authorize',
  token: '/token',
  jwks: '/jwks',
} as const;

/** The resource indicator (RFC 8707) naming the domain's MCX resource servers; the `aud` of access tokens. */
export const MCX_RESOURCE_PATH = '/resource-servers/mcx';

export const ACCESS_TOKEN_TTL = 300;
export const ID_TOKEN_TTL = 600;
export const REFRESH_TOKEN_TTL = 24 * 3600;
export const SECURITY_TOKEN_TTL = 300;

export async function startPrimaryIdms(opts: PrimaryOptions): Promise<PrimaryIdms> {
  const { faults, accounts, key } = opts;
  const endpoint = await listenHttps(opts.tls, {
    // 6.1.2 / TS 33.310 Annex E: AEAD suites only. The switch falls back to TLS 1.2 with a CBC suite.
    weakTls: faults.has('idms.tls-cbc-cipher'),
    alsoCbc: faults.has('idms.tls-also-accepts-cbc'),
  });
  const issuer = endpoint.origin;
  const redirectUri = `${issuer}/cb`;
  const resource = `${issuer}${MCX_RESOURCE_PATH}`;
  const store = new ModelStore();
  const fc: FaultContext = {
    faults,
    key,
    unknownKey: opts.unknownKey,
    clients: opts.clients,
    userServiceIds: (id) => accounts.byId(id)?.serviceIds,
    opaqueAccessTokens: new Map(),
  };

  const provider = new Provider(issuer, {
    adapter: store.adapterFor,
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      ...(c.clientSecret ? { client_secret: c.clientSecret } : {}),
      client_name: c.clientSecret ? 'MCX client (reference)' : 'MCX public client (reference, PKCE only)',
      application_type: 'web',
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT],
      token_endpoint_auth_method: c.clientSecret ? 'client_secret_basic' : 'none',
      id_token_signed_response_alg: key.alg,
    })),
    jwks: { keys: [key.privateJwk] },
    cookies: { keys: [opts.cookieKey] },
    routes: ROUTES,
    responseTypes: ['code'],
    claims: oidcClaimsConfig(),
    scopes: [OPENID, ...MCX_SCOPES],
    acrValues: [ACR_PASSWORD],
    // B.2.1.3: the MC service IDs travel in the ID token itself, not only at a userinfo endpoint.
    conformIdTokenClaims: false,
    enabledJWA: { idTokenSigningAlgValues: [key.alg] },
    clockTolerance: 5,
    allowOmittingSingleRegisteredRedirectUri: false,
    pkce: {
      // B.4.2.2: code_challenge and code_challenge_method S256 are required; oidc-provider refuses `plain` itself.
      required: () => !faults.has('idms.pkce-optional'),
    },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      claimsParameter: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return {
            scope: MCX_SCOPES.join(' '),
            audience: resource,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: key.alg, kid: key.kid } },
          };
        },
      },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => interactionUrl(interaction.uid), policy: passwordEveryTime() },
    findAccount: (_ctx: unknown, sub: string) => {
      const user = accounts.byId(sub);
      if (!user) return undefined;
      return {
        accountId: user.accountId,
        // oidc-provider releases only the claims whose scopes were granted (claims config above).
        claims: () => ({ sub: user.accountId, ...user.serviceIds }),
      };
    },
    loadExistingGrant: grantAll,
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(g: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    // B.5: the old refresh token is spent on each use; replaying it revokes the grant.
    rotateRefreshToken: true,
    expiresWithSession: () => false,
    extraTokenClaims: (_ctx: unknown, token: { accountId?: string; scope?: string; kind: string }) => {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const user = accounts.byId(token.accountId);
      if (!user) return undefined;
      // B.2.2.3: the service IDs of the services whose scopes the token carries.
      const out: Record<string, string> = {};
      for (const claim of serviceIdClaimsFor(splitScope(token.scope))) out[claim] = user.serviceIds[claim];
      return out;
    },
    formats: { customizers: { jwt: accessTokenFaults(fc) } },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      IdToken: ID_TOKEN_TTL,
      RefreshToken: REFRESH_TOKEN_TTL,
      Interaction: 600,
      Session: 3600,
      Grant: REFRESH_TOKEN_TTL,
    },
    renderError: (ctx: KoaContextWithOIDC, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = page('Error', Object.entries(out).map(([k, v]) => `<p><strong>${k}</strong>: ${escape(String(v))}</p>`).join('\n'));
    },
    discovery: { service_documentation: undefined },
  });

  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    tokenExchangeHandler({ issuer, fc, accounts, securityTokenTtl: SECURITY_TOKEN_TTL }),
    TOKEN_EXCHANGE_PARAMS,
  );
  store.onFind = storedModelFaults(faults, () => Provider.ctx);
  provider.use(jsonNotFound);
  provider.use(requestFaults(fc));
  provider.use(responseFaults(fc));
  if (faults.has('idms.accepts-unregistered-redirect-uri')) provider.Client.prototype.redirectUriAllowed = () => true;
  swallowProviderErrors(provider);

  const callback = provider.callback();
  const interaction = createInteractionHandler(provider, accounts, faults, { consentPage: opts.consentPage === true });
  endpoint.handle(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith(INTERACTION_PREFIX)) return interaction(req, res);
    if (path === '/cb') {
      // The registered redirect URI: answers so a browser lands somewhere; the suite reads the code off the URL.
      return sendHtml(res, 200, page('ok', '<p>ok</p>'));
    }
    await rewriteTokenRequest(fc, req);
    return callback(req, res);
  });

  return { issuer, redirectUri, resource, provider, endpoint };
}

/**
 * Grants every scope the client asked for (first-party clients of the MC
 * service provider: the user is not asked for consent). Follows the
 * oidc-provider recipe for skipping consent.
 */
async function grantAll(ctx: KoaContextWithOIDC): Promise<unknown> {
  const oidc = ctx.oidc;
  const { Grant } = ctx.oidc.provider;
  const accountId = oidc.session?.accountId;
  if (!accountId) return undefined;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client!.clientId);
  let grant = grantId ? await Grant.find(grantId) : undefined;
  // A grant revoked meanwhile (e.g. by refresh token replay, B.5) or of another user is replaced, not reused.
  if (!grant || grant.accountId !== accountId) grant = new Grant({ clientId: oidc.client!.clientId, accountId });
  if (oidc.requestParamOIDCScopes?.size) grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
  for (const [indicator, rs] of Object.entries(oidc.resourceServers ?? {}) as [string, { scopes: Set<string> }][]) {
    const asked = [...(oidc.requestParamScopes as Set<string>)].filter((s) => rs.scopes.has(s));
    if (asked.length) grant.addResourceScope(indicator, asked.join(' '));
  }
  await grant.save();
  return grant;
}

/**
 * 5.1.2.3.2: the user gives username and password on each authentication
 * request. The reference keeps no single sign-on between requests, so every
 * flow a suite drives shows the login form.
 */
function passwordEveryTime() {
  const policy = interactionPolicy.base();
  const login = policy.get('login');
  login.checks.add(new interactionPolicy.Check('password_each_time', 'the reference IdMS authenticates the user on every request', (ctx: KoaContextWithOIDC) => !ctx.oidc.result?.login));
  return policy;
}

/** oidc-provider reports errors as events; the reference logs nothing to keep test output clean. */
function swallowProviderErrors(provider: Provider): void {
  for (const ev of ['server_error', 'grant.error', 'authorization.error', 'jwks.error', 'discovery.error']) provider.on(ev, () => undefined);
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** RFC 7636 4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
