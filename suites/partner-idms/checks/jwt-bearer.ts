/** The JWT-bearer grant at the partner IdMS (5.1.4.2, B.7.4, B.7.5, B.9, B.11.3, B.12). */
import { checkTable, fail, inconclusive, pass, verdictOf, type Check } from '../../../lib/harness/check.ts';
import { tokenResponseTable } from '../../../lib/oidc/checks/token-response.ts';
import { tokenRefusalOutcome, tokenRefusalTable } from '../../../lib/oidc/checks/refusal.ts';
import { accessTokenTable, type AccessTokenInput } from '../../../lib/oidc/checks/access-token.ts';
import { tlsProfileTable } from '../../../lib/oidc/checks/tls.ts';
import type { TokenResult } from '../../../lib/oidc/token-request.ts';
import type { TlsProbeResult } from '../../../lib/oidc/tls-probe.ts';

export interface GrantInput {
  res: TokenResult;
  /** The partner access token, decoded and verified with the partner JWKS (no signature: the JWKS is unknown). */
  accessToken: AccessTokenInput;
  /** Why the partner's keys are unknown, when they are. */
  noJwks?: string;
}

const ACCEPTED = 'partner-idms.jwt-bearer.accepted';

/** B.9: the partner's access token has the format of B.2.2; scope (B.7.4) is what was asked for. */
const PARTNER_ACCESS_TOKEN = accessTokenTable('partner-idms.access-token', 'partner access token', {
  jwt: 'MCXSEC-B.9-01',
  signed: 'MCXSEC-B.9-01',
  exp: 'MCXSEC-B.9-01',
  scope: 'MCXSEC-B.7.4-05',
  clientId: 'MCXSEC-B.9-01',
  service: { mcptt: 'MCXSEC-B.9-01', mcvideo: 'MCXSEC-B.9-01', mcdata: 'MCXSEC-B.9-01' },
  serviceNotRequested: { mcptt: 'MCXSEC-B.7.4-05', mcvideo: 'MCXSEC-B.7.4-05', mcdata: 'MCXSEC-B.7.4-05' },
});

export const JWT_BEARER = checkTable<GrantInput>('partner JWT-bearer grant', [
  {
    id: ACCEPTED,
    requirement: 'MCXSEC-B.7.4-03',
    title: 'JWT-bearer grant with the primary security token accepted',
    run: ({ res }) => {
      if (res.unreachable || res.status === undefined || res.status >= 500) return inconclusive(`the partner answered ${res.status ?? 'nothing'}: ${res.problem ?? ''}`, res.unreachable ? 'unreachable' : 'target');
      return verdictOf(res.status === 200, 'status', 200, `${res.status}${typeof res.json?.error === 'string' ? ` error=${res.json.error}` : ''}`, 'check_failed');
    },
  },
  {
    id: 'partner-idms.jwt-bearer.issues-access-token',
    requirement: 'MCXSEC-5.1.4.2-06',
    title: 'the partner issues an access token for the validated user',
    after: [ACCEPTED],
    run: ({ res }) => verdictOf(typeof res.json?.access_token === 'string', 'access_token', 'an access token', typeof res.json?.access_token, 'missing'),
  },
  ...tokenResponseTable('partner-idms.jwt-bearer-response', 'partner JWT-bearer response', { accessToken: 'MCXSEC-B.7.5-01', tokenType: 'MCXSEC-B.7.5-02', expiresIn: 'MCXSEC-B.7.5-03' }).checks.map(
    (c): Check<GrantInput> => ({ id: c.id, requirement: c.requirement, title: c.title, after: [ACCEPTED], needs: c.needs ? (i) => c.needs!(i.res) : undefined, run: (i) => c.run(i.res) }),
  ),
  ...PARTNER_ACCESS_TOKEN.checks.map(
    (c): Check<GrantInput> => ({
      id: c.id,
      requirement: c.requirement,
      title: c.title,
      after: [ACCEPTED, ...(c.after ?? [])],
      needs: (i) => {
        if (typeof i.res.json?.access_token !== 'string') return { reason: 'no access_token (judged by partner-idms.jwt-bearer-response.access-token)', blame: 'target' };
        if (i.noJwks && c.id.endsWith('.signature')) return { reason: `partner discovery failed, so its keys are unknown: ${i.noJwks}`, blame: 'precondition' };
        return c.needs?.(i.accessToken);
      },
      run: (i) => c.run(i.accessToken),
    }),
  ),
]);

export interface PartnerTlsInput {
  url: string;
  probe: TlsProbeResult;
  verifyTls: boolean;
}

const PROFILE = tlsProfileTable('partner TLS handshake', [{ id: 'partner-idms.tls.token-endpoint-profile', requirement: 'MCXSEC-B.12-05', endpoint: 'partner token endpoint' }]);
const HTTPS = 'partner-idms.tls.https';

export const PARTNER_TLS = checkTable<PartnerTlsInput>('partner token endpoint transport', [
  {
    id: HTTPS,
    requirement: 'MCXSEC-5.1.4.2-01',
    title: 'partner token endpoint is reached over HTTPS (a TLS handshake completes)',
    // The URL alone is the target file's word; the evidence is a TLS handshake with the endpoint.
    run: ({ url, probe }) => {
      if (!url.startsWith('https://')) return fail('tokenEndpoint', 'an https:// URL', url, 'invalid');
      if (!probe.ok) return inconclusive(`no TLS handshake with the partner token endpoint: ${probe.reason}`, 'unreachable');
      return pass('tls', `${probe.protocol} with ${probe.cipher.standardName}`, 'a completed TLS handshake');
    },
  },
  {
    id: 'partner-idms.tls.verified',
    requirement: 'MCXSEC-B.12-04',
    title: 'partner token endpoint is TLS-protected with a certificate the target CA verifies',
    after: [HTTPS],
    run: ({ probe, verifyTls }) => {
      if (!probe.ok) return inconclusive(`no TLS handshake with the partner token endpoint: ${probe.reason}`, 'unreachable');
      if (!verifyTls) return inconclusive('the target file turns certificate verification off (tls.verify: false), so the partner certificate cannot be judged', 'configuration');
      return verdictOf(probe.authorized, 'tls', 'verified TLS', probe.authorizationError ?? 'verified', 'invalid');
    },
  },
  ...PROFILE.checks.map((c): Check<PartnerTlsInput> => ({ ...c, after: [HTTPS], needs: undefined, run: (i) => c.run({ probes: { 'partner token endpoint': i.probe } }) })),
]);

export const FOREIGN_AUDIENCE = tokenRefusalTable('partner assertion for another IdMS', [
  { id: 'partner-idms.jwt-bearer.foreign-audience-refused', requirement: 'MCXSEC-B.11.3-01', title: 'assertion whose aud names another IdMS refused' },
]);

// B.7.4 requires the partner to authenticate the security token before it
// exchanges it; B.11.3 says how (OIDC Core 3.1.3.7). A forged signature and an
// untrusted signer are the two ways a token fails authentication, so the
// same refusal serves both requirements.
export const TAMPERED_ASSERTION = tokenRefusalTable('partner tampered assertion', [
  { id: 'partner-idms.jwt-bearer.tampered-refused', requirement: 'MCXSEC-B.11.3-01', title: 'assertion with a changed payload under the original signature refused' },
  { id: 'partner-idms.jwt-bearer.tampered-not-authenticated', requirement: 'MCXSEC-B.7.4-01', title: 'a security token whose signature does not verify is not exchanged for an access token' },
]);

export const UNTRUSTED_ISSUER = tokenRefusalTable('partner assertion of an untrusted issuer', [
  { id: 'partner-idms.jwt-bearer.untrusted-issuer-refused', requirement: 'MCXSEC-B.11.3-01', title: 'assertion signed by an untrusted issuer (key offered in its jwk header) refused' },
  { id: 'partner-idms.jwt-bearer.untrusted-issuer-not-authenticated', requirement: 'MCXSEC-B.7.4-01', title: 'a security token signed by an issuer the partner does not trust is not exchanged for an access token' },
]);

/** RFC 6749 5.2: the errors that say the client, not the grant, was refused. */
const CLIENT_ERRORS = ['invalid_client', 'unauthorized_client'];

export const UNREGISTERED_CLIENT = checkTable<TokenResult>('partner JWT-bearer grant for an unregistered client_id', [
  {
    id: 'partner-idms.jwt-bearer.unregistered-client-refused',
    requirement: 'MCXSEC-B.7.4-04',
    title: 'JWT-bearer request with the genuine security token but an unregistered client_id refused (invalid_client or unauthorized_client)',
    run: (res) => {
      const refusal = tokenRefusalOutcome(res);
      if (refusal.verdict !== 'pass') return refusal;
      const error = res.json?.error;
      // The assertion was already exchanged once: a refusal for another reason (replay, say) says nothing about the client_id.
      if (typeof error === 'string' && CLIENT_ERRORS.includes(error)) return pass('error', `${res.status} error=${error}`, `a 4xx with error ${CLIENT_ERRORS.join(' or ')}`);
      return inconclusive(`the partner refused (${res.status} error=${String(error ?? 'none')}) but not with ${CLIENT_ERRORS.join(' or ')}, so the refusal may be for something other than the client_id`, 'target');
    },
  },
]);

export const EXPIRED_ASSERTION = tokenRefusalTable('partner expired assertion', [
  { id: 'partner-idms.jwt-bearer.expired-refused', requirement: 'MCXSEC-B.12-02', title: 'assertion expired more than 30 s ago refused' },
]);
