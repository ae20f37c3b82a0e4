import { randomUUID } from 'node:crypto';
import type { ComponentContext, RunningComponent } from '../component.ts';
import { AccountStore, createTestUsers, type McUser } from './accounts.ts';
import { createSigningKey, randomSecret, signJwt, type SigningKey } from './keys.ts';
import { startPartnerIdms, type PartnerIdms } from './partner.ts';
import { ACCESS_TOKEN_TTL, startPrimaryIdms, type PrimaryIdms } from './primary.ts';
import { MCX_SERVICE_SCOPES, OPENID, PARTNER_SCOPES, SERVICE_SCOPES } from './scopes.ts';

/** What the KMS needs to check access tokens issued by the reference IdMS (5.1.3.1). */
export interface KmsTrust {
  issuer: string;
  jwksUri: string;
  /** The `aud` of the IdMS's access tokens (RFC 9068): the domain's MCX resource servers, the KMS among them. */
  audience?: string;
  /**
   * An unexpired access token of this IdMS for the first test user, scoped
   * for key management but issued for another resource: the KMS puts it in
   * its target section (kms.wrongAudienceAccessToken) for the suite's aud check.
   */
  wrongAudienceAccessToken?: string;
}

export const CLIENT_ID = 'mcx-client';
/** A second registration of the MCX client as a public client: PKCE only, no secret (a target file may name it instead). */
export const PUBLIC_CLIENT_ID = 'mcx-public-client';
const CLIENT_SECRET_ENV = 'MCX_REF_IDMS_CLIENT_SECRET';
const EXPIRED_ACCESS_TOKEN_ENV = 'MCX_REF_IDMS_EXPIRED_ACCESS_TOKEN';
const EXPIRED_ASSERTION_ENV = 'MCX_REF_PARTNER_EXPIRED_ASSERTION';
/** A second, fictitious partner the token exchange serves but the reference partner must refuse (B.11.3). */
export const OTHER_PARTNER_RESOURCE = 'https://idms.partner-b.example.org/token';
/** A resource server of the domain other than the KMS: the aud of the wrong-audience access token. */
const OTHER_RESOURCE = 'https://gms.mcx.example.org/resource-servers/gms';

/**
 * Starts the reference IdMS and partner IdMS (issue 5 item 2): two
 * oidc-provider instances on their own HTTPS ports, the partner trusting the
 * primary's published keys.
 */
export async function startIdmsPair(ctx: ComponentContext): Promise<{ components: RunningComponent[]; kmsTrust: KmsTrust | undefined }> {
  const [key, unknownKey, partnerKey] = await Promise.all([createSigningKey(), createSigningKey(), createSigningKey()]);
  const users = createTestUsers();
  const accounts = new AccountStore(users);
  const clientSecret = randomSecret();

  const primary = await startPrimaryIdms({
    tls: ctx.tls,
    faults: ctx.faults,
    consentPage: ctx.behaviour.consentPage,
    key,
    unknownKey,
    accounts,
    clients: [{ clientId: CLIENT_ID, clientSecret }, { clientId: PUBLIC_CLIENT_ID }],
    cookieKey: randomSecret(32),
  });
  let partner: PartnerIdms;
  try {
    partner = await startPartnerIdms({ tls: ctx.tls, faults: ctx.faults, key: partnerKey, trustedIssuer: primary.issuer, clientId: CLIENT_ID, accessTokenTtl: ACCESS_TOKEN_TTL });
  } catch (err) {
    await primary.endpoint.close();
    throw err;
  }

  const expired = await expiredTokens(primary, partner, key, users[0]);
  const primaryComponent: RunningComponent = {
    target: {
      idms: {
        issuer: primary.issuer,
        discoveryUrl: `${primary.issuer}/.well-known/openid-configuration`,
        clientId: CLIENT_ID,
        clientSecret: { env: CLIENT_SECRET_ENV },
        redirectUri: primary.redirectUri,
        login: { mode: 'form', usernameField: 'username', passwordField: 'password' },
        scopes: [OPENID, ...MCX_SERVICE_SCOPES],
        users: users.map((u) => ({
          label: u.username,
          username: u.username,
          password: { env: u.passwordEnv },
          mcpttId: u.serviceIds.mcptt_id,
          mcvideoId: u.serviceIds.mcvideo_id,
          mcdataId: u.serviceIds.mcdata_id,
        })),
        expiredAccessToken: { env: EXPIRED_ACCESS_TOKEN_ENV },
        otherPartnerResource: OTHER_PARTNER_RESOURCE,
      },
    },
    secretEnv: {
      [CLIENT_SECRET_ENV]: clientSecret,
      [EXPIRED_ACCESS_TOKEN_ENV]: expired.accessToken,
      ...Object.fromEntries(users.map((u) => [u.passwordEnv, u.password])),
    },
    ics: {
      'idms.token-exchange': true,
      'idms.refresh-token-rotation': true,
      'idms.consent-page': ctx.behaviour.consentPage,
      'idms.client-secret': true,
    },
    endpoints: {
      'IdMS issuer': primary.issuer,
      'IdMS authorization endpoint': `${primary.issuer}/authorize`,
      'IdMS token endpoint': `${primary.issuer}/token`,
      'IdMS JWKS': `${primary.issuer}/jwks`,
    },
    stop: () => primary.endpoint.close(),
  };
  const partnerComponent: RunningComponent = {
    target: {
      partnerIdms: {
        issuer: partner.issuer,
        discoveryUrl: `${partner.issuer}/.well-known/openid-configuration`,
        tokenEndpoint: partner.tokenEndpoint,
        clientId: CLIENT_ID,
        scopes: [...PARTNER_SCOPES],
        expiredAssertion: { env: EXPIRED_ASSERTION_ENV },
      },
    },
    secretEnv: { [EXPIRED_ASSERTION_ENV]: expired.assertion },
    ics: { 'partner-idms.jwt-bearer': true },
    endpoints: { 'Partner IdMS issuer': partner.issuer, 'Partner IdMS token endpoint': partner.tokenEndpoint },
    stop: () => partner.endpoint.close(),
  };
  return {
    components: [primaryComponent, partnerComponent],
    kmsTrust: { issuer: primary.issuer, jwksUri: `${primary.issuer}/jwks`, audience: primary.resource, wrongAudienceAccessToken: expired.wrongAudienceAccessToken },
  };
}

/**
 * Tokens as the IdMS would have issued them ten minutes ago, expired two
 * minutes ago: more than the 30 s leeway B.2.2.2 allows, so the suites can
 * test refusal of expired tokens (B.12) without waiting.
 */
async function expiredTokens(primary: PrimaryIdms, partner: PartnerIdms, key: SigningKey, user: McUser) {
  const now = Math.floor(Date.now() / 1000);
  const iat = now - 420;
  const exp = now - 120;
  const scope = [...SERVICE_SCOPES.mcptt, ...SERVICE_SCOPES.mcvideo, ...SERVICE_SCOPES.mcdata].join(' ');
  const accessToken = await signJwt(
    key,
    { ...user.serviceIds, jti: randomUUID(), sub: user.accountId, iat, exp, scope, client_id: CLIENT_ID, iss: primary.issuer, aud: primary.resource },
    'at+jwt',
  );
  const assertion = await signJwt(key, { iss: primary.issuer, sub: user.accountId, aud: [CLIENT_ID, partner.tokenEndpoint], iat, exp, jti: randomUUID(), ...user.serviceIds });
  // The same access token for another resource server (RFC 8707 resource), valid for a day: the KMS must refuse it on aud (B.11.2).
  const wrongAudienceAccessToken = await signJwt(
    key,
    { ...user.serviceIds, jti: randomUUID(), sub: user.accountId, iat: now, exp: now + 86_400, scope, client_id: CLIENT_ID, iss: primary.issuer, aud: OTHER_RESOURCE },
    'at+jwt',
  );
  return { accessToken, assertion, wrongAudienceAccessToken };
}
