import { test, expect } from '@playwright/test';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildMcInfo, buildRequest, mcInfoContentType, SipEndpoint, statusOf, UdpChannel } from '../../lib/sip/index.ts';
import { FaultSet } from '../fault.ts';
import { createServiceTokenVerifier, type ServiceTokenVerifier } from './token-check.ts';
import { startMcxServer } from './mcx-server.ts';

const ISSUER = 'https://idms.test';
const AUD = 'https://mcx.test';

async function withJwks<T>(fn: (sign: (claims: Record<string, unknown>, unknown?: boolean) => Promise<string>, jwksUri: string) => Promise<T>): Promise<T> {
  const key = await generateKeyPair('ES256');
  const other = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const server = createServer((_, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>, unknown = false) =>
    new SignJWT({ iss: ISSUER, aud: AUD, iat: now, exp: now + 300, scope: '3gpp:mc:ptt_service', mcptt_id: 'sip:alice@mcx.test', ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(unknown ? other.privateKey : key.privateKey);
  try {
    return await fn(sign, `http://127.0.0.1:${port}/jwks`);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

test('token faults each let exactly their kind of bad token through', async () => {
  await withJwks(async (sign, jwksUri) => {
    const tokens = {
      valid: await sign({}),
      expired: await sign({ exp: Math.floor(Date.now() / 1000) - 120 }),
      forged: await sign({}, true),
      'no-scope': await sign({ scope: '3gpp:mc:ptt_key_management_service' }),
      'wrong-audience': await sign({ aud: 'https://other-resource.test' }),
    };
    const accepted = async (faults: string[]) => {
      const verify = createServiceTokenVerifier({ issuer: ISSUER, jwksUri, audience: AUD }, '', new FaultSet(faults));
      const out: string[] = [];
      for (const [kind, t] of Object.entries(tokens)) if ((await verify(t, 'mcptt')).ok) out.push(kind);
      return out;
    };
    expect(await accepted([])).toEqual(['valid']);
    expect(await accepted(['mcx-server.accepts-expired-token'])).toEqual(['valid', 'expired']);
    expect(await accepted(['mcx-server.accepts-unknown-signer'])).toEqual(['valid', 'forged']);
    expect(await accepted(['mcx-server.ignores-service-scope'])).toEqual(['valid', 'no-scope']);
    expect(await accepted(['mcx-server.ignores-token-audience'])).toEqual(['valid', 'wrong-audience']);
  });
});

/** A stub verifier: only the token 'good' is valid; every token names the MC service ID after the colon. */
const stub: ServiceTokenVerifier = async (token) => (token === 'good' ? { ok: true, serviceId: 'sip:alice@mcx.test' } : { ok: false, reason: 'bad' });

async function withServer(faults: string[], fn: (send: (method: string, impu: string, token?: string, expires?: number) => Promise<number>, bindings: Map<string, Map<string, string>>) => Promise<void>) {
  const server = await startMcxServer('mcx.test', stub, new FaultSet(faults), {
    uri: 'sip:mdsi@mcx.test',
    keys: () => { throw new Error('these tests use no MDSI key material'); },
    otherServer: () => { throw new Error('these tests use no server key material'); },
    identity: () => { throw new Error('these tests use no server key material'); },
  });
  const ch = await UdpChannel.open({ remote: server.udp });
  const ep = new SipEndpoint(ch, { timers: { T1: 100 }, remote: server.udp });
  const send = async (method: string, impu: string, token?: string, expires = 600) => {
    const req = buildRequest({
      method,
      uri: method === 'REGISTER' ? 'sip:mcx.test' : server.psis.mcptt,
      from: impu,
      to: impu,
      via: { transport: 'udp', host: ch.local.address, port: ch.local.port },
      headers: [['Expires', String(expires)], ['P-Asserted-Identity', `<${impu}>`], ['Event', 'poc-settings']],
      body: token ? { contentType: mcInfoContentType('mcptt'), octets: buildMcInfo({ service: 'mcptt', accessToken: { value: token } }) } : undefined,
    });
    return statusOf((await ep.sendRequest(req).final).message) ?? 0;
  };
  try {
    await fn(send, server.bindings as Map<string, Map<string, string>>);
  } finally {
    ep.stop();
    await ch.close();
    await server.stop();
  }
}

test('MCX server: binding, refusal and the binding faults', async () => {
  await withServer([], async (send, bindings) => {
    expect(await send('REGISTER', 'sip:a@ue')).toBe(200);
    expect(await send('PUBLISH', 'sip:a@ue')).toBe(403);
    expect(await send('REGISTER', 'sip:a@ue', 'bad')).toBe(403);
    expect(await send('PUBLISH', 'sip:a@ue', 'bad')).toBe(403);
    expect(bindings.get('mcptt')!.size).toBe(0);
    expect(await send('REGISTER', 'sip:a@ue', 'good')).toBe(200);
    expect(await send('MESSAGE', 'sip:a@ue')).toBe(200);
    expect(await send('PUBLISH', 'sip:b@ue', 'good')).toBe(200);
    expect([...bindings.get('mcptt')!.keys()]).toEqual(['sip:b@ue']);
    expect(await send('REGISTER', 'sip:b@ue', undefined, 0)).toBe(200);
    expect(await send('PUBLISH', 'sip:b@ue')).toBe(403);
  });
  await withServer(['mcx-server.refuses-register-without-token'], async (send) => {
    expect(await send('REGISTER', 'sip:a@ue')).toBe(403);
    expect(await send('REGISTER', 'sip:a@ue', 'good')).toBe(200);
  });
  await withServer(['mcx-server.binds-on-refusal'], async (send) => {
    const bad = `x.${Buffer.from(JSON.stringify({ mcptt_id: 'sip:alice@mcx.test' })).toString('base64url')}.y`;
    expect(await send('PUBLISH', 'sip:a@ue', bad)).toBe(403);
    expect(await send('PUBLISH', 'sip:a@ue')).toBe(200);
  });
  await withServer(['mcx-server.never-binds'], async (send) => {
    expect(await send('REGISTER', 'sip:a@ue', 'good')).toBe(200);
    expect(await send('PUBLISH', 'sip:a@ue')).toBe(403);
  });
  await withServer(['mcx-server.refuses-valid-publish'], async (send) => {
    expect(await send('PUBLISH', 'sip:a@ue', 'good')).toBe(403);
    expect(await send('PUBLISH', 'sip:a@ue')).toBe(200);
  });
  await withServer(['mcx-server.keeps-old-binding'], async (send) => {
    await send('REGISTER', 'sip:a@ue', 'good');
    await send('REGISTER', 'sip:b@ue', 'good');
    expect(await send('PUBLISH', 'sip:a@ue')).toBe(200);
  });
});
