/**
 * Content-Type values (RFC 2045 5.1 / RFC 3261 20.15): type/subtype and
 * parameters, quoted strings unquoted. Lenient on purpose: callers report
 * what they need (a missing boundary, say) as their own deviation.
 */
export interface MediaType {
  type: string;
  subtype: string;
  params: Record<string, string>;
}

export function parseMediaType(value: string): MediaType | undefined {
  const m = /^\s*([A-Za-z0-9!#$&^_.+-]+)\/([A-Za-z0-9!#$&^_.+-]+)\s*(.*)$/s.exec(value);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /;\s*([A-Za-z0-9!#$&^_.+-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)\s*/gy;
  const rest = m[3];
  let at = 0;
  while (at < rest.length) {
    re.lastIndex = at;
    const p = re.exec(rest);
    if (!p) return undefined;
    const raw = p[2];
    params[p[1].toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    at = re.lastIndex;
  }
  return { type: m[1].toLowerCase(), subtype: m[2].toLowerCase(), params };
}

export function essence(mt: MediaType | undefined): string {
  return mt ? `${mt.type}/${mt.subtype}` : '';
}
