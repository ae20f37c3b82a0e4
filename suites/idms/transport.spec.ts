import { test, requirements } from './fixtures.ts';
import { probeTls } from '../../lib/oidc/tls-probe.ts';
import { checkDiscoveryIssuer, checkEndpointsHttps, checkSeparateEndpoints, checkSigningAlgAdvertised, checkTlsProfile } from './checks/transport.ts';
import { R } from './checks/ids.ts';

// CSC-1 transport and discovery (5.1.2.1, B.12, TS 33.310 Annex E).

test('5.1.2.1 authorization and token endpoints are HTTPS and separate', { annotation: requirements('MCXSEC-5.1.2.1-04', 'MCXSEC-B.12-04', 'MCXSEC-5.1.2.1-03'), tag: ['@idms'] }, async ({ idms, verify, evidence }) => {
  const provider = await idms.provider([R.https, R.tls, R.separateEndpoints]);
  evidence.record('json', 'provider metadata', provider.metadata);
  checkEndpointsHttps(verify, provider);
  checkSeparateEndpoints(verify, provider);
});

test('B.12 TLS version and cipher suite of the authorization and token endpoints (TS 33.310 Annex E)', { annotation: requirements('MCXSEC-B.12-05'), tag: ['@idms'] }, async ({ idms, verify, target, evidence }) => {
  const provider = await idms.provider([R.tlsProfile]);
  const endpoints = { authorization_endpoint: provider.authorizationEndpoint, token_endpoint: provider.tokenEndpoint };
  let probed = 0;
  const reasons: string[] = [];
  for (const [name, url] of Object.entries(endpoints)) {
    const probe = await probeTls(url, { caPem: target.tls.caPem, verify: target.tls.verify });
    evidence.record('tls', name, probe);
    if (checkTlsProfile(verify, R.tlsProfile, name, probe)) probed++;
    else if (!probe.ok) reasons.push(`${name}: ${probe.reason}`);
  }
  if (probed === 0) return verify.inconclusive([R.tlsProfile], `no TLS handshake completed: ${reasons.join('; ')}`, 'unreachable');
});

test('5.1.2.1 provider metadata and JWKS (OpenID Connect Discovery)', { annotation: requirements('MCXSEC-5.1.2.1-01'), tag: ['@idms'] }, async ({ idms, verify, target, evidence }) => {
  const provider = await idms.provider([R.oidc]);
  evidence.record('json', 'provider metadata', provider.metadata);
  evidence.record('json', 'JWKS', provider.jwks);
  checkDiscoveryIssuer(verify, provider, target.idms!.issuer);
  verify.check(R.oidc, 'JWKS publishes at least one signing key', provider.jwks.keys.length > 0, { field: 'jwks.keys', expected: '>= 1 key', actual: provider.jwks.keys.length, reason: 'missing' });
  const flow = await idms.login([R.oidc]);
  if (flow.idToken.decoded.ok) checkSigningAlgAdvertised(verify, provider, flow.idToken.decoded.jwt.header.alg);
});
