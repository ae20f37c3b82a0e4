/** Provider metadata, JWKS and the CSC-1 endpoints it names (5.1.2.1, B.12). */
import { checkTable, fail, inconclusive, pass, verdictOf } from '../../../lib/harness/check.ts';
import type { Provider } from '../../../lib/oidc/discovery.ts';
import { mediaTypeOf } from '../../../lib/oidc/json-response.ts';
import { tlsProfileTable } from '../../../lib/oidc/checks/tls.ts';
import { tlsScanTable } from '../../../lib/tls/checks.ts';

const https = (url: string) => url.startsWith('https://');

export const ENDPOINTS = checkTable<Provider>('idms provider endpoints', [
  { id: 'idms.endpoints.authorization-https', requirement: 'MCXSEC-5.1.2.1-04', title: 'authorization_endpoint uses HTTPS', run: (p) => verdictOf(https(p.authorizationEndpoint), 'authorization_endpoint', 'https://...', p.authorizationEndpoint) },
  { id: 'idms.endpoints.token-https', requirement: 'MCXSEC-5.1.2.1-04', title: 'token_endpoint uses HTTPS', run: (p) => verdictOf(https(p.tokenEndpoint), 'token_endpoint', 'https://...', p.tokenEndpoint) },
  { id: 'idms.endpoints.authorization-tls', requirement: 'MCXSEC-B.12-04', title: 'authorization_endpoint is TLS-protected', run: (p) => verdictOf(https(p.authorizationEndpoint), 'authorization_endpoint', 'https://...', p.authorizationEndpoint) },
  { id: 'idms.endpoints.token-tls', requirement: 'MCXSEC-B.12-04', title: 'token_endpoint is TLS-protected', run: (p) => verdictOf(https(p.tokenEndpoint), 'token_endpoint', 'https://...', p.tokenEndpoint) },
  {
    id: 'idms.endpoints.separate',
    requirement: 'MCXSEC-5.1.2.1-03',
    title: 'authorization and token endpoints are separate',
    run: (p) => {
      const a = new URL(p.authorizationEndpoint);
      const t = new URL(p.tokenEndpoint);
      return verdictOf(`${a.origin}${a.pathname}` !== `${t.origin}${t.pathname}`, 'authorization_endpoint / token_endpoint', 'two distinct endpoints', [p.authorizationEndpoint, p.tokenEndpoint]);
    },
  },
]);

export interface DiscoveryInput {
  provider: Provider;
  issuer: string;
  /** The alg of the shared login's ID token, or why there is none. */
  idTokenAlg: { alg: unknown } | { missing: string };
}

export const DISCOVERY = checkTable<DiscoveryInput>('idms discovery', [
  {
    id: 'idms.discovery.media-type',
    requirement: 'MCXSEC-5.1.2.1-09',
    title: 'discovery document served as application/json (OIDC Discovery 4.2, RFC 8414 3.2)',
    run: ({ provider }) => {
      const type = provider.discoveryAnswer.contentType;
      return verdictOf(mediaTypeOf(type) === 'application/json', 'Content-Type', 'application/json', type || '(none)', type ? 'mismatch' : 'missing');
    },
  },
  {
    id: 'idms.discovery.unique-names',
    requirement: 'MCXSEC-5.1.2.1-10',
    title: 'discovery document has no duplicate member names (RFC 8259 4, RFC 7493 2.3)',
    run: ({ provider }) => {
      const dup = provider.discoveryAnswer.duplicates;
      return verdictOf(dup.length === 0, 'discovery document', 'each member name once per object', dup.length ? `member name(s) repeated: ${dup.join(', ')} (JSON.parse kept the last; another reader may keep the first)` : 'no repeated name', 'invalid');
    },
  },
  {
    id: 'idms.discovery.utf8',
    requirement: 'MCXSEC-5.1.2.1-11',
    title: 'discovery document and JWKS are UTF-8 (RFC 8259 8.1)',
    run: ({ provider }) => {
      const bad = [['discovery document', provider.discoveryAnswer.invalidUtf8At], ['JWKS', provider.jwksAnswer.invalidUtf8At]].filter(([, at]) => at !== undefined);
      return verdictOf(bad.length === 0, 'body encoding', 'UTF-8', bad.length ? bad.map(([w, at]) => `${w}: invalid UTF-8 at byte ${at}`).join('; ') : 'UTF-8', 'invalid');
    },
  },
  {
    id: 'idms.discovery.issuer',
    requirement: 'MCXSEC-5.1.2.1-01',
    title: 'discovery issuer equals the configured issuer (OIDC Discovery 4.3)',
    run: ({ provider, issuer }) => verdictOf(provider.metadata.issuer === issuer, 'issuer', issuer, provider.metadata.issuer, provider.metadata.issuer === undefined ? 'missing' : 'mismatch'),
  },
  {
    id: 'idms.discovery.jwks-keys',
    requirement: 'MCXSEC-5.1.2.1-01',
    title: 'JWKS publishes at least one signing key',
    run: ({ provider }) => verdictOf(provider.jwks.keys.length > 0, 'jwks.keys', '>= 1 key', provider.jwks.keys.length, 'missing'),
  },
  {
    id: 'idms.discovery.signing-alg',
    requirement: 'MCXSEC-5.1.2.1-01',
    title: 'the ID token alg is listed in id_token_signing_alg_values_supported',
    run: ({ provider, idTokenAlg }) => {
      if ('missing' in idTokenAlg) return inconclusive(`no ID token alg to look for: ${idTokenAlg.missing}`, 'precondition');
      const algs = provider.metadata.id_token_signing_alg_values_supported;
      const expected = `contains ${String(idTokenAlg.alg)}`;
      if (Array.isArray(algs) && algs.includes(idTokenAlg.alg)) return pass('id_token_signing_alg_values_supported', algs, expected);
      return fail('id_token_signing_alg_values_supported', expected, algs, algs === undefined ? 'missing' : 'mismatch');
    },
  },
]);

export const TLS_PROFILE = tlsProfileTable('idms TLS handshakes', [
  { id: 'idms.tls.authorization-endpoint-profile', requirement: 'MCXSEC-B.12-05', endpoint: 'authorization_endpoint' },
  { id: 'idms.tls.token-endpoint-profile', requirement: 'MCXSEC-B.12-05', endpoint: 'token_endpoint' },
]);

export const TLS_SCAN = tlsScanTable('idms TLS profile scan', [
  { id: 'idms.tls.authorization-endpoint-scan', requirement: 'MCXSEC-B.12-05', endpoint: 'authorization_endpoint' },
  { id: 'idms.tls.token-endpoint-scan', requirement: 'MCXSEC-B.12-05', endpoint: 'token_endpoint' },
]);
