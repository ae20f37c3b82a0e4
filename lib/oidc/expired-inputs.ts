/**
 * The expired tokens a target file hands in (idms.expiredAccessToken,
 * partnerIdms.expiredAssertion) are user input: a refusal of a token that
 * is not what the field says (another IdMS's, another client's, a garbled
 * one) would let B.12-02 pass for the wrong reason. Before a suite presents
 * one, it must be a JWT of this IdMS for this client (iss, aud / azp /
 * client_id, signature against the IdMS JWKS when known) whose exp is more
 * than the allowed skew (B.8: at most 30 s) past. Anything else is the
 * target file's problem: INCONCLUSIVE 'configuration', naming the field and
 * how to obtain a proper value.
 */
import { audiences, MAX_SKEW_S } from './claims.ts';
import { decodeJwtSafe, verifyJwsSignature, type DecodedJwt } from './jwt.ts';

export type ExpiredInputField = 'idms.expiredAccessToken' | 'partnerIdms.expiredAssertion';

/** How a user obtains each field's value; the INCONCLUSIVE reasons quote it. */
export const HOW_TO_OBTAIN: Record<ExpiredInputField, string> = {
  'idms.expiredAccessToken':
    'log the first test user in with the target client (idms.clientId), keep the access_token of the token response, and use it once its exp is more than 30 s past',
  'partnerIdms.expiredAssertion':
    'run the token exchange at the primary IdMS with resource = partnerIdms.tokenEndpoint, keep the issued security token (access_token of that response), and use it once its exp is more than 30 s past',
};

export interface ExpiredInputExpectation {
  field: ExpiredInputField;
  /** The primary IdMS issuer (idms.issuer): the token's iss. */
  issuer: string;
  /** The target client (idms.clientId): in aud, azp or client_id. */
  clientId: string;
  /** For a security token: the partner token endpoint its aud must also name (B.8). */
  audience?: string;
  /** The primary IdMS JWKS, when discovery gave it. */
  jwks?: unknown;
  now: number;
}

export type ExpiredInput = { ok: true; jwt: DecodedJwt; expiredSecondsAgo: number } | { ok: false; reason: string };

/** The token of `field`, or why it cannot stand in for an expired token of this IdMS and client. */
export async function checkExpiredInput(raw: string | undefined, e: ExpiredInputExpectation): Promise<ExpiredInput> {
  const bad = (what: string): ExpiredInput => ({ ok: false, reason: `${e.field} ${what}; to obtain one: ${HOW_TO_OBTAIN[e.field]}` });
  if (!raw) return bad('is not given');
  const d = decodeJwtSafe(raw);
  if (!d.ok) return bad(`is not a JWT (${d.reason})`);
  const c = d.jwt.claims;
  if (c.iss !== e.issuer) return bad(`has iss ${JSON.stringify(c.iss)}, not this IdMS (${e.issuer})`);
  const aud = audiences(c.aud);
  if (![...aud, c.azp, c.client_id].includes(e.clientId)) return bad(`was not issued to the target client ${e.clientId} (aud ${JSON.stringify(c.aud)}, azp ${JSON.stringify(c.azp)}, client_id ${JSON.stringify(c.client_id)})`);
  if (e.audience !== undefined && !aud.includes(e.audience)) return bad(`has aud ${JSON.stringify(c.aud)}, which does not name ${e.audience}`);
  if (e.jwks !== undefined) {
    const v = await verifyJwsSignature(raw, e.jwks);
    if (!v.ok) return bad(`does not verify with the IdMS JWKS (${v.reason})`);
  }
  const exp = c.exp;
  if (typeof exp !== 'number' || exp > e.now - MAX_SKEW_S - 1) return bad(`has exp ${JSON.stringify(exp)}, not more than ${MAX_SKEW_S} s in the past`);
  return { ok: true, jwt: d.jwt, expiredSecondsAgo: e.now - exp };
}

/** idms.otherPartnerResource is not a token, but it is the other optional input of the partner tests (B.11.3). */
export const HOW_TO_OBTAIN_OTHER_PARTNER =
  'give the token endpoint URL of a second partner IdMS (not partnerIdms.tokenEndpoint) that the primary IdMS accepts as token-exchange resource; ask the IdMS operator which partner domains are provisioned';
