/**
 * The KMS suite's fixture: a KM client (lib/kms-xml/client.ts) configured
 * from the target file, access tokens from the target's IdMS, evidence for
 * every exchange (key material and tokens redacted), and a schema check of
 * every KMS document received, run once per test in one xmllint pass
 * (requirement D.3.5.1-01).
 */
import { test as base, expect } from '../../lib/harness/index.ts';
import { KmClient, exchangeEvidence, type KmsCall, type KmsExchange } from '../../lib/kms-xml/client.ts';
import type { SharedKey } from '../../lib/kms-xml/keys.ts';
import { validateKmsXmlBatch, formatSchemaErrors } from '../../lib/kms-xml/schema.ts';
import type { KmsTarget, TestUser } from '../../lib/target/types.ts';
import type { KmsCertificate } from '../../lib/kms-xml/model.ts';
import { serializeXml } from '../../lib/kms-xml/xml.ts';
import { accessToken, isKeyManagementScope, type TokenOutcome } from './token.ts';
import { REQ } from './requirements.ts';

export interface KmsSuite {
  target: KmsTarget;
  client: KmClient;
  user: TestUser;
  /** The user's MC service IDs the access token carries (from the target file). */
  identities: string[];
  /** The UserUri the suite sends: the user's first MC service ID. */
  userUri: string;
  trk?: SharedKey;
  ink?: SharedKey;
  /** An access token; `kind` picks the scope set. Stops the test INCONCLUSIVE when the IdMS gives none. */
  token(kind?: 'valid' | 'no-key-management' | 'authorised', requirements?: string[]): Promise<string>;
  send(call: KmsCall): Promise<KmsExchange>;
  /** Every exchange of the test so far. */
  exchanges: KmsExchange[];
  /**
   * The Root KMS certificate from a KMS Initialize (cached per worker and
   * KMS). Stops the test INCONCLUSIVE for `requirements` when there is none:
   * the certificate itself is graded by init.spec.ts.
   */
  rootCertificate(requirements: string[]): Promise<KmsCertificate>;
}

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
    const identities = user ? [user.mcpttId, user.mcvideoId, user.mcdataId].filter((x): x is string => !!x) : [];
    const trk = sharedKey(kmsTarget.trk);
    const ink = sharedKey(kmsTarget.ink);
    const exchanges: KmsExchange[] = [];
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
      async token(kind = 'valid', requirements = []) {
        const idms = target.idms;
        const all = idms?.scopes ?? [];
        const scopes =
          kind === 'no-key-management'
            ? all.filter((s) => !isKeyManagementScope(s))
            : kind === 'authorised'
              ? [...new Set([...all, ...(kmsTarget.authorisedIdentityScopes ?? [])])]
              : all;
        const outcome: TokenOutcome = await accessToken(http, idms, scopes);
        if (!outcome.ok) return verify.inconclusive(requirements.length ? requirements : ['MCXSEC-5.3.3-01'], `no access token from the IdMS: ${outcome.reason}`, 'precondition');
        redactor.add(outcome.accessToken);
        return outcome.accessToken;
      },
      send: (call) => client.send(call),
      async rootCertificate(requirements) {
        const key = `${kmsTarget.baseUrl}|${kmsTarget.kmsUri}`;
        let pending = certificates.get(key);
        if (!pending) {
          pending = (async () => {
            const token = await suite.token('valid', requirements);
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
        if (typeof r === 'string') return verify.inconclusive(requirements, `${r} (graded by the KMS Initialize test)`, 'precondition');
        return r;
      },
    };
    if (!user || identities.length === 0) {
      verify.inconclusive([REQ.keyProvPerIdentity], 'the target file names no IdMS test user with an MC service ID', 'precondition');
    }
    try {
      await use(suite);
    } finally {
      await recordSchemaFindings(exchanges, verify);
      await client.close();
    }
  },
});

/** D.3.5.1-01: every KMS document received in this test validates against schemas/kms-interface.xsd. */
async function recordSchemaFindings(exchanges: KmsExchange[], verify: { check: (r: string, c: string, ok: boolean, d?: object) => boolean }): Promise<void> {
  const docs: { name: string; xml: string; what: string }[] = [];
  exchanges.forEach((ex, i) => {
    const o = ex.opened;
    if (!ex.http.ok || !o?.received || !o.parse.ok) return;
    docs.push({ name: `${i}`, xml: ex.http.bodyText, what: `${ex.label}: KmsResponse validates against kms-interface.xsd` });
    // An encrypted KmsMessage must decrypt to schema-valid XML too (D.3.1): validate the decrypted document.
    if (o.messageEncryption?.ok) docs.push({ name: `${i}d`, xml: serializeXml(o.parse.root, { declaration: true, indent: '  ' }), what: `${ex.label}: decrypted KmsResponse validates against kms-interface.xsd` });
  });
  if (docs.length === 0) return;
  const results = await validateKmsXmlBatch(docs.map(({ name, xml }) => ({ name, xml })));
  for (const d of docs) {
    const r = results.get(d.name)!;
    verify.check(REQ.schema, d.what, r.valid, {
      field: 'body',
      expected: 'valid against schemas/kms-interface.xsd (D.3.5.1, D.3.5.3)',
      actual: r.valid ? 'valid' : formatSchemaErrors(r.errors),
    });
  }
}

export { expect };
