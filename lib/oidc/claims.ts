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

/** Clock skew the profile allows (B.2.1.2, B.2.2.2, B.8). */
export const MAX_SKEW_S = 30;

/** The MC services, the scope prefix that grants each, and its ID claim (B.2.1.3, B.2.2.3). */
export const SERVICES = [
  { key: 'mcptt', name: 'MCPTT', scopePart: 'ptt', claim: 'mcptt_id', userField: 'mcpttId' },
  { key: 'mcvideo', name: 'MCVideo', scopePart: 'video', claim: 'mcvideo_id', userField: 'mcvideoId' },
  { key: 'mcdata', name: 'MCData', scopePart: 'data', claim: 'mcdata_id', userField: 'mcdataId' },
] as const;

export type Service = (typeof SERVICES)[number];
export type ServiceKey = Service['key'];

export function serviceOf(key: ServiceKey): Service {
  return SERVICES.find((s) => s.key === key)!;
}

/** A service counts as granted when any of its `3gpp:mc:<part>_*` scopes is. */
export function serviceGranted(service: Service, scopes: readonly string[]): boolean {
  return scopes.some((s) => s.startsWith(`3gpp:mc:${service.scopePart}_`));
}
