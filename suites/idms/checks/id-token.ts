/** The ID token of the code flow (B.2.1, validated as OIDC Core 3.1.3.7 says; acr of B.4.2.2). */
import { checkTable, fail, inconclusive, notApplicable, pass, verdictOf, type Check } from '../../../lib/harness/check.ts';
import type { TestUser } from '../../../lib/target/types.ts';
import type { DecodeResult, VerifyResult } from '../../../lib/oidc/jwt.ts';
import { ACR_PASSWORD } from '../../../lib/oidc/authorization-request.ts';
import { audiences, byteLength, isNumericDate, MAX_SKEW_S, serviceGranted, serviceOf, type ServiceKey } from '../../../lib/oidc/claims.ts';

export interface IdTokenInput {
  decoded: DecodeResult;
  signature: VerifyResult | undefined;
  issuer: string;
  clientId: string;
  /** Sent nonce (OIDC Core 3.1.2.1). */
  nonce?: string;
  /** Unix seconds when the request was sent and the answer received. */
  sentAt: number;
  receivedAt: number;
  grantedScopes: readonly string[];
  user?: TestUser;
}

const decodable = (i: IdTokenInput) => (i.decoded.ok ? undefined : { reason: `no decodable ID token: ${i.decoded.reason}`, blame: 'target' as const });
const claims = (i: IdTokenInput) => (i.decoded.ok ? i.decoded.jwt.claims : {});

export const ID_TOKEN_SIGNATURE = checkTable<IdTokenInput>('idms ID token', [
  {
    id: 'idms.id-token.signature',
    requirement: 'MCXSEC-B.2.1.1-01',
    title: 'ID token is a JWS verifying with the provider JWKS',
    // A token response without any ID token is graded by idms.token-request.id-token-for-scopes.
    needs: (i) => (!i.decoded.ok && /\(undefined\)$/.test(i.decoded.reason) ? { reason: 'no ID token in the token response (judged by idms.token-request.id-token-for-scopes)', blame: 'target' } : undefined),
    run: (i) => {
      if (!i.decoded.ok) return fail('id_token', 'a JWS', `not a decodable JWT: ${i.decoded.reason}`, 'invalid');
      const sig = i.signature;
      if (!sig) return inconclusive('the signature was not verified (no JWKS)', 'precondition');
      return sig.ok ? pass('id_token (JWS)', `${sig.alg} kid ${sig.kid ?? '-'}`, 'a signature by a key of jwks_uri') : fail('id_token (JWS)', 'a signature by a key of jwks_uri', sig.reason, 'invalid');
    },
  },
  {
    id: 'idms.id-token.unique-claims',
    requirement: 'MCXSEC-B.2.1.1-02',
    title: 'ID token claim names are unique (RFC 7519 section 4)',
    needs: decodable,
    run: (i) => {
      const dup = i.decoded.ok ? (i.decoded.jwt.duplicateClaims ?? []) : [];
      return verdictOf(dup.length === 0, 'id_token claim set', 'each claim name once', dup.length ? `claim name(s) repeated: ${dup.join(', ')} (a parser keeps the last)` : 'no repeated claim name', 'invalid');
    },
  },
]);

export const ID_TOKEN_CLAIMS = checkTable<IdTokenInput>('idms ID token claims', [
  { id: 'idms.id-token.iss', requirement: 'MCXSEC-B.2.1.2-01', title: 'ID token iss equals the issuer', needs: decodable, run: (i) => verdictOf(claims(i).iss === i.issuer, 'iss', i.issuer, claims(i).iss, claims(i).iss === undefined ? 'missing' : 'mismatch') },
  {
    id: 'idms.id-token.sub',
    requirement: 'MCXSEC-B.2.1.2-02',
    title: 'ID token sub present, at most 255 bytes',
    needs: decodable,
    run: (i) => {
      const sub = claims(i).sub;
      return verdictOf(typeof sub === 'string' && sub.length > 0 && byteLength(sub) <= 255, 'sub', 'a non-empty string of at most 255 bytes', typeof sub === 'string' ? `${byteLength(sub)} bytes` : sub, sub === undefined ? 'missing' : 'invalid');
    },
  },
  { id: 'idms.id-token.aud', requirement: 'MCXSEC-B.2.1.2-03', title: 'ID token aud holds the client_id', needs: decodable, run: (i) => verdictOf(audiences(claims(i).aud).includes(i.clientId), 'aud', i.clientId, claims(i).aud, claims(i).aud === undefined ? 'missing' : 'mismatch') },
  {
    id: 'idms.id-token.exp',
    requirement: 'MCXSEC-B.2.1.2-04',
    title: 'ID token exp present, after iat and after now',
    needs: decodable,
    run: (i) => {
      const { exp, iat } = claims(i);
      const ok = isNumericDate(exp) && exp > i.receivedAt - MAX_SKEW_S && (!isNumericDate(iat) || exp > iat);
      return verdictOf(ok, 'exp', `a NumericDate after iat (${String(iat)}) and now (${i.receivedAt})`, exp, exp === undefined ? 'missing' : 'invalid');
    },
  },
  {
    id: 'idms.id-token.clock-skew',
    requirement: 'MCXSEC-B.2.1.2-05',
    title: `ID token iat within ${MAX_SKEW_S} s of the time it was issued`,
    needs: decodable,
    run: (i) => {
      const iat = claims(i).iat;
      if (!isNumericDate(iat)) return inconclusive(`no NumericDate iat to compare (${JSON.stringify(iat)}); judged by idms.id-token.iat`, 'target');
      const ok = iat >= i.sentAt - MAX_SKEW_S && iat <= i.receivedAt + MAX_SKEW_S;
      return verdictOf(ok, 'iat', `between ${i.sentAt - MAX_SKEW_S} and ${i.receivedAt + MAX_SKEW_S}`, iat, 'mismatch', `IdMS clock differs from the suite's by about ${iat - i.receivedAt} s (the suite's clock is taken as UTC)`);
    },
  },
  { id: 'idms.id-token.iat', requirement: 'MCXSEC-B.2.1.2-06', title: 'ID token iat present as NumericDate', needs: decodable, run: (i) => verdictOf(isNumericDate(claims(i).iat), 'iat', 'seconds since the epoch', claims(i).iat, claims(i).iat === undefined ? 'missing' : 'invalid') },
  {
    id: 'idms.id-token.nonce',
    requirement: 'MCXSEC-5.1.2.1-01',
    title: 'ID token nonce echoes the request nonce (OIDC Core 3.1.3.7)',
    needs: decodable,
    run: (i) => (i.nonce === undefined ? notApplicable('the request carried no nonce') : verdictOf(claims(i).nonce === i.nonce, 'nonce', i.nonce, claims(i).nonce, claims(i).nonce === undefined ? 'missing' : 'mismatch')),
  },
  {
    id: 'idms.id-token.acr',
    requirement: 'MCXSEC-B.4.2.2-06',
    title: 'ID token acr is the requested password acr',
    needs: decodable,
    run: (i) => verdictOf(claims(i).acr === ACR_PASSWORD, 'acr', ACR_PASSWORD, claims(i).acr, claims(i).acr === undefined ? 'missing' : 'mismatch'),
  },
]);

const mcxId = (key: ServiceKey, requirement: string): Check<IdTokenInput> => {
  const s = serviceOf(key);
  return {
    id: `idms.id-token.${key}-id`,
    requirement,
    title: `ID token ${s.claim} present when ${s.name} is granted`,
    needs: decodable,
    run: (i) => {
      if (!serviceGranted(s, i.grantedScopes)) return notApplicable(`${s.name} was not granted`);
      const value = claims(i)[s.claim];
      const expected = i.user?.[s.userField];
      return verdictOf(typeof value === 'string' && value.length > 0 && (expected === undefined || value === expected), s.claim, expected ?? 'a non-empty MC service ID', value, value === undefined ? 'missing' : 'mismatch');
    },
  };
};

export const ID_TOKEN_MCX = checkTable<IdTokenInput>('idms ID token MC service IDs', [
  mcxId('mcptt', 'MCXSEC-B.2.1.3-01'),
  mcxId('mcvideo', 'MCXSEC-B.2.1.3-02'),
  mcxId('mcdata', 'MCXSEC-B.2.1.3-03'),
]);
