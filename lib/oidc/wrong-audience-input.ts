/**
 * A wrong-audience access token (kms.wrongAudienceAccessToken,
 * mcxServer.wrongAudienceAccessToken) is user input: a refusal of a token
 * that is not what the field says (another IdMS's, an expired one, a garbled
 * one, one whose aud does name the resource server, one without the scope the
 * server needs) would let the audience check pass for the wrong reason.
 * Before the suite presents it, it must be a JWT of this IdMS (iss, signature
 * against the IdMS JWKS), unexpired, carrying the scope the server needs,
 * whose aud shares no value with a token the server accepts (the suite's
 * valid token). Anything else is INCONCLUSIVE 'configuration', naming the
 * field and how to obtain it.
 */
import { audiences, MAX_SKEW_S } from './claims.ts';
import { decodeJwtSafe, verifyJwsSignature } from './jwt.ts';

/** Which resource server's field is checked. */
export interface WrongAudienceField {
  /** The target field, e.g. kms.wrongAudienceAccessToken. */
  name: string;
  /** The resource server, as the reasons name it ("the KMS"). */
  server: string;
  /** The scope the token must carry, as the reasons name it ("a key-management scope"). */
  scope: string;
  /** The token must carry one of these scopes (absent: not checked). */
  scopes?: readonly string[];
}

export const KMS_WRONG_AUDIENCE_FIELD: WrongAudienceField = { name: 'kms.wrongAudienceAccessToken', server: 'the KMS', scope: 'a key-management scope' };

const howToObtain = (f: WrongAudienceField) =>
  `log the first test user in with ${f.scope} but for another resource (RFC 8707 resource=<another resource server>, or another client registration of the same IdMS), and use the access_token while it is unexpired`;

export interface WrongAudienceExpectation {
  /** The field under check (default: kms.wrongAudienceAccessToken). */
  field?: WrongAudienceField;
  /** idms.issuer, or the valid token's iss when the target has no idms section. */
  issuer: string;
  /** The aud of a token the server accepts. */
  acceptedAudience: unknown;
  /** The IdMS JWKS, when the suite could read it. */
  jwks?: unknown;
  now: number;
}

export type WrongAudienceInput = { ok: true; audience: string[] } | { ok: false; reason: string };

export async function checkWrongAudienceInput(raw: string | undefined, e: WrongAudienceExpectation): Promise<WrongAudienceInput> {
  const field = e.field ?? KMS_WRONG_AUDIENCE_FIELD;
  const bad = (what: string): WrongAudienceInput => ({ ok: false, reason: `${field.name} ${what}; to obtain one: ${howToObtain(field)}` });
  if (!raw) return bad('is not given');
  const d = decodeJwtSafe(raw);
  if (!d.ok) return bad(`is not a JWT (${d.reason})`);
  const c = d.jwt.claims;
  if (c.iss !== e.issuer) return bad(`has iss ${JSON.stringify(c.iss)}, not this IdMS (${e.issuer})`);
  if (e.jwks === undefined) return bad('cannot be checked: the IdMS JWKS could not be read');
  const v = await verifyJwsSignature(raw, e.jwks);
  if (!v.ok) return bad(`does not verify with the IdMS JWKS (${v.reason})`);
  if (typeof c.exp !== 'number' || c.exp <= e.now + MAX_SKEW_S) return bad(`has exp ${JSON.stringify(c.exp)}: it must be unexpired (more than ${MAX_SKEW_S} s ahead)`);
  if (field.scopes) {
    const granted = typeof c.scope === 'string' ? c.scope.split(' ') : [];
    if (!field.scopes.some((s) => granted.includes(s))) return bad(`has scope ${JSON.stringify(c.scope ?? null)}, without ${field.scopes.join(' or ')}: a refusal would not be about aud`);
  }
  const aud = audiences(c.aud);
  if (!aud.length) return bad('has no aud');
  const accepted = new Set(audiences(e.acceptedAudience));
  const shared = aud.filter((a) => accepted.has(a));
  if (shared.length) return bad(`has aud ${JSON.stringify(c.aud)}, which shares ${JSON.stringify(shared)} with the token ${field.server} accepts`);
  return { ok: true, audience: aud };
}
