import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { decodeJwt } from 'jose';

/**
 * A tiny MC client for the reference IdMS's own tests: the code flow with
 * PKCE through the login form by plain HTTP, token, refresh, exchange and
 * JWT-bearer requests. Test code only (the suites have their own client).
 */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
}

export class IdmsTestClient {
  private readonly agent: Agent;
  private readonly cookies = new Map<string, string>();

  constructor(caPem: string) {
    this.agent = new Agent({ connect: { ca: caPem }, connectTimeout: 5000 });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  async send(url: string, init: { method?: string; form?: Record<string, string | undefined>; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    let body = init.body;
    if (init.form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) if (v !== undefined) p.set(k, v);
      body = p.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await request(url, { method: (init.method ?? (body === undefined ? 'GET' : 'POST')) as 'GET', headers, body, dispatcher: this.agent, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = await res.body.text();
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(', ') : String(v);
    for (const sc of [res.headers['set-cookie'] ?? []].flat()) {
      const [pair] = String(sc).split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: flat, text, json };
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export interface FlowTarget {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  username: string;
  password: string;
}

export interface AuthorizeOptions {
  scope?: string;
  state?: string;
  nonce?: string;
  challenge?: string | null;
  method?: string | null;
  redirectUri?: string;
  clientId?: string;
}

/** Walks the authorization endpoint and the login form; returns the final redirect (code and state, or an error). */
export async function authorize(c: IdmsTestClient, t: FlowTarget, o: AuthorizeOptions = {}): Promise<{ location?: URL; reply: Reply; consentShown: boolean }> {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: o.clientId ?? t.clientId,
    scope: o.scope ?? 'openid 3gpp:mc:ptt_service 3gpp:mc:ptt_key_management_service',
    redirect_uri: o.redirectUri ?? t.redirectUri,
    state: o.state ?? randomBytes(8).toString('hex'),
    acr_values: '3gpp:acr:password',
  });
  if (o.nonce) q.set('nonce', o.nonce);
  if (o.challenge !== null) q.set('code_challenge', o.challenge ?? pkcePair().challenge);
  if (o.method !== null) q.set('code_challenge_method', o.method ?? 'S256');
  let reply = await c.send(`${t.issuer}/authorize?${q}`);
  let consentShown = false;
  for (let hop = 0; hop < 6; hop += 1) {
    if (reply.status === 200 && /<form[^>]+\/login"/.test(reply.text)) {
      const action = /<form method="post" action="([^"]+\/login)"/.exec(reply.text)![1];
      reply = await c.send(new URL(action, t.issuer).toString(), { form: { username: t.username, password: t.password } });
      continue;
    }
    const consent = reply.status === 200 ? /<form method="post" action="([^"]+\/consent)"/.exec(reply.text) : null;
    if (consent && !consentShown) {
      consentShown = true;
      reply = await c.send(new URL(consent[1]!, t.issuer).toString(), { form: { allow: 'yes' } });
      continue;
    }
    if (reply.status < 300 || reply.status >= 400) return { reply, consentShown };
    const location = new URL(reply.headers.location, t.issuer);
    if (location.origin === new URL(t.issuer).origin && location.pathname !== '/cb') {
      reply = await c.send(location.toString());
      continue;
    }
    return { location, reply, consentShown };
  }
  return { reply, consentShown };
}

export function claimsOf(jwt: string): Record<string, any> {
  return decodeJwt(jwt) as Record<string, any>;
}
