import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { runConformance } from '../cli/commands/run.ts';
import { startReferenceDomain } from '../reference/domain.ts';
import { PUBLIC_CLIENT_ID } from '../reference/idms/index.ts';
import { loadCatalog } from '../lib/requirements/catalog.ts';
import type { Results } from '../lib/report/types.ts';

/**
 * The suites against the reference domain described as real vendors
 * describe their systems: features not claimed, TLS verification off, login
 * through a browser. In each, every requirement a test touches gets the
 * verdict the catalog and the ICS predict: not-applicable where the ICS does
 * not claim its feature, pass otherwise, unless the variant says why not
 * (`notPass`: the suite must not claim what the configuration keeps it from
 * seeing). Never a fail, a suite error or a suite defect: a check that goes
 * vacuous under a configuration shows up here as a pass it cannot have earned.
 */
interface Variant {
  name: string;
  change(doc: Record<string, unknown>): void;
  /** Requirement IDs that must not pass here, with why; they may be inconclusive or not-applicable. */
  notPass?: Record<string, string>;
  /** Roles to run (default: every role of the target). */
  roles?: string[];
  /** Requirement IDs that must come out not-applicable here (and must have a test). */
  notApplicable?: string[];
}

/**
 * Features whose absence from the ICS is itself a promise about behaviour
 * (not claiming clear key sets says the KMS never sends key sets in clear):
 * turning them off would describe another system than the reference.
 */
const BEHAVIOURAL_FEATURES = new Set(['kms.clear-key-sets']);

type Doc = Record<string, Record<string, unknown>>;

const VARIANTS: Variant[] = [
  {
    name: 'no optional feature claimed',
    change(doc) {
      const ics = (doc as Doc).ics!;
      for (const k of Object.keys(ics)) if (!BEHAVIOURAL_FEATURES.has(k)) ics[k] = false;
    },
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
  },
  {
    name: 'login through a browser',
    change(doc) {
      const idms = (doc as Doc).idms!;
      idms.login = { ...(idms.login as object), mode: 'browser' };
    },
    // The KMS suite takes its access tokens through form logins only (the target-file issue gives it its own token source).
    roles: ['idms', 'partner-idms'],
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
  },
];

const catalog = loadCatalog();

function problemsOf(variant: Variant, doc: Record<string, unknown>, results: Results): string[] {
  const ics = (doc.ics ?? {}) as Record<string, boolean>;
  const problems: string[] = results.defects.map((d) => `suite defect ${d.kind} ${d.check ?? d.requirement ?? ''} in '${d.test ?? ''}': ${d.detail}`);
  for (const r of results.requirements) {
    if (r.tests.length === 0) continue;
    const entry = catalog.byId.get(r.id);
    // A requirement of a role the variant does not run (a cross-role check) is rightly not tested.
    if (r.verdict === 'not-tested' && variant.roles && !entry?.roles.some((role) => variant.roles!.includes(role))) continue;
    const gated = entry?.ics !== undefined && ics[entry.ics] !== true;
    const why = variant.notPass?.[r.id];
    const ok = gated ? r.verdict === 'not-applicable' : why !== undefined ? r.verdict === 'inconclusive' || r.verdict === 'not-applicable' : r.verdict === 'pass' || r.verdict === 'not-applicable';
    if (!ok) problems.push(`${r.id} ${r.verdict}${gated ? ` (its feature ${entry!.ics} is not claimed: expected not-applicable)` : why ? ` (must not pass: ${why})` : ''}: ${r.reason ?? ''}`);
  }
  for (const id of variant.notApplicable ?? []) {
    const r = results.requirements.find((x) => x.id === id);
    if (r?.verdict !== 'not-applicable' || r.tests.length === 0) problems.push(`${id} must be not-applicable under '${variant.name}' (with a test), got ${r?.verdict ?? 'no verdict'} with ${r?.tests.length ?? 0} test(s)`);
  }
  return problems;
}

for (const variant of VARIANTS) {
  test(`target variant: ${variant.name}`, async () => {
    test.setTimeout(600_000);
    const dir = mkdtempSync(join(tmpdir(), 'mcx-variant-'));
    const domain = await startReferenceDomain();
    try {
      const doc = structuredClone(domain.targetDocument);
      variant.change(doc);
      const file = join(dir, 'target.yaml');
      writeFileSync(file, toYaml(doc), { mode: 0o600 });
      const out = await runConformance({ target: file, ...(variant.roles ? { roles: variant.roles } : {}), reportDir: join(dir, 'report'), quiet: true, env: domain.secretEnv });
      expect(out.results, out.output.slice(-3000)).toBeDefined();
      expect(problemsOf(variant, doc, out.results!), `verdicts under '${variant.name}' that the catalog and the ICS do not predict`).toEqual([]);
    } finally {
      await domain.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
