/**
 * How a KMS spells a refusal, graded at the level each text gives it:
 * - B.10 has bearer tokens used "per IETF RFC 6750"; RFC 6750 section 3
 *   says a resource server MUST answer a request without credentials with a
 *   WWW-Authenticate header, and its challenges MUST use the scheme
 *   "Bearer": graded shall (MCXSEC-B.10-03).
 * - The status: RFC 6750 section 3 shows 401 for a request without
 *   authentication and section 3.1 says invalid_token SHOULD be 401; no
 *   MUST fixes it: graded should (MCXSEC-B.10-04).
 * - The body: D.3.1 gives a KmsResponse as the answer to every request and
 *   says "an error message is returned" (KMS Cert); the D.3.5.1 schema has
 *   KmsError for it; D.2.2 does not say how a failed request check is
 *   answered: graded should (MCXSEC-D.3.1-17).
 * Each check reads a refusal; whether there was one is graded elsewhere.
 */
import { checkTable, fail, pass, unmet, verdictOf, type Unmet } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import { refusalOf } from './answer.ts';

export interface RefusalInput {
  ex: KmsExchange;
  /** The check id that grades whether the request was refused at all. */
  gradedBy: string;
}

function needsRefusal({ ex, gradedBy }: RefusalInput): Unmet | undefined {
  const r = refusalOf(ex);
  if (r.refused === undefined) return unmet(`${ex.label}: ${r.detail}`, r.blame);
  return r.refused ? undefined : unmet(`${ex.label}: not refused (${r.detail}; graded by ${gradedBy})`, 'precondition');
}

function headerOf(ex: KmsExchange, name: string): string | undefined {
  if (!ex.http.ok) return undefined;
  const key = Object.keys(ex.http.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : ex.http.headers[key];
}

/** RFC 6750 section 3 / RFC 7235: some challenge of the header uses the auth-scheme Bearer (case-insensitive). */
export function hasBearerChallenge(value: string | undefined): boolean {
  return !!value && /(^|,)\s*bearer(\s|,|$)/i.test(value);
}

export const NO_TOKEN_REFUSAL_FORM = checkTable<RefusalInput>('kms refusal of a request without an access token', [
  {
    id: 'kms.no-token-refusal.bearer-challenge',
    requirement: 'MCXSEC-B.10-03',
    title: 'the refusal carries a WWW-Authenticate header with a Bearer challenge (RFC 6750 section 3)',
    needs: needsRefusal,
    run: ({ ex }) => {
      const value = headerOf(ex, 'www-authenticate');
      return verdictOf(hasBearerChallenge(value), 'WWW-Authenticate', 'a challenge with auth-scheme Bearer', value ?? '(absent)', value === undefined ? 'missing' : 'mismatch');
    },
  },
  {
    id: 'kms.no-token-refusal.status-401',
    requirement: 'MCXSEC-B.10-04',
    title: 'the refusal is HTTP 401 Unauthorized (RFC 6750 section 3, 3.1)',
    needs: needsRefusal,
    run: ({ ex }) => (ex.http.ok ? verdictOf(ex.http.status === 401, 'status', 401, ex.http.status) : fail('status', 401, '(no answer)', 'missing')),
  },
]);

export const REQUEST_REFUSAL_FORM = checkTable<RefusalInput>('kms refusal of a request that fails its checks', [
  {
    id: 'kms.request-refusal.kms-error',
    requirement: 'MCXSEC-D.3.1-17',
    title: 'the refusal is a KmsResponse carrying a KmsError',
    needs: needsRefusal,
    run: ({ ex }) => {
      const doc = ex.opened?.doc ?? ex.opened?.received?.doc;
      if (doc?.error) return pass('KmsResponse/KmsError', `KmsError ${doc.error.code}`, 'a KmsResponse with a KmsError');
      const type = headerOf(ex, 'content-type') ?? '(no content-type)';
      return fail('body', 'a KmsResponse with a KmsError', doc ? 'a KmsResponse without KmsError' : `HTTP ${ex.http.ok ? ex.http.status : '?'} ${type}, no KmsResponse`, 'missing');
    },
  },
]);
