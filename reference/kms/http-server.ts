import { createServer as createHttpsServer } from 'node:https';
import { STATUS_CODES, createServer as createPlainServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerTls } from '../component.ts';
import { MAX_BODY_BYTES, REQUEST_TIMEOUT_MS } from './config.ts';
import { PROFILE_TLS12_CIPHERS } from '../idms/https-server.ts';

/**
 * The HTTPS layer of the KMS: reads a bounded body, hands a plain request
 * to the handler and writes its answer. Whatever a client sends (huge or
 * slow bodies, aborted connections) ends in an HTTP answer or a closed
 * socket, never in an exception that stops the server.
 */
export interface KmsHttpRequest {
  method: string;
  /** Path and query as received. */
  rawPath: string;
  /** https://<Host header><path>, the URL the client posted to. */
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface KmsHttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type KmsHttpHandler = (req: KmsHttpRequest) => Promise<KmsHttpResponse>;

/** What the handler answers when the HTTP layer refuses a request before it (size, timeout). */
export type EarlyRefusal = (status: number, reason: string) => KmsHttpResponse;

export interface RunningHttpServer {
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** `tls` undefined serves plain HTTP (only for the kms.plain-http fault switch). */
export async function startHttpServer(host: string, tls: ServerTls | undefined, handle: KmsHttpHandler, refuse: EarlyRefusal, options: { alsoCbc?: boolean } = {}): Promise<RunningHttpServer> {
  // The TS 33.310 Annex E profile (6.1.2, D.1): TLS 1.2 with forward-secret AEAD suites, or TLS 1.3;
  // `alsoCbc` (the kms.tls-also-accepts-cbc fault) also completes a TLS 1.2 handshake offering only a CBC suite.
  const server: Server = tls
    ? createHttpsServer({
        cert: tls.certPem,
        key: tls.keyPem,
        minVersion: 'TLSv1.2',
        ciphers: options.alsoCbc ? `${PROFILE_TLS12_CIPHERS}:ECDHE-ECDSA-AES128-SHA` : PROFILE_TLS12_CIPHERS,
        honorCipherOrder: true,
      })
    : createPlainServer();
  const scheme = tls ? 'https' : 'http';
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = 2_000;
  server.maxHeadersCount = 64;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res, scheme, handle, refuse).catch(() => {
      if (!res.headersSent) write(res, refuse(500, 'internal error'));
      else res.destroy();
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const answer = refuse(status, `the HTTP request could not be read (${err.code ?? 'parse error'})`);
    const body = answer.body ?? '';
    const type = answer.headers?.['content-type'] ?? 'application/xml';
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, scheme: string, handle: KmsHttpHandler, refuse: EarlyRefusal): Promise<void> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    write(res, refuse(413, `request body of ${declared} octets is over the ${MAX_BODY_BYTES}-octet limit`), true);
    res.on('finish', () => req.destroy());
    return;
  }
  const body = await readBody(req);
  if (!body) {
    write(res, refuse(413, `request body is over the ${MAX_BODY_BYTES}-octet limit`), true);
    res.on('finish', () => req.destroy());
    return;
  }
  const rawPath = req.url ?? '/';
  const host = typeof req.headers.host === 'string' && /^[A-Za-z0-9.:[\]-]{1,255}$/.test(req.headers.host) ? req.headers.host : 'invalid-host';
  const answer = await handle({ method: req.method ?? 'GET', rawPath, url: `${scheme}://${host}${rawPath}`, headers: req.headers, body });
  write(res, answer);
}

/** The body, or undefined once it exceeds the limit (the rest is drained and dropped). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', () => resolve(undefined));
    req.on('close', () => resolve(over ? undefined : Buffer.concat(chunks)));
  });
}

function write(res: ServerResponse, answer: KmsHttpResponse, close = false): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...(answer.headers ?? {}) };
  if (close) headers.connection = 'close';
  if (answer.body !== undefined) headers['content-length'] = String(Buffer.byteLength(answer.body));
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}
