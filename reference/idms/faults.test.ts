import { test, expect } from '@playwright/test';
import { connect } from 'node:tls';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { IDMS_FAULTS } from './faults.ts';
import { startPair, type RunningPair } from './test-pair.ts';
import type { ReferenceBehaviour } from '../component.ts';
import { authorize, basic, claimsOf, pkcePair, type AuthorizeOptions, type Reply } from './test-kit.ts';

/**
 * Each fault switch of reference/idms/faults.ts changes the behaviour it
 * names: its probe sees the faulty behaviour with the switch on and not
 * without. Whether a suite check turns to FAIL on it (and only its check) is
 * proven by the suites' negative-control tests; this proves the reference end.
 */
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ALL_SCOPES = 'openid 3gpp:mc:ptt_service 3gpp:mc:ptt_key_management_service 3gpp:mc:video_service 3gpp:mc:data_service';
const NARROW = 'openid 3gpp:mc:ptt_service 3gpp:mc:ptt_key_management_service';

type Probe = (p: RunningPair) => Promise<boolean>;

const auth = (p: RunningPair) => ({ authorization: basic(p.idms.clientId, p.idms.clientSecret) });
const token = (p: RunningPair, form: Record<string, string | undefined>, headers: Record<string, string> = auth(p)) => p.client.send(`${p.idms.issuer}/token`, { form, headers });
const discovery = async (p: RunningPair) => (await p.client.send(`${p.idms.issuer}/.well-known/openid-configuration`)).json;
const primaryKeys = async (p: RunningPair) => createLocalJWKSet((await p.client.send(`${p.idms.issuer}/jwks`)).json);

async function code(p: RunningPair, o: AuthorizeOptions = {}) {
  const pk = pkcePair();
  const a = await authorize(p.client, p.idms, { challenge: pk.challenge, ...o });
  const params = new URLSearchParams(a.location?.search || a.location?.hash.slice(1) || '');
  return { code: params.get('code'), state: params.get('state'), location: a.location, verifier: pk.verifier };
}

async function flow(p: RunningPair, scope = NARROW, nonce?: string): Promise<Reply> {
  const c = await code(p, { scope, nonce });
  return token(p, { grant_type: 'authorization_code', code: c.code!, redirect_uri: p.idms.redirectUri, code_verifier: c.verifier });
}

async function exchange(p: RunningPair, subject: string, resource: string | null = p.partner.tokenEndpoint): Promise<Reply> {
  return token(p, { grant_type: EXCHANGE, subject_token: subject, subject_token_type: JWT_TYPE, resource: resource ?? undefined });
}

async function securityToken(p: RunningPair): Promise<string> {
  return (await exchange(p, (await flow(p)).json.access_token)).json.access_token;
}

const jwtBearer = (p: RunningPair, assertion: string, scope = '3gpp:mc:ptt_service') =>
  p.client.send(p.partner.tokenEndpoint, { form: { grant_type: JWT_BEARER, assertion, client_id: p.partner.clientId, scope } });

const verifies = (jwt: string, keys: ReturnType<typeof createLocalJWKSet>) => jwtVerify(jwt, keys).then(() => true, () => false);
const succeeded = (r: Reply) => r.status === 200 && !r.json?.error;
const now = () => Math.floor(Date.now() / 1000);

async function refresh(p: RunningPair, scope?: string) {
  const first = await flow(p);
  const second = await token(p, { grant_type: 'refresh_token', refresh_token: first.json.refresh_token, scope });
  return { first, second };
}

function tamper(jwt: string, edit: (claims: Record<string, any>) => void): string {
  const [h, b, s] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(b, 'base64url').toString());
  edit(claims);
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}

function negotiatedTls(origin: string, caPem: string): Promise<{ protocol: string | null; cipher: string }> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), ca: caPem, ciphers: 'DEFAULT:ECDHE-ECDSA-AES128-SHA' }, () => {
      resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().name });
      socket.end();
    });
    socket.on('error', reject);
  });
}

const PROBES: Record<string, Probe> = {
  // Seen only where the IdMS claims a consent page: the login then completes without one.
  'idms.skips-consent-page': async (p) => p.ics['idms.consent-page'] === true && !(await authorize(p.client, p.idms)).consentShown,
  'idms.discovery-issuer-mismatch': async (p) => (await discovery(p)).issuer !== p.idms.issuer,
  'idms.discovery-omits-signing-alg': async (p) => !(await discovery(p)).id_token_signing_alg_values_supported.includes('ES256'),
  'idms.same-endpoint-url': async (p) => {
    const m = await discovery(p);
    return m.token_endpoint === m.authorization_endpoint;
  },
  'idms.http-token-endpoint': async (p) => (await discovery(p)).token_endpoint.startsWith('http:'),
  'idms.tls-also-accepts-cbc': async (p) => {
    const { probe, PROBES } = await import('../../lib/tls/profile-scan.ts');
    const ordinary = await negotiatedTls(p.idms.issuer, p.caPem);
    const cbc = await probe(p.idms.issuer, PROBES.find((x) => x.id === 'tls1.2-cbc')!, { caPem: p.caPem, verify: true });
    return /GCM|CHACHA20|CCM/.test(ordinary.cipher) && cbc.outcome.kind === 'accepted';
  },
  'idms.tls-cbc-cipher': async (p) => {
    const t = await negotiatedTls(p.idms.issuer, p.caPem);
    return t.protocol === 'TLSv1.2' && !/GCM|CHACHA20|CCM/.test(t.cipher);
  },

  'idms.accepts-unregistered-redirect-uri': async (p) => !!(await code(p, { redirectUri: 'https://attacker.example/cb' })).code,
  'idms.accepts-unregistered-client': async (p) => !!(await code(p, { clientId: 'unknown-client' })).code,
  'idms.pkce-optional': async (p) => !!(await authorize(p.client, p.idms, { challenge: null, method: null })).location?.searchParams.get('code'),
  'idms.accepts-plain-pkce': async (p) => !!(await authorize(p.client, p.idms, { challenge: pkcePair().verifier, method: 'plain' })).location?.searchParams.get('code'),
  'idms.accepts-wrong-password': async (p) => !!(await authorize(p.client, { ...p.idms, password: 'wrong-password' })).location?.searchParams.get('code'),
  'idms.omits-acr': async (p) => claimsOf((await flow(p)).json.id_token).acr === undefined,
  'idms.rejects-every-password': async (p) => !(await authorize(p.client, p.idms)).location?.searchParams.get('code'),
  'idms.wrong-acr': async (p) => claimsOf((await flow(p)).json.id_token).acr !== '3gpp:acr:password',
  'idms.alters-state': async (p) => (await code(p, { state: 'state-123' })).state !== 'state-123',
  'idms.code-in-fragment': async (p) => /code=/.test((await code(p)).location?.hash ?? ''),

  'idms.accepts-wrong-code-verifier': async (p) => {
    const c = await code(p);
    return succeeded(await token(p, { grant_type: 'authorization_code', code: c.code!, redirect_uri: p.idms.redirectUri, code_verifier: pkcePair().verifier }));
  },
  'idms.accepts-missing-code-verifier': async (p) => {
    const c = await code(p);
    return succeeded(await token(p, { grant_type: 'authorization_code', code: c.code!, redirect_uri: p.idms.redirectUri }));
  },
  'idms.reusable-code': async (p) => {
    const c = await code(p);
    const form = { grant_type: 'authorization_code', code: c.code!, redirect_uri: p.idms.redirectUri, code_verifier: c.verifier };
    await token(p, form);
    return succeeded(await token(p, form));
  },
  'idms.ignores-token-redirect-uri': async (p) => {
    const c = await code(p);
    return succeeded(await token(p, { grant_type: 'authorization_code', code: c.code!, redirect_uri: `${p.idms.redirectUri}/other`, code_verifier: c.verifier }));
  },
  'idms.skips-client-authentication': async (p) => {
    const a = await code(p);
    const none = await token(p, { grant_type: 'authorization_code', code: a.code!, redirect_uri: p.idms.redirectUri, code_verifier: a.verifier, client_id: p.idms.clientId }, {});
    const b = await code(p);
    const wrong = await token(p, { grant_type: 'authorization_code', code: b.code!, redirect_uri: p.idms.redirectUri, code_verifier: b.verifier }, { authorization: basic(p.idms.clientId, 'wrong') });
    return succeeded(none) && succeeded(wrong);
  },

  'idms.refresh-without-client-auth': async (p) => {
    const first = await flow(p);
    return succeeded(await token(p, { grant_type: 'refresh_token', refresh_token: first.json.refresh_token, client_id: p.idms.clientId }, {}));
  },

  'idms.ignores-token-client-id': async (p) => {
    const c = await code(p);
    return succeeded(await token(p, { grant_type: 'authorization_code', code: c.code!, redirect_uri: p.idms.redirectUri, code_verifier: c.verifier, client_id: 'another-unregistered-client' }));
  },

  'idms.no-cache-control': async (p) => !/no-store/.test((await flow(p)).headers['cache-control'] ?? ''),
  'idms.token-type-not-bearer': async (p) => !/^bearer$/i.test((await flow(p)).json.token_type),
  'idms.omits-expires-in': async (p) => (await flow(p)).json.expires_in === undefined,
  'idms.omits-refresh-token': async (p) => (await flow(p)).json.refresh_token === undefined,

  'idms.id-token-unknown-key': async (p) => !(await verifies((await flow(p)).json.id_token, await primaryKeys(p))),
  'idms.id-token-wrong-iss': async (p) => claimsOf((await flow(p)).json.id_token).iss !== p.idms.issuer,
  'idms.id-token-long-sub': async (p) => Buffer.byteLength(claimsOf((await flow(p)).json.id_token).sub) > 255,
  'idms.id-token-wrong-aud': async (p) => claimsOf((await flow(p)).json.id_token).aud !== p.idms.clientId,
  'idms.id-token-expired': async (p) => {
    const c = claimsOf((await flow(p)).json.id_token);
    return c.exp < c.iat;
  },
  'idms.clock-skewed': async (p) => now() - claimsOf((await flow(p)).json.id_token).iat > 60,
  'idms.id-token-omits-iat': async (p) => claimsOf((await flow(p)).json.id_token).iat === undefined,
  'idms.id-token-omits-mcptt-id': async (p) => claimsOf((await flow(p, ALL_SCOPES)).json.id_token).mcptt_id === undefined,
  'idms.id-token-omits-mcvideo-id': async (p) => claimsOf((await flow(p, ALL_SCOPES)).json.id_token).mcvideo_id === undefined,
  'idms.id-token-omits-mcdata-id': async (p) => claimsOf((await flow(p, ALL_SCOPES)).json.id_token).mcdata_id === undefined,
  'idms.ignores-nonce': async (p) => claimsOf((await flow(p, NARROW, 'nonce-42')).json.id_token).nonce !== 'nonce-42',

  'idms.opaque-access-token': async (p) => {
    const at = (await flow(p)).json.access_token as string;
    return at.split('.').length !== 3 && succeeded(await exchange(p, at));
  },
  'idms.access-token-unknown-key': async (p) => !(await verifies((await flow(p)).json.access_token, await primaryKeys(p))),
  'idms.access-token-omits-exp': async (p) => claimsOf((await flow(p)).json.access_token).exp === undefined,
  'idms.access-token-omits-scope': async (p) => claimsOf((await flow(p)).json.access_token).scope === undefined,
  'idms.access-token-omits-client-id': async (p) => claimsOf((await flow(p)).json.access_token).client_id === undefined,
  'idms.access-token-omits-mcptt-id': async (p) => claimsOf((await flow(p, ALL_SCOPES)).json.access_token).mcptt_id === undefined,
  'idms.access-token-omits-mcvideo-id': async (p) => claimsOf((await flow(p, ALL_SCOPES)).json.access_token).mcvideo_id === undefined,
  'idms.access-token-omits-mcdata-id': async (p) => claimsOf((await flow(p, ALL_SCOPES)).json.access_token).mcdata_id === undefined,
  'idms.grants-unrequested-scope': async (p) => {
    const at = claimsOf((await flow(p, NARROW)).json.access_token);
    return at.scope.includes('3gpp:mc:video_service') && at.mcvideo_id !== undefined;
  },

  'idms.refresh-allows-wider-scope': async (p) => {
    const { second } = await refresh(p, `${NARROW} 3gpp:mc:video_service`);
    return succeeded(second) && claimsOf(second.json.access_token).scope.includes('3gpp:mc:video_service');
  },
  'idms.refresh-ignores-requested-scope': async (p) => {
    const { second } = await refresh(p, '3gpp:mc:ptt_service');
    return claimsOf(second.json.access_token).scope !== '3gpp:mc:ptt_service';
  },
  'idms.refresh-returns-no-access-token': async (p) => {
    const { second } = await refresh(p);
    return second.status === 200 && second.json.access_token === undefined;
  },
  'idms.refresh-token-type-not-bearer': async (p) => !/^bearer$/i.test((await refresh(p)).second.json.token_type),
  'idms.refresh-omits-expires-in': async (p) => (await refresh(p)).second.json.expires_in === undefined,
  'idms.refresh-token-reusable': async (p) => {
    const { first } = await refresh(p);
    return succeeded(await token(p, { grant_type: 'refresh_token', refresh_token: first.json.refresh_token }));
  },

  'idms.expires-in-mismatch': async (p) => {
    const r = await flow(p);
    const at = claimsOf(r.json.access_token);
    return Math.abs(at.exp - at.iat - r.json.expires_in) > 5;
  },

  'idms.token-exchange-unsupported': async (p) => (await exchange(p, (await flow(p)).json.access_token)).json.error === 'unsupported_grant_type',
  'idms.exchange-without-resource': async (p) => succeeded(await exchange(p, (await flow(p)).json.access_token, null)),
  'idms.accepts-invalid-subject-token': async (p) => succeeded(await exchange(p, 'this-is-not-a-jwt')),
  'idms.accepts-tampered-subject-token': async (p) => {
    const at = (await flow(p)).json.access_token;
    return succeeded(await exchange(p, tamper(at, (c) => (c.sub = 'bob-0001'))));
  },
  'idms.accepts-expired-subject-token': async (p) => succeeded(await exchange(p, p.env.MCX_REF_IDMS_EXPIRED_ACCESS_TOKEN)),
  'idms.exchange-wrong-issued-token-type': async (p) => (await exchange(p, (await flow(p)).json.access_token)).json.issued_token_type !== JWT_TYPE,
  'idms.exchange-token-type-not-bearer': async (p) => !/^bearer$/i.test((await exchange(p, (await flow(p)).json.access_token)).json.token_type),
  'idms.exchange-omits-expires-in': async (p) => (await exchange(p, (await flow(p)).json.access_token)).json.expires_in === undefined,
  'idms.security-token-unknown-key': async (p) => !(await verifies(await securityToken(p), await primaryKeys(p))),
  'idms.security-token-wrong-iss': async (p) => claimsOf(await securityToken(p)).iss !== p.idms.issuer,
  'idms.security-token-long-sub': async (p) => Buffer.byteLength(claimsOf(await securityToken(p)).sub) > 255,
  'idms.security-token-aud-lacks-resource': async (p) => !claimsOf(await securityToken(p)).aud.includes(p.partner.tokenEndpoint),
  'idms.security-token-omits-exp': async (p) => claimsOf(await securityToken(p)).exp === undefined,
  'idms.security-token-omits-iat': async (p) => claimsOf(await securityToken(p)).iat === undefined,

  'partner-idms.jwt-bearer-unsupported': async (p) => (await jwtBearer(p, await securityToken(p))).json.error === 'unsupported_grant_type',
  'partner-idms.token-type-not-bearer': async (p) => !/^bearer$/i.test((await jwtBearer(p, await securityToken(p))).json.token_type),
  'partner-idms.omits-expires-in': async (p) => (await jwtBearer(p, await securityToken(p))).json.expires_in === undefined,
  'partner-idms.grants-unrequested-scope': async (p) => {
    const at = claimsOf((await jwtBearer(p, await securityToken(p), '3gpp:mc:ptt_service')).json.access_token);
    return at.scope.includes('3gpp:mc:video_service');
  },
  'partner-idms.access-token-omits-client-id': async (p) => claimsOf((await jwtBearer(p, await securityToken(p))).json.access_token).client_id === undefined,
  'partner-idms.accepts-foreign-audience': async (p) => {
    const st = (await exchange(p, (await flow(p)).json.access_token, p.target.idms.otherPartnerResource)).json.access_token;
    return succeeded(await jwtBearer(p, st));
  },
  'partner-idms.accepts-unregistered-client': async (p) => {
    const r = await p.client.send(p.partner.tokenEndpoint, { form: { grant_type: JWT_BEARER, assertion: await securityToken(p), client_id: 'another-unregistered-client', scope: '3gpp:mc:ptt_service' } });
    return succeeded(r);
  },
  'partner-idms.accepts-tampered-assertion': async (p) => succeeded(await jwtBearer(p, tamper(await securityToken(p), (c) => (c.sub = 'bob-0001')))),
  'partner-idms.trusts-any-issuer': async (p) => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const t = now();
    const rogue = await new SignJWT({ sub: 'alice-0001', aud: [p.idms.clientId, p.partner.tokenEndpoint], mcptt_id: 'sip:alice@mcx.example.org' })
      .setProtectedHeader({ alg: 'ES256', jwk: await exportJWK(publicKey) })
      .setIssuer('https://rogue-idms.example.org')
      .setIssuedAt(t)
      .setExpirationTime(t + 300)
      .sign(privateKey);
    return succeeded(await jwtBearer(p, rogue));
  },
  'partner-idms.accepts-expired-assertion': async (p) => succeeded(await jwtBearer(p, p.env.MCX_REF_PARTNER_EXPIRED_ASSERTION)),
  'idms.discovery-wrong-content-type': async (p) => !/^application\/json/.test((await p.client.send(`${p.idms.issuer}/.well-known/openid-configuration`)).headers['content-type'] ?? ''),
  'idms.discovery-duplicate-member': async (p) => ((await p.client.send(`${p.idms.issuer}/.well-known/openid-configuration`)).text.match(/"issuer":/g) ?? []).length > 1,
  'idms.discovery-invalid-utf8': async (p) => (await p.client.send(`${p.idms.issuer}/.well-known/openid-configuration`)).text.includes('\ufffd'),
  'idms.token-response-wrong-content-type': async (p) => !/^application\/json/.test((await flow(p)).headers['content-type'] ?? ''),
  'idms.id-token-duplicate-claim': async (p) => (Buffer.from((await flow(p)).json.id_token.split('.')[1], 'base64url').toString().match(/"iss":/g) ?? []).length > 1,

  'idms.omits-access-token': async (p) => {
    const r = await flow(p);
    return r.status === 200 && r.json.access_token === undefined && typeof r.json.id_token === 'string' && typeof r.json.refresh_token === 'string';
  },
  'idms.omits-id-token': async (p) => {
    const r = await flow(p);
    return r.status === 200 && r.json.id_token === undefined && typeof r.json.access_token === 'string';
  },
  'idms.refuses-authorization-code-grant': async (p) => {
    const r = await flow(p);
    return r.status === 400 && r.json.error === 'unsupported_grant_type';
  },
  'idms.authorization-response-without-code': async (p) => {
    const c = await code(p, { state: 'state-7' });
    return c.state === 'state-7' && c.code === null;
  },
  'idms.exchange-omits-access-token': async (p) => {
    const r = await exchange(p, (await flow(p)).json.access_token);
    return r.status === 200 && r.json.access_token === undefined && r.json.issued_token_type === JWT_TYPE;
  },
  'idms.exchange-refuses-jwt-subject-token-type': async (p) => {
    const at = (await flow(p)).json.access_token;
    const jwtTyped = await exchange(p, at);
    const accessTyped = await token(p, { grant_type: EXCHANGE, subject_token: at, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token', resource: p.partner.tokenEndpoint });
    return jwtTyped.status === 400 && jwtTyped.json.error === 'invalid_request' && succeeded(accessTyped);
  },
  'partner-idms.plain-http': async (p) => p.partner.tokenEndpoint.startsWith('http:') && succeeded(await jwtBearer(p, await securityToken(p))),
  'partner-idms.omits-access-token': async (p) => {
    const r = await jwtBearer(p, await securityToken(p));
    return r.status === 200 && r.json.access_token === undefined && /^bearer$/i.test(r.json.token_type);
  },
};

/** How the pair is configured for the faults that break what only that configuration claims. */
const BEHAVIOUR: Record<string, Partial<ReferenceBehaviour>> = { 'idms.skips-consent-page': { consentPage: true } };

test('every fault switch of the table has a probe here', () => {
  const missing = IDMS_FAULTS.map((f) => f.name).filter((n) => !PROBES[n]);
  expect(missing, 'faults without a probe (and maybe without an implementation)').toEqual([]);
});

test.describe('without faults no probe sees a fault', () => {
  let pair: RunningPair;
  test.beforeAll(async () => {
    pair = await startPair();
  });
  test.afterAll(async () => {
    await pair?.stop();
  });
  test('all probes report conforming behaviour', async () => {
    test.setTimeout(120_000);
    const seen: string[] = [];
    for (const [name, probe] of Object.entries(PROBES)) if (await probe(pair)) seen.push(name);
    expect(seen).toEqual([]);
  });
});

for (const fault of IDMS_FAULTS) {
  test(`fault ${fault.name}: ${fault.description}`, async () => {
    const probe = PROBES[fault.name];
    test.skip(!probe, 'no probe yet');
    const pair = await startPair([fault.name], BEHAVIOUR[fault.name]);
    try {
      expect(await probe(pair)).toBe(true);
    } finally {
      await pair.stop();
    }
  });
}

/**
 * Pure faults: a switch that changes the access tokens issued changes nothing
 * else. The token exchange still refuses every subject token it refused
 * without the switch, and now also the switch's own defective token (the
 * IdMS validates it as it would any other): no relaxed validation rides along.
 */
const ACCESS_TOKEN_FAULTS = ['idms.access-token-unknown-key', 'idms.access-token-omits-exp', 'idms.access-token-omits-client-id'];

async function exchangeAnswers(p: RunningPair) {
  const at = (await flow(p)).json.access_token as string;
  return {
    own: succeeded(await exchange(p, at)),
    garbage: succeeded(await exchange(p, 'this-is-not-a-jwt')),
    tampered: succeeded(await exchange(p, tamper(at, (c) => (c.sub = 'bob-0001')))),
    expired: succeeded(await exchange(p, p.env.MCX_REF_IDMS_EXPIRED_ACCESS_TOKEN)),
    withoutResource: succeeded(await exchange(p, at, null)),
  };
}

test.describe('access-token faults leave the token exchange validation as it was', () => {
  let baseline: Awaited<ReturnType<typeof exchangeAnswers>>;
  test.beforeAll(async () => {
    const pair = await startPair();
    try {
      baseline = await exchangeAnswers(pair);
    } finally {
      await pair.stop();
    }
  });
  test('baseline: only the valid access token is exchanged', () => {
    expect(baseline).toEqual({ own: true, garbage: false, tampered: false, expired: false, withoutResource: false });
  });
  for (const name of ACCESS_TOKEN_FAULTS) {
    test(`${name}: the exchange refuses what it refused before, and the defective token too`, async () => {
      const pair = await startPair([name]);
      try {
        expect(await exchangeAnswers(pair)).toEqual({ ...baseline, own: false });
      } finally {
        await pair.stop();
      }
    });
  }
});

test('with a consent page configured, the login shows it and completes after it; no probe sees a fault', async () => {
  test.setTimeout(120_000);
  const pair = await startPair([], { consentPage: true });
  try {
    expect(pair.ics['idms.consent-page']).toBe(true);
    const a = await authorize(pair.client, pair.idms);
    expect(a.consentShown).toBe(true);
    expect(a.location?.searchParams.get('code')).toBeTruthy();
    const seen: string[] = [];
    for (const [name, probe] of Object.entries(PROBES)) if (await probe(pair)) seen.push(name);
    expect(seen).toEqual([]);
  } finally {
    await pair.stop();
  }
});
