import type { Ics } from './ics.ts';
import type { McxServerTarget } from './mcx-server.ts';
import type { CsProxyTarget } from './cs-proxy.ts';
import type { IsProxyTarget } from './is-proxy.ts';
import type { GmsTarget } from './gms.ts';

/**
 * The system under test as the suites see it, after the target file has been
 * validated and its environment-variable references resolved. The YAML form
 * (schemas/target.schema.json) writes every secret as `{ env: NAME }`.
 */
export interface Target {
  name: string;
  tls: TargetTls;
  /** Bounds of the whole run (the schema's default fills it). */
  run?: { deadlineSeconds?: number };
  ics: Ics;
  idms?: IdmsTarget;
  partnerIdms?: PartnerIdmsTarget;
  kms?: KmsTarget;
  mcxServer?: McxServerTarget;
  csProxy?: CsProxyTarget;
  isProxy?: IsProxyTarget;
  gms?: GmsTarget;
}

export interface TargetTls {
  /** PEM of the CA that signs the target's server certificates. */
  caPem?: string;
  /** Certificate verification; on unless the target file turns it off. */
  verify: boolean;
}

export interface TestUser {
  /** A label used in reports, never the password. */
  label: string;
  username: string;
  password: string;
  /** MC service IDs the IdMS is expected to issue for this user (B.2.1). */
  mcpttId?: string;
  mcvideoId?: string;
  mcdataId?: string;
}

export interface IdmsTarget {
  issuer: string;
  /** Defaults to `${issuer}/.well-known/openid-configuration`. */
  discoveryUrl?: string;
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  /** How the suite drives the IdMS's own login form. */
  login: { mode: 'browser' | 'form'; usernameField?: string; passwordField?: string };
  /** Scopes the client is allowed to ask for (B.4.2.2). */
  scopes: string[];
  users: TestUser[];
  /**
   * An access token this IdMS issued to the client for the first user, whose
   * exp is more than 30 s past (B.12, B.2.2.2). Secret. Lets the suites prove
   * that expired tokens are refused without waiting for one to expire.
   */
  expiredAccessToken?: string;
  /**
   * The token endpoint of a second partner IdMS (other than partnerIdms) for
   * which the token exchange issues security tokens; the partner under test
   * must refuse those (B.11.3).
   */
  otherPartnerResource?: string;
}

export interface PartnerIdmsTarget {
  issuer: string;
  discoveryUrl?: string;
  /** The partner's token endpoint, used as the token-exchange resource (B.7.2). */
  tokenEndpoint: string;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
  /**
   * A security token the primary IdMS issued for this partner (aud holds the
   * client_id and tokenEndpoint) whose exp is more than 30 s past. Secret.
   */
  expiredAssertion?: string;
}

export interface SymmetricKey {
  /** Key identifier as carried in TrK-ID / Signature-ID (hex or URI, as the KMS names it). */
  id: string;
  /** Key value, hex. Secret. */
  keyHex: string;
}

export interface KmsTarget {
  /** Base URL of the KMS interface, ending in /keymanagement/identity/v1. */
  baseUrl: string;
  /** The KMS URI as it appears in KmsUri elements and the UID derivation (F.2.1). */
  kmsUri: string;
  trk?: SymmetricKey;
  ink?: SymmetricKey;
  /** External KMS URIs the KMS is expected to hold certificates for (D.2.5, D.2.6). */
  externalKmsUris: string[];
  /** A SIP URI and the KMS URI a lookup must return for it (D.2.7). */
  lookup?: { userUri: string; expectedKmsUri: string };
  /** J.3.3 scopes the IdMS grants the first test user, for the authorised-identity checks (9.6.3.2). */
  authorisedIdentityScopes?: string[];
  /** An MC service ID the first test user's token does not carry (keyprov/<it> must be refused); default: the second user's mcpttId. */
  foreignIdentity?: string;
  /**
   * An access token for the KMS obtained out of band from the IdMS (a JWT with
   * a *_key_management_service scope). Secret. The suite's valid token when
   * given; tokens of other kinds still need a login through the idms section.
   */
  accessToken?: string;
  /** URIs other than the user's for keyprov/<uri> (D.2.4 allows a user or group URI): a group URI and a server identity. */
  keyprov?: { groupUri?: string; serverUri?: string };
  /**
   * An unexpired access token of this domain's IdMS for the first test user,
   * scoped for key management but issued for another resource (aud does not
   * name the KMS). Secret. The KMS must refuse it (B.11.2, 5.3.3).
   */
  wrongAudienceAccessToken?: string;
}
