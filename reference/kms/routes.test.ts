import { test, expect } from '@playwright/test';
import { parseRoute } from './routes.ts';

const base = '/keymanagement/identity/v1';

test('D.2.3-D.2.8 resource paths parse to their request kinds', () => {
  expect(parseRoute(`${base}/init`)).toEqual({ ok: true, route: { kind: 'init' } });
  expect(parseRoute(`${base}/keyprov`)).toEqual({ ok: true, route: { kind: 'keyprov' } });
  expect(parseRoute(`${base}/certcache`)).toEqual({ ok: true, route: { kind: 'certcache' } });
  expect(parseRoute(`${base}/certcache/12345`)).toEqual({ ok: true, route: { kind: 'certcache', cacheNum: 12345 } });
  expect(parseRoute(`${base}/cert/kms.example.org`)).toEqual({ ok: true, route: { kind: 'cert', kmsUri: 'kms.example.org' } });
  expect(parseRoute(`${base}/lookup/user%40example.org`)).toEqual({ ok: true, route: { kind: 'lookup', uri: 'user@example.org' } });
  expect(parseRoute(`${base}/redirect/user%40example.org`)).toEqual({ ok: true, route: { kind: 'redirect', uri: 'user@example.org' } });
});

test('D.2.4 keyprov with a named identity and the clause example NTP time', () => {
  expect(parseRoute(`${base}/keyprov/sip%3Auser%40example.org`)).toEqual({ ok: true, route: { kind: 'keyprov', identity: 'sip:user@example.org' } });
  const r = parseRoute(`${base}/keyprov/sip%3Auser%40example.org/D6B4323200000000`);
  // 0xD6B43232 NTP seconds = 2014-02-23T08:39:14Z, the D.2.4 example.
  expect(r).toEqual({ ok: true, route: { kind: 'keyprov', identity: 'sip:user@example.org', ntpSeconds: 0xd6b43232 } });
});

test('unknown resources are 404, malformed sub-paths 400', () => {
  expect(parseRoute('/other')).toMatchObject({ ok: false, status: 404 });
  expect(parseRoute(`${base}/nothing`)).toMatchObject({ ok: false, status: 404 });
  expect(parseRoute(`${base}/init/extra`)).toMatchObject({ ok: false, status: 404 });
  expect(parseRoute(`${base}/certcache/abc`)).toMatchObject({ ok: false, status: 400 });
  expect(parseRoute(`${base}/keyprov/sip%3Au%40x/nothex`)).toMatchObject({ ok: false, status: 400 });
  expect(parseRoute(`${base}/cert`)).toMatchObject({ ok: false, status: 400 });
  expect(parseRoute(`${base}/lookup/%E0%A4%A`)).toMatchObject({ ok: false, status: 400 });
});
