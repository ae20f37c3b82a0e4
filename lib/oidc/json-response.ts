import type { HttpResult } from '../http/client.ts';
import { pageExcerpt } from './html-form.ts';

/**
 * A JSON object out of an HTTP response, or the exact reason there is none:
 * the endpoint was unreachable, answered a non-JSON media type (an HTML
 * error page, say) or a body that does not parse as a JSON object.
 */
export type JsonResult =
  | { ok: true; status: number; headers: Record<string, string>; value: Record<string, unknown> }
  | { ok: false; unreachable: boolean; status?: number; reason: string };

export function readJsonObject(res: HttpResult, what: string): JsonResult {
  if (!res.ok) return { ok: false, unreachable: true, reason: `${what} unreachable: ${res.error}` };
  const type = res.headers['content-type'] ?? '';
  const body = res.bodyText;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    const shown = /html/i.test(type) || /^\s*</.test(body) ? `HTML (${pageExcerpt(body, 100)})` : JSON.stringify(body.slice(0, 100));
    return { ok: false, unreachable: false, status: res.status, reason: `${what} answered ${res.status} with ${type || 'no content-type'} that is not JSON: ${shown}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, unreachable: false, status: res.status, reason: `${what} answered ${res.status} with JSON that is not an object: ${JSON.stringify(value)?.slice(0, 100)}` };
  }
  if (res.truncated) return { ok: false, unreachable: false, status: res.status, reason: `${what} answered a body larger than the limit` };
  return { ok: true, status: res.status, headers: res.headers, value: value as Record<string, unknown> };
}
