import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaptured } from './run-captured.ts';

const run = runCaptured;

test.describe('tool mikey-create / mikey-decode / mikey-verify', () => {
  test.describe.configure({ mode: 'serial' });
  // Made in beforeAll, not at load: every process that loads the file (the listing one too) would leave one behind.
  let dir = '';
  test.beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mikey-tools-'));
  });
  test.afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const time = '2026-11-23T12:00:00Z';

  test('create a GMK message in a test domain, decode it, verify it (exit 0)', async () => {
    const created = await run(['tool', 'mikey-create', '--kind', 'gmk', '--test-domain', dir, '--time', time, '--sakke-to-self', '--group-id', 'sip:g1@example.org', '--out', join(dir, 'gmk.hex'), '--json']);
    expect(created.code).toBe(0);
    const info = JSON.parse(created.out);
    const decoded = await run(['tool', 'mikey-decode', `@${join(dir, 'gmk.hex')}`, '--json']);
    expect(decoded.code).toBe(0);
    const tree = JSON.parse(decoded.out);
    expect(tree.decoded).toBe(true);
    expect(tree.findings).toEqual([]);
    expect(tree.tree.hdr.fields.csbId).toEqual({ offset: 4, length: 4 });
    const verified = await run(['tool', 'mikey-verify', `@${join(dir, 'gmk.hex')}`, '--kind', 'gmk', '--kms-cert', join(dir, 'kms-cert.xml'), '--receiver-keys', join(dir, 'receiver-keys.xml'), '--json']);
    expect(verified.code, verified.out).toBe(0);
    const v = JSON.parse(verified.out);
    expect(v).toMatchObject({ verdict: 'PASS', conforms: true, signature: 'valid', decryption: 'ok', key: info.key, keyId: info.keyId, kindSource: 'option' });
    expect(v.keyParameters.groupIds).toEqual(['sip:g1@example.org']);
    expect(v.results.filter((r: { verdict: string }) => r.verdict !== 'pass' && r.verdict !== 'not-applicable')).toEqual([]);
    // Without --kind (CS# 0: no CS-ID to go by) the kind comes from the decrypted Key Type, which then cannot check itself.
    const unkinded = await run(['tool', 'mikey-verify', `@${join(dir, 'gmk.hex')}`, '--kms-cert', join(dir, 'kms-cert.xml'), '--receiver-keys', join(dir, 'receiver-keys.xml'), '--json']);
    expect(unkinded.code).toBe(1);
    const u = JSON.parse(unkinded.out);
    expect(u).toMatchObject({ verdict: 'INCONCLUSIVE', conforms: false, kind: 'gmk', kindSource: 'key-type', signature: 'valid', decryption: 'ok', findings: [] });
    expect(u.inconclusive.map((r: { id: string }) => r.id)).toEqual(['mikey.kp.key-type']);
    expect(u.results.find((r: { id: string }) => r.id === 'mikey.csb.purpose-tag').verdict).toBe('pass');
  });

  test('a GMK whose purpose tag says PCK: without --kind the purpose-tag check fails (or is reported ambiguous), never passes', async () => {
    const d = join(dir, 'd4');
    const file = join(d, 'tagged-pck.hex');
    // GMK-ID 0x1... : the GUK-ID keeps the purpose tag 1 (PCK).
    expect((await run(['tool', 'mikey-create', '--kind', 'gmk', '--test-domain', d, '--time', time, '--key-id', '0x12345678', '--out', file])).code).toBe(0);
    const keys = ['--kms-cert', join(d, 'kms-cert.xml'), '--receiver-keys', join(d, 'receiver-keys.xml')];
    const verified = await run(['tool', 'mikey-verify', `@${file}`, ...keys, '--json']);
    expect(verified.code).toBe(1);
    const v = JSON.parse(verified.out);
    expect(v).toMatchObject({ verdict: 'FAIL', conforms: false, kind: 'gmk', kindSource: 'key-type' });
    // The GMK-ID recovered from the GUK-ID carries the same wrong tag (5.2.3).
    expect(v.findings.filter((f: { severity: string }) => f.severity === 'error').map((f: { rule: string }) => f.rule).sort()).toEqual(['csb.purpose-tag', 'verify.guk-id']);
    const text = await run(['tool', 'mikey-verify', `@${file}`, ...keys]);
    expect(text.out).toMatch(/ERROR\s+csb\.purpose-tag \[G\] HDR\.csbId @4: expected purpose tag 0 \(gmk\), found purpose tag 1/);
    // mikey-decode has no key: with CS# 0 the kind is ambiguous and the purpose tag is not judged.
    const decoded = await run(['tool', 'mikey-decode', `@${file}`, '--json']);
    const t = JSON.parse(decoded.out);
    expect(t).toMatchObject({ kind: 'pck', kindSource: 'purpose-tag', kindResolved: false });
    expect(t.results.find((r: { id: string }) => r.id === 'mikey.csb.purpose-tag')).toMatchObject({ verdict: 'inconclusive', blame: 'configuration' });
    expect((await run(['tool', 'mikey-decode', `@${file}`])).out).toMatch(/AMBIGUOUS[^\n]*give --kind[\s\S]*INCONCLUSIVE mikey\.csb\.purpose-tag/);
    // With a CS-ID of the group call (table E.1.3-1) the structure tells, without the keys.
    const withCs = join(d, 'tagged-pck-cs4.hex');
    expect((await run(['tool', 'mikey-create', '--kind', 'gmk', '--test-domain', d, '--time', time, '--key-id', '0x12345678', '--cs-id', '4', '--out', withCs])).code).toBe(0);
    const s = JSON.parse((await run(['tool', 'mikey-decode', `@${withCs}`, '--json'])).out);
    expect(s).toMatchObject({ kind: 'gmk', kindSource: 'structure', kindResolved: true });
    expect(s.findings.map((f: { rule: string }) => f.rule)).toEqual(['csb.purpose-tag']);
  });

  test('a failing shall-level rule is an error and the message does not conform; a may-level one is info', async () => {
    const d = join(dir, 'd5');
    const file = join(d, 'prf.hex');
    expect((await run(['tool', 'mikey-create', '--kind', 'gmk', '--test-domain', d, '--time', time, '--mutate', 'mikey.hdr.prf-func', '--out', file])).code).toBe(0);
    const keys = ['--kind', 'gmk', '--kms-cert', join(d, 'kms-cert.xml'), '--receiver-keys', join(d, 'receiver-keys.xml'), '--json'];
    const prf = JSON.parse((await run(['tool', 'mikey-verify', `@${file}`, ...keys])).out);
    expect(prf).toMatchObject({ verdict: 'PASS', conforms: true });
    expect(prf.findings.map((f: { rule: string; severity: string }) => [f.rule, f.severity])).toEqual([['hdr.prf-func', 'info']]);
    const idType = join(d, 'id-type.hex');
    expect((await run(['tool', 'mikey-create', '--kind', 'gmk', '--test-domain', d, '--time', time, '--mutate', 'idr.id-type', '--out', idType])).code).toBe(0);
    const r = await run(['tool', 'mikey-verify', `@${idType}`, ...keys]);
    expect(r.code).toBe(1);
    const v = JSON.parse(r.out);
    expect(v).toMatchObject({ verdict: 'FAIL', conforms: false, signature: 'valid', decryption: 'ok' });
    expect(v.findings.map((f: { rule: string; severity: string }) => [f.rule, f.severity])).toEqual([['idr.id-type', 'error']]);
  });

  test('a mutated message decodes but fails verification with the named rule (exit 1)', async () => {
    const file = join(dir, 'bad.hex');
    expect((await run(['tool', 'mikey-create', '--kind', 'csk-download', '--test-domain', join(dir, 'd2'), '--time', time, '--mutate', 'ts.type', '--out', file])).code).toBe(0);
    const r = await run(['tool', 'mikey-verify', `@${file}`, '--kms-cert', join(dir, 'd2', 'kms-cert.xml'), '--receiver-keys', join(dir, 'd2', 'receiver-keys.xml')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/ts\.type \[E\.1\.2\]/);
  });

  test('a key set for another key period is named as the reason', async () => {
    const file = join(dir, 'later.hex');
    expect((await run(['tool', 'mikey-create', '--kind', 'pck', '--test-domain', join(dir, 'd3'), '--time', '2026-11-23T12:00:00Z', '--out', file])).code).toBe(0);
    const keys = readFileSync(join(dir, 'd3', 'receiver-keys.xml'), 'utf8').replace(/<KeyPeriodNo>(\d+)</, (_m, n) => `<KeyPeriodNo>${Number(n) + 1}<`);
    writeFileSync(join(dir, 'd3', 'next-period.xml'), keys);
    const r = await run(['tool', 'mikey-verify', `@${file}`, '--kms-cert', join(dir, 'd3', 'kms-cert.xml'), '--receiver-keys', join(dir, 'd3', 'next-period.xml'), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings.map((f: { rule: string }) => f.rule)).toContain('verify.key-period');
  });

  test('undecodable input: exit 1 with offset and reason; usage errors: exit 2', async () => {
    const hex = readFileSync(join(dir, 'gmk.hex'), 'utf8').trim();
    const r = await run(['tool', 'mikey-decode', hex.slice(0, 60)]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not decodable: truncated/);
    expect((await run(['tool', 'mikey-decode', 'not hex!'])).code).toBe(2);
    expect((await run(['tool', 'mikey-verify', hex])).code).toBe(2);
    expect((await run(['tool', 'mikey-create', '--kind', 'xyz', '--test-domain', dir])).code).toBe(2);
    writeFileSync(join(dir, 'broken.xml'), '<KmsCertificate><KmsUri>k</KmsUri></KmsCertificate>');
    const bad = await run(['tool', 'mikey-verify', hex, '--kms-cert', join(dir, 'broken.xml'), '--receiver-keys', join(dir, 'receiver-keys.xml')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/UserKeyPeriod/);
  });
});
