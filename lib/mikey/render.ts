/**
 * Human and machine renderings of a decoded I_MESSAGE (for `tool
 * mikey-decode` and reports), and reading a message given as hex, base64
 * (as in SDP a=key-mgmt:mikey) or raw octets.
 */
import { ID_ROLE_NAMES, PAYLOAD_NAMES } from './constants.ts';
import { dateTimeSeconds, parseProtectedPayload } from './key-params.ts';
import type { MikeyMessage, Payload, Span } from './types.ts';

export type InputRead = { ok: true; bytes: Uint8Array; encoding: 'hex' | 'base64' | 'binary' } | { ok: false; reason: string };

/** Text as hex (spaces, colons, 0x allowed) or base64 (optionally after 'mikey '). */
export function decodeMessageText(text: string): InputRead {
  const t = text.trim().replace(/^a=key-mgmt:/i, '').replace(/^mikey\s+/i, '').trim();
  const hexClean = t.replace(/[\s:]+/g, '').replace(/^0x/i, '');
  if (hexClean.length > 0 && /^(?:[0-9a-fA-F]{2})+$/.test(hexClean)) return { ok: true, bytes: Uint8Array.from(Buffer.from(hexClean, 'hex')), encoding: 'hex' };
  const b64 = t.replace(/\s+/g, '');
  if (b64.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(b64) && b64.length % 4 !== 1) return { ok: true, bytes: Uint8Array.from(Buffer.from(b64, 'base64')), encoding: 'base64' };
  return { ok: false, reason: 'input is neither hex nor base64' };
}

/** File contents: text (hex / base64) when it reads as such, else raw octets. */
export function decodeMessageFile(content: Uint8Array): InputRead {
  const asText = Buffer.from(content).toString('latin1');
  if (/^[\x09\x0a\x0d\x20-\x7e]*$/.test(asText)) {
    const r = decodeMessageText(asText);
    if (r.ok) return r;
  }
  return content.length > 0 ? { ok: true, bytes: content, encoding: 'binary' } : { ok: false, reason: 'file is empty' };
}

const hex = (b: Uint8Array, max = 48) => Buffer.from(b.subarray(0, max)).toString('hex') + (b.length > max ? `… (${b.length} octets)` : '');
const utf8 = new TextDecoder();

function printable(b: Uint8Array): string | undefined {
  const s = utf8.decode(b);
  return /^[\x20-\x7e]+$/.test(s) ? s : undefined;
}

function payloadName(p: Payload | MikeyMessage['hdr']): string {
  if (p.kind === 'IDR') return `IDR (${ID_ROLE_NAMES[p.role] ?? `role ${p.role}`})`;
  if (p.kind === 'GENERAL_EXT') return `General Ext (type ${p.extType}${p.extType === 6 ? ' SAKKE-to-self' : p.extType === 7 ? ' 3GPP key parameters' : ''})`;
  if (p.kind === 'HDR') return 'HDR';
  return PAYLOAD_NAMES[{ T: 5, RAND: 11, ID: 6, SP: 10, SAKKE: 26, SIGN: 4 }[p.kind] ?? 0] ?? p.kind;
}

function valueOf(node: Record<string, unknown>, field: string): string {
  const alias: Record<string, string> = { vFlag: 'vFlag', idData: 'data', rand: 'rand', value: 'value', data: 'data', signature: 'signature', signatureLength: 'declaredLength', type: 'extType', policyCount: 'policies' };
  let v = node[field] ?? node[alias[field] ?? ''];
  if (field === 'type' && node.kind === 'GENERAL_EXT') v = node.extType;
  if (field === 'policyCount' && Array.isArray(node.policies)) v = node.policies.length;
  if (field === 'sessionDataLength' && node.sessionData instanceof Uint8Array) v = node.sessionData.length;
  if (field === 'spiLength' && node.spi instanceof Uint8Array) v = node.spi.length;
  if (field === 'idLength' && node.data instanceof Uint8Array) v = node.data.length;
  if (field === 'randLength' && node.rand instanceof Uint8Array) v = node.rand.length;
  if (field === 'dataLength' && node.data instanceof Uint8Array) v = node.data.length;
  if (field === 'length' && node.data instanceof Uint8Array) v = node.data.length;
  if (field === 'paramLength' && Array.isArray(node.params)) v = (node.params as { value: Uint8Array }[]).reduce((n, q) => n + 2 + q.value.length, 0);
  if (field === 'csbId' && typeof v === 'number') return `0x${v.toString(16).padStart(8, '0')} (purpose tag ${v >>> 28})`;
  if (field === 'role' && typeof v === 'number') return `${v} (${ID_ROLE_NAMES[v] ?? 'unknown'})`;
  if (field === 'nextPayload' && typeof v === 'number') return `${v} (${PAYLOAD_NAMES[v] ?? 'unknown'})`;
  if (v instanceof Uint8Array) {
    const s = field === 'idData' || field === 'data' ? printable(v) : undefined;
    return s ? `"${s}"` : hex(v);
  }
  if (field === 'params' && Array.isArray(node.params)) return `${node.params.length} policy parameter(s)`;
  if (Array.isArray(v)) return v.join(', ');
  return v === undefined ? '' : String(v);
}

function fieldLines(node: Record<string, unknown>, fields: Record<string, Span> | undefined, indent: string): string[] {
  if (!fields) return [];
  return Object.entries(fields).map(([name, s]) => `${indent}${`@${s.offset}`.padEnd(7)}${name.padEnd(20)}${valueOf(node, name)}`);
}

/** One line per field: offset, name, value. */
export function renderTree(m: MikeyMessage): string {
  const out: string[] = [];
  const h = m.hdr;
  out.push(`@${h.offset ?? 0} HDR, ${h.length ?? '?'} octets`);
  out.push(...fieldLines(h as unknown as Record<string, unknown>, h.fields, '  '));
  for (const [i, g] of (h.genericIds ?? []).entries()) {
    out.push(`  GENERIC-ID crypto session ${i}`);
    out.push(...fieldLines(g as unknown as Record<string, unknown>, g.fields, '    '));
  }
  for (const p of m.payloads) {
    out.push(`@${p.offset ?? '?'} ${payloadName(p)}, ${p.length ?? '?'} octets`);
    out.push(...fieldLines(p as unknown as Record<string, unknown>, p.fields, '  '));
    if (p.kind === 'SP') {
      for (const q of p.params) out.push(`    @${q.offset} policy param type ${q.type} = ${hex(q.value)}`);
    }
    if (p.kind === 'GENERAL_EXT' && p.extType === 7) {
      const pp = parseProtectedPayload(p.data, p.fields?.data.offset ?? 0);
      if (pp.ok) {
        out.push('  MCData protected payload (8.5.4.1)');
        const v = pp.value as unknown as Record<string, unknown>;
        for (const [name, s] of Object.entries(pp.value.fields)) {
          const raw = v[name === 'payload' ? 'ciphertext' : name];
          const shown = name === 'dateTime' ? `${dateTimeSeconds(pp.value.dateTime)}` : name === 'dppkId' ? `0x${pp.value.dppkId.toString(16).padStart(8, '0')}` : name === 'payloadLength' ? String(pp.value.ciphertext.length)
            : raw instanceof Uint8Array ? hex(raw) : String(raw);
          out.push(`    ${`@${s.offset}`.padEnd(7)}${name.padEnd(20)}${shown}`);
        }
      } else {
        out.push(`  not an MCData protected payload: ${pp.reason}`);
      }
    }
    if (p.kind === 'GENERAL_EXT' && p.sakke) {
      out.push(`  encapsulated SAKKE payload`);
      out.push(...fieldLines(p.sakke as unknown as Record<string, unknown>, p.sakke.fields, '    '));
    }
  }
  if (m.signedLength !== undefined) out.push(`signature covers octets 0..${m.signedLength - 1}`);
  return out.join('\n');
}

/** JSON-ready tree: octets as hex, offsets kept. */
export function treeToJson(m: MikeyMessage): unknown {
  return JSON.parse(JSON.stringify({ hdr: m.hdr, payloads: m.payloads, signedLength: m.signedLength, totalLength: m.bytes?.length }, (k, v) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}
