import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerTls } from '../component.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpsEndpoint {
  /** `https://127.0.0.1:<port>` */
  origin: string;
  /** Installs the request handler (the issuer URL must be known before the provider is built). */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/**
 * An HTTPS listener on 127.0.0.1 and a free port. Bounded timeouts mean a
 * client that sends half a request cannot hold the server (issue 5, item 5);
 * a handler that throws gives a 500 with OAuth error JSON, not a dead socket.
 */
export interface ListenOptions {
  /** TLS 1.2 only with a CBC (non-AEAD) suite: the `idms.tls-cbc-cipher` fault. */
  weakTls?: boolean;
  /** Prefers the profile's suites but also accepts a CBC suite when a client offers only that: `idms.tls-also-accepts-cbc`. */
  alsoCbc?: boolean;
}

/**
 * TLS 1.2 suites of the TS 33.310 Annex E profile for this ECDSA certificate: forward-secret AEAD
 * only (TLS 1.3 suites are Node's defaults, all AEAD). Node's own default list also takes CBC suites.
 */
export const PROFILE_TLS12_CIPHERS = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305';

export async function listenHttps(tls: ServerTls, options: ListenOptions = {}, host = '127.0.0.1'): Promise<HttpsEndpoint> {
  let handler: Handler = (_req, res) => sendJson(res, 503, { error: 'temporarily_unavailable', error_description: 'starting' });
  const server: Server = createServer(
    {
      cert: tls.certPem,
      key: tls.keyPem,
      minVersion: 'TLSv1.2',
      ciphers: options.alsoCbc ? `${PROFILE_TLS12_CIPHERS}:ECDHE-ECDSA-AES128-SHA` : PROFILE_TLS12_CIPHERS,
      honorCipherOrder: true,
      ...(options.weakTls ? { maxVersion: 'TLSv1.2' as const, ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA256' } : {}),
      requestTimeout: 15_000,
      headersTimeout: 10_000,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => {
      Promise.resolve()
        .then(() => handler(req, res))
        .catch(() => {
          if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'unexpected error' });
          else res.destroy();
        });
    },
  );
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://${host}:${port}`,
    handle: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

/** Reads a urlencoded form body of at most `limit` bytes; undefined when too large or not a form. */
export async function readForm(req: IncomingMessage, limit = 8 * 1024): Promise<URLSearchParams | undefined> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Koa middleware: unknown routes and methods answer with OAuth error JSON rather than Koa's plain "Not Found". */
export async function jsonNotFound(ctx: { status: number; body: unknown; method: string; path: string }, next: () => Promise<void>): Promise<void> {
  await next();
  if (ctx.status === 404 && (ctx.body === undefined || ctx.body === null)) {
    ctx.status = 404;
    ctx.body = { error: 'invalid_request', error_description: `unrecognized route or method: ${ctx.method} ${ctx.path.slice(0, 200)}` };
  }
}

/**
 * Reads a form-encoded request body outside Koa (at most 56 KiB), so a fault
 * switch can rewrite it; the caller hands the result on as `req.body`, which
 * oidc-provider accepts from upstream parsers. Undefined for other requests.
 */
export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (req.method !== 'POST' || !/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 56 * 1024) break;
    chunks.push(c as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
