import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, runPlaywright } from '../cli/commands/playwright.ts';
import { reportersFor } from '../cli/commands/run.ts';
import { compileSchema, describeAjvErrors } from '../lib/target/schema.ts';
import type { Results } from '../lib/report/types.ts';
import resultsSchema from '../schemas/results.schema.json' with { type: 'json' };
import { filesContaining } from './support/scan.ts';
import { withReportPage } from './support/report-page.ts';

/**
 * Runs tests/fixtures/engine-suite (one test per verdict path) through the
 * conformance reporters once, then checks every report it writes.
 */
const SECRET = 'fixture-Pa55word-do-not-leak';
const FIXTURE = join(PROJECT_ROOT, 'tests/fixtures/engine-suite');

test.describe.configure({ mode: 'serial' });

let dir: string;
let results: Results;

test.beforeAll(async () => {
  // One Playwright run of the fixture suite: seconds when idle, minutes on a loaded 2-core machine.
  test.setTimeout(420_000);
  dir = mkdtempSync(join(tmpdir(), 'mcx-reporter-'));
  const reportDir = join(dir, 'report');
  const env = {
    ...process.env,
    MCX_TARGET_FILE: join(FIXTURE, 'target.yaml'),
    MCX_FIXTURE_PASSWORD: SECRET,
    MCX_OUTPUT_DIR: join(dir, 'test-results'),
    MCX_REPORTERS: JSON.stringify(reportersFor({ reportDir, roles: ['kms'], targetFile: join(FIXTURE, 'target.yaml'), quiet: true, shard: false, catalogDir: join(FIXTURE, 'catalog') })),
  };
  const { output } = await runPlaywright(['test'], env, { quiet: true, config: join(FIXTURE, 'playwright.config.ts') });
  try {
    results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as Results;
  } catch {
    throw new Error(`the fixture run wrote no results.json:\n${output}`);
  }
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const verdictOf = (id: string) => results.requirements.find((r) => r.id === id);

test('maps findings and test outcomes to requirement verdicts', () => {
  expect(verdictOf('MCXSEC-A.99-01')?.verdict).toBe('pass');
  expect(verdictOf('MCXSEC-A.99-02')?.verdict).toBe('fail');
  expect(verdictOf('MCXSEC-A.99-02')?.reason).toContain('token_type is bearer; field token_type; expected "bearer"; found "mac"');
  expect(verdictOf('MCXSEC-A.99-03')?.verdict).toBe('pass');
  expect(verdictOf('MCXSEC-A.99-04')?.verdict).toBe('inconclusive');
  expect(verdictOf('MCXSEC-A.99-04')?.reason).toContain('ECONNREFUSED');
  // A crash is a suite error, naming the exception and where it was thrown; never a FAIL.
  expect(verdictOf('MCXSEC-A.99-05')?.verdict).toBe('error');
  expect(verdictOf('MCXSEC-A.99-05')?.reason).toContain('boom in the suite');
  expect(verdictOf('MCXSEC-A.99-05')?.reason).toMatch(/verdicts\.spec\.ts:\d+:\d+/);
  expect(verdictOf('MCXSEC-A.99-06')?.verdict).toBe('not-applicable');
  expect(verdictOf('MCXSEC-A.99-06')?.reason).toContain('ears');
  expect(verdictOf('MCXSEC-A.99-07')?.verdict).toBe('fail');
  expect(verdictOf('MCXSEC-A.99-08')?.verdict).toBe('inconclusive');
  expect(verdictOf('MCXSEC-A.99-08')?.reason).toContain('fixture.xml.is-xml failed');
  expect(verdictOf('MCXSEC-A.99-09')?.verdict).toBe('pass');
  // A declared check that never ran in a test that completed: inconclusive, and a suite defect.
  expect(verdictOf('MCXSEC-A.99-10')?.verdict).toBe('inconclusive');
  expect(verdictOf('MCXSEC-A.99-10')?.reason).toContain('no check recorded a result');
  expect(verdictOf('MCXSEC-A.99-11')?.verdict).toBe('error');
  expect(verdictOf('MCXSEC-A.99-11')?.reason).toContain('RangeError: Maximum call stack size exceeded');
  expect(results.summary).toEqual({ pass: 3, fail: 2, inconclusive: 3, notApplicable: 1, notTested: 0, error: 2, suiteDefects: 2, findings: 6 });
  expect(results.defects.map((d) => d.kind).sort()).toEqual(['crash', 'silent-check']);
  expect(results.target.warnings?.join('\n')).toContain('TLS certificate verification is OFF');
});

test('results.json has the published shape (schemas/results.schema.json)', () => {
  const validate = compileSchema(resultsSchema);
  const ok = validate(results);
  expect(describeAjvErrors(validate.errors), 'schema errors').toEqual([]);
  expect(ok).toBe(true);
  expect(Object.keys(results)).toEqual(['tool', 'target', 'startedAt', 'finishedAt', 'summary', 'defects', 'requirements']);
  const evidence = verdictOf('MCXSEC-A.99-09')!.tests[0]!.evidence;
  expect(evidence.map((e) => e.kind)).toEqual(['http', 'jwt', 'xml', 'mikey', 'json']);
});

test('junit.xml has one testcase per requirement', () => {
  const xml = readFileSync(join(dir, 'report', 'junit.xml'), 'utf8');
  expect(xml.match(/<testcase /g)?.length).toBe(results.requirements.length);
  expect(xml.match(/<failure /g)?.length).toBe(2);
  expect(xml.match(/<error /g)?.length).toBe(5);
  expect(xml).toContain('tests="11" failures="2" errors="5" skipped="1"');
});

test('Allure results carry requirement and clause labels', () => {
  const files = filesContaining(join(dir, 'report', 'allure-results'), '"requirement"').filter((f) => f.endsWith('-result.json'));
  expect(files.length).toBeGreaterThan(0);
  const one = JSON.parse(readFileSync(files[0]!, 'utf8')) as { labels: { name: string; value: string }[]; links: { url: string }[] };
  expect(one.labels.some((l) => l.name === 'clause' && l.value === 'A.99')).toBe(true);
  expect(one.links.some((l) => l.url.startsWith('../report.html#MCXSEC-A.99-'))).toBe(true);
});

test('no report file carries a secret (password, JWT)', () => {
  expect(filesContaining(join(dir, 'report'), SECRET)).toEqual([]);
  expect(filesContaining(join(dir, 'report'), 'c2lnbmF0dXJlLXZhbHVl')).toEqual([]);
});

test('report.html renders in headless Chromium, filters and shows evidence', async () => {
  test.setTimeout(60_000);
  // Self-contained and free of script errors: withReportPage asserts both.
  await withReportPage(join(dir, 'report', 'report.html'), async (page) => {
    await expect(page.locator('#reqs tbody tr.req')).toHaveCount(11);
    await expect(page.locator('#summary')).toContainText('fail: 2');
    await expect(page.locator('#warnings')).toContainText('Suite defect (silent-check)');
    await page.selectOption('#f-verdict', 'fail');
    await expect(page.locator('#reqs tbody tr.req:visible')).toHaveCount(2);
    await page.selectOption('#f-verdict', '');
    await page.fill('#f-clause', 'A.98');
    await expect(page.locator('#reqs tbody tr.req:visible')).toHaveCount(0);
    await page.fill('#f-clause', 'A.99');
    await page.locator('tr.req', { hasText: 'MCXSEC-A.99-09' }).click();
    await page.locator('details > summary', { hasText: '[http] 01 POST token' }).click();
    await expect(page.locator('tr.detail')).toContainText('password=<redacted>');
    await page.locator('details > summary', { hasText: '[mikey] I_MESSAGE' }).click();
    await expect(page.locator('tr.detail')).toContainText('sakkeParams: 1');
    const shot = await page.screenshot({ fullPage: true });
    await test.info().attach('report.html', { body: shot, contentType: 'image/png' });
    expect(shot.length).toBeGreaterThan(10_000);
  });
});
