/**
 * Fixed facts of the reference KMS: its URI, key periods, the external KMSs
 * whose certificates it hands out (5.3.1.4, D.2.5, D.2.6), and which KMS
 * serves which SIP domain (D.2.7).
 */

/** The resource tree of D.2.1. */
export const KMS_BASE_PATH = '/keymanagement/identity/v1';

/** The reference domain's KMS URI (KmsUri, and P2 of the F.2.1 UID). */
export const KMS_URI = 'kms.mcx.example.org';

/** The SIP domain of the reference domain's users. */
export const HOME_SIP_DOMAIN = 'mcx.example.org';

/** D.3.2.2: 30-day key periods, starting one day after 0h 1 January 1900 (offset < period, F.2.1). */
export const USER_KEY_PERIOD = 2_592_000;
export const USER_KEY_OFFSET = 86_400;

/** RFC 6509 parameter set 1 (the only one TS 33.180 uses). */
export const PARAMETER_SET = 1;

/** KmsCertificate Version (D.3.2.2): 1.1.0 unless IsSecurityGateway is set. */
export const CERTIFICATE_VERSION = '1.1.0';

/** KmsRequest / KmsResponse / KmsKeySet Version (D.2.2, D.3.3.2). */
export const MESSAGE_VERSION = '1.1.0';

/** D.3.2.2 UserIDFormat '2': UIDs per F.2.1. */
export const USER_ID_FORMAT = 2;

/** D.2.2: how far a request's Time may be from the KMS's clock (the clause suggests seconds; CI machines are slow). */
export const REQUEST_TIME_WINDOW_SECONDS = 30;

/** How many key periods before or after the current one a keyprov request may name (D.2.4). */
export const MAX_KEY_PERIOD_DISTANCE = 12;

/** Body limit of one request; larger bodies are refused (413) without being read. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Maximum time to receive one request. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface ExternalKmsSpec {
  kmsUri: string;
  /** The SIP domain whose users this KMS serves (D.2.7 lookup). */
  sipDomain: string;
  userKeyPeriod: number;
  userKeyOffset: number;
  issuer: string;
}

/** Partner domains (Role External certificates in the cert cache). */
export const EXTERNAL_KMSS: readonly ExternalKmsSpec[] = [
  { kmsUri: 'kms.partner.example.net', sipDomain: 'partner.example.net', userKeyPeriod: 604_800, userKeyOffset: 432_000, issuer: 'Partner MC domain' },
  { kmsUri: 'kms.ally.example.com', sipDomain: 'ally.example.com', userKeyPeriod: 2_592_000, userKeyOffset: 0, issuer: 'Ally MC domain' },
];

/** Version number of the certificate cache (D.2.5 CacheNum); changes only when the cache does. */
export const CERT_CACHE_NUMBER = 1;

/** Certificates are valid for a year around the start of the run. */
export const CERTIFICATE_VALIDITY_DAYS = 365;
