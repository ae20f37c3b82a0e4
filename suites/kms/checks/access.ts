/**
 * Transport and access (D.1, D.2.1, 5.3.2, 5.3.3, 5.1.3.1, B.2.2.2, B.10,
 * B.11.2, B.12): HTTPS with a verified certificate, the bearer token, POST
 * only, and requests refused without a usable access token. One table per
 * kind of bad token, run once per request type.
 */
import { checkTable, fail, inconclusive, pass, unmet, verdictOf, type Check } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import { refusedOutcome } from './answer.ts';

/** Seconds of clock skew a resource server may allow on exp at most (B.2.2.2). */
export const MAX_SKEW_S = 30;

export interface TransportInput {
  ex: KmsExchange;
  /** tls.verify of the target file: whether the suite verified the server certificate. */
  tlsVerify: boolean;
}

const answered = ({ ex }: TransportInput) => (ex.http.ok ? undefined : unmet(`${ex.label}: no answer: ${ex.http.error}`, 'unreachable'));
const httpsOutcome = ({ ex }: TransportInput) => verdictOf(/^https:\/\//i.test(ex.url), 'kms.baseUrl', 'https://... (TLS)', ex.url);
const verifiedOutcome = ({ tlsVerify }: TransportInput) =>
  tlsVerify
    ? pass('TLS server certificate', "verified against the target's CA (tls.verify: true); the exchange completed", 'a server certificate that verifies')
    : inconclusive('tls.verify is false in the target file: the suite did not verify the server certificate, so it cannot say it is valid', 'configuration');

export const TRANSPORT = checkTable<TransportInput>('kms init over the configured transport', [
  { id: 'kms.transport.https', requirement: 'MCXSEC-D.1-01', title: 'the KMS answered over HTTPS', needs: answered, run: httpsOutcome },
  { id: 'kms.transport.certificate-verified', requirement: 'MCXSEC-D.1-01', title: "the KMS's TLS certificate was verified", after: ['kms.transport.https'], needs: answered, run: verifiedOutcome },
  { id: 'kms.transport.client-https', requirement: 'MCXSEC-5.3.2-01', title: 'KM client to KMS connection is HTTPS', needs: answered, run: httpsOutcome },
  { id: 'kms.transport.client-certificate-verified', requirement: 'MCXSEC-5.3.2-01', title: "the KMS's TLS certificate was verified by the KM client", after: ['kms.transport.client-https'], needs: answered, run: verifiedOutcome },
]);

export const GET_INIT = checkTable<{ ex: KmsExchange }>('kms GET init', [
  {
    id: 'kms.get.not-served',
    requirement: 'MCXSEC-D.2.1-01',
    title: 'GET /init is not served like a POST',
    run: ({ ex }) => {
      if (!ex.http.ok) return inconclusive(`${ex.label}: no answer: ${ex.http.error}`, 'unreachable');
      const served = !!(ex.opened?.doc?.message ?? ex.opened?.received?.doc.message);
      if (served) return fail('response', 'no KmsMessage (e.g. 405)', `HTTP ${ex.http.status} with a KmsMessage`, 'not_refused');
      if (ex.http.status >= 500) return inconclusive(`${ex.label}: HTTP ${ex.http.status}: neither a refusal nor an answer`, 'target');
      return pass('response', `HTTP ${ex.http.status} without a KmsMessage`, 'no KmsMessage (e.g. 405)');
    },
  },
]);

export interface BadTokenAnswer {
  ex: KmsExchange;
  /** For an expired token: seconds since its exp when it was sent (undefined: unknown). */
  expiredBy?: number;
  /** Why `expiredBy` is unknown. */
  expiryProblem?: string;
}

function refusal(id: string, requirement: string, title: string, extra: Partial<Check<BadTokenAnswer>> = {}): Check<BadTokenAnswer> {
  return { id, requirement, title, run: ({ ex }) => refusedOutcome(ex), ...extra };
}

export const NO_TOKEN = checkTable<BadTokenAnswer>('kms request without an access token', [
  refusal('kms.no-token.refused', 'MCXSEC-5.3.3-01', 'refused without an access token'),
]);

export const EXPIRED_TOKEN = checkTable<BadTokenAnswer>('kms request with an expired access token', [
  refusal('kms.expired-token.refused', 'MCXSEC-5.3.3-02', 'refused with an expired access token'),
  refusal('kms.expired-token.expiry-enforced', 'MCXSEC-B.12-02', 'the resource server refuses an expired access token'),
  refusal('kms.expired-token.error-returned', 'MCXSEC-B.10-02', 'an error is returned for an expired access token'),
  refusal('kms.expired-token.validated', 'MCXSEC-B.11.2-01', 'the access token is validated (exp)'),
  refusal('kms.expired-token.skew-at-most-30s', 'MCXSEC-B.2.2.2-02', `refused with a token expired more than ${MAX_SKEW_S} s ago: the skew allowed is at most ${MAX_SKEW_S} s`, {
    needs: ({ expiredBy, expiryProblem }) => {
      if (expiredBy === undefined) return unmet(`the age of idms.expiredAccessToken is unknown: ${expiryProblem ?? 'no exp'}`, 'configuration');
      if (expiredBy <= MAX_SKEW_S) return unmet(`idms.expiredAccessToken expired only ${expiredBy} s before it was sent: a refusal would not show the skew allowed is at most ${MAX_SKEW_S} s`, 'configuration');
      return undefined;
    },
  }),
]);

export const NO_SCOPE_TOKEN = checkTable<BadTokenAnswer>('kms request with a token without the key management scope', [
  refusal('kms.no-scope-token.refused', 'MCXSEC-5.3.3-03', 'refused with a token without *_key_management_service scope'),
  refusal('kms.no-scope-token.scoped-for-kms', 'MCXSEC-5.1.3.1-01', 'the KMS serves only tokens scoped for key management'),
  refusal('kms.no-scope-token.error-returned', 'MCXSEC-B.10-02', 'an error is returned for a token without the scope'),
  refusal('kms.no-scope-token.validated', 'MCXSEC-B.11.2-01', 'the access token is validated (scope)'),
]);

export const WRONG_AUDIENCE_TOKEN = checkTable<BadTokenAnswer>('kms request with a token issued for another resource', [
  refusal('kms.wrong-audience-token.refused', 'MCXSEC-B.11.2-02', 'refused with a key-management token whose aud does not name this KMS (RFC 7519 4.1.3)'),
]);

export const UNTRUSTED_TOKEN = checkTable<BadTokenAnswer>('kms request with a token signed by an untrusted key', [
  refusal('kms.untrusted-token.refused', 'MCXSEC-5.3.3-04', 'refused with a token signed by an unknown key'),
  refusal('kms.untrusted-token.validated', 'MCXSEC-B.11.2-01', 'the access token is validated (signature)'),
]);
