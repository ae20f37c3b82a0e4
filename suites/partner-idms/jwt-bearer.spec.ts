import { test, requirements, partnerClient, partnerRequestScopes, type IdmsSession } from '../idms/fixtures.ts';
import { checkTokenResponseFields } from '../idms/checks/token-response.ts';
import { checkAccessTokenClaims, checkAccessTokenFormat, type AccessTokenIds } from '../idms/checks/access-token.ts';
import { checkTokenRequestRefused } from '../idms/checks/refusal.ts';
import { securityTokenDefect } from '../idms/checks/security-token.ts';
import { checkTlsProfile } from '../idms/checks/transport.ts';
import { MAX_SKEW_S } from '../idms/checks/id-token.ts';
import { R } from '../idms/checks/ids.ts';
import { GRANT_JWT_BEARER } from '../../lib/oidc/token-request.ts';
import { decodeJwtSafe, nowSeconds } from '../../lib/oidc/jwt.ts';
import { mintUntrustedAssertion, tamperJwt } from '../../lib/oidc/jwt-forge.ts';
import { probeTls } from '../../lib/oidc/tls-probe.ts';

// The partner IdMS (5.1.4.2, B.7.4, B.7.5, B.9, B.11.3): the security token
// of the primary exchanged for a partner access token, and assertions the
// partner must refuse. The security token comes from the primary's token
// exchange; when it is itself defective the partner tests are INCONCLUSIVE.

const PARTNER_AT_IDS: AccessTokenIds = {
  jwt: R.partnerTokenFormat,
  signed: R.partnerTokenFormat,
  exp: R.partnerTokenFormat,
  scope: R.partnerScope,
  clientId: R.partnerTokenFormat,
  service: () => R.partnerTokenFormat,
  serviceNotRequested: () => R.partnerScope,
};

/** The primary's security token for this partner, checked good enough to be a fair assertion. */
async function validAssertion(idms: IdmsSession, ids: string[]): Promise<{ assertion: string; claims: Record<string, unknown> }> {
  const target = idms.target;
  const partner = target.partnerIdms!;
  const ex = await idms.exchange(ids, partner.tokenEndpoint);
  const defect = securityTokenDefect(ex.securityToken.decoded, ex.securityToken.signature, target.idms!.issuer, partner.tokenEndpoint, nowSeconds());
  if (defect || !ex.securityToken.raw || !ex.securityToken.decoded.ok) {
    return idms.inconclusive(ids, `the primary's security token is not a fair assertion: ${defect ?? 'missing'}`);
  }
  return { assertion: ex.securityToken.raw, claims: ex.securityToken.decoded.jwt.claims };
}

/** Refusal tests only mean something when the partner accepts the genuine assertion. */
async function requireWorkingGrant(idms: IdmsSession, ids: string[]): Promise<void> {
  await validAssertion(idms, ids);
  const g = await idms.partnerGrant();
  if (!g.ok) idms.inconclusive(ids, g.reason, g.unreachable ? 'unreachable' : 'precondition');
  if (g.result.status !== 200) idms.inconclusive(ids, `the partner refuses the genuine security token too (${g.result.status}), so a refusal proves nothing`);
}

const POSITIVE = [R.jwtBearerGrant, R.partnerIssuesAfterValidation, R.partnerAccessToken, R.partnerBearer, R.partnerExpiresIn, R.partnerTokenFormat, R.partnerScope];

test('B.7.4 JWT-bearer grant with the security token returns a partner access token in the B.2.2 format (B.7.5, B.9)', { annotation: requirements('MCXSEC-B.7.4-03', 'MCXSEC-5.1.4.2-06', 'MCXSEC-B.7.5-01', 'MCXSEC-B.7.5-02', 'MCXSEC-B.7.5-03', 'MCXSEC-B.9-01', 'MCXSEC-B.7.4-05'), tag: ['@partner-idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('partner-idms.jwt-bearer');
  if (!target.partnerIdms) return verify.inconclusive(POSITIVE, 'the target has no partnerIdms section');
  await validAssertion(idms, POSITIVE);
  const g = await idms.partnerGrant();
  if (!g.ok) return verify.inconclusive(POSITIVE, g.reason, g.unreachable ? 'unreachable' : 'precondition');
  const res = g.result;
  if ((res.status ?? 500) >= 500) return verify.inconclusive(POSITIVE, `the partner answered ${res.status}: ${res.problem ?? ''}`);
  verify.check(R.jwtBearerGrant, 'JWT-bearer grant with the primary security token accepted', res.status === 200, { field: 'status', expected: 200, actual: res.status, detail: res.problem ?? JSON.stringify(res.json?.error), fatal: true });
  verify.check(R.partnerIssuesAfterValidation, 'the partner issues an access token for the validated user', typeof res.json?.access_token === 'string', { field: 'access_token', reason: 'missing' });
  checkTokenResponseFields(verify, res, { accessToken: R.partnerAccessToken, tokenType: R.partnerBearer, expiresIn: R.partnerExpiresIn });
  const pp = await idms.worker.partnerProvider();
  if (!pp.ok) return verify.inconclusive([R.partnerTokenFormat, R.partnerScope], `partner discovery failed, so its keys are unknown: ${pp.reason}`, pp.unreachable ? 'unreachable' : 'precondition');
  const assertionClaims = decodeJwtSafe(g.assertion);
  const carried = (claim: string) => assertionClaims.ok && assertionClaims.jwt.claims[claim] !== undefined;
  const ctx = { decoded: g.accessToken.decoded, signature: g.accessToken.signature, clientId: target.partnerIdms.clientId, requestedScopes: g.scope, serviceIdExpected: (s: { claim: string }) => carried(s.claim) };
  if (checkAccessTokenFormat(verify, ctx, PARTNER_AT_IDS)) checkAccessTokenClaims(verify, ctx, PARTNER_AT_IDS);
});

const TLS_IDS = [R.partnerHttps, R.tls, R.tlsProfile];
test('5.1.4.2 the partner token endpoint is reached directly over HTTPS with the TS 33.310 Annex E profile', { annotation: requirements('MCXSEC-5.1.4.2-01', 'MCXSEC-B.12-04', 'MCXSEC-B.12-05'), tag: ['@partner-idms'] }, async ({ verify, target, evidence }) => {
  if (!target.partnerIdms) return verify.inconclusive(TLS_IDS, 'the target has no partnerIdms section');
  const url = target.partnerIdms.tokenEndpoint;
  const probe = await probeTls(url, { caPem: target.tls.caPem, verify: target.tls.verify });
  evidence.record('tls', 'partner token endpoint', probe);
  const https = url.startsWith('https://');
  verify.check(R.partnerHttps, 'partner token endpoint uses HTTPS', https, { field: 'tokenEndpoint', expected: 'https://...', actual: url, reason: 'mismatch' });
  if (!https) return;
  if (!probe.ok) return verify.inconclusive(TLS_IDS, `no TLS handshake with the partner token endpoint: ${probe.reason}`, 'unreachable');
  verify.check(R.tls, 'partner token endpoint is TLS-protected with a certificate the target CA verifies', probe.authorized || !target.tls.verify, { field: 'tls', expected: 'verified TLS', actual: probe.authorizationError ?? 'verified', reason: 'invalid' });
  checkTlsProfile(verify, R.tlsProfile, 'partner token endpoint', probe);
});

async function presentAssertion(idms: IdmsSession, assertion: string) {
  const target = idms.target;
  idms.worker.redactor.add(assertion);
  const g = await idms.worker.partnerGrant();
  const scope = g.ok ? g.scope : partnerRequestScopes(target.partnerIdms!.scopes);
  return idms.token({ grant_type: GRANT_JWT_BEARER, assertion, client_id: target.partnerIdms!.clientId, scope: scope.join(' ') }, partnerClient(target), target.partnerIdms!.tokenEndpoint);
}

test('B.11.3 an assertion whose aud names another IdMS is refused', { annotation: requirements('MCXSEC-B.11.3-01'), tag: ['@partner-idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('partner-idms.jwt-bearer');
  const ids = [R.partnerValidates];
  if (!target.partnerIdms) return verify.inconclusive(ids, 'the target has no partnerIdms section');
  const other = target.idms?.otherPartnerResource;
  if (!other) return verify.inconclusive(ids, 'the target names no second partner (idms.otherPartnerResource) to get a foreign security token for');
  await requireWorkingGrant(idms, ids);
  const ex = await idms.exchange(ids, other);
  const aud = ex.securityToken.decoded.ok ? ex.securityToken.decoded.jwt.claims.aud : undefined;
  if (!ex.securityToken.raw || (Array.isArray(aud) ? aud.includes(target.partnerIdms.tokenEndpoint) : aud === target.partnerIdms.tokenEndpoint)) {
    return verify.inconclusive(ids, `the security token for ${other} also names this partner (aud ${JSON.stringify(aud)})`);
  }
  checkTokenRequestRefused(verify, R.partnerValidates, `assertion with aud ${JSON.stringify(aud)} (another IdMS)`, await presentAssertion(idms, ex.securityToken.raw));
});

test('B.11.3 a tampered assertion is refused', { annotation: requirements('MCXSEC-B.11.3-01'), tag: ['@partner-idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('partner-idms.jwt-bearer');
  const ids = [R.partnerValidates];
  if (!target.partnerIdms) return verify.inconclusive(ids, 'the target has no partnerIdms section');
  await requireWorkingGrant(idms, ids);
  const { assertion } = await validAssertion(idms, ids);
  const tampered = tamperJwt(assertion, { sub: 'mcx-conformance-mallory', mcptt_id: 'sip:mallory@mcx-conformance.invalid' });
  checkTokenRequestRefused(verify, R.partnerValidates, 'assertion with a changed payload under the original signature', await presentAssertion(idms, tampered));
});

test('B.11.3 an assertion from an issuer the partner does not trust is refused', { annotation: requirements('MCXSEC-B.11.3-01'), tag: ['@partner-idms'] }, async ({ idms, verify, target, requireIcs, evidence }) => {
  requireIcs('partner-idms.jwt-bearer');
  const ids = [R.partnerValidates];
  if (!target.partnerIdms) return verify.inconclusive(ids, 'the target has no partnerIdms section');
  await requireWorkingGrant(idms, ids);
  const { claims } = await validAssertion(idms, ids);
  const now = nowSeconds();
  const forged = await mintUntrustedAssertion({ ...claims, iss: 'https://untrusted-idms.mcx-conformance.invalid', iat: now, exp: now + 300, jti: `mcx-conformance-${now}` });
  const d = decodeJwtSafe(forged);
  if (d.ok) evidence.record('jwt', 'assertion of an untrusted issuer', d.jwt);
  checkTokenRequestRefused(verify, R.partnerValidates, 'assertion signed by an untrusted issuer (key offered in its jwk header)', await presentAssertion(idms, forged));
});

test('B.12 an expired assertion is refused', { annotation: requirements('MCXSEC-B.12-02'), tag: ['@partner-idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('partner-idms.jwt-bearer');
  const ids = [R.expiredRefused];
  if (!target.partnerIdms) return verify.inconclusive(ids, 'the target has no partnerIdms section');
  const expired = target.partnerIdms.expiredAssertion;
  if (!expired) return verify.inconclusive(ids, 'the target gives no expired security token (partnerIdms.expiredAssertion)');
  const d = decodeJwtSafe(expired);
  const exp = d.ok ? d.jwt.claims.exp : undefined;
  if (typeof exp !== 'number' || exp > nowSeconds() - MAX_SKEW_S - 1) return verify.inconclusive(ids, `partnerIdms.expiredAssertion exp ${JSON.stringify(exp)} is not more than ${MAX_SKEW_S} s past`);
  await requireWorkingGrant(idms, ids);
  checkTokenRequestRefused(verify, R.expiredRefused, `assertion expired ${nowSeconds() - exp} s ago`, await presentAssertion(idms, expired));
});
