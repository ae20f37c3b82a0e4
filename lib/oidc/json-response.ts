import type { HttpResult } from '../http/client.ts';
import { describeBytes, readJson, type JsonLimits } from '../http/json.ts';
import { pageExcerpt } from './html-form.ts';

/**
 * A JSON object out of an HTTP response, or the exact reason there is none:
 * the endpoint was unreachable, answered a body over the size limit, a body
 * nested deeper or with more members than the bounded reader takes
 * (lib/http/json.ts), a non-JSON media type (an HTML error page, say) or a
 * body that does not parse as a JSON object. A usable object carries what
 * the media-type, UTF-8 and duplicate-name checks grade: the Content-Type,
 * the duplicate member names and where the body stopped being UTF-8.
 */
export type JsonResult =
  | { ok: true; status: number; headers: Record<string, string>; value: Record<string, unknown>; contentType: string; duplicates: string[]; invalidUtf8At?: number }
  | { ok: false; unreachable: boolean; status?: number; reason: string };

export function readJsonObject(res: HttpResult, what: string, limits: Partial<JsonLimits> = {}): JsonResult {
  if (!res.ok) return { ok: false, unreachable: true, reason: `${what} unreachable: ${res.error}` };
  const type = res.headers['content-type'] ?? '';
  const body = res.bodyText;
  if (res.truncated) {
    const limit = res.maxBodyBytes !== undefined ? `the ${describeBytes(res.maxBodyBytes)} limit` : 'the size limit';
    return { ok: false, unreachable: false, status: res.status, reason: `${what} answered ${res.status} with a body that exceeds ${limit} (read stopped there)` };
  }
  const read = readJson(body, what, { maxBytes: Number.MAX_SAFE_INTEGER, ...limits });
  if (!read.ok) {
    if (read.limit) return { ok: false, unreachable: false, status: res.status, reason: `${what} answered ${res.status}: ${read.reason.replace(`${what} `, 'the document ')}` };
    const shown = /html/i.test(type) || /^\s*</.test(body) ? `HTML (${pageExcerpt(body, 100)})` : JSON.stringify(body.slice(0, 100));
    return { ok: false, unreachable: false, status: res.status, reason: `${what} answered ${res.status} with ${type || 'no content-type'} that is not JSON: ${shown}` };
  }
  const value = read.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, unreachable: false, status: res.status, reason: `${what} answered ${res.status} with JSON that is not an object: ${JSON.stringify(value)?.slice(0, 100)}` };
  }
  return {
    ok: true,
    status: res.status,
    headers: res.headers,
    value: value as Record<string, unknown>,
    contentType: type,
    duplicates: read.duplicates,
    ...(res.invalidUtf8At !== undefined ? { invalidUtf8At: res.invalidUtf8At } : {}),
  };
}

/** The media type of a Content-Type value, lower case, without parameters ('' when absent). */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}
