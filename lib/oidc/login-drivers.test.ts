import { test, expect } from '@playwright/test';
import { existsSync } from 'node:fs';
import { HttpClient } from '../http/client.ts';
import { FormLoginDriver } from './form-login.ts';
import { BrowserLoginDriver, CHROMIUM_PATH } from './browser-login.ts';
import { buildAuthorizationRequest } from './authorization-request.ts';
import { codeOf, type LoginDriver } from './login-driver.ts';
import { startFakeLoginServer, type FakeLoginServer } from './testing/fake-login-server.ts';

const credentials = { username: 'alice', password: 'correct horse' };

function request(server: FakeLoginServer, redirectUri: string) {
  return buildAuthorizationRequest({ authorizationEndpoint: `${server.url}/authorize`, clientId: 'c1', redirectUri, scope: ['openid'] });
}

async function exercise(driver: LoginDriver, server: FakeLoginServer, redirectUri: string) {
  const wrong = await driver.authorize(request(server, redirectUri).url, { redirectUri, credentials: { ...credentials, password: 'nope' } });
  expect(wrong.kind).toBe('login-rejected');

  const req = request(server, redirectUri);
  const ok = await driver.authorize(req.url, { redirectUri, credentials });
  expect(ok.kind, JSON.stringify(ok)).toBe('redirect');
  if (ok.kind !== 'redirect') return;
  expect(ok.loginShown).toBe(true);
  expect(ok.redirect.query.state).toBe(req.state);
  expect(codeOf(ok).code).toBe(server.codes.at(-1));

  // The IdMS session is kept: no login form the second time.
  const again = await driver.authorize(request(server, redirectUri).url, { redirectUri });
  expect(again.kind).toBe('redirect');
  if (again.kind === 'redirect') expect(again.loginShown).toBe(false);

  await driver.resetSession();
  const afterReset = await driver.authorize(request(server, redirectUri).url, { redirectUri });
  expect(afterReset.kind).toBe('stuck');
}

test.describe('login drivers against a fake login page', () => {
  let server: FakeLoginServer;
  let consentServer: FakeLoginServer;
  test.beforeAll(async () => {
    server = await startFakeLoginServer(credentials);
    consentServer = await startFakeLoginServer({ ...credentials, consent: true });
  });
  test.afterAll(async () => {
    await server.stop();
    await consentServer.stop();
  });

  test('form posts: login, wrong password, SSO session, reset', async () => {
    const http = new HttpClient({ verify: true });
    const driver = new FormLoginDriver(http);
    await exercise(driver, server, 'http://127.0.0.1:1/cb');
    await http.close();
  });

  test('form posts: consent page is submitted once', async () => {
    const http = new HttpClient({ verify: true });
    const driver = new FormLoginDriver(http);
    const out = await driver.authorize(request(consentServer, 'http://127.0.0.1:1/cb').url, { redirectUri: 'http://127.0.0.1:1/cb', credentials });
    expect(out.kind).toBe('redirect');
    if (out.kind === 'redirect') expect(out.consentShown).toBe(true);
    await http.close();
  });

  test('form posts: an error page and an unreachable IdMS are reported, not thrown', async () => {
    const http = new HttpClient({ verify: true, defaultTimeoutMs: 2000 });
    const driver = new FormLoginDriver(http);
    const bad = await driver.authorize(request(server, 'ftp://x/cb').url, { redirectUri: 'ftp://x/cb', credentials });
    expect(bad).toMatchObject({ kind: 'error', status: 400 });
    const down = await driver.authorize('http://127.0.0.1:9/authorize', { redirectUri: 'http://x/cb', credentials });
    expect(down.kind).toBe('unreachable');
    await http.close();
  });

  test('browser: login, wrong password, SSO session, custom-scheme redirect URI', async () => {
    test.skip(!existsSync(CHROMIUM_PATH), `no Chromium at ${CHROMIUM_PATH}`);
    test.setTimeout(60_000);
    const driver = await BrowserLoginDriver.launch();
    try {
      await exercise(driver, server, 'mcx-test://client/cb');
      const c = await driver.authorize(request(consentServer, 'http://127.0.0.1:1/cb').url, { redirectUri: 'http://127.0.0.1:1/cb', credentials });
      expect(c.kind, JSON.stringify(c)).toBe('redirect');
      if (c.kind === 'redirect') expect(c.consentShown).toBe(true);
    } finally {
      await driver.close();
    }
  });
});
