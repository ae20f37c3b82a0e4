import { test, expect, type TestInfo } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Evidence } from '../lib/harness/evidence.ts';
import { Redactor } from '../lib/harness/redactor.ts';
import { EVIDENCE_ATTACHMENT_PREFIX, type Finding } from '../lib/harness/finding.ts';
import { recordSipDialogue, SIP_TEXT_CAP, type SipDialogueEvidence, type SipHighlight } from '../lib/harness/sip-evidence.ts';
import { buildMcInfo, buildMultipart, buildRequest, buildResponse, mcInfoContentType, serialize, type SipMessage, type WireRecord } from '../lib/sip/index.ts';
import { toHtml } from '../lib/report/html.ts';
import { toJunitXml } from '../lib/report/junit.ts';
import type { EvidenceItem, Results } from '../lib/report/types.ts';
import { withReportPage } from './support/report-page.ts';
import { compileSchema, describeAjvErrors } from '../lib/target/schema.ts';
import resultsSchema from '../schemas/results.schema.json' with { type: 'json' };
import { filesContaining } from './support/scan.ts';

/**
 * SIP evidence end to end without a suite run: a synthetic dialogue
 * (REGISTER / 401 / REGISTER / 200, PUBLISH / 403) recorded through
 * Evidence (redacted at flush, then capped), turned into results.json,
 * junit.xml and report.html as the reporter does, scanned for secrets, and
 * the ladder drawn in Debian's chromium.
 */
const REGISTERED_TOKEN = 'registered-token-0f3c9a77e1b24d58'; // registered with the redactor
const ELEMENT_TOKEN = 'unregistered-mcptt-token-5e1d'; // only the access-token element rule finds it
const BEARER = 'unregistered-bearer-7a2b9c'; // only the Authorization line rule finds it
const DIGEST_RESPONSE = '6629fae49393a05397450978507c4ef1';

const UE = { address: '127.0.0.1', port: 5070 };
const SERVER = { address: '127.0.0.1', port: 5060 };
const octets = (m: SipMessage) => new Uint8Array(serialize(m));
const info = (token: string) => buildMcInfo({ service: 'mcptt', accessToken: { value: token }, clientId: { value: 'mcptt-client-alice' } });

function register(cseq: number, extra: Array<[string, string]>, body?: { contentType: string; octets: Uint8Array | string }): SipMessage {
  return buildRequest({
    method: 'REGISTER', uri: 'sip:mcx.example.org', from: 'sip:alice@mcx.example.org', to: 'sip:alice@mcx.example.org', fromTag: 'f1', callId: 'c1@ue', cseq,
    via: { transport: 'tcp', host: UE.address, port: UE.port, branch: `z9hG4bKr${cseq}` }, headers: extra, body,
  });
}

/** The five exchanges; `pad` adds that many PUBLISH/200 pairs before the 403 (the 100+ message case). */
function dialogue(pad = 0): { records: WireRecord[]; highlights: SipHighlight[] } {
  const multipart = buildMultipart([
    { contentType: 'application/mikey', body: new Uint8Array(64).fill(7) },
    { contentType: mcInfoContentType('mcptt'), body: info(REGISTERED_TOKEN) },
  ], 'b1');
  const r1 = register(1, []);
  const c401 = buildResponse(r1, 401, { reason: 'Unauthorized', headers: [['WWW-Authenticate', 'Digest realm="mcx", nonce="n0nce", algorithm=MD5, qop="auth"']] });
  const r2 = register(2, [['Authorization', `Digest username="alice", realm="mcx", nonce="n0nce", uri="sip:mcx.example.org", response="${DIGEST_RESPONSE}", qop=auth, nc=00000001, cnonce="c0ffee"`]], { contentType: multipart.contentType, octets: multipart.octets });
  const ok = buildResponse(r2, 200, { reason: 'OK' });
  const publish = (cseq: number) => buildRequest({
    method: 'PUBLISH', uri: 'sip:mcx.example.org', from: 'sip:alice@mcx.example.org', to: 'sip:alice@mcx.example.org', fromTag: 'f2', callId: 'c2@ue', cseq,
    via: { transport: 'tcp', host: UE.address, port: UE.port, branch: `z9hG4bKp${cseq}` },
    headers: [['Event', 'presence'], ['Authorization', `Bearer ${BEARER}`]], body: { contentType: mcInfoContentType('mcptt'), octets: info(ELEMENT_TOKEN) },
  });
  const messages: { m: SipMessage; dir: 'sent' | 'received' }[] = [
    { m: r1, dir: 'sent' }, { m: c401, dir: 'received' }, { m: r2, dir: 'sent' }, { m: ok, dir: 'received' },
  ];
  for (let k = 0; k < pad; k++) messages.push({ m: publish(10 + k), dir: 'sent' }, { m: buildResponse(publish(10 + k), 200, { reason: 'OK' }), dir: 'received' });
  const p = publish(2);
  messages.push({ m: p, dir: 'sent' }, { m: buildResponse(p, 403, { reason: 'Forbidden', headers: [['Warning', '399 mcx "access token rejected"']] }), dir: 'received' });
  const t0 = 1_760_000_000_000;
  const records = messages.map(({ m, dir }, i): WireRecord => ({ direction: dir, transport: 'tcp', at: t0 + i * 3.25, local: UE, remote: SERVER, octets: octets(m) }));
  return { records, highlights: [{ index: records.length - 1, field: 'Warning', reason: 'PUBLISH refused although the access token is valid' }] };
}

/** Records through Evidence as a suite would, flushes, and reads the attachments back as the reporter does. */
async function recorded(records: WireRecord[], highlights: SipHighlight[]): Promise<{ items: EvidenceItem[]; attachments: string[] }> {
  const attachments: { name: string; body: string }[] = [];
  const info = { attach: async (name: string, o: { body: string }) => void attachments.push({ name, body: o.body }) } as unknown as TestInfo;
  const redactor = new Redactor();
  const evidence = new Evidence(info, redactor);
  recordSipDialogue(evidence, 'REGISTER and PUBLISH', records, { '127.0.0.1:5070': 'suite (MC client)', '127.0.0.1:5060': 'MCX server' }, highlights);
  // Registered after recording, as a suite learns a token late: flush still redacts it.
  redactor.add(REGISTERED_TOKEN);
  await evidence.flush();
  const items = attachments.map((a) => {
    const rest = a.name.slice(EVIDENCE_ATTACHMENT_PREFIX.length);
    const colon = rest.indexOf(':');
    return { kind: rest.slice(0, colon), label: rest.slice(colon + 1), data: redactor.redactValue(JSON.parse(a.body)) };
  });
  return { items, attachments: attachments.map((a) => a.body) };
}

function resultsWith(evidence: EvidenceItem[], findings: Finding[]): Results {
  const test = { title: 'SIP registration and PUBLISH', file: 'suites/mcx-server/synthetic.spec.ts', verdict: 'fail' as const, reason: 'PUBLISH refused', durationMs: 20, findings, evidence };
  return {
    tool: { name: 'mcx-conformance', version: 'test' }, target: { name: 'synthetic', roles: ['mcx-server'] }, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z',
    summary: { pass: 0, fail: 1, inconclusive: 0, notApplicable: 0, notTested: 0, error: 0, suiteDefects: 0, findings: findings.length }, defects: [],
    requirements: [{ id: 'MCXSEC-5.1.3.2-99', clause: '5.1.3.2', level: 'shall', roles: ['mcx-server'], summary: 'synthetic', verdict: 'fail', reason: 'PUBLISH refused', tests: [test] }],
  };
}

const FINDINGS: Finding[] = [
  { requirement: 'MCXSEC-5.1.3.2-99', check: 'challenge names the realm', verdict: 'fail', field: 'WWW-Authenticate realm', expected: 'mcx.example.org', actual: 'mcx', reason: 'mismatch' },
  { requirement: 'MCXSEC-5.1.3.2-99', check: 'PUBLISH accepted', verdict: 'fail', field: 'status', expected: 200, actual: 403, reason: 'mismatch' },
];

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcx-sip-evidence-'));
});
test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('secrets in SIP bodies and Authorization headers never reach results.json, junit.xml, report.html or an attachment', async () => {
  const { records, highlights } = dialogue();
  const { items, attachments } = await recorded(records, highlights);
  const out = join(dir, 'secrets');
  const results = resultsWith(items, FINDINGS);
  mkdirSync(out, { recursive: true });
  attachments.forEach((a, i) => writeFileSync(join(out, `attachment-${i}.json`), a));
  writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2));
  writeFileSync(join(out, 'junit.xml'), toJunitXml(results));
  writeFileSync(join(out, 'report.html'), toHtml(results));
  for (const secret of [REGISTERED_TOKEN, ELEMENT_TOKEN, BEARER, DIGEST_RESPONSE]) expect(filesContaining(out, secret), secret).toEqual([]);
  // SIP evidence is carried in results.json like any other kind.
  const validate = compileSchema(resultsSchema);
  expect(validate(JSON.parse(JSON.stringify(results))), describeAjvErrors(validate.errors).join('\n')).toBe(true);
  // What stays shows what happened.
  const d = items[0]!.data as SipDialogueEvidence;
  expect(d.messages.map((m) => m.startLine)).toEqual(['REGISTER sip:mcx.example.org SIP/2.0', 'SIP/2.0 401 Unauthorized', 'REGISTER sip:mcx.example.org SIP/2.0', 'SIP/2.0 200 OK', 'PUBLISH sip:mcx.example.org SIP/2.0', 'SIP/2.0 403 Forbidden']);
  expect(d.messages[2]!.text).toContain('Authorization: Digest username="alice", realm="mcx"');
  expect(d.messages[2]!.text).toContain('<mcpttString><redacted></mcpttString>');
  expect(d.messages[4]!.text).toContain('Authorization: Bearer <redacted>');
  expect(d.messages[5]!.highlight).toEqual({ field: 'Warning', reason: 'PUBLISH refused although the access token is valid' });
});

test('a long message is cut after redaction, with a marker and the full octet count', async () => {
  const big = register(1, [['X-Padding', 'p'.repeat(40_000)], ['X-Token', REGISTERED_TOKEN]]);
  const rec: WireRecord = { direction: 'received', transport: 'tcp', at: 1, local: UE, remote: SERVER, octets: octets(big) };
  const { items } = await recorded([rec], []);
  const m = (items[0]!.data as SipDialogueEvidence).messages[0]!;
  expect(m.octets).toBe(rec.octets.length);
  expect(m.truncated).toBe(true);
  expect(m.text.length).toBeLessThan(SIP_TEXT_CAP + 100);
  expect(m.text).toMatch(new RegExp(`\\[truncated by the suite: ${SIP_TEXT_CAP} of ${rec.octets.length} octets shown\\]$`));
  const html = toHtml(resultsWith(items, []));
  expect(html).toContain('the text was cut');
  expect(html).not.toContain(REGISTERED_TOKEN);
});

for (const [name, pad] of [['six messages', 0], ['124 messages', 59]] as const) {
  test(`report.html draws the SIP ladder in chromium (${name})`, async () => {
    test.setTimeout(90_000);
    const { records, highlights } = dialogue(pad);
    const { items } = await recorded(records, highlights);
    const out = join(dir, `ladder-${pad}`);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'report.html'), toHtml(resultsWith(items, FINDINGS)));
    await withReportPage(join(out, 'report.html'), async (page) => {
      await page.locator('tr.req', { hasText: 'MCXSEC-5.1.3.2-99' }).click();
      const ladder = page.locator('.ladder');
      await expect(ladder.locator('.party')).toHaveText([/suite \(MC client\)/, /MCX server/]);
      await expect(ladder.locator('.row')).toHaveCount(records.length);
      await expect(ladder.locator('.row .lbl').first()).toHaveText('REGISTER sip:mcx.example.org SIP/2.0');
      await expect(ladder.locator('.row .gutter').nth(1)).toHaveText('+3.3 ms');
      // Highlighted: the 403 (by the check's highlight) and the 401 (linked from the failed finding's field WWW-Authenticate).
      await expect(ladder.locator('.row.hl')).toHaveCount(2);
      await expect(ladder.locator('.row.hl .lbl')).toHaveText([/401 Unauthorized/, /403 Forbidden/]);
      const overview = await page.screenshot({ fullPage: true });
      await test.info().attach(`sip-ladder-${pad}.png`, { body: overview, contentType: 'image/png' });
      // To look at them by hand: MCX_SCREENSHOT_DIR=/some/dir.
      if (process.env.MCX_SCREENSHOT_DIR) writeFileSync(join(process.env.MCX_SCREENSHOT_DIR, `sip-ladder-${pad}.png`), overview);
      expect(overview.length).toBeGreaterThan(10_000);
      await expect(page.locator('.jumps button')).toHaveText([/#2 SIP\/2.0 401/, new RegExp(`#${records.length} SIP/2.0 403`)]);
      await page.locator('.jumps button').nth(1).click();
      await expect(ladder.locator('.row.hl', { hasText: '403' })).toBeInViewport();
      // Expanding the 403: exact text with the Warning line marked, and the parsed view.
      await ladder.locator('.row.hl', { hasText: '403' }).click();
      const msg = ladder.locator('.msg');
      await expect(msg.locator('.why')).toContainText('field Warning: PUBLISH refused');
      await expect(msg.locator('pre.raw .hline')).toHaveText(/^Warning: 399 mcx "access token rejected"/);
      // Expanding the second REGISTER: the parsed view lists its headers and both body parts.
      await ladder.locator('.row').nth(2).click();
      const reg = ladder.locator('.msg').nth(0);
      await reg.locator('summary', { hasText: 'parsed:' }).click();
      await expect(reg.locator('summary', { hasText: 'parsed:' })).toContainText('2 body parts');
      await expect(reg).toContainText('body part application/vnd.3gpp.mcptt-info+xml');
      await expect(reg).toContainText(/body part application\/mikey \[Content-Type: application\/mikey\] \(binary, hex\)/);
      await expect(reg).toContainText('07070707');
      await expect(reg).toContainText('Authorization');
      const expanded = await page.screenshot({ fullPage: true });
      await test.info().attach(`sip-ladder-${pad}-expanded.png`, { body: expanded, contentType: 'image/png' });
      if (process.env.MCX_SCREENSHOT_DIR) writeFileSync(join(process.env.MCX_SCREENSHOT_DIR, `sip-ladder-${pad}-expanded.png`), expanded);
    });
  });
}
