/**
 * Removes secrets from anything that goes into a report. Secrets are known
 * values (passwords, client secrets, TrK/InK, key material the suite was given
 * or received) plus shapes that are always secret (bearer tokens, JWTs).
 */
const JWT_SHAPE = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Register a secret value; its hex/base64 spellings are covered by the caller adding them. */
  add(secret: string | undefined | null): void {
    if (typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH) this.secrets.add(secret);
  }

  redactText(text: string): string {
    let out = text.replace(JWT_SHAPE, (jwt) => `<redacted jwt ${jwt.length} chars>`);
    // Longest first, so a secret containing another is removed whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join('<redacted>');
      const lower = secret.toLowerCase();
      if (lower !== secret && out.includes(lower)) out = out.split(lower).join('<redacted>');
    }
    return out;
  }

  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redactText(value) as T;
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Uint8Array) return `<${value.length} bytes>` as T;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v)) as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.redactValue(v);
    return out as T;
  }
}
