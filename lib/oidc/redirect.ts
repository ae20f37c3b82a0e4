/**
 * Reading an authentication response off a redirect (B.4.2.3): whether a
 * location points at the client's redirect URI, and the parameters it
 * carries in its query and (wrongly, for the code flow) its fragment.
 */
export interface RedirectParams {
  location: string;
  query: Record<string, string>;
  fragment: Record<string, string>;
}

/** True when `location` is the redirect URI (same scheme, authority and path; query may be added). */
export function isRedirectTo(location: string, redirectUri: string): boolean {
  try {
    const a = new URL(location);
    const b = new URL(redirectUri);
    return a.protocol === b.protocol && a.host === b.host && stripSlash(a.pathname) === stripSlash(b.pathname);
  } catch {
    return location.startsWith(redirectUri);
  }
}

export function parseRedirect(location: string): RedirectParams {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return { location, query: {}, fragment: {} };
  }
  const query = Object.fromEntries(url.searchParams.entries());
  const fragment = url.hash.length > 1 ? Object.fromEntries(new URLSearchParams(url.hash.slice(1)).entries()) : {};
  return { location, query, fragment };
}

function stripSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}
