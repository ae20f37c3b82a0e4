/**
 * A minimal cookie jar for driving a login form with plain HTTP: enough to
 * keep an IdMS's session and interaction cookies across redirects. Scoped by
 * host; Path, Domain and expiry attributes are honoured coarsely.
 */
interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expiresAt?: number;
}

export class CookieJar {
  private cookies: StoredCookie[] = [];

  /** Stores the cookies of a Set-Cookie header (several may be joined by ", "). */
  store(url: string, setCookieHeader: string | undefined): void {
    if (!setCookieHeader) return;
    const host = new URL(url).hostname;
    for (const raw of splitSetCookie(setCookieHeader)) {
      const [pair, ...attrs] = raw.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie: StoredCookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), host, path: '/' };
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        const key = k.trim().toLowerCase();
        if (key === 'path') cookie.path = v.trim() || '/';
        else if (key === 'max-age') cookie.expiresAt = Date.now() + Number(v) * 1000;
        else if (key === 'expires' && cookie.expiresAt === undefined) {
          const t = Date.parse(v);
          if (!Number.isNaN(t)) cookie.expiresAt = t;
        }
      }
      this.cookies = this.cookies.filter((c) => !(c.name === cookie.name && c.host === cookie.host && c.path === cookie.path));
      if (cookie.expiresAt === undefined || cookie.expiresAt > Date.now()) this.cookies.push(cookie);
    }
  }

  /** The Cookie header for a request to url, or undefined. */
  header(url: string): string | undefined {
    const u = new URL(url);
    const now = Date.now();
    const matching = this.cookies.filter((c) => c.host === u.hostname && u.pathname.startsWith(c.path) && (c.expiresAt === undefined || c.expiresAt > now));
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  clear(): void {
    this.cookies = [];
  }
}

/** Splits a comma-joined Set-Cookie header without breaking `Expires=Wed, 21 Oct ...`. */
export function splitSetCookie(header: string): string[] {
  return header.split(/,(?=\s*[^;,=\s]+=[^;,]*)/).map((s) => s.trim()).filter(Boolean);
}
