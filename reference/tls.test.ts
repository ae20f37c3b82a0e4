import { test, expect } from '@playwright/test';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createServerTls } from './tls.ts';

test('CA and server certificate for 127.0.0.1 and localhost, fresh per start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcx-tls-'));
  try {
    const tls = await createServerTls(dir);
    const ca = new X509Certificate(tls.caPem);
    const server = new X509Certificate(tls.certPem);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(server.subjectAltName).toContain('DNS:localhost');
    expect(server.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    expect(server.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(new Date(server.validTo).getTime()).toBeGreaterThan(Date.now());
    expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(tls.caPem);
    const again = await createServerTls();
    expect(again.caPem).not.toBe(tls.caPem);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a client trusting only the CA completes TLS 1.3 to both names', async () => {
  const tls = await createServerTls();
  const srv = createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  try {
    for (const host of ['127.0.0.1', 'localhost']) {
      const protocol = await new Promise<string | null>((resolve, reject) => {
        get({ host, port, ca: tls.caPem, path: '/', agent: false }, (res) => {
          const p = (res.socket as TLSSocket).getProtocol();
          res.resume();
          res.on('end', () => resolve(p));
        }).on('error', reject);
      });
      expect(protocol).toBe('TLSv1.3');
    }
  } finally {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
});
