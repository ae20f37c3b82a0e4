/**
 * The TLS profile scan (profile-scan.ts) as declared checks: one per
 * endpoint and requirement, failing with every probe the server accepted
 * although the TS 33.310 Annex E profile excludes it (protocol and suite as
 * found), inconclusive when no excluded offer could be put to the server.
 */
import { checkTable, fail, inconclusive, pass, type CheckTable } from '../harness/check.ts';
import { describeScan, profileDeviations, type ProbeResult } from './profile-scan.ts';

export interface TlsScanCheck {
  id: string;
  requirement: string;
  /** The endpoint scanned, e.g. `token_endpoint`. */
  endpoint: string;
}

export interface TlsScans {
  /** Scan results by endpoint name; a missing one is a precondition the test did not meet. */
  scans: Record<string, readonly ProbeResult[] | undefined>;
}

export function tlsScanTable(exchange: string, checks: readonly TlsScanCheck[]): CheckTable<TlsScans> {
  return checkTable<TlsScans>(
    exchange,
    checks.map((c) => ({
      id: c.id,
      requirement: c.requirement,
      title: `${c.endpoint} refuses TLS offers outside the TS 33.310 Annex E profile (restricted ClientHellos)`,
      run: ({ scans }: TlsScans) => {
        const results = scans[c.endpoint];
        if (!results) return inconclusive(`${c.endpoint} was not scanned`, 'precondition');
        const first = results.find((r) => r.probe.allowed);
        if (first && first.outcome.kind !== 'accepted') return inconclusive(`no ordinary TLS handshake with ${c.endpoint}: ${first.outcome.reason}`, 'unreachable');
        const bad = profileDeviations(results);
        if (bad.length) return fail('tls probes', 'every offer outside the profile refused', describeScan(bad).join('; '), 'not_refused');
        const put = results.filter((r) => !r.probe.allowed && r.outcome.kind === 'refused');
        if (put.length === 0) return inconclusive(`no excluded offer could be put to ${c.endpoint}: ${describeScan(results.filter((r) => !r.probe.allowed)).join('; ')}`, 'target');
        const unofferable = results.filter((r) => r.outcome.kind === 'not-offerable').map((r) => r.probe.id);
        return pass('tls probes', `${put.map((r) => r.probe.id).join(', ')} refused${unofferable.length ? `; not offerable from this machine: ${unofferable.join(', ')}` : ''}`, 'every offer outside the profile refused');
      },
    })),
  );
}
