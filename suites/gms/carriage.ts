/**
 * Where a NOTIFY carries the GMK I_MESSAGE (gms.gmkCarriage, README "GMS"):
 * an application/mikey body or multipart part (binary, or base64 with a
 * Content-Transfer-Encoding that says so), or base64 text in an XML element
 * of a given local name in any XML body or part. Never throws: what is not
 * there is a `problem` the checks quote.
 */
import { headerValue, parseMultipart, type SipMessage } from '../../lib/sip/index.ts';
import type { GmkCarriage } from '../../lib/target/gms.ts';

export type Carried = { bytes: Uint8Array } | { problem: string };

interface Part {
  contentType: string;
  encoding: string;
  body: Uint8Array;
}

function partsOf(m: SipMessage): Part[] {
  const type = headerValue(m, 'content-type') ?? '';
  const whole = { contentType: type, encoding: headerValue(m, 'content-transfer-encoding') ?? '', body: m.body };
  if (!/^multipart\//i.test(type)) return m.body.length ? [whole] : [];
  const parsed = parseMultipart(m.body, type);
  return parsed.parts.map((p) => ({ contentType: p.contentType, encoding: p.headers.find((h) => h.name.toLowerCase() === 'content-transfer-encoding')?.value ?? '', body: p.body }));
}

const utf8 = new TextDecoder();
const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

export function gmkOf(m: SipMessage, carriage: GmkCarriage): Carried {
  const parts = partsOf(m);
  const types = parts.map((p) => p.contentType.split(';')[0]!.trim() || '(none)').join(', ') || 'no body';
  if (carriage === 'mikey-part') {
    const part = parts.find((p) => /^application\/mikey\b/i.test(p.contentType));
    if (!part) return { problem: `no application/mikey body or part (the NOTIFY carries: ${types})` };
    if (/base64/i.test(part.encoding)) return { bytes: Buffer.from(utf8.decode(part.body), 'base64') };
    return { bytes: part.body };
  }
  const name = carriage.xmlElement.replace(/[.]/g, '\\.');
  const element = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[A-Za-z_][\\w.-]*:)?${name}\\s*>`);
  for (const p of parts.filter((x) => /xml/i.test(x.contentType))) {
    const found = element.exec(utf8.decode(p.body));
    if (!found) continue;
    const text = found[1]!.trim();
    if (!BASE64.test(text)) return { problem: `the <${carriage.xmlElement}> element holds no base64 text` };
    return { bytes: Buffer.from(text, 'base64') };
  }
  return { problem: `no <${carriage.xmlElement}> element in an XML body or part (the NOTIFY carries: ${types})` };
}
