import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:https';
import { createServerTls } from '../reference/tls.ts';
import { describeScan, notOfferable, PROBES, profileDeviations, scanTlsProfile } from '../lib/tls/profile-scan.ts';

/**
 * The TLS profile scan against two local servers: one that follows the
 * profile (TLS 1.2+ with forward-secret AEAD suites) and one that also
 * accepts TLS 1.2 CBC suites (as an independent IdMS did). The scan must
 * tell them apart and say which probes this machine cannot offer.
 */
let dir: string;
const servers: Server[] = [];

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcx-tls-scan-'));
});
test.afterAll(async () => {
  for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

async function serve(options: { ciphers?: string; minVersion?: 'TLSv1' | 'TLSv1.2' }): Promise<{ url: string; caPem: string }> {
  const tls = await createServerTls(mkdtempSync(join(dir, 's-')));
  const server = createServer({ key: tls.keyPem, cert: tls.certPem, minVersion: options.minVersion ?? 'TLSv1.2', ...(options.ciphers ? { ciphers: options.ciphers } : {}) }, (_req, res) => res.end('ok'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as { port: number }).port}/`, caPem: tls.caPem };
}

test('a server on the profile accepts only the ordinary handshake; unofferable probes say so', async () => {
  const { url, caPem } = await serve({ ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305' });
  const results = await scanTlsProfile(url, { caPem, verify: true, timeoutMs: 5000 });
  test.info().annotations.push({ type: 'scan', description: describeScan(results).join('\n') });
  expect(results.map((r) => r.probe.id)).toEqual(PROBES.map((p) => p.id));
  expect(results[0]!.outcome).toMatchObject({ kind: 'accepted' });
  expect(profileDeviations(results)).toEqual([]);
  for (const r of results.slice(1)) expect(['refused', 'not-offerable']).toContain(r.outcome.kind);
  // RC4 and export suites are gone from OpenSSL 3: the probe says it proved nothing rather than "refused".
  const rc4 = results.find((r) => r.probe.id === 'tls1.2-rc4')!;
  if (notOfferable(rc4.probe)) expect(rc4.outcome).toMatchObject({ kind: 'not-offerable' });
});

test('a server that also takes CBC suites is caught, with the accepted protocol and suite as evidence', async () => {
  const { url, caPem } = await serve({ ciphers: `ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA@SECLEVEL=0` });
  const results = await scanTlsProfile(url, { caPem, verify: true, timeoutMs: 5000 });
  const bad = profileDeviations(results);
  expect(bad.map((r) => r.probe.id)).toEqual(['tls1.2-cbc']);
  expect(describeScan(bad)[0]).toMatch(/^tls1\.2-cbc \(TLS 1\.2 with CBC suites only\): accepted TLSv1\.2 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA$/);
});
