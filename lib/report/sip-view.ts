import { canonicalName, headerValue } from '../sip/message.ts';
import { parseMessage } from '../sip/parse.ts';
import { parseMultipart, type BodyPart } from '../sip/multipart.ts';
import type { Finding } from '../harness/finding.ts';
import type { SipDialogueEvidence, SipWireMessage } from '../harness/sip-evidence.ts';
import type { EvidenceItem } from './types.ts';

/**
 * What report.html needs to draw a SIP dialogue beyond the evidence itself:
 * each message parsed (header list, body parts) with lib/sip, at report
 * build time from the redacted text, and failed findings linked to the
 * message and field they name.
 */
export interface SipPartView {
  contentType: string;
  headers: [string, string][];
  /** Part body as latin1 text, or hex when it is binary (nested multiparts flattened: their parts follow, path in `contentType`). */
  text: string;
  /** Set when `text` is hex: the part holds octets that are not text (a MIKEY message). */
  hex?: true;
}

export interface SipMessageView extends SipWireMessage {
  parsed?: { headers: [string, string][]; parts: SipPartView[]; deviations: string[]; note?: string };
  /** Why there is no parsed view (cut text, not a SIP message). */
  unparsed?: string;
}

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
/** Octets other than printable ASCII, tab, CR, LF and UTF-8-range high octets mark a binary part. */
const BINARY = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

function partView(contentType: string, headers: [string, string][], body: Uint8Array): SipPartView {
  const text = latin1(body);
  return BINARY.test(text) ? { contentType, headers, text: Buffer.from(body).toString('hex').replace(/(.{64})/g, '$1\n').trimEnd(), hex: true } : { contentType, headers, text };
}

function flatten(parts: BodyPart[], prefix = ''): SipPartView[] {
  return parts.flatMap((p) => {
    const contentType = prefix + (p.contentType || '(no Content-Type)');
    const headers = p.headers.map((h): [string, string] => [h.name, h.value.trim()]);
    const here: SipPartView = p.parts ? { contentType, headers, text: '' } : partView(contentType, headers, p.body);
    return [here, ...(p.parts ? flatten(p.parts, `${contentType} > `) : [])];
  });
}

export function parsedView(m: SipWireMessage): SipMessageView {
  if (m.truncated) return { ...m, unparsed: `the text was cut (${m.octets} octets): not parsed` };
  const { message, deviations } = parseMessage(Buffer.from(m.text, 'latin1'), { grammar: false, transport: 'stream' });
  if (!message) return { ...m, unparsed: `not a SIP message: ${deviations.map((d) => d.rule).join(', ')}` };
  const contentType = headerValue(message, 'content-type') ?? '';
  let parts: SipPartView[] = [];
  // Redaction changes lengths: the body is everything after the head, and Content-Length deviations of a redacted text are the redaction's.
  const redacted = m.text.includes('<redacted');
  const body = redacted ? Buffer.from(m.text.slice(message.bodyOffset), 'latin1') : message.body;
  const devs = deviations.filter((d) => !(redacted && d.rule.startsWith('content-length.'))).map((d) => `${d.rule}${d.header ? ` (${d.header})` : ''} at ${d.offset}`);
  if (body.length) {
    if (/^\s*multipart\//i.test(contentType)) {
      const mp = parseMultipart(body, contentType);
      parts = flatten(mp.parts);
      devs.push(...mp.deviations.map((d) => `${d.rule} at body offset ${d.offset}`));
    } else parts = [partView(contentType || '(no Content-Type)', [], body)];
  }
  return { ...m, parsed: { headers: message.headers.map((h) => [h.name, h.value.trim()]), parts, deviations: devs, ...(redacted ? { note: 'the text was redacted: Content-Length is not compared' } : {}) } };
}

/**
 * Linking a failed finding to the dialogue, deliberately simple: the first
 * word of the finding's `field` (up to a space, ';' or '[') names either a
 * header (compared as SIP compares names: case, compact forms) or, when it
 * is a media type (type/subtype), a body part's content type ('body' names
 * any body). The message it marks: the one a check already highlighted,
 * else the last received message that carries that header or part. Anything else is not
 * linked (the findings table still shows it).
 */
export function fieldTarget(field: string | undefined): { header?: string; part?: string } | undefined {
  const word = field?.trim().split(/[\s;[]/, 1)[0]?.replace(/:$/, '');
  if (!word) return undefined;
  if (word.toLowerCase() === 'body') return { part: '' };
  if (/^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/.test(word)) return { part: word.toLowerCase() };
  if (/^[A-Za-z][A-Za-z0-9.!%*_+`'~-]*$/.test(word)) return { header: canonicalName(word) };
  return undefined;
}

function carries(m: SipMessageView, t: { header?: string; part?: string }): boolean {
  if (!m.parsed) return false;
  if (t.header) return m.parsed.headers.some(([n]) => canonicalName(n) === t.header);
  return m.parsed.parts.some((p) => p.contentType.toLowerCase().includes(t.part!));
}

function linkFindings(messages: SipMessageView[], findings: readonly Finding[]): void {
  for (const f of findings) {
    if (f.verdict !== 'fail') continue;
    const target = fieldTarget(f.field);
    if (!target) continue;
    const reason = `${f.check}${f.detail ? `: ${f.detail}` : f.reason ? `: ${f.reason}` : ''}`;
    const marked = messages.filter((m) => m.highlight && carries(m, target));
    if (marked.length) {
      for (const m of marked) if (!m.highlight!.field) m.highlight = { ...m.highlight!, field: f.field };
      continue;
    }
    const last = [...messages].reverse().find((m) => m.direction === 'received' && carries(m, target));
    if (last && !last.highlight) last.highlight = { field: f.field, reason };
  }
}

/** The SIP items of one test made ready for the ladder: parsed views and linked findings; other items unchanged. */
export function sipEvidenceForReport(items: readonly EvidenceItem[], findings: readonly Finding[]): EvidenceItem[] {
  return items.map((item) => {
    if (item.kind !== 'sip') return item;
    const d = item.data as SipDialogueEvidence;
    if (!d || !Array.isArray(d.messages)) return item;
    try {
      const messages = d.messages.map((m) => parsedView({ ...m, highlight: m.highlight ? { ...m.highlight } : undefined }));
      linkFindings(messages, findings);
      return { ...item, data: { ...d, messages } };
    } catch {
      // Evidence that is not the builder's shape is shown as JSON.
      return item;
    }
  });
}
