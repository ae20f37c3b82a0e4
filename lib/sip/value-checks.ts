/**
 * Header value syntax. Hand-written checks for the fields every message
 * carries (cheap enough for each parse), and, when asked, sip.js's PEG
 * grammar (an RFC 3261 ABNF implementation no one here wrote) for the rest.
 * sip.js's grammar is slow (hundreds of microseconds a field on a loaded
 * machine), which is why it is optional.
 */
import { Grammar } from 'sip.js/lib/grammar/index.js';

const TOKEN = "[A-Za-z0-9\\-.!%*_+`'~]+";
const TOKEN_RE = new RegExp(`^${TOKEN}$`);
/** RFC 3261 25.1 word: Call-ID's alphabet. */
const WORD = "[A-Za-z0-9\\-.!%*_+`'~()<>:\\\\\"/\\[\\]?{}]+";
const CALL_ID_RE = new RegExp(`^${WORD}(@${WORD})?$`);
const CSEQ_RE = new RegExp(`^([0-9]{1,10})[ \\t]+(${TOKEN})$`);
/** sent-protocol SP sent-by, loosely: the parameters are left to the grammar. */
const VIA_RE = /^SIP[ \t]*\/[ \t]*2\.0[ \t]*\/[ \t]*[A-Za-z0-9\-.!%*_+`'~]+[ \t]+[^\s;,]+/i;

export function isToken(s: string): boolean {
  return TOKEN_RE.test(s);
}

export interface ValueProblem {
  expected: string;
  found: string;
}

/** Hand-written check of a value of one of the always-checked fields; undefined when fine or not one of them. */
export function checkCoreValue(canonical: string, value: string): ValueProblem | undefined {
  switch (canonical) {
    case 'call-id':
      return CALL_ID_RE.test(value) ? undefined : { expected: 'word [ "@" word ] (RFC 3261 25.1 callid)', found: value };
    case 'cseq': {
      const m = CSEQ_RE.exec(value);
      if (!m) return { expected: '1*DIGIT LWS Method', found: value };
      return Number(m[1]) < 2 ** 31 ? undefined : { expected: 'sequence number below 2**31 (RFC 3261 8.1.1.5)', found: m[1] };
    }
    case 'max-forwards':
      return /^[0-9]{1,3}$/.test(value) && Number(value) <= 255 ? undefined : { expected: 'integer 0-255 (RFC 3261 20.22)', found: value };
    case 'content-length':
      return /^[0-9]{1,10}$/.test(value) ? undefined : { expected: '1*DIGIT', found: value };
    case 'via':
      for (const part of splitTopLevel(value)) {
        if (!VIA_RE.test(part.trim())) return { expected: 'SIP/2.0/transport sent-by *(;via-params)', found: part.trim() };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** sip.js start rules by canonical header name. */
const GRAMMAR_RULES: Readonly<Record<string, string>> = {
  via: 'Via', from: 'From', to: 'To', 'call-id': 'Call_ID', cseq: 'CSeq', 'max-forwards': 'Max_Forwards',
  contact: 'Contact', 'record-route': 'Record_Route', route: 'Record_Route', 'content-length': 'Content_Length',
  'content-type': 'Content_Type', 'content-disposition': 'Content_Disposition', require: 'Require', supported: 'Supported',
  event: 'Event', 'session-expires': 'Session_Expires', 'min-se': 'Min_SE', 'www-authenticate': 'WWW_Authenticate',
  'proxy-authenticate': 'Proxy_Authenticate', 'refer-to': 'Refer_To', 'subscription-state': 'Subscription_State',
};

export function hasGrammarRule(canonical: string): boolean {
  return canonical in GRAMMAR_RULES;
}

/**
 * Verdicts by rule + value. sip.js's generated parser sets up its whole
 * rule table on every call (a fixed cost of a few hundred microseconds),
 * and the same values come back in every retransmission and most messages
 * of a dialog, so verdicts are remembered (bounded; oldest dropped first).
 */
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 4096;

/** True when sip.js's grammar accepts the value (or has no rule for the field). */
export function grammarAccepts(canonical: string, value: string): boolean {
  const key = `${canonical}\u0000${value}`;
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  const v = grammarVerdict(canonical, value);
  if (value.length <= 1024) {
    if (verdicts.size >= MAX_VERDICTS) verdicts.delete(verdicts.keys().next().value!);
    verdicts.set(key, v);
  }
  return v;
}

function grammarVerdict(canonical: string, value: string): boolean {
  const rule = canonical === 'request-uri' ? (/^sips?:/i.test(value) ? 'SIP_URI' : 'absoluteURI') : GRAMMAR_RULES[canonical];
  if (!rule) return true;
  if (canonical === 'contact' && value.trim() === '*') return true; // RFC 3261 20.10 STAR; sip.js's rule omits it
  try {
    return Grammar.parse(value, rule) !== -1;
  } catch {
    return false;
  }
}

/** Split on commas outside quotes and <...> (header field lists, RFC 3261 7.3.1). */
export function splitTopLevel(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c) i++;
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x3c) depth++;
    else if (c === 0x3e && depth > 0) depth--;
    else if (c === 0x2c && depth === 0) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}
