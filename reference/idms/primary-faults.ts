import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CompactSign, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { KoaContextWithOIDC, Middleware } from 'oidc-provider';
import type { FaultSet } from '../fault.ts';
import { readFormBody } from './https-server.ts';
import type { StoredPayload } from './adapter.ts';
import { signJwt, type SigningKey } from './keys.ts';
import { MCX_SCOPES, serviceIdClaimsFor, splitScope } from './scopes.ts';

/**
 * Where the fault switches of the primary IdMS reach into oidc-provider.
 * Each `faults.has(...)` branch is the whole of one switch (faults.ts says
 * which requirement it breaks); with no switch on, every function here is a
 * no-op. Switches that live in one place only sit there instead (login.ts,
 * token-exchange.ts, partner.ts).
 */

const s256 = (v: string) => createHash('sha256').update(v, 'ascii').digest('base64url');

export interface FaultContext {
  faults: FaultSet;
  key: SigningKey;
  /** A key of the right algorithm that the JWKS does not publish. */
  unknownKey: SigningKey;
  clients: { clientId: string; clientSecret?: string }[];
  userServiceIds: (accountId: string) => Record<string, string> | undefined;
  /** Opaque stand-ins handed out by `idms.opaque-access-token`, mapped to the real JWT. */
  opaqueAccessTokens: Map<string, string>;
}

const AUTH_CODE = 'authorization_code';
const REFRESH = 'refresh_token';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** Alters models as the provider reads them back from storage (adapter `find`), during token requests only. */
export function storedModelFaults(faults: FaultSet, currentCtx: () => KoaContextWithOIDC | undefined) {
  return (model: string, payload: StoredPayload): StoredPayload => {
    const ctx = currentCtx();
    if (ctx?.oidc?.route !== 'token') return payload;
    const params = ctx.oidc.params ?? {};
    if (model === 'AuthorizationCode') {
      if (faults.has('idms.accepts-wrong-code-verifier') && typeof params.code_verifier === 'string' && payload.codeChallenge) {
        payload.codeChallenge = s256(params.code_verifier);
      }
      if (faults.has('idms.accepts-missing-code-verifier') && params.code_verifier === undefined) {
        delete payload.codeChallenge;
        delete payload.codeChallengeMethod;
      }
      if (faults.has('idms.reusable-code')) delete payload.consumed;
      if (faults.has('idms.ignores-token-redirect-uri') && typeof params.redirect_uri === 'string') payload.redirectUri = params.redirect_uri;
    }
    if (model === 'RefreshToken') {
      if (faults.has('idms.refresh-token-reusable')) delete payload.consumed;
      if (faults.has('idms.refresh-allows-wider-scope') && typeof params.scope === 'string') {
        payload.scope = [...new Set([...splitScope(payload.scope), ...splitScope(params.scope)])].join(' ');
      }
    }
    return payload;
  };
}

/** Rewrites requests before oidc-provider sees them (Koa middleware, first in line). */
export function requestFaults(fc: FaultContext): Middleware {
  const { faults } = fc;
  return async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/authorize') {
      const q = new URLSearchParams(ctx.querystring);
      let changed = false;
      if (faults.has('idms.accepts-plain-pkce') && q.get('code_challenge_method') === 'plain') {
        // The plain challenge becomes the S256 challenge of the same verifier, so `plain` "works".
        q.set('code_challenge', s256(q.get('code_challenge') ?? ''));
        q.set('code_challenge_method', 'S256');
        changed = true;
      }
      if (faults.has('idms.accepts-unregistered-client') && q.has('client_id') && !fc.clients.some((c) => c.clientId === q.get('client_id'))) {
        q.set('client_id', fc.clients[0].clientId);
        changed = true;
      }
      if (changed) ctx.querystring = q.toString();
    }
    await next();
  };
}

/**
 * Token-request switches that must act before oidc-provider reads the body:
 * `idms.skips-client-authentication` (an authorization_code request gets the
 * right client credentials whatever it carried) and
 * `idms.ignores-token-client-id` (a body client_id naming another client is
 * dropped; for a public client, one naming an unregistered client becomes the public client's), `idms.refresh-without-client-auth` (a refresh_token request
 * of the confidential client without credentials gets them). Runs outside Koa: the body is read here and handed on as
 * `req.body`, which oidc-provider accepts from upstream parsers.
 */
export async function rewriteTokenRequest(fc: FaultContext, req: IncomingMessage): Promise<void> {
  const skipAuth = fc.faults.has('idms.skips-client-authentication');
  const ignoreClientId = fc.faults.has('idms.ignores-token-client-id');
  const refreshWithoutAuth = fc.faults.has('idms.refresh-without-client-auth');
  if ((!skipAuth && !ignoreClientId && !refreshWithoutAuth) || !(req.url ?? '').startsWith('/token')) return;
  const form = await readFormBody(req);
  if (!form) return;
  const basicId = basicClientId(req.headers.authorization);
  if (ignoreClientId && basicId !== undefined && form.has('client_id') && form.get('client_id') !== basicId) form.delete('client_id');
  // A public client is named by the body client_id alone: one naming an unregistered client is served as the public client.
  const publicClient = fc.clients.find((c) => !c.clientSecret);
  if (ignoreClientId && basicId === undefined && publicClient && form.has('client_id') && !fc.clients.some((c) => c.clientId === form.get('client_id'))) form.set('client_id', publicClient.clientId);
  if (skipAuth && form.get('grant_type') === AUTH_CODE) {
    const client = fc.clients.find((c) => c.clientId === (form.get('client_id') ?? basicId));
    if (client?.clientSecret || !client) {
      const confidential = client ?? fc.clients.find((c) => c.clientSecret)!;
      form.delete('client_id');
      form.delete('client_secret');
      req.headers.authorization = basicHeader(confidential.clientId, confidential.clientSecret ?? '');
    }
  }
  if (refreshWithoutAuth && form.get('grant_type') === REFRESH && basicId === undefined && !form.has('client_secret')) {
    // B.5.2: a refresh of the confidential client without its credentials gets them added, as if the client had authenticated.
    const client = fc.clients.find((c) => c.clientId === form.get('client_id'));
    if (client?.clientSecret) {
      form.delete('client_id');
      req.headers.authorization = basicHeader(client.clientId, client.clientSecret);
    }
  }
  (req as IncomingMessage & { body?: string }).body = form.toString();
}

function basicHeader(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

function basicClientId(header: string | undefined): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  try {
    return decodeURIComponent(i < 0 ? decoded : decoded.slice(0, i));
  } catch {
    return undefined;
  }
}

/** Alters the JWT access token payload before oidc-provider signs it (`formats.customizers.jwt`). */
export function accessTokenFaults(fc: FaultContext) {
  const { faults } = fc;
  return (ctx: KoaContextWithOIDC | undefined, token: { accountId?: string }, jwt: { payload: Record<string, unknown> }) => {
    const p = jwt.payload;
    const grantType = ctx?.oidc?.params?.grant_type;
    if (faults.has('idms.grants-unrequested-scope') && (grantType === AUTH_CODE || grantType === REFRESH)) {
      p.scope = MCX_SCOPES.join(' ');
      Object.assign(p, fc.userServiceIds(token.accountId ?? '') ?? {});
    }
    if (grantType === REFRESH) {
      if (faults.has('idms.refresh-allows-wider-scope') && typeof ctx?.oidc?.params?.scope === 'string') {
        const asked = splitScope(ctx.oidc.params.scope).filter((s) => MCX_SCOPES.includes(s));
        p.scope = asked.join(' ');
        const ids = fc.userServiceIds(token.accountId ?? '') ?? {};
        for (const c of serviceIdClaimsFor(asked)) p[c] = ids[c];
      }
      if (faults.has('idms.refresh-ignores-requested-scope') && ctx?.oidc?.params?.scope !== undefined) {
        const original = splitScope(ctx.oidc.entities?.RefreshToken?.scope).filter((s) => MCX_SCOPES.includes(s));
        p.scope = original.join(' ');
        const ids = fc.userServiceIds(token.accountId ?? '') ?? {};
        for (const c of serviceIdClaimsFor(original)) p[c] = ids[c];
      }
    }
    if (faults.has('idms.access-token-omits-exp')) delete p.exp;
    if (faults.has('idms.access-token-omits-scope')) delete p.scope;
    if (faults.has('idms.access-token-omits-client-id')) delete p.client_id;
    if (faults.has('idms.access-token-omits-mcptt-id')) delete p.mcptt_id;
    if (faults.has('idms.access-token-omits-mcvideo-id')) delete p.mcvideo_id;
    if (faults.has('idms.access-token-omits-mcdata-id')) delete p.mcdata_id;
  };
}

/** Alters responses after oidc-provider built them (re-signing tokens where a claim must change). */
export function responseFaults(fc: FaultContext): Middleware {
  const { faults } = fc;
  return async (ctx, next) => {
    await next();
    if (ctx.path === '/.well-known/openid-configuration' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
      discoveryFaults(faults, ctx.body as Record<string, unknown>);
      discoveryBodyFaults(faults, ctx);
      return;
    }
    if (ctx.path === '/token' && ctx.method === 'POST') {
      const grantType = ctx.oidc?.params?.grant_type;
      if (faults.has('idms.no-cache-control') && grantType === AUTH_CODE) {
        ctx.remove('cache-control');
        ctx.remove('pragma');
      }
      if (faults.has('idms.refuses-authorization-code-grant') && grantType === AUTH_CODE) {
        // The provider redeemed the code; the client is told the grant type is not supported.
        ctx.status = 400;
        ctx.body = { error: 'unsupported_grant_type', error_description: 'unsupported grant_type requested' };
        return;
      }
      const body = ctx.body as Record<string, unknown> | undefined;
      if (ctx.status === 200 && body && typeof body === 'object') {
        await tokenBodyFaults(fc, ctx, grantType, body);
        if (faults.has('idms.token-response-wrong-content-type') && grantType === AUTH_CODE) {
          ctx.body = JSON.stringify(body);
          ctx.type = 'text/plain; charset=utf-8';
        }
      }
      return;
    }
    if (ctx.status === 302 || ctx.status === 303) authorizationResponseFaults(faults, ctx);
  };
}

/** Faults in how the discovery document is serialised (the members stay the same). */
function discoveryBodyFaults(faults: FaultSet, ctx: KoaContextWithOIDC): void {
  const meta = ctx.body as Record<string, unknown>;
  if (faults.has('idms.discovery-wrong-content-type')) {
    ctx.body = JSON.stringify(meta);
    ctx.type = 'text/plain; charset=utf-8';
  }
  if (faults.has('idms.discovery-duplicate-member')) {
    // issuer twice, the same value both times: only the document's uniqueness is broken.
    ctx.body = JSON.stringify(meta).replace(/^\{/, `{"issuer":${JSON.stringify(meta.issuer)},`);
    ctx.type = 'application/json; charset=utf-8';
  }
  if (faults.has('idms.discovery-invalid-utf8')) {
    // An extension member whose value is Latin-1 bytes (0xE9 for an e acute), not UTF-8.
    const text = JSON.stringify(meta).replace(/\}$/, ',"x_operator_note":"caf__E9__"}');
    const [a, b] = text.split('__E9__');
    ctx.body = Buffer.concat([Buffer.from(a), Buffer.from([0xe9]), Buffer.from(b)]);
    ctx.type = 'application/json';
  }
}

function discoveryFaults(faults: FaultSet, meta: Record<string, unknown>): void {
  if (faults.has('idms.discovery-issuer-mismatch')) meta.issuer = `${meta.issuer}/other`;
  if (faults.has('idms.discovery-omits-signing-alg')) meta.id_token_signing_alg_values_supported = ['RS256'];
  if (faults.has('idms.same-endpoint-url')) meta.token_endpoint = meta.authorization_endpoint;
  if (faults.has('idms.http-token-endpoint') && typeof meta.token_endpoint === 'string') meta.token_endpoint = meta.token_endpoint.replace(/^https:/, 'http:');
}

function authorizationResponseFaults(faults: FaultSet, ctx: KoaContextWithOIDC): void {
  const location = ctx.response.get('location') as string | undefined;
  const url = location ? URL.parse(location) : null;
  if (!url?.searchParams.has('code')) return;
  if (faults.has('idms.alters-state') && url.searchParams.has('state')) url.searchParams.set('state', `${url.searchParams.get('state')}x`);
  if (faults.has('idms.code-in-fragment')) {
    url.hash = url.search.slice(1);
    url.search = '';
  }
  if (faults.has('idms.authorization-response-without-code')) url.searchParams.delete('code');
  ctx.set('location', url.toString());
}

async function tokenBodyFaults(fc: FaultContext, ctx: KoaContextWithOIDC, grantType: unknown, body: Record<string, unknown>): Promise<void> {
  const { faults } = fc;
  if (grantType === AUTH_CODE) {
    if (faults.has('idms.token-type-not-bearer')) body.token_type = 'pop';
    if (faults.has('idms.expires-in-mismatch') && typeof body.expires_in === 'number') body.expires_in *= 6;
    if (faults.has('idms.omits-expires-in')) delete body.expires_in;
    if (faults.has('idms.omits-refresh-token')) delete body.refresh_token;
    if (faults.has('idms.omits-access-token')) delete body.access_token;
    if (faults.has('idms.omits-id-token')) delete body.id_token;
  }
  if (grantType === REFRESH) {
    if (faults.has('idms.refresh-allows-wider-scope') && typeof ctx.oidc?.params?.scope === 'string') body.scope = ctx.oidc.params.scope;
    if (faults.has('idms.refresh-token-type-not-bearer')) body.token_type = 'pop';
    if (faults.has('idms.refresh-omits-expires-in')) delete body.expires_in;
    if (faults.has('idms.refresh-returns-no-access-token')) delete body.access_token;
  }
  if (grantType === TOKEN_EXCHANGE) {
    if (faults.has('idms.exchange-wrong-issued-token-type')) body.issued_token_type = 'urn:ietf:params:oauth:token-type:access_token';
    if (faults.has('idms.exchange-token-type-not-bearer')) body.token_type = 'N_A';
    if (faults.has('idms.exchange-omits-expires-in')) delete body.expires_in;
    if (faults.has('idms.exchange-omits-access-token')) delete body.access_token;
    return;
  }
  if (typeof body.access_token === 'string') {
    if (faults.has('idms.access-token-unknown-key')) body.access_token = await resign(fc.unknownKey, body.access_token, []);
    if (faults.has('idms.opaque-access-token') && grantType === AUTH_CODE) {
      const opaque = randomBytes(32).toString('base64url');
      fc.opaqueAccessTokens.set(opaque, body.access_token as string);
      body.access_token = opaque;
    }
  }
  if (typeof body.id_token === 'string') body.id_token = await idTokenFaults(fc, body.id_token);
}

async function idTokenFaults(fc: FaultContext, idToken: string): Promise<string> {
  const { faults } = fc;
  const edits: ((p: JWTPayload) => void)[] = [];
  if (faults.has('idms.id-token-wrong-iss')) edits.push((p) => void (p.iss = `${p.iss}/other`));
  if (faults.has('idms.id-token-long-sub')) edits.push((p) => void (p.sub = 'u'.repeat(300)));
  if (faults.has('idms.id-token-wrong-aud')) edits.push((p) => void (p.aud = 'another-mcx-client'));
  if (faults.has('idms.id-token-expired')) edits.push((p) => void (p.exp = (p.iat as number) - 600));
  if (faults.has('idms.clock-skewed')) edits.push((p) => void (p.iat = (p.iat as number) - 120));
  if (faults.has('idms.id-token-omits-iat')) edits.push((p) => delete p.iat);
  if (faults.has('idms.omits-acr')) edits.push((p) => delete p.acr);
  if (faults.has('idms.id-token-omits-mcptt-id')) edits.push((p) => delete p.mcptt_id);
  if (faults.has('idms.id-token-omits-mcvideo-id')) edits.push((p) => delete p.mcvideo_id);
  if (faults.has('idms.id-token-omits-mcdata-id')) edits.push((p) => delete p.mcdata_id);
  if (faults.has('idms.ignores-nonce')) edits.push((p) => void (typeof p.nonce === 'string' && (p.nonce = `${p.nonce}-other`)));
  const unknownKey = faults.has('idms.id-token-unknown-key');
  if (faults.has('idms.id-token-duplicate-claim')) return signDuplicateIss(fc.key, idToken);
  if (!edits.length && !unknownKey) return idToken;
  return resign(unknownKey ? fc.unknownKey : fc.key, idToken, edits);
}

/** idms.id-token-duplicate-claim: the claim set names iss twice (same value both times, so only uniqueness is broken), validly signed. */
async function signDuplicateIss(key: SigningKey, jwt: string): Promise<string> {
  const payload = decodeJwt(jwt);
  const header = decodeProtectedHeader(jwt);
  const text = JSON.stringify(payload).replace(/^\{/, `{"iss":${JSON.stringify(payload.iss)},`);
  return new CompactSign(new TextEncoder().encode(text)).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: header.typ ?? 'JWT' }).sign(key.privateKey);
}

async function resign(key: SigningKey, jwt: string, edits: ((p: JWTPayload) => void)[]): Promise<string> {
  const payload = decodeJwt(jwt);
  const header = decodeProtectedHeader(jwt);
  for (const e of edits) e(payload);
  return signJwt(key, payload, header.typ ?? 'JWT');
}
