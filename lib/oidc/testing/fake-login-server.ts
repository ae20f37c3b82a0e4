import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/**
 * A tiny authorization endpoint with a login form, for the login drivers'
 * own tests: login form -> optional consent -> 302 to the redirect URI with
 * code and state; a session cookie gives SSO on the next request.
 */
export interface FakeLoginServer {
  url: string;
  codes: string[];
  stop(): Promise<void>;
}

export async function startFakeLoginServer(options: { username: string; password: string; consent?: boolean }): Promise<FakeLoginServer> {
  const sessions = new Set<string>();
  const pending = new Map<string, URLSearchParams>();
  const codes: string[] = [];
  const finish = (params: URLSearchParams) => {
    const code = randomBytes(8).toString('hex');
    codes.push(code);
    const loc = new URL(params.get('redirect_uri')!);
    loc.searchParams.set('code', code);
    loc.searchParams.set('state', params.get('state') ?? '');
    return loc.toString();
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const cookie = /sid=([a-f0-9]+)/.exec(req.headers.cookie ?? '')?.[1];
    const body = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : new URLSearchParams();
    const form = (rid: string, error = '') =>
      `<!doctype html><html><head><title>Sign in</title></head><body>${error ? `<p class="err">${error}</p>` : ''}<form method="post" action="/login"><input type="hidden" name="rid" value="${rid}"><input type="text" name="user"><input type="password" name="pass"><button type="submit">Sign in</button></form></body></html>`;
    if (url.pathname === '/authorize') {
      if (!url.searchParams.get('redirect_uri')?.startsWith('mcx-test:') && !url.searchParams.get('redirect_uri')?.startsWith('http')) {
        res.writeHead(400, { 'content-type': 'text/html' }).end('<html><title>Error</title><body>invalid redirect_uri</body></html>');
        return;
      }
      if (cookie && sessions.has(cookie)) {
        res.writeHead(302, { location: finish(url.searchParams) }).end();
        return;
      }
      const rid = randomBytes(6).toString('hex');
      pending.set(rid, url.searchParams);
      res.writeHead(302, { location: `/login?rid=${rid}` }).end();
    } else if (url.pathname === '/login' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(form(url.searchParams.get('rid') ?? ''));
    } else if (url.pathname === '/login') {
      const rid = body.get('rid') ?? '';
      if (body.get('user') !== options.username || body.get('pass') !== options.password) {
        res.writeHead(200, { 'content-type': 'text/html' }).end(form(rid, 'wrong username or password'));
        return;
      }
      const sid = randomBytes(8).toString('hex');
      sessions.add(sid);
      const cookieHeader = `sid=${sid}; Path=/; HttpOnly; Expires=Wed, 21 Oct 2099 07:28:00 GMT`;
      if (options.consent) {
        res.writeHead(303, { location: `/consent?rid=${rid}`, 'set-cookie': cookieHeader }).end();
        return;
      }
      res.writeHead(303, { location: finish(pending.get(rid)!), 'set-cookie': cookieHeader }).end();
    } else if (url.pathname === '/consent' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><title>Consent</title><body><form method="post" action="/consent"><input type="hidden" name="rid" value="${url.searchParams.get('rid')}"><button type="submit" name="decision" value="allow">Allow</button></form></body></html>`);
    } else if (url.pathname === '/consent') {
      res.writeHead(303, { location: finish(pending.get(body.get('rid') ?? '')!) }).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    codes,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
  });
}
