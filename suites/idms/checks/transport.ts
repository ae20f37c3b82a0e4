import type { Checker } from '../../../lib/harness/index.ts';
import type { Provider } from '../../../lib/oidc/discovery.ts';
import { assessTlsProfile, type TlsProbeResult } from '../../../lib/oidc/tls-probe.ts';
import { R } from './ids.ts';

/** 5.1.2.1, B.12: both CSC-1 endpoints are https URLs, and they are distinct. */
export function checkEndpointsHttps(verify: Checker, provider: Provider): void {
  for (const [name, url] of [['authorization_endpoint', provider.authorizationEndpoint], ['token_endpoint', provider.tokenEndpoint]] as const) {
    const https = url.startsWith('https://');
    verify.check(R.https, `${name} uses HTTPS`, https, { field: name, expected: 'https://...', actual: url, reason: 'mismatch' });
    verify.check(R.tls, `${name} is TLS-protected`, https, { field: name, expected: 'https://...', actual: url, reason: 'mismatch' });
  }
}

export function checkSeparateEndpoints(verify: Checker, provider: Provider): void {
  const a = new URL(provider.authorizationEndpoint);
  const t = new URL(provider.tokenEndpoint);
  verify.check(R.separateEndpoints, 'authorization and token endpoints are separate', `${a.origin}${a.pathname}` !== `${t.origin}${t.pathname}`, {
    field: 'authorization_endpoint / token_endpoint',
    expected: 'two distinct endpoints',
    actual: [provider.authorizationEndpoint, provider.tokenEndpoint],
    reason: 'mismatch',
  });
}

/** TS 33.310 Annex E via B.12: negotiated protocol and suite. Returns false when the probe did not connect. */
export function checkTlsProfile(verify: Checker, requirement: string, endpointName: string, probe: TlsProbeResult): boolean {
  if (!probe.ok) return false;
  const verdict = assessTlsProfile(probe.protocol, probe.cipher.standardName);
  verify.check(requirement, `${endpointName} TLS version and cipher suite (TS 33.310 Annex E)`, verdict.ok, {
    field: `tls ${probe.host}:${probe.port}`,
    expected: 'TLS 1.3, or TLS 1.2 with an ECDHE/DHE AEAD suite',
    actual: `${probe.protocol} ${probe.cipher.standardName}`,
    reason: 'mismatch',
    detail: verdict.reason,
  });
  return true;
}

/** 5.1.2.1 (OIDC 1.0): the discovery document names the issuer, and its signing algs cover the ID token's. */
export function checkDiscoveryIssuer(verify: Checker, provider: Provider, issuer: string): void {
  verify.equal(R.oidc, 'discovery issuer equals the configured issuer (OIDC Discovery 4.3)', issuer, provider.metadata.issuer, { field: 'issuer' });
}

export function checkSigningAlgAdvertised(verify: Checker, provider: Provider, idTokenAlg: unknown): void {
  const algs = provider.metadata.id_token_signing_alg_values_supported;
  verify.check(R.oidc, 'the ID token alg is listed in id_token_signing_alg_values_supported', Array.isArray(algs) && algs.includes(idTokenAlg), {
    field: 'id_token_signing_alg_values_supported',
    expected: `contains ${String(idTokenAlg)}`,
    actual: algs,
    reason: algs === undefined ? 'missing' : 'mismatch',
  });
}
