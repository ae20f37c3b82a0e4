import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { runConformance } from '../cli/commands/run.ts';
import { startReferenceDomain } from '../reference/domain.ts';
import { resolveTargetDocument, TargetFileError } from '../lib/target/load.ts';
import { HttpClient } from '../lib/http/client.ts';
import { accessToken } from '../suites/kms/token.ts';

/**
 * A KMS-only target (issue 13, item 8): no idms section, the valid access
 * token given as kms.accessToken (obtained out of band; here from the
 * reference IdMS's login). The tests that need that token pass; one that
 * needs a token of another kind is INCONCLUSIVE 'configuration' naming what
 * to fill. And the field's validation: one error naming it.
 */
test.setTimeout(240_000);

const TOKEN_ENV = 'MCX_TEST_KMS_ACCESS_TOKEN';

test('kms.accessToken: a target with only a kms section runs the KMS suite on that token', async () => {
  const domain = await startReferenceDomain();
  const dir = mkdtempSync(join(tmpdir(), 'mcx-kms-token-'));
  try {
    const full = resolveTargetDocument(structuredClone(domain.targetDocument), domain.secretEnv);
    const http = new HttpClient({ caPem: full.tls.caPem, verify: full.tls.verify });
    const got = await accessToken(http, full.idms, full.idms!.scopes, undefined, full.tls);
    expect(got.ok, got.ok ? '' : got.reason).toBe(true);
    if (!got.ok) return;

    const doc = structuredClone(domain.targetDocument) as Record<string, Record<string, unknown>>;
    delete doc.idms;
    delete doc.partnerIdms;
    delete doc.mcxServer;
    delete doc.gms;
    doc.kms!.accessToken = { env: TOKEN_ENV };
    const file = join(dir, 'kms-only.yaml');
    writeFileSync(file, toYaml(doc), { mode: 0o600 });
    const out = await runConformance({
      target: file,
      roles: ['kms'],
      grep: 'KeyProvision issues a verified key set|lacking the key management scope|KMS Initialize returns',
      reportDir: join(dir, 'report'),
      quiet: true,
      env: { ...domain.secretEnv, [TOKEN_ENV]: got.accessToken },
    });
    const results = out.results!;
    expect(results.defects).toEqual([]);
    const findings = results.requirements.flatMap((r) => r.tests.flatMap((t) => t.findings.map((f) => ({ ...f, test: t.title, reason: (f as { reason?: string }).reason }))));
    // The valid token was used: KeyProvision gave verified key sets for the token's identities.
    const keySet = findings.filter((f) => f.checkId === 'kms.keyprov.key-set-per-identity');
    expect(keySet.length).toBeGreaterThan(0);
    expect(keySet.every((f) => f.verdict === 'pass')).toBe(true);
    // A token without the key-management scope needs a login: INCONCLUSIVE configuration, naming the idms section.
    const noScope = results.requirements.flatMap((r) => r.tests).filter((t) => /lacking the key management scope/.test(t.title));
    expect(noScope.length).toBeGreaterThan(0);
    for (const t of noScope) {
      expect(t.verdict).toBe('inconclusive');
      expect(t.reason).toContain('kms.accessToken');
      expect(t.reason).toContain('idms section');
    }
    expect(findings.some((f) => f.verdict === 'fail')).toBe(false);
    // The token never appears in the report.
    expect(JSON.stringify(results)).not.toContain(got.accessToken);
    await http.close();
  } finally {
    await domain.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kms.accessToken: one error naming the field for a literal value or a non-JWT', () => {
  const base = { name: 't', tls: { verify: true }, kms: { baseUrl: 'https://kms.example.org/keymanagement/identity/v1', kmsUri: 'kms.example.org' } };
  const problemsOf = (accessToken: unknown, env: Record<string, string> = {}) => {
    try {
      resolveTargetDocument(structuredClone({ ...base, kms: { ...base.kms, accessToken } }), env);
      return [];
    } catch (err) {
      return (err as TargetFileError).problems;
    }
  };
  expect(problemsOf('eyJ.literal.token')).toEqual(['kms.accessToken: expected { env: NAME }: secrets are read from an environment variable, never written in the file']);
  expect(problemsOf({ env: 'MCX_UNSET_FOR_TEST' })).toEqual(['kms.accessToken: environment variable MCX_UNSET_FOR_TEST is not set']);
  expect(problemsOf({ env: 'T' }, { T: 'not a jwt' })).toEqual(['kms.accessToken: expected a JWT (three base64url parts separated by dots) in the environment variable']);
  expect(problemsOf({ env: 'T' }, { T: 'aGVh.Y2xh.c2ln' })).toEqual([]);
});
