import { headerValue, parseMcInfo, parseMultipart, type McService, type SipMessage } from '../../lib/sip/index.ts';

/**
 * The access token a SIP request carries (TS 24.379 mcptt-info and its
 * MCData / MCVideo equivalents), either as the whole body or as one part
 * of a multipart body (a REGISTER or PUBLISH for several services).
 */
export interface CarriedToken {
  service: McService;
  token: string;
}

const INFO_TYPE = /^application\/vnd\.3gpp\.(mcptt|mcdata|mcvideo)-info\+xml/i;

export function tokensOf(message: SipMessage): CarriedToken[] {
  const contentType = headerValue(message, 'content-type') ?? '';
  const body = message.body ?? new Uint8Array();
  const bodies: Uint8Array[] = [];
  if (INFO_TYPE.test(contentType)) bodies.push(body);
  else if (/^multipart\//i.test(contentType)) {
    const parsed = parseMultipart(body, contentType);
    for (const part of parsed.parts ?? []) if (INFO_TYPE.test(part.contentType ?? '')) bodies.push(part.body);
  }
  const out: CarriedToken[] = [];
  for (const b of bodies) {
    const { info } = parseMcInfo(b);
    if (info?.accessToken?.value) out.push({ service: info.service, token: info.accessToken.value });
  }
  return out;
}

/** `"Alice" <sip:alice@x>;tag=1` -> `sip:alice@x`. */
export function uriOf(nameAddr: string | undefined): string {
  if (!nameAddr) return '';
  const bracketed = /<([^>]*)>/.exec(nameAddr);
  return (bracketed ? bracketed[1]! : nameAddr.split(';')[0]!).trim();
}
