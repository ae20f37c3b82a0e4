import type { Checker } from '../../../lib/harness/index.ts';
import type { TokenResult } from '../../../lib/oidc/token-request.ts';

/**
 * The fields of a successful token response (B.4.2.5, B.5.3, B.7.3, B.7.5),
 * each checked against the requirement ID the caller names for it.
 */
export interface TokenResponseIds {
  accessToken: string;
  tokenType: string;
  expiresIn: string;
  /** Cache-Control: no-store (RFC 6749 5.1), checked when given. */
  noStore?: string;
}

export function checkTokenResponseFields(verify: Checker, res: TokenResult, ids: TokenResponseIds): void {
  const json = res.json ?? {};
  verify.check(ids.accessToken, 'token response access_token', typeof json.access_token === 'string' && json.access_token.length > 0, {
    field: 'access_token',
    expected: 'a non-empty string',
    actual: json.access_token === undefined ? undefined : typeof json.access_token,
    reason: json.access_token === undefined ? 'missing' : 'invalid',
  });
  verify.check(ids.tokenType, 'token response token_type', typeof json.token_type === 'string' && json.token_type.toLowerCase() === 'bearer', {
    field: 'token_type',
    expected: 'bearer (case-insensitive)',
    actual: json.token_type,
    reason: json.token_type === undefined ? 'missing' : 'mismatch',
  });
  verify.check(ids.expiresIn, 'token response expires_in', Number.isInteger(json.expires_in) && (json.expires_in as number) > 0, {
    field: 'expires_in',
    expected: 'a positive integer number of seconds',
    actual: json.expires_in,
    reason: json.expires_in === undefined ? 'missing' : 'invalid',
  });
  if (ids.noStore) {
    const cc = res.headers['cache-control'];
    verify.check(ids.noStore, 'token response Cache-Control', /(^|[\s,])no-store($|[\s,;])/i.test(cc ?? ''), {
      field: 'headers.cache-control',
      expected: 'no-store',
      actual: cc,
      reason: cc === undefined ? 'missing' : 'mismatch',
    });
  }
}
