/**
 * The MC service info XML bodies that carry the access token, the request
 * URI and the client ID in SIP (TS 24.379 mcptt-info, and the same shape
 * for MCData / MCVideo). Elements take type="Normal" (clear) or
 * "Encrypted" (protected per TS 33.180 9.3; the value is then the XML
 * encryption the suite produces elsewhere). See README for what was assumed.
 */
import { XMLParser } from 'fast-xml-parser';

export type McService = 'mcptt' | 'mcdata' | 'mcvideo';

export interface McInfoField {
  value: string;
  type?: 'Normal' | 'Encrypted';
}

export interface McInfo {
  service: McService;
  accessToken?: McInfoField;
  /** TS 24.379 session-type (a plain string, e.g. 'prearranged' for a pre-arranged group call). */
  sessionType?: string;
  requestUri?: McInfoField;
  clientId?: McInfoField;
  /** Further <svc-Params> children as written (name -> text). */
  other?: Record<string, string>;
}

export function mcInfoContentType(service: McService): string {
  return `application/vnd.3gpp.${service}-info+xml`;
}

export function mcInfoNamespace(service: McService): string {
  return `urn:3gpp:ns:${service}Info:1.0`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** <svc>String for tokens and IDs, <svc>URI for URIs (TS 24.379 mcptt-info element types). */
function field(service: McService, name: string, kind: 'String' | 'URI', f: McInfoField | undefined): string {
  if (!f) return '';
  const type = f.type ?? 'Normal';
  const inner = type === 'Encrypted' ? f.value : `<${service}${kind}>${esc(f.value)}</${service}${kind}>`;
  return `    <${service}-${name} type="${type}">${inner}</${service}-${name}>\r\n`;
}

export function buildMcInfo(info: McInfo): string {
  const s = info.service;
  // The schema's order: access token, session type, request URI, ... client ID.
  const sessionType = info.sessionType ? `    <session-type>${esc(info.sessionType)}</session-type>\r\n` : '';
  let params = field(s, 'access-token', 'String', info.accessToken) + sessionType + field(s, 'request-uri', 'URI', info.requestUri) + field(s, 'client-id', 'String', info.clientId);
  for (const [k, v] of Object.entries(info.other ?? {})) params += `    <${k}>${esc(v)}</${k}>\r\n`;
  return `<?xml version="1.0" encoding="UTF-8"?>\r\n<${s}info xmlns="${mcInfoNamespace(s)}">\r\n  <${s}-Params>\r\n${params}  </${s}-Params>\r\n</${s}info>\r\n`;
}

export interface McInfoParse {
  info?: McInfo;
  problems: string[];
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false, processEntities: true, ignoreDeclaration: true, isArray: () => false });

/** Reads an mcptt-/mcdata-/mcvideo-info document; problems name what is missing or odd. Never throws. */
export function parseMcInfo(xml: string | Uint8Array): McInfoParse {
  const text = typeof xml === 'string' ? xml : Buffer.from(xml).toString('utf8');
  const problems: string[] = [];
  if (text.length > 256 * 1024) return { problems: ['document over 256 KiB'] };
  let doc: Record<string, any>;
  try {
    doc = parser.parse(text, true);
  } catch (e) {
    return { problems: [`not well-formed XML: ${(e as Error).message.slice(0, 120)}`] };
  }
  const rootName = Object.keys(doc).find((k) => /^(mcptt|mcdata|mcvideo)info$/.test(k));
  if (!rootName) return { problems: [`root element is not mcpttinfo / mcdatainfo / mcvideoinfo (found ${Object.keys(doc).join(', ') || 'none'})`] };
  const service = rootName.slice(0, -4) as McService;
  const root = doc[rootName] ?? {};
  // The namespace declaration, read from the root start tag itself (the parser drops xmlns when removing prefixes).
  const tag = /<(?:([A-Za-z_][\w.-]*):)?(?:mcptt|mcdata|mcvideo)info\b([^>]*)>/.exec(text);
  const nsAttr = tag ? new RegExp(`xmlns${tag[1] ? `:${tag[1]}` : ''}\\s*=\\s*["']([^"']*)["']`).exec(tag[2]) : null;
  const ns = nsAttr?.[1];
  if (ns !== mcInfoNamespace(service)) problems.push(`namespace ${JSON.stringify(ns ?? null)}, expected ${mcInfoNamespace(service)}`);
  const params = root[`${service}-Params`];
  if (!params || typeof params !== 'object') return { info: { service }, problems: [...problems, `no <${service}-Params>`] };
  const read = (name: string, kind: string): McInfoField | undefined => {
    let el = params[`${service}-${name}`];
    if (el === undefined) return undefined;
    if (Array.isArray(el)) {
      problems.push(`${service}-${name} appears ${el.length} times; the first is used`);
      el = el[0];
    }
    if (typeof el === 'string') return { value: el.trim() };
    const type = el['@type'];
    if (type !== undefined && type !== 'Normal' && type !== 'Encrypted') problems.push(`${service}-${name} type ${JSON.stringify(type)}`);
    const inner = el[`${service}${kind}`];
    const value = typeof inner === 'string' ? inner : typeof el['#text'] === 'string' ? el['#text'] : inner !== undefined ? JSON.stringify(inner) : '';
    return { value: value.trim(), type };
  };
  const info: McInfo = { service, accessToken: read('access-token', 'String'), requestUri: read('request-uri', 'URI'), clientId: read('client-id', 'String') };
  if (typeof params['session-type'] === 'string') info.sessionType = params['session-type'].trim();
  const other: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k.startsWith('@') || [`${service}-access-token`, 'session-type', `${service}-request-uri`, `${service}-client-id`].includes(k)) continue;
    other[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  if (Object.keys(other).length) info.other = other;
  return { info, problems };
}
