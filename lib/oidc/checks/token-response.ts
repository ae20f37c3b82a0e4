/**
 * The fields of a successful token response (RFC 6749 5.1), shared by the
 * IdMS and partner-IdMS suites: each suite builds its own table with its own
 * check ids and the requirement IDs of its clause (B.4.2.5, B.5.3, B.7.3,
 * B.7.5 carry the same obligation for different grants).
 */
import { checkTable, pass, fail, unmet, type CheckTable } from '../../harness/check.ts';
import type { TokenResult } from '../token-request.ts';

export interface TokenResponseRequirements {
  accessToken: string;
  tokenType: string;
  expiresIn: string;
  /** Cache-Control: no-store (RFC 6749 5.1), checked when given. */
  noStore?: string;
}

/** A JSON token response to read; without one the checks are inconclusive (the status check of the caller grades the refusal). */
const answered = (res: TokenResult) =>
  res.json && res.status === 200 ? undefined : unmet(res.json ? `no token response: HTTP ${res.status}${typeof res.json.error === 'string' ? ` error=${res.json.error}` : ''}` : `no JSON token response: ${res.problem ?? `HTTP ${res.status}`}`, res.unreachable ? 'unreachable' : 'target');

/** `idPrefix` names the exchange, e.g. `idms.token-response` or `partner-idms.jwt-bearer-response`. */
export function tokenResponseTable(idPrefix: string, exchange: string, ids: TokenResponseRequirements): CheckTable<TokenResult> {
  return checkTable<TokenResult>(exchange, [
    {
      id: `${idPrefix}.access-token`,
      requirement: ids.accessToken,
      title: 'token response access_token',
      needs: answered,
      run: ({ json }) => {
        const v = json!.access_token;
        if (typeof v === 'string' && v.length > 0) return pass('access_token', 'a non-empty string');
        return fail('access_token', 'a non-empty string', v === undefined ? undefined : typeof v, v === undefined ? 'missing' : 'invalid');
      },
    },
    {
      id: `${idPrefix}.token-type`,
      requirement: ids.tokenType,
      title: 'token response token_type',
      needs: answered,
      run: ({ json }) => {
        const v = json!.token_type;
        if (typeof v === 'string' && v.toLowerCase() === 'bearer') return pass('token_type', v, 'bearer (case-insensitive)');
        return fail('token_type', 'bearer (case-insensitive)', v, v === undefined ? 'missing' : 'mismatch');
      },
    },
    {
      id: `${idPrefix}.expires-in`,
      requirement: ids.expiresIn,
      title: 'token response expires_in',
      needs: answered,
      run: ({ json }) => {
        const v = json!.expires_in;
        if (Number.isInteger(v) && (v as number) > 0) return pass('expires_in', v, 'a positive integer number of seconds');
        return fail('expires_in', 'a positive integer number of seconds', v, v === undefined ? 'missing' : 'invalid');
      },
    },
    ...(ids.noStore
      ? [
          {
            id: `${idPrefix}.no-store`,
            requirement: ids.noStore,
            title: 'token response Cache-Control',
            needs: answered,
            run: ({ headers }: TokenResult) => {
              const cc = headers['cache-control'];
              if (/(^|[\s,])no-store($|[\s,;])/i.test(cc ?? '')) return pass('headers.cache-control', cc, 'no-store');
              return fail('headers.cache-control', 'no-store', cc, cc === undefined ? 'missing' : 'mismatch');
            },
          },
        ]
      : []),
  ]);
}
