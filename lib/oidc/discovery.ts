import type { HttpClient } from '../http/client.ts';
import { readJsonObject } from './json-response.ts';
import { isJwks } from './jwt.ts';
import type { JSONWebKeySet } from 'jose';

/**
 * Provider metadata (OIDC Discovery 1.0) and the JWKS it points to: where
 * the suites find the endpoints and the keys tokens are verified with.
 */
export interface ProviderMetadata {
  issuer?: unknown;
  authorization_endpoint?: unknown;
  token_endpoint?: unknown;
  jwks_uri?: unknown;
  [k: string]: unknown;
}

export interface Provider {
  discoveryUrl: string;
  metadata: ProviderMetadata;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  jwks: JSONWebKeySet;
  /** How the discovery document was served: what the media-type, UTF-8 and duplicate-name checks grade. */
  discoveryAnswer: AnswerShape;
  jwksAnswer: AnswerShape;
}

export interface AnswerShape {
  contentType: string;
  /** Member names that appear twice in one object (JSON.parse kept the last), as dotted paths. */
  duplicates: string[];
  /** Byte offset of the first invalid UTF-8 sequence, when the body is not UTF-8. */
  invalidUtf8At?: number;
}

/** The most keys a JWKS may list before the reader refuses it (a provider publishes a handful). */
export const JWKS_MAX_KEYS = 1000;

const shapeOf = (r: { contentType: string; duplicates: string[]; invalidUtf8At?: number }): AnswerShape => ({ contentType: r.contentType, duplicates: r.duplicates, ...(r.invalidUtf8At !== undefined ? { invalidUtf8At: r.invalidUtf8At } : {}) });

export type DiscoveryResult = { ok: true; provider: Provider } | { ok: false; unreachable: boolean; reason: string };

export function discoveryUrlOf(issuer: string, discoveryUrl?: string): string {
  return discoveryUrl ?? `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

export async function discover(http: HttpClient, discoveryUrl: string): Promise<DiscoveryResult> {
  const res = readJsonObject(await http.request({ url: discoveryUrl, headers: { accept: 'application/json' } }), 'discovery document', { maxDepth: 32, maxMembers: 1000 });
  if (!res.ok) return { ok: false, unreachable: res.unreachable, reason: res.reason };
  if (res.status !== 200) return { ok: false, unreachable: false, reason: `discovery document answered ${res.status}` };
  const m = res.value as ProviderMetadata;
  for (const k of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    if (typeof m[k] !== 'string' || !URL.canParse(m[k] as string)) return { ok: false, unreachable: false, reason: `discovery document has no usable ${k}: ${JSON.stringify(m[k])}` };
  }
  const jres = readJsonObject(await http.request({ url: m.jwks_uri as string, headers: { accept: 'application/json' } }), 'JWKS', { maxMembers: JWKS_MAX_KEYS, maxDepth: 8 });
  if (!jres.ok) return { ok: false, unreachable: jres.unreachable, reason: jres.reason };
  if (!isJwks(jres.value)) return { ok: false, unreachable: false, reason: 'JWKS document has no keys array' };
  return {
    ok: true,
    provider: {
      discoveryUrl,
      metadata: m,
      authorizationEndpoint: m.authorization_endpoint as string,
      tokenEndpoint: m.token_endpoint as string,
      jwksUri: m.jwks_uri as string,
      jwks: jres.value,
      discoveryAnswer: shapeOf(res),
      jwksAnswer: shapeOf(jres),
    },
  };
}
