/**
 * A TLS profile scan of one endpoint, in the manner of testssl.sh and sslyze:
 * besides the ordinary handshake, restricted ClientHellos that offer only
 * what the TS 33.310 / 33.210 profile excludes (TLS 1.0, TLS 1.1, TLS 1.2
 * with CBC suites only, with suites without forward secrecy only, and NULL,
 * export, RC4 and 3DES suites). Each probe says what was offered, what the
 * server accepted (protocol and suite) or how it refused, or that this
 * machine's OpenSSL cannot offer it at all (then it proves nothing, and says
 * so). A probe never throws.
 */
import { connect, createSecureContext } from 'node:tls';
import { isIP } from 'node:net';

export interface ProbeSpec {
  id: string;
  /** What the ClientHello offers, in words, for the report. */
  offers: string;
  minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher string for TLS 1.2 and below (TLS 1.3 suites stay the defaults). */
  ciphers?: string;
  /** The profile allows this to be accepted (only the ordinary handshake). */
  allowed: boolean;
}

// SECLEVEL=0 lets OpenSSL 3 offer what its default security level refuses to: the probes must offer it.
const LEGACY = '@SECLEVEL=0';

export const PROBES: readonly ProbeSpec[] = [
  { id: 'default', offers: 'the client defaults (TLS 1.2 and 1.3)', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', allowed: true },
  { id: 'tls1.0', offers: 'TLS 1.0 only', minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: `DEFAULT${LEGACY}`, allowed: false },
  { id: 'tls1.1', offers: 'TLS 1.1 only', minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: `DEFAULT${LEGACY}`, allowed: false },
  { id: 'tls1.2-cbc', offers: 'TLS 1.2 with CBC suites only', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES128-SHA:DHE-RSA-AES256-SHA:AES128-SHA:AES256-SHA:AES128-SHA256:AES256-SHA256${LEGACY}`, allowed: false },
  { id: 'tls1.2-no-fs', offers: 'TLS 1.2 with suites without forward secrecy only (static RSA key exchange)', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA:AES128-SHA256:AES256-SHA256${LEGACY}`, allowed: false },
  { id: 'tls1.2-null', offers: 'TLS 1.2 with NULL-encryption suites only', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `eNULL${LEGACY}`, allowed: false },
  { id: 'tls1.2-export', offers: 'TLS 1.2 with export suites only', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `EXPORT${LEGACY}`, allowed: false },
  { id: 'tls1.2-rc4', offers: 'TLS 1.2 with RC4 suites only', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `RC4${LEGACY}`, allowed: false },
  { id: 'tls1.2-3des', offers: 'TLS 1.2 with 3DES suites only', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `3DES${LEGACY}`, allowed: false },
];

export type ProbeOutcome =
  | { kind: 'accepted'; protocol: string; suite: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'not-offerable'; reason: string }
  | { kind: 'no-answer'; reason: string };

export interface ProbeResult {
  probe: ProbeSpec;
  outcome: ProbeOutcome;
}

export interface ScanOptions {
  caPem?: string;
  verify: boolean;
  timeoutMs?: number;
}

/** Why this machine cannot put the probe's offer in a ClientHello, or undefined. */
export function notOfferable(p: ProbeSpec): string | undefined {
  if (!p.ciphers) return undefined;
  try {
    createSecureContext({ ciphers: p.ciphers, minVersion: p.minVersion, maxVersion: p.maxVersion });
    return undefined;
  } catch (err) {
    return `this machine's OpenSSL cannot offer it (${(err as Error).message})`;
  }
}

export function probe(url: string, spec: ProbeSpec, options: ScanOptions): Promise<ProbeResult> {
  const done = (outcome: ProbeOutcome): ProbeResult => ({ probe: spec, outcome });
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve(done({ kind: 'no-answer', reason: `not a URL: ${url}` }));
  }
  const local = notOfferable(spec);
  if (local) return Promise.resolve(done({ kind: 'not-offerable', reason: local }));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 443);
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    let finished = false;
    const finish = (o: ProbeOutcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(done(o));
    };
    const socket = connect({
      host,
      port,
      servername: isIP(host) ? undefined : host,
      ca: options.caPem || undefined,
      // The probes judge what the server accepts, not its certificate (graded elsewhere).
      rejectUnauthorized: false,
      minVersion: spec.minVersion,
      maxVersion: spec.maxVersion,
      ...(spec.ciphers ? { ciphers: spec.ciphers } : {}),
    });
    const timer = setTimeout(() => finish({ kind: 'no-answer', reason: `no handshake within ${timeoutMs} ms` }), timeoutMs);
    socket.once('secureConnect', () => {
      const c = socket.getCipher() as { name: string; standardName?: string };
      finish({ kind: 'accepted', protocol: socket.getProtocol() ?? 'unknown', suite: c.standardName ?? c.name });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const text = `${err.code ? `${err.code}: ` : ''}${err.message}`;
      // Failures raised before anything was sent: this side could not build the ClientHello.
      if (/NO_PROTOCOLS_AVAILABLE|NO_CIPHERS_AVAILABLE|no cipher match/i.test(text)) finish({ kind: 'not-offerable', reason: `this machine's OpenSSL cannot offer it (${text})` });
      else if (/ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ETIMEDOUT/.test(err.code ?? '') && !/alert/i.test(text)) finish({ kind: 'refused', reason: `the connection was closed without a handshake (${text})` });
      else finish({ kind: 'refused', reason: alertOf(text) ?? text });
    });
  });
}

/** `TLS alert 70 (protocol version)` from OpenSSL's long error text, when it names an alert. */
function alertOf(text: string): string | undefined {
  const m = /alert ([a-z ]+?):.*SSL alert number (\d+)/s.exec(text);
  return m ? `the server answered with TLS alert ${m[2]} (${m[1]!.trim()})` : undefined;
}

/** Every probe, one after the other (a server may limit parallel handshakes). */
export async function scanTlsProfile(url: string, options: ScanOptions, probes: readonly ProbeSpec[] = PROBES): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  for (const p of probes) out.push(await probe(url, p, options));
  return out;
}

/** The probes whose offer the server accepted although the profile excludes it. */
export function profileDeviations(results: readonly ProbeResult[]): ProbeResult[] {
  return results.filter((r) => !r.probe.allowed && r.outcome.kind === 'accepted');
}

/** One line per probe, as evidence: `tls1.2-cbc (TLS 1.2 with CBC suites only): accepted TLSv1.2 TLS_ECDHE_..._CBC_SHA`. */
export function describeScan(results: readonly ProbeResult[]): string[] {
  return results.map(({ probe: p, outcome: o }) => `${p.id} (${p.offers}): ${o.kind === 'accepted' ? `accepted ${o.protocol} ${o.suite}` : `${o.kind}: ${o.reason}`}`);
}
