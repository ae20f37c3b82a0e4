import { PUBLIC_CLIENT_ID } from '../../reference/idms/index.ts';
import type { ReferenceBehaviour } from '../../reference/component.ts';
import { FLOOR_REQUIREMENTS } from '../../reference/sip/faults.ts';

/**
 * The reference domain described as real vendors describe their systems:
 * features not claimed, TLS verification off, login through a browser, no
 * External KMS, a public client. tests/target-variants.test.ts runs the
 * suites under each and checks every verdict against what the catalog and
 * the ICS predict; tests/negative-controls.test.ts runs each variant's
 * `faults` under it, so the checks the variant reaches differently are shown
 * to fail there too (a check that goes vacuous under a configuration passes
 * with its fault on).
 */
export interface Variant {
  name: string;
  change(doc: Record<string, unknown>): void;
  /** Requirement IDs that must not pass here, with why; they may be inconclusive or not-applicable. */
  notPass?: Record<string, string>;
  /** Roles to run (default: every role of the target). */
  roles?: string[];
  /** Requirement IDs that must come out not-applicable here (and must have a test). */
  notApplicable?: string[];
  /** Fault switches whose checks this configuration reaches differently: each must still be caught under it. */
  faults?: string[];
  /** How the reference domain is configured for this variant (what it then claims in its ICS). */
  behaviour?: Partial<ReferenceBehaviour>;
}

/**
 * Features whose absence from the ICS is itself a promise about behaviour
 * (not claiming clear key sets says the KMS never sends key sets in clear):
 * turning them off would describe another system than the reference.
 */
export const BEHAVIOURAL_FEATURES = new Set(['kms.clear-key-sets']);

type Doc = Record<string, Record<string, unknown>>;

/** Without sip.xml-protection the server's use of an uploaded CSK shows only in SRTCP (the floor control test), not in these tests. */
const CSK_USE_UNSEEN: Record<string, string> = Object.fromEntries(
  ['MCXSEC-9.2.1.3-04', 'MCXSEC-5.2.2-05', 'MCXSEC-5.4-06', 'MCXSEC-5.4-07', 'MCXSEC-5.4-08', 'MCXSEC-5.4-09', 'MCXSEC-5.2.7.3-02', 'MCXSEC-9.2.1.2-02', 'MCXSEC-9.2.1.2-03', 'MCXSEC-9.3.4.2-10', 'MCXSEC-5.8.2-03'].map((id) => [id, 'the use of an uploaded CSK shows only in XML protected under it (ICS sip.xml-protection, not claimed) or in SRTCP']),
);

export const VARIANTS: Variant[] = [
  {
    name: 'a consent page after login',
    change() {},
    // The IdMS asks the user to allow the client after the password step, and claims idms.consent-page (C.1-01).
    behaviour: { consentPage: true },
    roles: ['idms', 'partner-idms'],
    faults: ['idms.skips-consent-page'],
  },
  {
    name: 'no optional feature claimed',
    change(doc) {
      const ics = (doc as Doc).ics!;
      for (const k of Object.keys(ics)) if (!BEHAVIOURAL_FEATURES.has(k)) ics[k] = false;
    },
    notPass: {
      ...CSK_USE_UNSEEN,
      // A group call needs a bound caller, and no message is claimed to carry the access token.
      ...Object.fromEntries(FLOOR_REQUIREMENTS.map((id) => [id, 'the floor control call needs a bound user: the ICS claims neither mcx-server.token-in-register nor -publish'])),
    },
    // Mandatory checks on paths that branch on the ICS: unsigned KMS requests, key sets without TrK encryption, PKCE, a REGISTER without token.
    faults: ['kms.accepts-missing-token', 'kms.bad-rsk', 'idms.accepts-plain-pkce', 'mcx-server.refuses-register-without-token'],
  },
  {
    name: 'no XML protection of SIP bodies',
    change(doc) {
      (doc as Doc).ics!['sip.xml-protection'] = false;
    },
    roles: ['mcx-server'],
    notPass: CSK_USE_UNSEEN,
    // The floor control test uploads its CSK beside a token in clear here: SRTCP alone shows the CSK in use.
    faults: ['mcx-server.floor-key-not-from-csk'],
  },
  {
    name: 'TLS certificate verification off',
    change(doc) {
      (doc as Doc).tls!.verify = false;
    },
    // Every requirement that a verified server certificate proves: unverified, the suite saw a TLS session with someone.
    notPass: {
      'MCXSEC-B.12-04': 'TLS protection with an authenticated IdM server: the partner certificate was not verified',
      'MCXSEC-D.1-01': 'HTTPS to the KMS: its certificate was not verified',
      'MCXSEC-5.3.2-01': 'HTTPS from the KM client to the KMS: its certificate was not verified',
    },
    // What an unverified session can still show: plain HTTP (D.1-01 and 5.3.2-01 cannot pass here, but must still fail), and the TLS profile scans.
    faults: ['kms.plain-http', 'kms.tls-also-accepts-cbc', 'idms.tls-also-accepts-cbc'],
  },
  {
    name: 'login through a browser',
    change(doc) {
      const idms = (doc as Doc).idms!;
      idms.login = { ...(idms.login as object), mode: 'browser' };
    },
    // The KMS suite takes its access tokens through form logins only (the target-file issue gives it its own token source).
    roles: ['idms', 'partner-idms'],
    // The checks the browser's login reads: the state and code on the redirect, the nonce, the password refused.
    faults: ['idms.alters-state', 'idms.ignores-nonce', 'idms.accepts-wrong-password'],
  },
  {
    name: 'no external KMS',
    change(doc) {
      const kms = (doc as Doc).kms!;
      delete kms.externalKmsUris;
      (doc as Doc).ics!['kms.external-kms'] = false;
    },
    roles: ['kms'],
    notApplicable: ['MCXSEC-D.3.1-04', 'MCXSEC-5.3.1.2-03'],
    // The D.2.6 test asks Cert for the first External KMS of the target; with none it cannot run. (suites/kms could make it
    // depend on kms.external-kms too, and these would be not-applicable rather than inconclusive.)
    notPass: {
      'MCXSEC-D.2.6-01': 'Cert for an External KMS: the target names none (kms.externalKmsUris)',
      'MCXSEC-D.3.1-05': 'judged on the Cert answer for an External KMS, which cannot be asked',
      'MCXSEC-D.3.2.2-02': 'the External certificate role is judged on the Cert answer, which cannot be asked',
    },
    // CertCache and Cert with no External KMS to expect.
    faults: ['kms.cert-unknown-no-error', 'kms.certcache-repeats-current'],
  },
  {
    name: 'no client secret (a public client, PKCE only)',
    change(doc) {
      const idms = (doc as Doc).idms!;
      idms.clientId = PUBLIC_CLIENT_ID;
      delete idms.clientSecret;
      (doc as Doc).ics!['idms.client-secret'] = false;
    },
    notApplicable: ['MCXSEC-B.4.2.1-02', 'MCXSEC-B.4.2.4-01'],
    // The reference's expired tokens are issued to the confidential client, not this one (lib/oidc/expired-inputs.ts refuses them).
    notPass: {
      'MCXSEC-B.12-02': 'idms.expiredAccessToken and partnerIdms.expiredAssertion were issued to another client than idms.clientId',
      'MCXSEC-5.3.3-02': 'idms.expiredAccessToken was issued to another client than idms.clientId',
    },
    // PKCE and the client_id binding are all that protect a public client's code. (idms.skips-client-authentication
    // is not here: it relaxes the confidential client's authentication, which a public client never meets.)
    faults: ['idms.accepts-missing-code-verifier', 'idms.accepts-wrong-code-verifier', 'idms.ignores-token-client-id'],
  },
];

