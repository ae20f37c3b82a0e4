import { test, declare } from '../../lib/oidc/suite-fixtures.ts';
import { probeTls, type TlsProbeResult } from '../../lib/oidc/tls-probe.ts';
import { scanTlsProfile, describeScan, type ProbeResult } from '../../lib/tls/profile-scan.ts';
import { DISCOVERY, ENDPOINTS, TLS_PROFILE, TLS_SCAN } from './checks/discovery.ts';

// CSC-1 transport and discovery (5.1.2.1, B.12, TS 33.310 Annex E).

test('5.1.2.1 authorization and token endpoints are HTTPS and separate', { annotation: declare(ENDPOINTS), tag: ['@idms'] }, async ({ idms, verify, evidence }) => {
  const provider = await idms.provider();
  evidence.record('json', 'provider metadata', provider.metadata);
  await verify.run(ENDPOINTS, provider);
});

test('B.12 TLS version and cipher suite of the authorization and token endpoints (TS 33.310 Annex E)', { annotation: declare(TLS_PROFILE), tag: ['@idms'] }, async ({ idms, verify, target, evidence }) => {
  const provider = await idms.provider();
  const probes: Record<string, TlsProbeResult> = {};
  for (const [name, url] of Object.entries({ authorization_endpoint: provider.authorizationEndpoint, token_endpoint: provider.tokenEndpoint })) {
    probes[name] = await probeTls(url, { caPem: target.tls.caPem, verify: target.tls.verify });
    evidence.record('tls', name, probes[name]);
  }
  await verify.run(TLS_PROFILE, { probes });
});

test('B.12 TLS profile scan: the endpoints refuse TLS 1.0/1.1, CBC-only, non-forward-secret and NULL/export/RC4 offers', { annotation: declare(TLS_SCAN), tag: ['@idms'] }, async ({ idms, verify, target, evidence }) => {
  const provider = await idms.provider();
  const scans: Record<string, ProbeResult[]> = {};
  const byOrigin = new Map<string, ProbeResult[]>();
  for (const [name, url] of Object.entries({ authorization_endpoint: provider.authorizationEndpoint, token_endpoint: provider.tokenEndpoint })) {
    // One scan per origin: two endpoints on one TLS server get the same answers.
    const origin = new URL(url).origin;
    let results = byOrigin.get(origin);
    if (!results) byOrigin.set(origin, (results = await scanTlsProfile(url, { caPem: target.tls.caPem, verify: target.tls.verify })));
    scans[name] = results;
    evidence.record('tls', `${name} profile scan`, describeScan(results));
  }
  await verify.run(TLS_SCAN, { scans });
});

test('5.1.2.1 provider metadata and JWKS (OpenID Connect Discovery)', { annotation: declare(DISCOVERY), tag: ['@idms'] }, async ({ idms, verify, target, evidence }) => {
  const provider = await idms.provider();
  evidence.record('json', 'provider metadata', provider.metadata);
  evidence.record('json', 'JWKS', provider.jwks);
  const flow = await idms.loginOutcome();
  const idTokenAlg = !flow.ok ? { missing: `the shared login failed: ${flow.reason}` } : flow.idToken.decoded.ok ? { alg: flow.idToken.decoded.jwt.header.alg } : { missing: `the ID token is not a JWT: ${flow.idToken.decoded.reason}` };
  await verify.run(DISCOVERY, { provider, issuer: target.idms!.issuer, idTokenAlg });
});
