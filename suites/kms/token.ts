/**
 * Access tokens for the KMS suite, obtained black-box from the target's
 * IdMS (5.1.3.1: the KMS authorises on the IdMS's access token):
 * - valid: the first test user logs in through the IdMS's own form (code
 *   flow + PKCE S256, lib/oidc), asking for the target's idms.scopes;
 * - without the key-management scope: the same login asking for idms.scopes
 *   minus every *_key_management_service scope;
 * - with authorisation scopes: idms.scopes plus kms.authorisedIdentityScopes;
 * - expired: the target file's idms.expiredAccessToken (waiting for a real
 *   token to expire would take the IdMS's token lifetime);
 * - untrusted signer: a valid token's header and claims re-signed with a
 *   fresh key of the same algorithm (same kid), which the IdMS never
 *   published.
 * Tokens are cached per worker and scope set. The login is the target's
 * idms.login.mode: form posts, or Chromium (lib/oidc/browser-login.ts).
 * A target may instead give kms.accessToken, a token obtained out of band
 * (fixture.ts), which serves as the valid token only.
 */
import { decodeJwtSafe } from '../../lib/oidc/jwt.ts';
export { accessToken, resignWithUnknownKey, type TokenOutcome } from '../../lib/oidc/suite-tokens.ts';

export function isKeyManagementScope(scope: string): boolean {
  return /_key_management_service$/.test(scope);
}

/** The MC service IDs an access token carries (mcptt_id, mcvideo_id, mcdata_id claims; B.2.2), read without verifying it. */
export function tokenIdentities(token: string): { ok: true; ids: string[] } | { ok: false; reason: string } {
  const d = decodeJwtSafe(token);
  if (!d.ok) return { ok: false, reason: `the access token is not a readable JWT: ${d.reason}` };
  const ids = ['mcptt_id', 'mcvideo_id', 'mcdata_id'].map((c) => d.jwt.claims[c]).filter((v): v is string => typeof v === 'string' && v.length > 0);
  if (ids.length === 0) return { ok: false, reason: 'the access token carries no mcptt_id, mcvideo_id or mcdata_id claim' };
  return { ok: true, ids: [...new Set(ids)] };
}

/** Seconds since an access token's exp (negative: not yet expired), or why it is unknown. */
export function secondsSinceExpiry(token: string, nowS = Math.floor(Date.now() / 1000)): { ok: true; seconds: number } | { ok: false; reason: string } {
  const d = decodeJwtSafe(token);
  if (!d.ok) return { ok: false, reason: `not a JWT: ${d.reason}` };
  const exp = d.jwt.claims.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { ok: false, reason: `exp is ${JSON.stringify(exp)}, not a NumericDate` };
  return { ok: true, seconds: nowS - exp };
}
