import { appendFileSync } from 'node:fs';
import { replaceSecrets } from './secret-text.ts';

/**
 * Removes secrets from anything that goes into a report. Secrets are known
 * values (passwords, client secrets, TrK/InK, key material the suite was given
 * or received) plus shapes that are always secret: JWTs, OAuth credentials
 * in JSON, form and query encodings (access/refresh/ID tokens, codes,
 * client secrets, passwords, assertions, code verifiers), credentials in
 * Authorization and Cookie headers, and values under secret-named keys.
 */
const JWT_SHAPE = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** Parameter and member names whose values are always credentials. */
const SECRET_PARAMS = ['access_token', 'refresh_token', 'id_token', 'code', 'client_secret', 'password', 'assertion', 'subject_token', 'actor_token', 'code_verifier', 'client_assertion'];
const SECRET_PARAM_ALT = SECRET_PARAMS.join('|');
/** `"refresh_token": "value"` (also inside escaped JSON: `\"code\":\"value\"`). */
const JSON_MEMBER = new RegExp(`(\\\\?"(?:${SECRET_PARAM_ALT})\\\\?"\\s*:\\s*\\\\?")([^"\\\\]+)(\\\\?")`, 'g');
/** `code=value` in a query string or form body. */
const FORM_PARAM = new RegExp(`((?:^|[?&\\s])(?:${SECRET_PARAM_ALT})=)([^&\\s"'#]+)`, 'g');
/** Object keys whose string values are secret wherever they appear. */
const SECRET_KEYS = new RegExp(`^(?:${SECRET_PARAM_ALT}|clientSecret|keyHex|trk|ink|rsk|ssk|secret|privateKey|private_key)$`, 'i');
/** Headers carrying credentials: keep the scheme, drop the rest. */
const CREDENTIAL_HEADERS = /^(?:authorization|proxy-authorization|cookie|set-cookie)$/i;

/**
 * SIP messages are recorded as their text (lib/harness/sip-evidence.ts), so
 * their credentials are found by shape in text: an Authorization or
 * Proxy-Authorization header line (RFC 3261 20.7 / 20.28; only unfolded
 * lines: a credential folded over several lines is not recognised), and the
 * content of an mcptt/mcdata/mcvideo access-token element (TS 24.379
 * mcptt-info, carried in SIP bodies under TS 33.180 5.1.3.2).
 */
const SIP_CREDENTIAL_LINE = /(^|\n)((?:authorization|proxy-authorization)[ \t]*:[ \t]*)([^\r\n]*)/gi;
const MC_ACCESS_TOKEN = /(<(mc(?:ptt|data|video))-access-token\b[^>]*>)([\s\S]*?)(<\/\2-access-token>)/gi;
/** Digest parameters a certifier needs to follow a challenge; every other value (response, cnonce, auts) is redacted. */
const DIGEST_KEPT = /^(?:username|realm|nonce|uri|algorithm|qop|nc|opaque)$/i;

/** How deep redactValue descends; deeper values become a marker. */
export const REDACT_MAX_DEPTH = 100;

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Register a secret value; its hex/base64 spellings are covered by the caller adding them. */
  add(secret: string | undefined | null): void {
    // Any length: short secrets are replaced only as whole values (secret-text.ts).
    if (typeof secret === 'string' && secret.length > 0 && !this.secrets.has(secret)) {
      this.secrets.add(secret);
      // The runner collects every registered secret (MCX_SECRET_LOG, a private file of the run) to scrub
      // the reports after the run, and the redaction test scans the reports for them.
      if (process.env.MCX_SECRET_LOG) appendFileSync(process.env.MCX_SECRET_LOG, JSON.stringify(secret) + '\n', { mode: 0o600 });
    }
  }

  redactText(text: string): string {
    let out = text
      .replace(JWT_SHAPE, (jwt) => `<redacted jwt ${jwt.length} chars>`)
      .replace(JSON_MEMBER, (_m, pre: string, value: string, post: string) => (value.startsWith('<redacted') ? `${pre}${value}${post}` : `${pre}<redacted>${post}`))
      .replace(FORM_PARAM, (_m, pre: string, value: string) => (value.startsWith('<redacted') || value.startsWith('%3Credacted') ? `${pre}${value}` : `${pre}<redacted>`))
      .replace(SIP_CREDENTIAL_LINE, (_m, start: string, name: string, value: string) => `${start}${name}${redactSipCredentials(value)}`)
      .replace(MC_ACCESS_TOKEN, (_m, open: string, _svc: string, inner: string, close: string) => `${open}${redactElementText(inner)}${close}`);
    const spellings = [...this.secrets].flatMap((s) => (s.toLowerCase() === s ? [s] : [s, s.toLowerCase()]));
    return replaceSecrets(out, spellings, '<redacted>');
  }

  /**
   * Depth-bounded: a value nested deeper than REDACT_MAX_DEPTH levels (only a
   * hostile target's document is) is replaced below that depth by a marker,
   * so recording evidence can never blow the stack.
   */
  redactValue<T>(value: T, key?: string, depth = 0): T {
    if (typeof value === 'string') {
      if (key !== undefined && CREDENTIAL_HEADERS.test(key)) return redactCredentialHeader(value) as T;
      if (key !== undefined && SECRET_KEYS.test(key) && value.length > 0 && !value.startsWith('<redacted')) return '<redacted>' as T;
      return this.redactText(value) as T;
    }
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Uint8Array) return `<${value.length} bytes>` as T;
    if (depth >= REDACT_MAX_DEPTH) return `<nested deeper than ${REDACT_MAX_DEPTH} levels: not recorded>` as T;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v, key, depth + 1)) as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.redactValue(v, k, depth + 1);
    return out as T;
  }
}

/** `Bearer abc` -> `Bearer <redacted>`; cookies keep their names. */
function redactCredentialHeader(value: string): string {
  const scheme = /^(Bearer|Basic|DPoP|Digest|Negotiate)\s+/i.exec(value);
  if (scheme) return `${scheme[1]} <redacted>`;
  if (value.includes('=')) return value.replace(/(^|[;,]\s*)([^=;,\s]+)=([^;,]*)/g, (_m, sep: string, name: string, v: string) => (/^(path|domain|expires|max-age|samesite|secure|httponly)$/i.test(name) ? `${sep}${name}=${v}` : `${sep}${name}=<redacted>`));
  return '<redacted>';
}

/** `Digest username="alice", response="..."` keeps the parameters that explain the exchange; any other scheme keeps only its name. */
function redactSipCredentials(value: string): string {
  const digest = /^(\s*Digest\s+)(.*)$/is.exec(value);
  if (!digest) return redactCredentialHeader(value.trim());
  return digest[1] + digest[2].replace(/([A-Za-z0-9_-]+)(\s*=\s*)("(?:[^"\\]|\\.)*"|[^,\s]*)/g, (m, name: string, eq: string, v: string) =>
    DIGEST_KEPT.test(name) ? m : `${name}${eq}${v.startsWith('"') ? '"<redacted>"' : '<redacted>'}`);
}

/** The text between tags of an element's content (`<mcpttString>tok</mcpttString>` -> `<mcpttString><redacted></mcpttString>`). */
function redactElementText(inner: string): string {
  if (!/</.test(inner)) return inner.trim() ? '<redacted>' : inner;
  return inner.replace(/>([^<]*\S[^<]*)</g, (m, text: string) => (text.startsWith('<redacted') ? m : '><redacted><'));
}
