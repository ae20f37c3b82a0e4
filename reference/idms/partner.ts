import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { request } from 'node:https';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { invalidGrant } from './oauth-errors.ts';
import type { ServerTls } from '../component.ts';
import type { FaultSet } from '../fault.ts';
import { ModelStore } from './adapter.ts';
import type { SigningKey } from './keys.ts';
import { listenHttps, type HttpsEndpoint } from './https-server.ts';
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
  const endpoint = await listenHttps(opts.tls);
  const issuer = endpoint.origin;
  const tokenEndpoint = `${issuer}/token`;
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
          return { scope: PARTNER_SCOPES.join(' '), audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: opts.accessTokenTtl, jwt: { sign: { alg: key.alg, kid: key.kid } } };
        },
      },
    },
    extraTokenClaims: (ctx: KoaContextWithOIDC) => (ctx as unknown as Record<symbol, Record<string, string>>)[PARTNER_CLAIMS],
    ttl: { AccessToken: opts.accessTokenTtl },
    renderError: (ctx: KoaContextWithOIDC, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = page('Error', `<p>${String(out.error).replace(/[<>&"']/g, '')}</p>`);
    },
  });

  provider.registerGrantType(JWT_BEARER_GRANT, async (ctx) => {
    const params = ctx.oidc.params ?? {};
    const client = ctx.oidc.client!;
    if (typeof params.assertion !== 'string' || !params.assertion) throw new errors.InvalidRequest("missing required parameter 'assertion'");
    // B.7.4: scope is REQUIRED and names partner services.
    const asked = splitScope(params.scope);
    if (asked.length === 0) throw new errors.InvalidRequest("missing required parameter 'scope'");
    const granted = asked.filter((s) => PARTNER_SCOPES.includes(s));
    if (granted.length === 0) throw new errors.InvalidScope('no partner service scope requested', params.scope);

    const assertion = await verifyAssertion(params.assertion);
    const claims: Record<string, string> = {};
    for (const c of serviceIdClaimsFor(granted)) if (typeof assertion[c] === 'string') claims[c] = assertion[c] as string;
    (ctx as unknown as Record<symbol, unknown>)[PARTNER_CLAIMS] = claims;

    const { Grant, AccessToken, ResourceServer } = ctx.oidc.provider;
    const grant = new Grant({ clientId: client.clientId, accountId: assertion.sub });
    grant.addResourceScope(resource, granted.join(' '));
    const grantId = await grant.save();
    const token = new AccessToken({ accountId: assertion.sub, client, grantId, gty: 'jwt_bearer', scope: granted.join(' ') });
    token.resourceServer = new ResourceServer(resource, { scope: PARTNER_SCOPES.join(' '), audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: opts.accessTokenTtl, jwt: { sign: { alg: key.alg, kid: key.kid } } });
    ctx.oidc.entity('AccessToken', token);
    const value = await token.save();
    ctx.body = { access_token: value, token_type: 'Bearer', expires_in: token.expiration, scope: token.scope };
  }, ['assertion', 'scope']);

  /** B.11.3: the security token is validated as an ID token would be (OIDC Core 3.1.3.7), the partner being its audience. */
  async function verifyAssertion(assertion: string): Promise<JWTPayload & { sub: string }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(assertion, trustedKeys, {
        issuer: faults.has('partner-idms.trusts-any-issuer') ? undefined : opts.trustedIssuer,
        algorithms: ['ES256', 'ES384', 'RS256', 'PS256'],
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
        clockTolerance: 5,
        currentDate: faults.has('partner-idms.accepts-expired-assertion') ? new Date(0) : undefined,
      }));
    } catch {
      throw invalidGrant('assertion is invalid, expired or from an issuer this IdMS does not trust');
    }
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!faults.has('partner-idms.ignores-assertion-audience') && !aud.includes(tokenEndpoint) && !aud.includes(issuer)) {
      throw invalidGrant('assertion is not meant for this IdMS (aud)');
    }
    return payload as JWTPayload & { sub: string };
  }

  for (const ev of ['server_error', 'grant.error']) provider.on(ev, () => undefined);
  endpoint.handle(provider.callback());
  return { issuer, tokenEndpoint, resource, provider, endpoint };
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
