import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { invalidGrant } from './oauth-errors.ts';
import type { FaultContext } from './primary-faults.ts';
import type { AccountStore } from './accounts.ts';
import { signJwt } from './keys.ts';

/**
 * Token exchange at the primary IdMS (RFC 8693 as profiled by 5.1.4.2,
 * B.7.2 and B.7.3): the MC client's access token comes in as subject_token,
 * a security token (B.8) for the partner IdMS named by `resource` goes out.
 */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const TOKEN_EXCHANGE_PARAMS = ['subject_token', 'subject_token_type', 'resource', 'requested_token_type', 'audience', 'scope', 'actor_token', 'actor_token_type'];

const SERVICE_ID_CLAIMS = ['mcptt_id', 'mcvideo_id', 'mcdata_id'] as const;

export interface TokenExchangeOptions {
  issuer: string;
  fc: FaultContext;
  accounts: AccountStore;
  securityTokenTtl: number;
}

export function tokenExchangeHandler(opts: TokenExchangeOptions) {
  const { issuer, accounts, fc } = opts;
  const { faults, key } = fc;
  // Only the published key: the access-token faults change the tokens issued, never what the exchange accepts
  // (a token signed with an unknown key, without exp or without client_id is refused, as from any other IdMS).
  const ownKeys = createLocalJWKSet({ keys: [key.publicJwk] });

  return async function tokenExchange(ctx: KoaContextWithOIDC): Promise<void> {
    if (faults.has('idms.token-exchange-unsupported')) throw new errors.CustomOIDCProviderError('unsupported_grant_type', 'unsupported grant_type requested');
    const params = ctx.oidc.params ?? {};
    const client = ctx.oidc.client!;
    for (const name of ['subject_token', 'subject_token_type'] as const) {
      if (typeof params[name] !== 'string' || !params[name]) throw new errors.InvalidRequest(`missing required parameter '${name}'`);
    }
    // B.7.2 makes `resource` REQUIRED: the partner token endpoint the security token is for.
    if ((typeof params.resource !== 'string' || !params.resource) && !faults.has('idms.exchange-without-resource')) {
      throw new errors.InvalidRequest("missing required parameter 'resource'");
    }
    const resource: string | undefined = params.resource || undefined;
    if (resource !== undefined && !isAbsoluteUriWithoutFragment(resource)) throw new errors.InvalidTarget('resource must be an absolute URI without a fragment');
    if (faults.has('idms.exchange-refuses-jwt-subject-token-type') && params.subject_token_type === JWT_TOKEN_TYPE) {
      throw new errors.InvalidRequest(`unsupported subject_token_type; use ${ACCESS_TOKEN_TYPE}`);
    }
    if (params.subject_token_type !== JWT_TOKEN_TYPE && params.subject_token_type !== ACCESS_TOKEN_TYPE) {
      throw new errors.InvalidRequest(`unsupported subject_token_type; use ${JWT_TOKEN_TYPE}`);
    }
    if (params.requested_token_type !== undefined && params.requested_token_type !== JWT_TOKEN_TYPE) {
      throw new errors.InvalidRequest(`unsupported requested_token_type; only ${JWT_TOKEN_TYPE} is issued`);
    }

    const subject = await verifySubjectToken(fc.opaqueAccessTokens.get(params.subject_token) ?? params.subject_token, client.clientId);
    const sub = subject.sub!;

    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      iss: faults.has('idms.security-token-wrong-iss') ? `${issuer}/other` : issuer,
      sub: faults.has('idms.security-token-long-sub') ? 'u'.repeat(300) : sub,
      // B.8: aud carries the client_id and the partner (resource) the security token is for.
      aud: faults.has('idms.security-token-aud-lacks-resource') || resource === undefined ? [client.clientId] : [client.clientId, resource],
      iat: now,
      exp: now + opts.securityTokenTtl,
      jti: randomUUID(),
    };
    // The MC service IDs let the partner fill its own access tokens (B.9 refers to B.2.2).
    for (const c of SERVICE_ID_CLAIMS) if (typeof subject[c] === 'string') claims[c] = subject[c];
    if (faults.has('idms.security-token-omits-exp')) delete claims.exp;
    if (faults.has('idms.security-token-omits-iat')) delete claims.iat;
    const securityToken = await signJwt(faults.has('idms.security-token-unknown-key') ? fc.unknownKey : key, claims);

    ctx.body = {
      access_token: securityToken,
      issued_token_type: JWT_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: opts.securityTokenTtl,
    };
  };

  /** The subject token must be an unexpired access token of this IdMS for this client and a known user (B.7.2, B.11.2, B.12). */
  async function verifySubjectToken(token: string, clientId: string): Promise<JWTPayload> {
    let subject: JWTPayload;
    try {
      ({ payload: subject } = await jwtVerify(token, ownKeys, {
        issuer,
        typ: 'at+jwt',
        algorithms: [key.alg],
        requiredClaims: ['exp', 'sub'],
        currentDate: faults.has('idms.accepts-expired-subject-token') ? new Date(0) : undefined,
      }));
    } catch (err) {
      if (faults.has('idms.accepts-tampered-subject-token') && isSignatureFailure(err)) subject = decodePayload(token);
      else if (faults.has('idms.accepts-invalid-subject-token') && !looksLikeJwt(token)) subject = { sub: accounts.users[0].accountId, client_id: clientId };
      else throw invalidGrant('subject_token is invalid or expired');
    }
    if (subject.client_id !== clientId) throw invalidGrant('subject_token was issued to another client');
    if (typeof subject.sub !== 'string' || !accounts.byId(subject.sub)) throw invalidGrant('subject_token names an unknown user');
    return subject;
  }
}

function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  try {
    JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

function isAbsoluteUriWithoutFragment(value: string): boolean {
  if (value.length > 2048) return false;
  const url = URL.parse(value);
  return !!url && url.hash === '' && !value.includes('#');
}

function isSignatureFailure(err: unknown): boolean {
  return (err as { code?: string })?.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED';
}

function decodePayload(jwt: string): JWTPayload {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as JWTPayload;
  } catch {
    throw invalidGrant('subject_token is invalid or expired');
  }
}
