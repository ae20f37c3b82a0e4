/** Token exchange at the primary IdMS (5.1.4.2, B.7.2, B.7.3) and the security token it returns (B.8). */
import { checkTable, fail, inconclusive, pass, unmet, verdictOf, type Check } from '../../../lib/harness/check.ts';
import { tokenResponseTable } from '../../../lib/oidc/checks/token-response.ts';
import { tokenRefusalTable } from '../../../lib/oidc/checks/refusal.ts';
import { audiences, byteLength, isNumericDate, MAX_SKEW_S } from '../../../lib/oidc/claims.ts';
import type { DecodeResult, VerifyResult } from '../../../lib/oidc/jwt.ts';
import { TOKEN_TYPE_JWT, type TokenResult } from '../../../lib/oidc/token-request.ts';

export interface ExchangeInput {
  res: TokenResult;
  /** The security token (access_token of the answer), decoded and verified with the primary JWKS. */
  securityToken: { decoded: DecodeResult; signature?: VerifyResult };
  issuer: string;
  clientId: string;
  resource: string;
  receivedAt: number;
  /** When the JWT-typed exchange was refused: the same exchange with subject_token_type access_token (a control). */
  otherType?: TokenResult;
}

export const TOKEN_TYPE_ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

const ACCEPTED = 'idms.token-exchange.accepted';
const issued = (i: ExchangeInput) => (typeof i.res.json?.access_token === 'string' ? undefined : unmet('no access_token in the exchange response (judged by idms.token-exchange-response.access-token)', 'target'));
const decodable = (i: ExchangeInput) => issued(i) ?? (i.securityToken.decoded.ok ? undefined : unmet(`the security token is not a JWT: ${i.securityToken.decoded.reason}`, 'target'));
const claims = (i: ExchangeInput) => (i.securityToken.decoded.ok ? i.securityToken.decoded.jwt.claims : {});
const onToken = (c: Omit<Check<ExchangeInput>, 'after' | 'needs'>): Check<ExchangeInput> => ({ ...c, after: [ACCEPTED], needs: decodable });

export const EXCHANGE = checkTable<ExchangeInput>('idms token exchange', [
  {
    id: ACCEPTED,
    requirement: 'MCXSEC-B.7.2-01',
    title: 'token exchange grant with a JWT subject token accepted',
    run: ({ res }) => {
      if (res.unreachable || res.status === undefined || res.status >= 500) return inconclusive(`no usable answer to the token exchange: ${res.problem ?? res.status}`, res.unreachable ? 'unreachable' : 'target');
      return verdictOf(res.status === 200, 'status', 200, `${res.status}${typeof res.json?.error === 'string' ? ` error=${res.json.error}` : ''}`, 'check_failed');
    },
  },
  {
    id: 'idms.token-exchange.subject-token-type',
    requirement: 'MCXSEC-B.7.2-04',
    title: 'subject_token_type urn:ietf:params:oauth:token-type:jwt accepted',
    // A refusal is this requirement's failure only when the same token is accepted under another type.
    run: ({ res, otherType }) => {
      if (res.status === 200) return pass('subject_token_type', `${TOKEN_TYPE_JWT} accepted`, `${TOKEN_TYPE_JWT} accepted`);
      if (otherType?.status === 200) {
        return fail('subject_token_type', `${TOKEN_TYPE_JWT} accepted`, `refused (${res.status}${typeof res.json?.error === 'string' ? ` error=${res.json.error}` : ''}) while ${TOKEN_TYPE_ACCESS_TOKEN} is accepted for the same token`, 'check_failed');
      }
      return inconclusive(`the exchange is refused whatever the subject_token_type (judged by ${ACCEPTED})`, res.unreachable ? 'unreachable' : 'target');
    },
  },
  { id: 'idms.token-exchange.offered', requirement: 'MCXSEC-5.1.4.2-04', title: 'the primary IdMS issues a security token by token exchange', after: [ACCEPTED], run: (i) => verdictOf(!issued(i), 'access_token', 'a security token', typeof i.res.json?.access_token, 'missing') },
  { id: 'idms.token-exchange.returns-security-token', requirement: 'MCXSEC-B.7.3-01', title: 'the token exchange response carries a security token', after: [ACCEPTED], run: (i) => verdictOf(!issued(i), 'access_token', 'a security token', typeof i.res.json?.access_token, 'missing') },
  ...tokenResponseTable('idms.token-exchange-response', 'idms token exchange response', { accessToken: 'MCXSEC-B.7.3-02', tokenType: 'MCXSEC-B.7.3-04', expiresIn: 'MCXSEC-B.7.3-05' }).checks.map(
    (c): Check<ExchangeInput> => ({ id: c.id, requirement: c.requirement, title: c.title, after: [ACCEPTED], needs: c.needs ? (i) => c.needs!(i.res) : undefined, run: (i) => c.run(i.res) }),
  ),
  {
    id: 'idms.token-exchange-response.issued-token-type',
    requirement: 'MCXSEC-B.7.3-03',
    title: 'issued_token_type is the JWT token type',
    after: [ACCEPTED],
    run: ({ res }) => verdictOf(res.json?.issued_token_type === TOKEN_TYPE_JWT, 'issued_token_type', TOKEN_TYPE_JWT, res.json?.issued_token_type, res.json?.issued_token_type === undefined ? 'missing' : 'mismatch'),
  },
  onToken({
    id: 'idms.security-token.signature',
    requirement: 'MCXSEC-5.1.4.2-05',
    title: 'security token JWS verifies with the primary IdMS JWKS',
    run: ({ securityToken: { signature: sig } }) => {
      if (!sig) return inconclusive('the signature was not verified (no JWKS)', 'precondition');
      return sig.ok ? pass('access_token (JWS)', `${sig.alg} kid ${sig.kid ?? '-'}`, 'a signature by a key of the primary jwks_uri') : fail('access_token (JWS)', 'a signature by a key of the primary jwks_uri', sig.reason, 'invalid');
    },
  }),
  onToken({ id: 'idms.security-token.iss', requirement: 'MCXSEC-B.8-01', title: 'security token iss is the primary issuer', run: (i) => verdictOf(claims(i).iss === i.issuer, 'iss', i.issuer, claims(i).iss, claims(i).iss === undefined ? 'missing' : 'mismatch') }),
  onToken({
    id: 'idms.security-token.sub',
    requirement: 'MCXSEC-B.8-02',
    title: 'security token sub present, at most 255 bytes',
    run: (i) => {
      const sub = claims(i).sub;
      return verdictOf(typeof sub === 'string' && sub.length > 0 && byteLength(sub) <= 255, 'sub', 'a non-empty string of at most 255 bytes', typeof sub === 'string' ? `${byteLength(sub)} bytes` : sub, sub === undefined ? 'missing' : 'invalid');
    },
  }),
  onToken({
    id: 'idms.security-token.aud',
    requirement: 'MCXSEC-B.8-03',
    title: 'security token aud holds the client_id and the resource',
    run: (i) => {
      const aud = audiences(claims(i).aud);
      return verdictOf(aud.includes(i.clientId) && aud.includes(i.resource), 'aud', [i.clientId, i.resource], claims(i).aud, claims(i).aud === undefined ? 'missing' : 'mismatch');
    },
  }),
  onToken({
    id: 'idms.security-token.exp',
    requirement: 'MCXSEC-B.8-04',
    title: 'security token exp present and in the future',
    run: (i) => {
      const { exp, iat } = claims(i);
      return verdictOf(isNumericDate(exp) && exp > i.receivedAt - MAX_SKEW_S && (!isNumericDate(iat) || exp > iat), 'exp', `a NumericDate after now (${i.receivedAt})`, exp, exp === undefined ? 'missing' : 'invalid');
    },
  }),
  onToken({ id: 'idms.security-token.iat', requirement: 'MCXSEC-B.8-05', title: 'security token iat present as NumericDate', run: (i) => verdictOf(isNumericDate(claims(i).iat), 'iat', 'seconds since the epoch', claims(i).iat, claims(i).iat === undefined ? 'missing' : 'invalid') }),
]);

export const NO_RESOURCE = tokenRefusalTable('idms token exchange without resource', [
  { id: 'idms.token-exchange.resource-required', requirement: 'MCXSEC-B.7.2-02', title: 'token exchange without resource refused' },
]);

export const GARBAGE_SUBJECT = tokenRefusalTable('idms token exchange with a subject_token that is not a JWT', [
  { id: 'idms.token-exchange.garbage-subject-refused', requirement: 'MCXSEC-B.7.2-03', title: 'token exchange with a subject_token that is not a JWT refused' },
]);

export const TAMPERED_SUBJECT = tokenRefusalTable('idms token exchange with a tampered subject_token', [
  { id: 'idms.token-exchange.tampered-subject-refused', requirement: 'MCXSEC-B.7.2-03', title: 'token exchange with a tampered subject_token (payload changed, old signature) refused' },
]);

export const EXPIRED_SUBJECT = tokenRefusalTable('idms token exchange with an expired subject_token', [
  { id: 'idms.token-exchange.expired-subject-refused', requirement: 'MCXSEC-B.12-02', title: 'token exchange with a subject_token expired more than 30 s ago refused' },
]);
