/**
 * Replaces known secret values in text. A secret of `WHOLE_VALUE_BELOW`
 * characters or more is replaced wherever it stands; a shorter one (a
 * 5-letter password) only where it is a whole value: a quoted string (also
 * JSON-escaped or HTML-escaped quotes) or a form / attribute value after `=`,
 * so that "pass" never eats the word in "1 pass, 0 fail".
 */
export const WHOLE_VALUE_BELOW = 8;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const cache = new Map<string, RegExp>();

function wholeValuePattern(secret: string): RegExp {
  let re = cache.get(secret);
  if (!re) {
    const s = escapeRegExp(secret);
    // "s" 's' \"s\" &quot;s&quot; &#34;s&#34; =s (up to & ; whitespace quote > or the end)
    re = new RegExp(`(\\\\?")${s}(\\\\?")|(')${s}(')|(&quot;|&#34;)${s}(&quot;|&#34;)|(=)${s}(?=$|[&;\\s"'<>])`, 'g');
    cache.set(secret, re);
  }
  re.lastIndex = 0;
  return re;
}

export function replaceSecrets(text: string, secrets: readonly string[], replacement: string): string {
  let out = text;
  // Longest first, so a secret containing another is removed whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (!secret || !out.includes(secret)) continue;
    if (secret.length >= WHOLE_VALUE_BELOW) out = out.split(secret).join(replacement);
    else out = out.replace(wholeValuePattern(secret), (...m: unknown[]) => {
      const g = m.slice(1, 10) as (string | undefined)[];
      const [open, close] = g[0] !== undefined ? [g[0], g[1]] : g[2] !== undefined ? [g[2], g[3]] : g[4] !== undefined ? [g[4], g[5]] : [g[6], ''];
      return `${open}${replacement}${close ?? ''}`;
    });
  }
  return out;
}
