/**
 * Access tokens obtained black-box from the target's IdMS, for the suites of
 * the resource servers (KMS, MCX server): the test user logs in (the target's
 * idms.login.mode: form posts or Chromium; code flow + PKCE S256) asking for
 * the given scopes; and a token re-signed with a key the IdMS never published
 * (untrusted signer). Tokens are cached per worker, user and scope set.
 */
import { SignJWT, generateKeyPair, decodeJwt, decodeProtectedHeader } from 'jose';
import type { HttpClient } from '../http/client.ts';
import type { IdmsTarget, Target, TargetTls, TestUser } from '../target/types.ts';
import { discover, discoveryUrlOf } from './discovery.ts';
import { buildAuthorizationRequest } from './authorization-request.ts';
import { codeOf } from './login-driver.ts';
import { launchDriver } from './suite-fixtures.ts';
import { tokenRequest } from './token-request.ts';

export type TokenOutcome = { ok: true; accessToken: string; scope: string[] } | { ok: false; reason: string };

const cache = new Map<string, Promise<TokenOutcome>>();

/** Logs `user` in at the IdMS with `scopes` and returns the access token. */
export function accessToken(http: HttpClient, idms: IdmsTarget | undefined, scopes: string[], user?: TestUser, tls: TargetTls = { verify: true }): Promise<TokenOutcome> {
  if (!idms) return Promise.resolve({ ok: false, reason: 'the target file has no idms section: the KMS suite needs an IdMS to obtain access tokens' });
  const who = user ?? idms.users[0];
  if (!who) return Promise.resolve({ ok: false, reason: 'the target file names no IdMS test user' });
  const key = `${idms.issuer}|${who.username}|${[...scopes].sort().join(' ')}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = login(http, idms, who, scopes, tls);
    cache.set(key, pending);
    void pending.then((r) => {
      if (!r.ok) cache.delete(key);
    });
  }
  return pending;
}

async function login(http: HttpClient, idms: IdmsTarget, user: TestUser, scopes: string[], tls: TargetTls): Promise<TokenOutcome> {
  const discovered = await discover(http, discoveryUrlOf(idms.issuer, idms.discoveryUrl));
  if (!discovered.ok) return { ok: false, reason: `IdMS discovery failed: ${discovered.reason}` };
  const md = discovered.provider.metadata;
  if (typeof md.authorization_endpoint !== 'string' || typeof md.token_endpoint !== 'string') return { ok: false, reason: 'IdMS metadata lacks authorization_endpoint or token_endpoint' };
  const request = buildAuthorizationRequest({ authorizationEndpoint: md.authorization_endpoint, clientId: idms.clientId, redirectUri: idms.redirectUri, scope: scopes });
  const launched = await launchDriver({ name: idms.issuer, ics: {}, tls, idms } as Target, discovered.provider, http, idms.login.mode);
  if (!launched.ok) return { ok: false, reason: `IdMS ${idms.login.mode} login: ${launched.reason}` };
  const driver = launched.driver;
  try {
    const outcome = await driver.authorize(request.url, {
      redirectUri: idms.redirectUri,
      credentials: { username: user.username, password: user.password },
      usernameField: idms.login.usernameField,
      passwordField: idms.login.passwordField,
    });
    const { code, reason } = codeOf(outcome);
    if (!code) return { ok: false, reason: `IdMS login gave no code: ${reason}` };
    const pkce = request.pkce as { verifier: string } | undefined;
    const token = await tokenRequest(
      http,
      md.token_endpoint,
      { grant_type: 'authorization_code', code, redirect_uri: idms.redirectUri, code_verifier: pkce?.verifier, client_id: idms.clientSecret ? undefined : idms.clientId },
      { clientId: idms.clientId, clientSecret: idms.clientSecret },
    );
    const at = token.json?.access_token;
    if (typeof at !== 'string') return { ok: false, reason: `token endpoint gave no access_token: ${token.problem ?? `status ${token.status}`}` };
    const granted = typeof token.json?.scope === 'string' ? token.json.scope.split(' ').filter(Boolean) : scopes;
    return { ok: true, accessToken: at, scope: granted };
  } finally {
    await driver.close();
  }
}

/** A token with the same header and claims as `token`, signed with a key the IdMS never published. */
export async function resignWithUnknownKey(token: string): Promise<{ ok: true; token: string } | { ok: false; reason: string }> {
  try {
    const header = decodeProtectedHeader(token);
    const claims = decodeJwt(token);
    const alg = typeof header.alg === 'string' && /^(RS|PS|ES)(256|384|512)$|^EdDSA$/.test(header.alg) ? header.alg : 'RS256';
    const { privateKey } = await generateKeyPair(alg, { extractable: false });
    const forged = await new SignJWT(claims).setProtectedHeader({ ...header, alg }).sign(privateKey);
    return { ok: true, token: forged };
  } catch (err) {
    return { ok: false, reason: `the access token could not be re-signed: ${(err as Error).message}` };
  }
}

