import { test, expect } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { HttpClient } from './client.ts';
import { resetEndpointHealth, STALL_LIMIT } from './endpoint-health.ts';

/** Hostile answers end at the exchange deadline with a reason that says so; a stalled origin is given up on. */
let server: Server;
let base: string;
const sockets = new Set<import('node:net').Socket>();

test.beforeEach(async () => {
  resetEndpointHealth();
  server = createServer((req, res) => {
    if (req.url === '/drip') {
      // Headers at once, then one byte a second: the body never completes within the deadline.
      res.writeHead(200, { 'content-type': 'application/json' });
      const t = setInterval(() => res.write(' '), 1000);
      res.on('close', () => clearInterval(t));
    } else if (req.url === '/overstated') {
      // Content-Length promises more than is ever sent.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"a":1}');
    } else if (req.url === '/silent') {
      // Never answers.
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

test.afterEach(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  resetEndpointHealth();
});

for (const path of ['/drip', '/overstated', '/silent']) {
  test(`${path}: the whole exchange ends at its deadline, the reason names it`, async () => {
    const http = new HttpClient({ verify: true, defaultTimeoutMs: 600 });
    const started = Date.now();
    const res = await http.request({ url: `${base}${path}` });
    const took = Date.now() - started;
    await http.close();
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.timedOut).toBe(true);
      expect(res.error).toContain('no complete answer within 600 ms');
    }
    expect(took).toBeLessThan(3000);
  });
}

test(`after ${STALL_LIMIT} exchanges without an answer, the origin is not tried again until it answers`, async () => {
  const http = new HttpClient({ verify: true, defaultTimeoutMs: 300 });
  for (let i = 0; i < STALL_LIMIT; i++) expect((await http.request({ url: `${base}/silent` })).ok).toBe(false);
  const started = Date.now();
  const next = await http.request({ url: `${base}/fine` });
  expect(Date.now() - started).toBeLessThan(100);
  expect(next.ok).toBe(false);
  if (!next.ok) {
    expect(next.notAttempted).toBe(true);
    expect(next.error).toMatch(/^target stopped answering: the last 3 exchanges with http:\/\/127\.0\.0\.1:\d+ got no answer in time/);
  }
  await http.close();
});

test('an answer in between resets the count', async () => {
  const http = new HttpClient({ verify: true, defaultTimeoutMs: 300 });
  for (let i = 0; i < STALL_LIMIT - 1; i++) await http.request({ url: `${base}/silent` });
  expect((await http.request({ url: `${base}/fine` })).ok).toBe(true);
  await http.request({ url: `${base}/silent` });
  expect((await http.request({ url: `${base}/fine` })).ok).toBe(true);
  await http.close();
});
