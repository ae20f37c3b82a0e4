import { test, declare, partnerClient, partnerRequestScopes, type IdmsSession } from '../../lib/oidc/suite-fixtures.ts';
import { securityTokenDefect } from '../../lib/oidc/token-defects.ts';
import { checkExpiredInput, HOW_TO_OBTAIN_OTHER_PARTNER } from '../../lib/oidc/expired-inputs.ts';
import { GRANT_JWT_BEARER } from '../../lib/oidc/token-request.ts';
import { decodeJwtSafe, nowSeconds } from '../../lib/oidc/jwt.ts';
import { mintUntrustedAssertion, tamperJwt } from '../../lib/oidc/jwt-forge.ts';
import { probeTls } from '../../lib/oidc/tls-probe.ts';
import { EXPIRED_ASSERTION, FOREIGN_AUDIENCE, JWT_BEARER, PARTNER_TLS, TAMPERED_ASSERTION, UNREGISTERED_CLIENT, UNTRUSTED_ISSUER } from './checks/jwt-bearer.ts';

// The partner IdMS (5.1.4.2, B.7.4, B.7.5, B.9, B.11.3): the security token
// of the primary exchanged for a partner access token, and assertions the
// partner must refuse. The security token comes from the primary's token
// exchange; when it is itself defective the partner tests stop INCONCLUSIVE.

/** The primary's security token for this partner, checked good enough to be a fair assertion. */
async function validAssertion(idms: IdmsSession, stop: (reason: string) => never): Promise<{ assertion: string; claims: Record<string, unknown> }> {
  const target = idms.target;
  const partner = target.partnerIdms!;
  const ex = await idms.exchange(partner.tokenEndpoint);
  const defect = securityTokenDefect(ex.securityToken.decoded, ex.securityToken.signature, target.idms!.issuer, partner.tokenEndpoint, nowSeconds());
  if (defect || !ex.securityToken.raw || !ex.securityToken.decoded.ok) return stop(`the primary's security token is not a fair assertion: ${defect ?? 'missing'}`);
  return { assertion: ex.securityToken.raw, claims: ex.securityToken.decoded.jwt.claims };
}

test('B.7.4 JWT-bearer grant with the security token returns a partner access token in the B.2.2 format (B.7.5, B.9)', { annotation: declare(JWT_BEARER), tag: ['@partner-idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('partner-idms.jwt-bearer');
  if (!target.partnerIdms) return verify.stop('the target has no partnerIdms section', 'configuration');
  await validAssertion(idms, (r) => verify.stop(r, 'precondition'));
  const g = await idms.partnerGrant();
  if (!g.ok) return verify.stop(g.reason, g.unreachable ? 'unreachable' : 'precondition');
  const pp = await idms.worker.partnerProvider();
  const assertionClaims = decodeJwtSafe(g.assertion);
  const carried = (claim: string) => assertionClaims.ok && assertionClaims.jwt.claims[claim] !== undefined;
  const accessToken = { decoded: g.accessToken.decoded, signature: g.accessToken.signature, clientId: target.partnerIdms.clientId, requestedScopes: g.scope, serviceIdExpected: (s: { claim: string }) => carried(s.claim) };
  await verify.run(JWT_BEARER, { res: g.result, accessToken, noJwks: pp.ok ? undefined : pp.reason });
});

test('5.1.4.2 the partner token endpoint is reached directly over HTTPS with the TS 33.310 Annex E profile', { annotation: declare(PARTNER_TLS), tag: ['@partner-idms'] }, async ({ verify, target, evidence }) => {
  if (!target.partnerIdms) return verify.stop('the target has no partnerIdms section', 'configuration');
  const url = target.partnerIdms.tokenEndpoint;
  const probe = await probeTls(url, { caPem: target.tls.caPem, verify: target.tls.verify });
  evidence.record('tls', 'partner token endpoint', probe);
  await verify.run(PARTNER_TLS, { url, probe, verifyTls: target.tls.verify });
});

/** A JWT-bearer request with `assertion`; `clientId` (no credentials then) replaces the registered client. */
async function presentAssertion(idms: IdmsSession, assertion: string, clientId?: string) {
  const target = idms.target;
  idms.worker.redactor.add(assertion);
  const g = await idms.worker.partnerGrant();
  const scope = g.ok ? g.scope : partnerRequestScopes(target.partnerIdms!.scopes);
  const client = clientId === undefined ? partnerClient(target) : null;
  return idms.token({ grant_type: GRANT_JWT_BEARER, assertion, client_id: clientId ?? target.partnerIdms!.clientId, scope: scope.join(' ') }, client, target.partnerIdms!.tokenEndpoint);
}

/** Refusal tests only mean something when the partner accepts the genuine assertion. */
async function requireWorkingGrant(idms: IdmsSession, stop: (reason: string, blame?: 'unreachable') => never) {
  const valid = await validAssertion(idms, stop);
  const g = await idms.partnerGrant();
  if (!g.ok) stop(g.reason, g.unreachable ? 'unreachable' : undefined);
  if (g.result.status !== 200) stop(`the partner refuses the genuine security token too (${g.result.status}), so a refusal proves nothing`);
  return valid;
}

test('B.11.3 an assertion whose aud names another IdMS is refused', { annotation: declare(FOREIGN_AUDIENCE), tag: ['@partner-idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('partner-idms.jwt-bearer');
  if (!target.partnerIdms) return verify.stop('the target has no partnerIdms section', 'configuration');
  const other = target.idms?.otherPartnerResource;
  if (!other) return verify.stop(`the target names no second partner (idms.otherPartnerResource) to get a foreign security token for; to obtain one: ${HOW_TO_OBTAIN_OTHER_PARTNER}`, 'configuration');
  await requireWorkingGrant(idms, (r, b) => verify.stop(r, b ?? 'precondition'));
  const ex = await idms.exchange(other);
  const aud = ex.securityToken.decoded.ok ? ex.securityToken.decoded.jwt.claims.aud : undefined;
  if (!ex.securityToken.raw || (Array.isArray(aud) ? aud.includes(target.partnerIdms.tokenEndpoint) : aud === target.partnerIdms.tokenEndpoint)) {
    return verify.stop(`the security token for ${other} also names this partner (aud ${JSON.stringify(aud)})`, 'precondition');
  }
  await verify.run(FOREIGN_AUDIENCE, await presentAssertion(idms, ex.securityToken.raw), { label: `aud ${JSON.stringify(aud)}` });
});

test('B.11.3 a tampered assertion is refused (B.7.4 the security token is authenticated)', { annotation: declare(TAMPERED_ASSERTION), tag: ['@partner-idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('partner-idms.jwt-bearer');
  if (!target.partnerIdms) return verify.stop('the target has no partnerIdms section', 'configuration');
  const { assertion } = await requireWorkingGrant(idms, (r, b) => verify.stop(r, b ?? 'precondition'));
  const tampered = tamperJwt(assertion, { sub: 'mcx-conformance-mallory', mcptt_id: 'sip:mallory@mcx-conformance.invalid' });
  await verify.run(TAMPERED_ASSERTION, await presentAssertion(idms, tampered));
});

test('B.7.4 a JWT-bearer request whose client_id the partner has not registered is refused', { annotation: declare(UNREGISTERED_CLIENT), tag: ['@partner-idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('partner-idms.jwt-bearer');
  if (!target.partnerIdms) return verify.stop('the target has no partnerIdms section', 'configuration');
  const { assertion } = await requireWorkingGrant(idms, (r, b) => verify.stop(r, b ?? 'precondition'));
  await verify.run(UNREGISTERED_CLIENT, await presentAssertion(idms, assertion, 'mcx-conformance-unregistered-client'));
});

test('B.11.3 an assertion from an issuer the partner does not trust is refused (B.7.4 the security token is authenticated)', { annotation: declare(UNTRUSTED_ISSUER), tag: ['@partner-idms'] }, async ({ idms, verify, target, requireIcs, evidence }) => {
  requireIcs('partner-idms.jwt-bearer');
  if (!target.partnerIdms) return verify.stop('the target has no partnerIdms section', 'configuration');
  const { claims } = await requireWorkingGrant(idms, (r, b) => verify.stop(r, b ?? 'precondition'));
  const now = nowSeconds();
  const forged = await mintUntrustedAssertion({ ...claims, iss: 'https://untrusted-idms.mcx-conformance.invalid', iat: now, exp: now + 300, jti: `mcx-conformance-${now}` });
  const d = decodeJwtSafe(forged);
  if (d.ok) evidence.record('jwt', 'assertion of an untrusted issuer', d.jwt);
  await verify.run(UNTRUSTED_ISSUER, await presentAssertion(idms, forged));
});

test('B.12 an expired assertion is refused', { annotation: declare(EXPIRED_ASSERTION), tag: ['@partner-idms'] }, async ({ idms, verify, target, requireIcs }) => {
  requireIcs('partner-idms.jwt-bearer');
  if (!target.partnerIdms) return verify.stop('the target has no partnerIdms section', 'configuration');
  const expired = target.partnerIdms.expiredAssertion;
  const provider = await idms.provider();
  const input = await checkExpiredInput(expired, { field: 'partnerIdms.expiredAssertion', issuer: target.idms!.issuer, clientId: target.idms!.clientId, audience: target.partnerIdms.tokenEndpoint, jwks: provider.jwks, now: nowSeconds() });
  if (!input.ok) return verify.stop(input.reason, 'configuration');
  await requireWorkingGrant(idms, (r, b) => verify.stop(r, b ?? 'precondition'));
  await verify.run(EXPIRED_ASSERTION, await presentAssertion(idms, expired!), { label: `expired ${input.expiredSecondsAgo} s ago` });
});
