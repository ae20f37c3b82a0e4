/** TS 33.310 Annex E via B.12: the negotiated TLS version and cipher suite of an endpoint, shared by both IdMS suites. */
import { checkTable, inconclusive, verdictOf, type CheckTable } from '../../harness/check.ts';
import { assessTlsProfile, type TlsProbeResult } from '../tls-probe.ts';

export interface TlsProfileCheck {
  id: string;
  requirement: string;
  /** The endpoint probed, e.g. `token_endpoint`. */
  endpoint: string;
}

export interface TlsProbes {
  /** Probe result by endpoint name; a missing one is a precondition the test did not meet. */
  probes: Record<string, TlsProbeResult | undefined>;
}

export function tlsProfileTable(exchange: string, checks: readonly TlsProfileCheck[]): CheckTable<TlsProbes> {
  return checkTable<TlsProbes>(
    exchange,
    checks.map((c) => ({
      id: c.id,
      requirement: c.requirement,
      title: `${c.endpoint} TLS version and cipher suite (TS 33.310 Annex E)`,
      run: ({ probes }: TlsProbes) => {
        const probe = probes[c.endpoint];
        if (!probe) return inconclusive(`${c.endpoint} was not probed`, 'precondition');
        if (!probe.ok) return inconclusive(`no TLS handshake with ${c.endpoint}: ${probe.reason}`, 'unreachable');
        const v = assessTlsProfile(probe.protocol, probe.cipher.standardName);
        return verdictOf(v.ok, `tls ${probe.host}:${probe.port}`, 'TLS 1.3, or TLS 1.2 with an ECDHE/DHE AEAD suite', `${probe.protocol} ${probe.cipher.standardName}`, 'mismatch', v.reason);
      },
    })),
  );
}
