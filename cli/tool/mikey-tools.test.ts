import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaptured } from './run-captured.ts';

const run = runCaptured;

test.describe('tool mikey-create / mikey-decode / mikey-verify', () => {
  test.describe.configure({ mode: 'serial' });
  const dir = mkdtempSync(join(tmpdir(), 'mikey-tools-'));
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
    const verified = await run(['tool', 'mikey-verify', `@${join(dir, 'gmk.hex')}`, '--kms-cert', join(dir, 'kms-cert.xml'), '--receiver-keys', join(dir, 'receiver-keys.xml'), '--json']);
    expect(verified.code, verified.out).toBe(0);
    const v = JSON.parse(verified.out);
    expect(v).toMatchObject({ verdict: 'PASS', signature: 'valid', decryption: 'ok', key: info.key, keyId: info.keyId });
    expect(v.keyParameters.groupIds).toEqual(['sip:g1@example.org']);
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
