import { Agent, request as undiciRequest } from 'undici';
import { recordAnswer, recordTimeout, stoppedReason } from './endpoint-health.ts';
import { invalidUtf8Offset } from './json.ts';

/**
 * The suite's HTTP client: undici with the target's TLS settings, bounded in
 * time and size, and never throwing for what the target does. A target that
 * does not answer gives `{ ok: false, error }`, which suites turn into an
 * INCONCLUSIVE verdict with that reason.
 */
export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  /** Raw body; or use form / json. */
  body?: string | Uint8Array;
  form?: Record<string, string | undefined>;
  json?: unknown;
  timeoutMs?: number;
  maxBodyBytes?: number;
}

export interface HttpResponse {
  ok: true;
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  /** The body was cut at maxBodyBytes. */
  truncated: boolean;
  /** The body-size limit the body was read under (bytes). */
  maxBodyBytes?: number;
  /** Offset of the first byte of the body that is not valid UTF-8 (bodyText has U+FFFD there); absent when the body is valid UTF-8. */
  invalidUtf8At?: number;
  durationMs: number;
}

export interface HttpFailure {
  ok: false;
  error: string;
  durationMs: number;
  /** No answer in time (as opposed to a refused connection or a TLS failure). */
  timedOut?: boolean;
  /** Not attempted: the origin stopped answering earlier in the run (endpoint-health.ts). */
  notAttempted?: boolean;
}

export type HttpResult = HttpResponse | HttpFailure;

export interface HttpClientOptions {
  caPem?: string;
  verify: boolean;
  defaultTimeoutMs?: number;
  defaultMaxBodyBytes?: number;
  /** Called with every exchange, for evidence. */
  onExchange?: (req: HttpRequest & { rawBody?: string }, res: HttpResult) => void;
}

export class HttpClient {
  private readonly agent: Agent;

  constructor(private readonly options: HttpClientOptions) {
    this.agent = new Agent({
      connect: {
        ca: options.caPem,
        rejectUnauthorized: options.verify,
      },
      connectTimeout: options.defaultTimeoutMs ?? 10_000,
    });
  }

  async request(req: HttpRequest): Promise<HttpResult> {
    const started = Date.now();
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    let body: string | Uint8Array | undefined = req.body;
    if (req.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(req.form)) if (v !== undefined) params.set(k, v);
      body = params.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    }
    const method = req.method ?? (body === undefined ? 'GET' : 'POST');
    const timeout = req.timeoutMs ?? this.options.defaultTimeoutMs ?? 10_000;
    const maxBody = req.maxBodyBytes ?? this.options.defaultMaxBodyBytes ?? 2 * 1024 * 1024;
    let result: HttpResult;
    const stopped = stoppedReason(req.url);
    if (stopped) {
      result = { ok: false, error: stopped, durationMs: 0, timedOut: true, notAttempted: true };
      this.options.onExchange?.({ ...req, method, headers, rawBody: typeof body === 'string' ? body : undefined }, result);
      return result;
    }
    // One deadline for the whole exchange, body included: a target that drips bytes or overstates
    // Content-Length is cut at the deadline like one that never answers.
    const deadline = AbortSignal.timeout(timeout);
    try {
      const res = await undiciRequest(req.url, {
        method,
        headers,
        body,
        dispatcher: this.agent,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: deadline,
      });
      const { text, truncated, invalidUtf8At } = await readBounded(res.body, maxBody, deadline);
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
      result = { ok: true, status: res.statusCode, headers: flat, bodyText: text, truncated, maxBodyBytes: maxBody, ...(invalidUtf8At !== undefined ? { invalidUtf8At } : {}), durationMs: Date.now() - started };
      recordAnswer(req.url);
    } catch (err) {
      const timedOut = deadline.aborted || isTimeout(err);
      const error = timedOut ? `no complete answer within ${timeout} ms (${describeError(err)})` : describeError(err);
      result = { ok: false, error, durationMs: Date.now() - started, ...(timedOut ? { timedOut } : {}) };
      if (timedOut) recordTimeout(req.url, error);
    }
    this.options.onExchange?.({ ...req, method, headers, rawBody: typeof body === 'string' ? body : undefined }, result);
    return result;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

type BodyRead = { text: string; truncated: boolean; invalidUtf8At?: number };

async function readBounded(body: AsyncIterable<Uint8Array> & { destroy?: (err?: Error) => void }, max: number, deadline: AbortSignal): Promise<BodyRead> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const onAbort = () => body.destroy?.(new Error('the exchange deadline passed while the body was still arriving'));
  deadline.addEventListener('abort', onAbort, { once: true });
  try {
    return await readChunks(body, max, chunks, size);
  } finally {
    deadline.removeEventListener('abort', onAbort);
  }
}

async function readChunks(body: AsyncIterable<Uint8Array> & { destroy?: (err?: Error) => void }, max: number, chunks: Uint8Array[], size: number): Promise<BodyRead> {
  for await (const chunk of body) {
    if (size + chunk.length > max) {
      chunks.push(chunk.subarray(0, max - size));
      body.destroy?.();
      return decodeBody(Buffer.concat(chunks), true);
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return decodeBody(Buffer.concat(chunks), false);
}

/** UTF-8 decoding that remembers where the body was not UTF-8 (a cut body may end mid-character; that is not counted). */
function decodeBody(bytes: Buffer, truncated: boolean): BodyRead {
  const at = invalidUtf8Offset(bytes);
  const counted = at >= 0 && !(truncated && at >= bytes.length - 3);
  return { text: bytes.toString('utf8'), truncated, ...(counted ? { invalidUtf8At: at } : {}) };
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  return e?.name === 'TimeoutError' || TIMEOUT_CODES.has(e?.code ?? '') || TIMEOUT_CODES.has(e?.cause?.code ?? '') || e?.cause?.name === 'TimeoutError';
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const code = (err as { code?: string }).code ?? cause?.code;
    const msg = cause?.message && cause.message !== err.message ? `${err.message}: ${cause.message}` : err.message;
    return code ? `${code}: ${msg}` : msg;
  }
  return String(err);
}
