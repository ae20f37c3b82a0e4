import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { request } from 'node:https';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { invalidGrant } from './oauth-errors.ts';
import type { ServerTls } from '../component.ts';
import type { FaultSet } from '../fault.ts';
import { ModelStore } from './adapter.ts';
import type { SigningKey } from './keys.ts';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jsonNotFound, listenHttps, readFormBody, type Handler, type HttpsEndpoint } from './https-server.ts';
import { page } from './login.ts';
import { PARTNER_SCOPES, serviceIdClaimsFor, splitScope } from './scopes.ts';

/**
 * The reference partner IdMS (5.1.4.2, B.7.4, B.7.5): a second oidc-provider
 * instance whose token endpoint takes the primary's security token as a
 * JWT-bearer assertion (RFC 7523) and issues its own access tokens in the
 * B.2.2 format (B.9). It trusts the primary through the primary's published
 * keys, fetched once at start (the out-of-band provisioning of 5.1.4.2).
 */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface PartnerOptions {
  tls: ServerTls;
  faults: FaultSet;
  key: SigningKey;
  /** The primary IdMS whose security tokens are trusted. */
  trustedIssuer: string;
  clientId: string;
  accessTokenTtl: number;
}

export interface PartnerIdms {
  issuer: string;
  tokenEndpoint: string;
  resource: string;
  provider: Provider;
  endpoint: HttpsEndpoint;
}

const PARTNER_CLAIMS = Symbol('partner service id claims');

export async function startPartnerIdms(opts: PartnerOptions): Promise<PartnerIdms> {
  const { faults, key } = opts;
  const trustedKeys = await fetchJwks(opts.trustedIssuer, opts.tls.caPem);
  const tlsEndpoint = await listenHttps(opts.tls);
  const issuer = tlsEndpoint.origin;
  // `partner-idms.plain-http`: the token endpoint (the one the target document names) is served over plain HTTP.
  const plain = faults.has('partner-idms.plain-http') ? await listenPlainHttp() : undefined;
  const endpoint: HttpsEndpoint = plain
    ? { origin: issuer, handle: (h) => (tlsEndpoint.handle(h), plain.handle(h)), close: async () => void (await Promise.all([tlsEndpoint.close(), plain.close()])) }
    : tlsEndpoint;
  const tokenEndpoint = `${plain?.origin ?? issuer}/token`;
  const resource = `${issuer}/resource-servers/mcx`;
  const store = new ModelStore();

  const provider = new Provider(issuer, {
    adapter: store.adapterFor,
    clients: [
      {
        client_id: opts.clientId,
        client_name: 'MCX client (reference, partner registration)',
        application_type: 'web',
        // B.7.4: the client identifies itself by client_id in the body; the security token is what authenticates the request.
        token_endpoint_auth_method: 'none',
        grant_types: [JWT_BEARER_GRANT],
        response_types: [],
        redirect_uris: [],
        id_token_signed_response_alg: key.alg,
      },
    ],
    responseTypes: ['code'],
    jwks: { keys: [key.privateJwk] },
    routes: { authorization: '/authorize', token: '/token', jwks: '/jwks' },
    scopes: ['openid', ...PARTNER_SCOPES],
    enabledJWA: { idTokenSigningAlgValues: [key.alg] },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return resourceServerInfo();
        },
      },
    },
    extraTokenClaims: (ctx: KoaContextWithOIDC) => (ctx as unknown as Record<symbol, Record<string, string>>)[PARTNER_CLAIMS],
    formats: {
      customizers: {
        jwt: (_ctx: unknown, _token: unknown, jwt: { payload: Record<string, unknown> }) => {
          if (faults.has('partner-idms.access-token-omits-client-id')) delete jwt.payload.client_id;
        },
      },
    },
    ttl: { AccessToken: opts.accessTokenTtl, Grant: opts.accessTokenTtl, Session: 600, Interaction: 600, IdToken: 600 },
    renderError: (ctx: KoaContextWithOIDC, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = page('Error', `<p>${String(out.error).replace(/[<>&"']/g, '')}</p>`);
    },
  });

  provider.registerGrantType(JWT_BEARER_GRANT, async (ctx) => {
    if (faults.has('partner-idms.jwt-bearer-unsupported')) throw new errors.CustomOIDCProviderError('unsupported_grant_type', 'unsupported grant_type requested');
    const params = ctx.oidc.params ?? {};
    const client = ctx.oidc.client!;
    if (typeof params.assertion !== 'string' || !params.assertion) throw new errors.InvalidRequest("missing required parameter 'assertion'");
    // B.7.4: scope is REQUIRED and names partner services.
    const asked = splitScope(params.scope);
    if (asked.length === 0) throw new errors.InvalidRequest("missing required parameter 'scope'");
    let granted = asked.filter((s) => PARTNER_SCOPES.includes(s));
    if (granted.length === 0) throw new errors.InvalidScope('no partner service scope requested', params.scope);
    if (faults.has('partner-idms.grants-unrequested-scope')) granted = [...PARTNER_SCOPES];

    const assertion = await verifyAssertion(params.assertion);
    const claims: Record<string, string> = {};
    for (const c of serviceIdClaimsFor(granted)) if (typeof assertion[c] === 'string') claims[c] = assertion[c] as string;
    (ctx as unknown as Record<symbol, unknown>)[PARTNER_CLAIMS] = claims;

    const { Grant, AccessToken, ResourceServer } = ctx.oidc.provider;
    const grant = new Grant({ clientId: client.clientId, accountId: assertion.sub });
    grant.addResourceScope(resource, granted.join(' '));
    const grantId = await grant.save();
    const token = new AccessToken({ accountId: assertion.sub, client, grantId, gty: 'jwt_bearer', scope: granted.join(' ') });
    token.resourceServer = new ResourceServer(resource, resourceServerInfo());
    ctx.oidc.entity('AccessToken', token);
    const value = await token.save();
    // B.7.5: access_token, token_type bearer, expires_in; the scope granted is echoed (RFC 6749 5.1).
    const body: Record<string, unknown> = { access_token: value, token_type: 'Bearer', expires_in: token.expiration, scope: token.scope };
    if (faults.has('partner-idms.token-type-not-bearer')) body.token_type = 'pop';
    if (faults.has('partner-idms.omits-expires-in')) delete body.expires_in;
    if (faults.has('partner-idms.omits-access-token')) delete body.access_token;
    ctx.body = body;
  }, ['assertion', 'scope']);

  /**
   * B.11.3: the security token is validated as OIDC Core 3.1.3.7 validates an
   * ID token, the partner being its audience: signature by a trusted issuer's
   * key, iss, aud naming this IdMS, exp (5 s leeway, under the 30 s B.8 allows).
   */
  async function verifyAssertion(assertion: string): Promise<JWTPayload & { sub: string }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, trustedKeys, {
        issuer: opts.trustedIssuer,
        algorithms: ['ES256', 'ES384', 'RS256', 'PS256'],
        requiredClaims: ['iss', 'sub', 'aud', 'exp'],
        clockTolerance: 5,
        currentDate: faults.has('partner-idms.accepts-expired-assertion') ? new Date(0) : undefined,
      }));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (faults.has('partner-idms.trusts-any-issuer') && hasHeaderJwk(assertion)) {
        // The switch trusts whatever key the assertion brings along, whoever its issuer.
        payload = await jwtVerify(assertion, EmbeddedJWK, { requiredClaims: ['sub', 'aud', 'exp'], clockTolerance: 5 }).then(
          (r) => r.payload,
          () => Promise.reject(invalidGrant('assertion is invalid')),
        );
      } else if (faults.has('partner-idms.accepts-tampered-assertion') && code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
        payload = decodeUnverified(assertion);
      } else {
        throw invalidGrant('assertion is invalid, expired or from an issuer this IdMS does not trust');
      }
    }
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!faults.has('partner-idms.accepts-foreign-audience') && !aud.includes(tokenEndpoint) && !aud.includes(issuer)) {
      throw invalidGrant('assertion is not meant for this IdMS (aud)');
    }
    if (typeof payload.sub !== 'string' || !payload.sub) throw invalidGrant('assertion has no sub');
    return payload as JWTPayload & { sub: string };
  }

  function resourceServerInfo() {
    return { scope: PARTNER_SCOPES.join(' '), audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: opts.accessTokenTtl, jwt: { sign: { alg: key.alg, kid: key.kid } } };
  }

  provider.use(jsonNotFound);
  for (const ev of ['server_error', 'grant.error']) provider.on(ev, () => undefined);
  const callback = provider.callback();
  endpoint.handle(async (req, res) => {
    if (faults.has('partner-idms.accepts-unregistered-client')) await registeredClientIdFor(req, opts.clientId);
    return callback(req, res);
  });
  return { issuer, tokenEndpoint, resource, provider, endpoint };
}

/**
 * `partner-idms.accepts-unregistered-client` (B.7.4): a token request naming a
 * client_id the partner does not know is served as if it named the
 * registered client.
 */
async function registeredClientIdFor(req: IncomingMessage, clientId: string): Promise<void> {
  if (!(req.url ?? '').startsWith('/token')) return;
  const form = await readFormBody(req);
  if (!form) return;
  if (form.has('client_id') && form.get('client_id') !== clientId) form.set('client_id', clientId);
  (req as IncomingMessage & { body?: string }).body = form.toString();
}

/** A plain-HTTP listener on 127.0.0.1 (the `partner-idms.plain-http` fault only). */
async function listenPlainHttp(): Promise<HttpsEndpoint> {
  let handler: Handler = (_req, res) => void res.writeHead(503).end();
  const server = createHttpServer({ requestTimeout: 15_000, headersTimeout: 10_000 }, (req, res) => void Promise.resolve(handler(req, res)).catch(() => res.destroy()));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    handle: (h) => void (handler = h),
    close: () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  };
}

function hasHeaderJwk(jwt: string): boolean {
  try {
    return !!decodeProtectedHeader(jwt).jwk;
  } catch {
    return false;
  }
}

function decodeUnverified(jwt: string): JWTPayload {
  try {
    return decodeJwt(jwt);
  } catch {
    throw invalidGrant('assertion is not a JWT');
  }
}

/** Fetches the primary's JWKS through its discovery document, over TLS checked against the domain CA. */
async function fetchJwks(issuer: string, caPem: string) {
  const discovery = (await getJson(`${issuer}/.well-known/openid-configuration`, caPem)) as { jwks_uri?: string };
  if (typeof discovery.jwks_uri !== 'string') throw new Error(`${issuer}: discovery has no jwks_uri`);
  const jwks = (await getJson(discovery.jwks_uri, caPem)) as JSONWebKeySet;
  return createLocalJWKSet(jwks);
}

function getJson(url: string, ca: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        try {
          if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode}`);
          resolve(JSON.parse(text));
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}
