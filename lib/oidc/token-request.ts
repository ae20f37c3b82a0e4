import type { HttpClient, HttpResult } from '../http/client.ts';
import { readJsonObject } from './json-response.ts';

/**
 * Token endpoint requests (B.4.2.4, B.5.2, B.7.2, B.7.4) and how to read
 * their answers. Never throws: a request that gets no JSON object back
 * carries the reason.
 */
export const GRANT_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const GRANT_JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const TOKEN_TYPE_JWT = 'urn:ietf:params:oauth:token-type:jwt';

export interface ClientCredentials {
  clientId: string;
  /** When set, sent with HTTP Basic as B.4.2.4 says (client_secret_basic). */
  clientSecret?: string;
}

export interface TokenResult {
  http: HttpResult;
  status?: number;
  headers: Record<string, string>;
  /** The JSON object answered, when there is one. */
  json?: Record<string, unknown>;
  /** Why there is no usable JSON answer. */
  problem?: string;
  /** The Content-Type of a JSON answer (for the media-type check), and its duplicate member names. */
  contentType?: string;
  duplicates?: string[];
  unreachable: boolean;
}

export function basicAuthorization(clientId: string, clientSecret: string): string {
  // RFC 6749 2.3.1: form-urlencode both parts before base64.
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
}

export async function tokenRequest(http: HttpClient, endpoint: string, params: Record<string, string | undefined>, client?: ClientCredentials): Promise<TokenResult> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (client?.clientSecret) headers.authorization = basicAuthorization(client.clientId, client.clientSecret);
  const res = await http.request({ url: endpoint, method: 'POST', form: params, headers });
  const json = readJsonObject(res, 'token endpoint');
  if (json.ok) return { http: res, status: json.status, headers: json.headers, json: json.value, contentType: json.contentType, duplicates: json.duplicates, unreachable: false };
  return { http: res, status: json.status, headers: res.ok ? res.headers : {}, problem: json.reason, unreachable: json.unreachable };
}

/**
 * Whether a request the server should refuse was refused. Refused = a 4xx
 * (RFC 6749 5.2 says 400/401 with an error). Accepted = a 2xx. Anything else
 * (no answer, 3xx, 5xx) does not tell, and the caller reports INCONCLUSIVE.
 */
export type Refusal = { verdict: 'refused' | 'accepted' | 'unclear'; detail: string };

export function refusalOf(result: TokenResult): Refusal {
  if (result.unreachable || result.status === undefined) return { verdict: 'unclear', detail: result.problem ?? 'no answer' };
  const error = typeof result.json?.error === 'string' ? ` error=${result.json.error}` : '';
  if (result.status >= 400 && result.status < 500) return { verdict: 'refused', detail: `${result.status}${error}` };
  if (result.status >= 200 && result.status < 300) {
    const issued = typeof result.json?.access_token === 'string' ? ' with an access_token' : result.problem ? ` (${result.problem})` : '';
    return { verdict: 'accepted', detail: `${result.status}${issued}` };
  }
  return { verdict: 'unclear', detail: `status ${result.status}${error}${result.problem ? `: ${result.problem}` : ''}` };
}
