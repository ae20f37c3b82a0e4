/**
 * kms.wrongAudienceAccessToken is user input: a refusal of a token that is
 * not what the field says (another IdMS's, an expired one, a garbled one,
 * one whose aud does name the KMS) would let the audience check pass for the
 * wrong reason. Before the suite presents it, it must be a JWT of this IdMS
 * (iss, signature against the IdMS JWKS), unexpired, whose aud shares no
 * value with a token the KMS accepts (the suite's valid token). Anything
 * else is INCONCLUSIVE 'configuration', naming the field and how to obtain it.
 */
import { audiences, MAX_SKEW_S } from './claims.ts';
import { decodeJwtSafe, verifyJwsSignature } from './jwt.ts';

export const WRONG_AUDIENCE_FIELD = 'kms.wrongAudienceAccessToken';

export const HOW_TO_OBTAIN_WRONG_AUDIENCE =
  'log the first test user in with a key-management scope but for another resource (RFC 8707 resource=<another resource server>, or another client registration of the same IdMS), and use the access_token while it is unexpired';

export interface WrongAudienceExpectation {
  /** idms.issuer, or the valid token's iss when the target has no idms section. */
  issuer: string;
  /** The aud of a token the KMS accepts. */
  acceptedAudience: unknown;
  /** The IdMS JWKS, when the suite could read it. */
  jwks?: unknown;
  now: number;
}

export type WrongAudienceInput = { ok: true; audience: string[] } | { ok: false; reason: string };

export async function checkWrongAudienceInput(raw: string | undefined, e: WrongAudienceExpectation): Promise<WrongAudienceInput> {
  const bad = (what: string): WrongAudienceInput => ({ ok: false, reason: `${WRONG_AUDIENCE_FIELD} ${what}; to obtain one: ${HOW_TO_OBTAIN_WRONG_AUDIENCE}` });
  if (!raw) return bad('is not given');
  const d = decodeJwtSafe(raw);
  if (!d.ok) return bad(`is not a JWT (${d.reason})`);
  const c = d.jwt.claims;
  if (c.iss !== e.issuer) return bad(`has iss ${JSON.stringify(c.iss)}, not this IdMS (${e.issuer})`);
  if (e.jwks === undefined) return bad('cannot be checked: the IdMS JWKS could not be read');
  const v = await verifyJwsSignature(raw, e.jwks);
  if (!v.ok) return bad(`does not verify with the IdMS JWKS (${v.reason})`);
  if (typeof c.exp !== 'number' || c.exp <= e.now + MAX_SKEW_S) return bad(`has exp ${JSON.stringify(c.exp)}: it must be unexpired (more than ${MAX_SKEW_S} s ahead)`);
  const aud = audiences(c.aud);
  if (!aud.length) return bad('has no aud');
  const accepted = new Set(audiences(e.acceptedAudience));
  const shared = aud.filter((a) => accepted.has(a));
  if (shared.length) return bad(`has aud ${JSON.stringify(c.aud)}, which shares ${JSON.stringify(shared)} with the token the KMS accepts`);
  return { ok: true, audience: aud };
}
