/**
 * The KMS suite's fixture: a KM client (lib/kms-xml/client.ts) configured
 * from the target file, access tokens from kms.accessToken or the target's IdMS, evidence for
 * every exchange (key material and tokens redacted), and two tables run at
 * teardown for the tests that declare them: the schema table
 * (checks/schema.ts, D.3.5.1-01) over every KMS document received, and the
 * bearer table (checks/bearer.ts, B.10-01) over the requests sent by `serve`.
 */
import { test as base, expect } from '../../lib/harness/suite-test.ts';
import { KmClient, exchangeEvidence, type KmsCall, type KmsExchange } from '../../lib/kms-xml/client.ts';
import type { SharedKey } from '../../lib/kms-xml/keys.ts';
import type { KmsTarget, TestUser } from '../../lib/target/types.ts';
import type { KmsCertificate } from '../../lib/kms-xml/model.ts';
import { CHECK_ANNOTATION, NOT_APPLICABLE_ANNOTATION, STOP_ATTACHMENT } from '../../lib/harness/finding.ts';
import { accessToken, isKeyManagementScope, tokenIdentities, type TokenOutcome } from './token.ts';
import { SCHEMA } from './checks/schema.ts';
import { BEARER, tokenRefusal } from './checks/bearer.ts';

export interface KmsSuite {
  target: KmsTarget;
  client: KmClient;
  user: TestUser;
  /** The user's MC service IDs in the target file (the MC service IDs a token actually carries: tokenIdentities in token.ts). */
  identities: string[];
  /** The UserUri the suite sends: the user's first MC service ID. */
  userUri: string;
  trk?: SharedKey;
  ink?: SharedKey;
  /** An access token; `kind` picks the scope set. Stops the test INCONCLUSIVE when the IdMS gives none. */
  token(kind?: 'valid' | 'no-key-management' | 'authorised'): Promise<string>;
  send(call: KmsCall): Promise<KmsExchange>;
  /**
   * Sends a request the KMS should serve, with the test's valid token. A
   * refusal of that token stops the test INCONCLUSIVE (nothing to read);
   * the BEARER table, run at teardown over these exchanges, grades it.
   */
  serve(call: KmsCall & { accessToken: string }): Promise<KmsExchange>;
  /** Every exchange of the test so far. */
  exchanges: KmsExchange[];
  /**
   * The Root KMS certificate from a KMS Initialize (cached per worker and
   * KMS). Stops the test INCONCLUSIVE when there is none: the certificate
   * itself is graded by init.spec.ts.
   */
  rootCertificate(): Promise<KmsCertificate>;
}

/** What each token kind other than 'valid' is, for the configuration stop when only kms.accessToken is given. */
const TOKEN_KINDS = {
  'no-key-management': 'a token without the *_key_management_service scope',
  authorised: 'a token with the kms.authorisedIdentityScopes',
} as const;

const certificates = new Map<string, Promise<KmsCertificate | string>>();

export function sharedKey(k: { id: string; keyHex: string } | undefined): SharedKey | undefined {
  return k ? { id: k.id, key: Uint8Array.from(Buffer.from(k.keyHex, 'hex')) } : undefined;
}

export const test = base.extend<{ kms: KmsSuite }>({
  kms: async ({ target, verify, evidence, redactor, http }, use, testInfo) => {
    const kmsTarget = target.kms;
    if (!kmsTarget) {
      testInfo.skip(true, 'not-applicable: the target file has no kms section');
      return;
    }
    const user = target.idms?.users[0];
    // Without an IdMS test user, the identities are those of kms.accessToken (its mcptt_id/mcvideo_id/mcdata_id claims).
    const fromToken = !user && kmsTarget.accessToken ? tokenIdentities(kmsTarget.accessToken) : undefined;
    const identities = user ? [user.mcpttId, user.mcvideoId, user.mcdataId].filter((x): x is string => !!x) : fromToken?.ok ? fromToken.ids : [];
    const trk = sharedKey(kmsTarget.trk);
    const ink = sharedKey(kmsTarget.ink);
    const exchanges: KmsExchange[] = [];
    const servedExpected: KmsExchange[] = [];
    const client = new KmClient({
      baseUrl: kmsTarget.baseUrl,
      kmsUri: kmsTarget.kmsUri,
      caPem: target.tls.caPem,
      verifyTls: target.tls.verify,
      trk,
      ink,
      signRequests: target.ics['kms.signed-requests'] === true,
      // Per-request time limit; MCX_KMS_TIMEOUT_MS lowers it for tests of slow targets.
      timeoutMs: Number(process.env.MCX_KMS_TIMEOUT_MS) || undefined,
      onSecret: (s) => redactor.add(s),
      onExchange: (ex) => {
        exchanges.push(ex);
        evidence.record('http', `kms ${String(exchanges.length).padStart(2, '0')} ${ex.label}`, exchangeEvidence(ex));
      },
    });
    const suite: KmsSuite = {
      target: kmsTarget,
      client,
      user: user ?? { label: 'none', username: '', password: '' },
      identities,
      userUri: identities[0] ?? '',
      trk,
      ink,
      exchanges,
      async token(kind = 'valid') {
        const idms = target.idms;
        if (kmsTarget.accessToken) {
          if (kind === 'valid') {
            redactor.add(kmsTarget.accessToken);
            return kmsTarget.accessToken;
          }
          if (!idms) return verify.stop(`kms.accessToken is the only token source, and this test needs ${TOKEN_KINDS[kind]}: give an idms section (issuer, clientId, redirectUri, login, scopes, users) the suite can log in through`, 'configuration');
        }
        const all = idms?.scopes ?? [];
        const scopes =
          kind === 'no-key-management'
            ? all.filter((s) => !isKeyManagementScope(s))
            : kind === 'authorised'
              ? [...new Set([...all, ...(kmsTarget.authorisedIdentityScopes ?? [])])]
              : all;
        const outcome: TokenOutcome = await accessToken(http, idms, scopes, undefined, target.tls);
        if (!outcome.ok) return verify.stop(`no access token from the IdMS: ${outcome.reason}`, 'precondition');
        redactor.add(outcome.accessToken);
        return outcome.accessToken;
      },
      send: (call) => client.send(call),
      async serve(call) {
        const ex = await client.send(call);
        servedExpected.push(ex);
        const refused = tokenRefusal(ex);
        if (refused) verify.stop(`${ex.label}: ${refused}: the KMS refused the valid access token sent as Authorization: Bearer (graded by B.10-01)`, 'precondition');
        return ex;
      },
      async rootCertificate() {
        const key = `${kmsTarget.baseUrl}|${kmsTarget.kmsUri}`;
        let pending = certificates.get(key);
        if (!pending) {
          const token = await suite.token('valid');
          pending = (async () => {
            const ex = await client.send({ type: 'init', userUri: suite.userUri, accessToken: token, label: 'init (for the certificate)' });
            const cert = ex.opened?.doc?.message?.init?.certificate;
            return cert && cert.pubAuthKey ? cert : `KMS Initialize gave no certificate: ${ex.http.ok ? `HTTP ${ex.http.status}` : ex.http.error}`;
          })();
          certificates.set(key, pending);
          void pending.then((r) => {
            if (typeof r === 'string') certificates.delete(key);
          });
        }
        const r = await pending;
        if (typeof r === 'string') return verify.stop(`${r} (graded by the KMS Initialize test)`, 'precondition');
        return r;
      },
    };
    const declares = (id: string) => testInfo.annotations.some((a) => a.type === CHECK_ANNOTATION && a.description?.split(' ')[0] === id);
    const declaresSchema = declares(SCHEMA.checks[0]!.id);
    const declaresBearer = declares(BEARER.checks[0]!.id);
    try {
      if (fromToken && !fromToken.ok) verify.stop(`kms.accessToken: ${fromToken.reason}; give a token the IdMS issued for an MC user, or idms.users[0] with its mcpttId`, 'configuration');
      if (identities.length === 0) verify.stop('the target file names no IdMS test user with an MC service ID (idms.users[0].mcpttId) and gives no kms.accessToken (a token obtained from the IdMS out of band)', 'configuration');
      await use(suite);
    } finally {
      // D.3.5.1-01 over every KMS document this test received (one xmllint pass).
      // A test that stopped before receiving any document leaves the check to its stop (INCONCLUSIVE);
      // one skipped as not-applicable (the ICS does not claim its feature) sent nothing to judge.
      const stopped = testInfo.annotations.some((a) => a.type === STOP_ATTACHMENT);
      const received = exchanges.some((ex) => ex.opened?.received);
      const notApplicable = testInfo.annotations.some((a) => a.type === NOT_APPLICABLE_ANNOTATION);
      if (declaresSchema && (received || (!stopped && !notApplicable))) await verify.run(SCHEMA, exchanges);
      // B.10-01 over the requests that should have been served; a test stopped before sending one leaves it to the stop.
      if (declaresBearer && (servedExpected.length > 0 || (!stopped && !notApplicable))) await verify.run(BEARER, servedExpected);
      await client.close();
    }
  },
});

export { expect };
