import { createHash, X509Certificate } from 'node:crypto';
import { connect, type PeerCertificate } from 'node:tls';
import { isIP } from 'node:net';

/**
 * Opens one TLS connection to an HTTPS endpoint and reports what was
 * negotiated, for the TS 33.310 Annex E profile check (5.1.2.1, B.12, 6.1.2),
 * and the SHA-256 of the server's SubjectPublicKeyInfo (what Chromium's
 * --ignore-certificate-errors-spki-list takes, since it cannot take a CA).
 */
export interface TlsProbe {
  ok: true;
  host: string;
  port: number;
  protocol: string;
  cipher: { name: string; standardName: string; version: string };
  authorized: boolean;
  authorizationError?: string;
  /** base64 SHA-256 of the leaf certificate's SPKI. */
  spkiSha256: string;
}

export type TlsProbeResult = TlsProbe | { ok: false; host: string; port: number; reason: string };

export function probeTls(url: string, options: { caPem?: string; verify: boolean; timeoutMs?: number }): Promise<TlsProbeResult> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, host: '', port: 0, reason: `not a URL: ${url}` });
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 443);
  if (u.protocol !== 'https:') return Promise.resolve({ ok: false, host, port, reason: `scheme ${u.protocol} is not https` });
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      servername: isIP(host) ? undefined : host,
      ca: options.caPem || undefined,
      rejectUnauthorized: options.verify,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => finish({ ok: false, host, port, reason: `TLS handshake timed out after ${options.timeoutMs ?? 10_000} ms` }), options.timeoutMs ?? 10_000);
    let done = false;
    function finish(r: TlsProbeResult) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    }
    socket.once('secureConnect', () => {
      const cipher = socket.getCipher();
      const cert = socket.getPeerCertificate(false) as PeerCertificate;
      finish({
        ok: true,
        host,
        port,
        protocol: socket.getProtocol() ?? 'unknown',
        cipher: { name: cipher.name, standardName: (cipher as { standardName?: string }).standardName ?? cipher.name, version: cipher.version },
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined,
        spkiSha256: spkiHash(cert),
      });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ ok: false, host, port, reason: `${err.code ? `${err.code}: ` : ''}${err.message}` }));
  });
}

/**
 * TS 33.310 Annex E (recent releases): TLS 1.2 or 1.3 only; under TLS 1.2
 * only forward-secret (ECDHE/DHE) AEAD suites (GCM, CCM, ChaCha20-Poly1305).
 * TLS 1.3 suites are all AEAD with forward secrecy.
 */
export function assessTlsProfile(protocol: string, standardName: string): { ok: boolean; reason: string } {
  if (protocol === 'TLSv1.3') return { ok: true, reason: `TLS 1.3 with ${standardName}` };
  if (protocol !== 'TLSv1.2') return { ok: false, reason: `${protocol} is below TLS 1.2` };
  const fs = /^TLS_(ECDHE|DHE)_(ECDSA|RSA)_WITH_/.test(standardName);
  const aead = /_(GCM|CCM(_8)?)_|CHACHA20_POLY1305/.test(`${standardName}_`);
  if (!fs) return { ok: false, reason: `TLS 1.2 suite ${standardName} has no forward secrecy (needs ECDHE or DHE)` };
  if (!aead) return { ok: false, reason: `TLS 1.2 suite ${standardName} is not AEAD (needs GCM, CCM or ChaCha20-Poly1305)` };
  return { ok: true, reason: `TLS 1.2 with ${standardName}` };
}

/** SHA-256 of the DER SubjectPublicKeyInfo (PeerCertificate.pubkey is only the raw key for EC). */
function spkiHash(cert: PeerCertificate): string {
  try {
    const spki = new X509Certificate(cert.raw).publicKey.export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(spki).digest('base64');
  } catch {
    return '';
  }
}
