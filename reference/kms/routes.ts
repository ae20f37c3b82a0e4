import { KMS_BASE_PATH } from './config.ts';
import { ntpFromBytes } from '../../lib/crypto/ntp.ts';
import { fromHex } from '../../lib/crypto/bytes.ts';

/** The KMS resources of Annex D.2, parsed from a request path. */
export type KmsRoute =
  | { kind: 'init' }
  /** D.2.4: optionally a named user or group URI, then optionally an NTP-UTC 64-bit time. */
  | { kind: 'keyprov'; identity?: string; ntpSeconds?: number }
  /** D.2.5: optionally the number of the client's latest cache. */
  | { kind: 'certcache'; cacheNum?: number }
  /** D.2.6: the KMS URI of an external KMS. */
  | { kind: 'cert'; kmsUri: string }
  /** D.2.7: the SIP URI to look up. */
  | { kind: 'lookup'; uri: string }
  /** D.2.8: the SIP URI of the entity that gave the KRR(s). */
  | { kind: 'redirect'; uri: string };

export type RouteResult = { ok: true; route: KmsRoute } | { ok: false; status: 400 | 404; reason: string };

export function parseRoute(pathname: string): RouteResult {
  if (!pathname.startsWith(`${KMS_BASE_PATH}/`)) return notFound(`no KMS resource at ${truncate(pathname)}`);
  const raw = pathname.slice(KMS_BASE_PATH.length + 1).split('/');
  if (raw.length > 0 && raw[raw.length - 1] === '' && raw.length > 1) raw.pop();
  const segments: string[] = [];
  for (const s of raw) {
    try {
      segments.push(decodeURIComponent(s));
    } catch {
      return { ok: false, status: 400, reason: 'a path segment is not valid percent-encoding' };
    }
  }
  const [name, ...rest] = segments;
  switch (name) {
    case 'init':
      return rest.length === 0 ? ok({ kind: 'init' }) : notFound('init takes no sub-path (D.2.3)');
    case 'keyprov':
      return parseKeyprov(rest);
    case 'certcache': {
      if (rest.length === 0) return ok({ kind: 'certcache' });
      if (rest.length === 1 && /^\d{1,9}$/.test(rest[0])) return ok({ kind: 'certcache', cacheNum: Number(rest[0]) });
      return { ok: false, status: 400, reason: 'certcache takes one optional cache number (D.2.5)' };
    }
    case 'cert':
      return rest.length === 1 && rest[0] ? ok({ kind: 'cert', kmsUri: rest[0] }) : { ok: false, status: 400, reason: 'cert needs one KMS URI (D.2.6)' };
    case 'lookup':
      return rest.length === 1 && rest[0] ? ok({ kind: 'lookup', uri: rest[0] }) : { ok: false, status: 400, reason: 'lookup needs one SIP URI (D.2.7)' };
    case 'redirect':
      return rest.length === 1 && rest[0] ? ok({ kind: 'redirect', uri: rest[0] }) : { ok: false, status: 400, reason: 'redirect needs one SIP URI (D.2.8)' };
    default:
      return notFound(`no KMS resource '${truncate(name ?? '')}' under ${KMS_BASE_PATH}`);
  }
}

function parseKeyprov(rest: string[]): RouteResult {
  if (rest.length === 0) return ok({ kind: 'keyprov' });
  if (rest.length > 2 || !rest[0]) return { ok: false, status: 400, reason: 'keyprov takes an identity URI and optionally an NTP time (D.2.4)' };
  if (rest.length === 1) return ok({ kind: 'keyprov', identity: rest[0] });
  const bytes = /^[0-9A-Fa-f]{16}$/.test(rest[1]) ? fromHex(rest[1]) : undefined;
  const ntp = bytes && ntpFromBytes(bytes);
  if (!ntp) return { ok: false, status: 400, reason: 'the keyprov time must be a 64-bit NTP-UTC timestamp in 16 hex digits (D.2.4)' };
  return ok({ kind: 'keyprov', identity: rest[0], ntpSeconds: ntp.seconds });
}

function ok(route: KmsRoute): RouteResult {
  return { ok: true, route };
}

function notFound(reason: string): RouteResult {
  return { ok: false, status: 404, reason };
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}
