import { createPkcePair, randomUrlSafe, type PkcePair } from './pkce.ts';

/** The acr value every MCX IdMS supports (B.4.2.2). */
export const ACR_PASSWORD = '3gpp:acr:password';

export interface AuthorizationRequestOptions {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  scope: string[];
  /** Send a nonce (OIDC Core 3.1.2.1); default on. */
  nonce?: boolean;
  /** PKCE variant: S256 (the profile), plain (must be refused) or none (must be refused). */
  pkce?: 'S256' | 'plain' | 'none';
  acrValues?: string;
  /** Extra or overriding query parameters. */
  extra?: Record<string, string>;
}

/** One authentication request (B.4.2.2) and the client-side secrets it binds. */
export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce?: string;
  pkce: PkcePair | { verifier: string; challenge: string; method: 'plain' } | undefined;
  redirectUri: string;
  clientId: string;
  scope: string[];
  params: Record<string, string>;
}

/**
 * Builds the authentication request URI of B.4.2.2 with every REQUIRED
 * parameter: response_type, client_id, scope, redirect_uri, state,
 * acr_values, code_challenge and code_challenge_method.
 */
export function buildAuthorizationRequest(o: AuthorizationRequestOptions): AuthorizationRequest {
  const state = randomUrlSafe(16);
  const nonce = o.nonce === false ? undefined : randomUrlSafe(16);
  const mode = o.pkce ?? 'S256';
  let pkce: AuthorizationRequest['pkce'];
  if (mode === 'S256') pkce = createPkcePair();
  else if (mode === 'plain') {
    const verifier = randomUrlSafe(32);
    pkce = { verifier, challenge: verifier, method: 'plain' };
  }
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: o.clientId,
    scope: o.scope.join(' '),
    redirect_uri: o.redirectUri,
    state,
    acr_values: o.acrValues ?? ACR_PASSWORD,
  };
  if (nonce) params.nonce = nonce;
  if (pkce) {
    params.code_challenge = pkce.challenge;
    params.code_challenge_method = pkce.method;
  }
  Object.assign(params, o.extra ?? {});
  const url = new URL(o.authorizationEndpoint);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { url: url.toString(), state, nonce, pkce, redirectUri: o.redirectUri, clientId: o.clientId, scope: o.scope, params };
}
