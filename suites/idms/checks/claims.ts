/** Small claim readers shared by the token checks. */
export function isNumericDate(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

export function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

/** The scope claim as a list, or why it is not a space-separated string (B.2.2.2). */
export function scopeList(scope: unknown): { ok: true; scopes: string[] } | { ok: false; reason: string } {
  if (scope === undefined) return { ok: false, reason: 'missing' };
  if (typeof scope !== 'string') return { ok: false, reason: `not a string but ${Array.isArray(scope) ? 'an array' : typeof scope}` };
  return { ok: true, scopes: scope.split(' ').filter(Boolean) };
}

export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
