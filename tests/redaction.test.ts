import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { runConformance } from '../cli/commands/run.ts';
import { packageReport } from '../cli/commands/package.ts';
import { startReferenceDomain } from '../reference/domain.ts';
import { filesContaining } from './support/scan.ts';

/**
 * A full conformance run against the reference domain, then a scan of every
 * file it wrote (reports, logs, the certification package) for every secret
 * the run used: the target's secret values and every value the suites
 * registered with the redactor (tokens, keys received), collected through
 * MCX_SECRET_LOG. One hit fails the test, naming the file.
 */
test('a full run against the reference domain writes every report and leaks no secret', async () => {
  test.setTimeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), 'mcx-redaction-'));
  const domain = await startReferenceDomain();
  try {
    const targetFile = join(dir, 'target.yaml');
    writeFileSync(targetFile, toYaml(domain.targetDocument));
    const secretLog = join(dir, 'secrets.log');
    writeFileSync(secretLog, '');
    const reportDir = join(dir, 'report');
    const out = await runConformance({ target: targetFile, reportDir, quiet: true, env: { ...domain.secretEnv, MCX_SECRET_LOG: secretLog } });
    expect(out.results, out.output.slice(-3000)).toBeDefined();
    for (const f of ['results.json', 'junit.xml', 'report.html', 'run.log', 'ics.json', 'target.yaml', 'playwright-report/index.html']) {
      expect(existsSync(join(reportDir, f)), `${f} written`).toBe(true);
    }
    // A normal run leaves the final scrub nothing to do: every secret is kept out at its source
    // (the suites' redaction, masked browser fills), the scrub only guards against the unforeseen.
    expect(out.scrubbed, 'report files that needed the final scrub').toEqual([]);
    const zip = await packageReport(reportDir, join(dir, 'package.zip'));

    const registered = readFileSync(secretLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string);
    const secrets = [...new Set([...Object.values(domain.secretEnv), ...registered])].filter((s) => s.length >= 8);
    expect(Object.values(domain.secretEnv).length).toBeGreaterThan(0);
    const hits: string[] = [];
    for (const secret of secrets) {
      const spellings = new Set([secret, secret.toLowerCase()]);
      for (const s of spellings) for (const f of filesContaining(dir, s)) if (f !== secretLog && f !== targetFile) hits.push(`${f}: secret ${s.slice(0, 4)}... (${s.length} chars)`);
    }
    expect(hits, `secrets found in the report or package:\n${hits.join('\n')}`).toEqual([]);
    expect(existsSync(zip)).toBe(true);
  } finally {
    await domain.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
