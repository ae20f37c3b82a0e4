/**
 * Authorised identities (9.6.3, J.3): which SIP URI headers the granted
 * 3gpp:mc:auth:* scopes must produce, and checks of what the KMS issued.
 * Bit fields: byte 0 first, bit 0 = least significant (J.3.3.1).
 */
import type { Checker } from '../../../lib/harness/checker.ts';
import type { OpenedKeySet } from '../../../lib/kms-xml/open.ts';
import { REQ } from '../requirements.ts';

/** Table J.3.2-1 with the bit tables of J.3.3: hname -> scope per bit. */
export const AUTHORISATION_FIELDS: Record<string, string[]> = {
  'mc-role-client': ['3gpp:mc:auth:role:client:ptt', '3gpp:mc:auth:role:client:video', '3gpp:mc:auth:role:client:data'],
  'mc-role-server': ['3gpp:mc:auth:role:server:gms', '3gpp:mc:auth:role:server:cs_proxy', '3gpp:mc:auth:role:server:is_proxy', '3gpp:mc:auth:role:server:mcptt', '3gpp:mc:auth:role:server:mcvideo', '3gpp:mc:auth:role:server:mcdata'],
  'mc-priv-mcptt': ['3gpp:mc:auth:priv:mcptt:automatic_private_call', '3gpp:mc:auth:priv:mcptt:ambient_listening', '3gpp:mc:auth:priv:mcptt:unnotified_remote_call'],
  'mc-priv-mcvideo': ['3gpp:mc:auth:priv:mcvideo:automatic_private_call', '3gpp:mc:auth:priv:mcvideo:automatic_remote_video_push', '3gpp:mc:auth:priv:mcvideo:ambient_viewing'],
  'mc-priv-mcdata': [
    '3gpp:mc:auth:priv:mcdata:sds:unnotified_req',
    '3gpp:mc:auth:priv:mcdata:sds:unnotified_standalone_session_req',
    '3gpp:mc:auth:priv:mcdata:sds:unnotified_session_req',
    '3gpp:mc:auth:priv:mcdata:sds:unnotified_group_standalone_req',
    '3gpp:mc:auth:priv:mcdata:sds:unnotified_group_req',
    '3gpp:mc:auth:priv:mcdata:fd:mandatory_req',
    '3gpp:mc:auth:priv:mcdata:fd:mandatory_group_req',
  ],
  'mc-offnet-mcptt': ['3gpp:mc:auth:offnet:mcptt:use', '3gpp:mc:auth:offnet:mcptt:group_call_announcement', '3gpp:mc:auth:offnet:mcptt:emergency_alert_announcement', '3gpp:mc:auth:offnet:mcptt:call_setup_req'],
  'mc-offnet-mcvideo': [
    '3gpp:mc:auth:offnet:mcvideo:use',
    '3gpp:mc:auth:offnet:mcvideo:group_communication_announcement',
    '3gpp:mc:auth:offnet:mcvideo:emergency_alert_announcement',
    '3gpp:mc:auth:offnet:mcvideo:private_communication_req',
    '3gpp:mc:auth:offnet:mcvideo:capability_req',
    '3gpp:mc:auth:offnet:mcvideo:activity_req',
  ],
  'mc-offnet-mcdata': ['3gpp:mc:auth:offnet:mcdata:use', '3gpp:mc:auth:offnet:mcdata:standalone_data_req', '3gpp:mc:auth:offnet:mcdata:group_standalone_data_req'],
};

/** Granted bits per hname, as byte arrays (only hnames with a granted bit). */
export function expectedFields(scopes: string[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [hname, bits] of Object.entries(AUTHORISATION_FIELDS)) {
    const bytes = new Uint8Array(Math.ceil(bits.length / 8));
    let any = false;
    bits.forEach((scope, bit) => {
      if (scopes.includes(scope)) {
        bytes[bit >> 3] |= 1 << (bit & 7);
        any = true;
      }
    });
    if (any) out.set(hname, bytes);
  }
  return out;
}

export function formatFields(fields: Map<string, Uint8Array>): string {
  return [...fields].map(([h, b]) => `${h}=${Buffer.from(b).toString('hex')}`).join('&');
}

/** Splits `sip:user@host?h1=v1&h2=v2` into the base URI and its headers. */
export function splitAuthorisedUri(uri: string): { base: string; headers: [string, string][] } {
  const q = uri.indexOf('?');
  if (q < 0) return { base: uri, headers: [] };
  const headers = uri
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=');
      return (eq < 0 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)]) as [string, string];
    });
  return { base: uri.slice(0, q), headers };
}

/** The key sets whose UserUri is `identity` with authorisation headers. */
export function authorisedSetsFor(sets: OpenedKeySet[], identity: string): OpenedKeySet[] {
  return sets.filter((s) => {
    const { base, headers } = splitAuthorisedUri(s.set.userUri);
    return base === identity && headers.length > 0;
  });
}

/** 9.6.3.2-01: the plain identity still gets its key set. */
export function checkPlainIdentityKept(verify: Checker, sets: OpenedKeySet[], identity: string): boolean {
  const found = sets.some((s) => s.set.userUri === identity);
  return verify.check(REQ.authPlainIdentity, `key set for the plain identity ${identity}`, found, { field: 'KmsKeySet/UserUri', expected: identity, actual: sets.map((s) => s.set.userUri).join(', ') || '(no key sets)' });
}

/** 9.6.3.2-02 and J.3.4.2-01: a key set for the authorised identity exists. */
export function checkAuthorisedIdentityIssued(verify: Checker, sets: OpenedKeySet[], identity: string, expected: Map<string, Uint8Array>): boolean {
  const found = authorisedSetsFor(sets, identity).length > 0;
  const details = { field: 'KmsKeySet/UserUri', expected: `${identity}?${formatFields(expected)}`, actual: sets.map((s) => s.set.userUri).join(', ') || '(no key sets)' };
  verify.check(REQ.authBoth, `keys for both ${identity} and its authorised identity`, found, details);
  return verify.check(REQ.authAuthorisedIdentity, `key set for the authorised identity of ${identity}`, found, details);
}

/** J.3.2-01 and 9.6.3.1-01: headers are table J.3.2-1 hnames with hex values. */
export function checkAuthorisationFieldFormat(verify: Checker, s: OpenedKeySet): boolean {
  const { headers } = splitAuthorisedUri(s.set.userUri);
  const bad = headers.filter(([h, v]) => !(h in AUTHORISATION_FIELDS) || !/^(?:[0-9a-fA-F]{2})+$/.test(v)).map(([h, v]) => `${h}=${v}`);
  const details = { field: 'KmsKeySet/UserUri headers', expected: `hname in (${Object.keys(AUTHORISATION_FIELDS).join(', ')}), value hex octets`, actual: bad.length ? `not conforming: ${bad.join('&')}` : s.set.userUri };
  verify.check(REQ.authFieldsFormat, `authorised identity ${s.set.userUri} carries its authorisations as SIP URI headers`, bad.length === 0, details);
  return verify.check(REQ.authHnames, `authorisation field names and hex values in ${s.set.userUri}`, bad.length === 0, details);
}

/** J.3.3.1-01: exactly the granted bits, per field (hname spelling graded by J.3.2-01). */
export function checkAuthorisationBits(verify: Checker, s: OpenedKeySet, expected: Map<string, Uint8Array>): boolean {
  const norm = (h: string) => h.toLowerCase().replace(/_/g, '-');
  const got = new Map<string, Uint8Array>();
  for (const [h, v] of splitAuthorisedUri(s.set.userUri).headers) got.set(norm(h), /^(?:[0-9a-fA-F]{2})+$/.test(v) ? Uint8Array.from(Buffer.from(v, 'hex')) : new Uint8Array());
  const problems: string[] = [];
  for (const h of new Set([...expected.keys(), ...got.keys()])) {
    const e = expected.get(h) ?? new Uint8Array();
    const g = got.get(h) ?? new Uint8Array();
    const len = Math.max(e.length, g.length);
    for (let i = 0; i < len; i++) {
      const want = e[i] ?? 0;
      const have = g[i] ?? 0;
      // Bits beyond the defined ones are ignored by receivers (J.3.3.1) but a KMS must not set them from nothing.
      if (want !== have) problems.push(`${h} byte ${i}: granted ${want.toString(16).padStart(2, '0')}, issued ${have.toString(16).padStart(2, '0')}`);
    }
  }
  return verify.check(REQ.authBits, `authorisation bits of ${s.set.userUri} are exactly those granted`, problems.length === 0, { field: 'KmsKeySet/UserUri headers', expected: formatFields(expected), actual: problems.length ? problems.join('; ') : 'as granted' });
}

/** J.3.3.1-02: each value at most 1024 bits. */
export function checkAuthorisationLength(verify: Checker, s: OpenedKeySet): boolean {
  const long = splitAuthorisedUri(s.set.userUri).headers.filter(([, v]) => v.length > 256).map(([h, v]) => `${h}: ${v.length} hex chars`);
  return verify.check(REQ.authLength, `authorisation values of ${s.set.userUri} at most 256 hex characters`, long.length === 0, { field: 'KmsKeySet/UserUri headers', expected: '<= 256 hex characters each', actual: long.length ? long.join(', ') : 'within limit' });
}
