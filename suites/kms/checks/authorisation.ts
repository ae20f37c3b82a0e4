/**
 * Authorised identities (9.6.3, J.3): which SIP URI headers the granted
 * 3gpp:mc:auth:* scopes must produce, and checks of what the KMS issued.
 * Bit fields: byte 0 first, bit 0 = least significant (J.3.3.1).
 */
import { checkTable, unmet, verdictOf } from '../../../lib/harness/check.ts';
import type { OpenedKeySet } from '../../../lib/kms-xml/open.ts';

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

export interface AuthorisedAnswerInput {
  sets: OpenedKeySet[];
  /** The plain identity (an MC service ID of the token). */
  identity: string;
  /** The authorisation fields the granted scopes give. */
  expected: Map<string, Uint8Array>;
}

const userUris = (sets: OpenedKeySet[]) => sets.map((s) => s.set.userUri).join(', ') || '(no key sets)';

/** KeyProvision with authorisation scopes: which identities got key sets. */
export const AUTHORISED_ANSWER = checkTable<AuthorisedAnswerInput>('kms keyprov with authorisation scopes', [
  {
    id: 'kms.authorised.plain-identity',
    requirement: 'MCXSEC-9.6.3.2-01',
    title: 'key set for the plain identity',
    run: ({ sets, identity }) => verdictOf(sets.some((s) => s.set.userUri === identity), 'KmsKeySet/UserUri', identity, userUris(sets), 'missing'),
  },
  {
    id: 'kms.authorised.authorised-identity',
    requirement: 'MCXSEC-9.6.3.2-02',
    title: 'key set for the authorised identity',
    run: ({ sets, identity, expected }) => verdictOf(authorisedSetsFor(sets, identity).length > 0, 'KmsKeySet/UserUri', `${identity}?${formatFields(expected)}`, userUris(sets), 'missing'),
  },
  {
    id: 'kms.authorised.both-identities',
    requirement: 'MCXSEC-J.3.4.2-01',
    title: 'keys for both the identity and its authorised identity',
    run: ({ sets, identity, expected }) =>
      // The plain identity's key set is graded by kms.authorised.plain-identity (9.6.3.2-01).
      verdictOf(authorisedSetsFor(sets, identity).length > 0, 'KmsKeySet/UserUri', `${identity}?${formatFields(expected)} besides ${identity}`, userUris(sets), 'missing'),
  },
]);

export interface AuthorisedSetInput {
  /** A key set issued for an authorised identity (absent: none was issued). */
  set?: OpenedKeySet;
  expected: Map<string, Uint8Array>;
}

const hasSet = (i: AuthorisedSetInput) => (i.set ? undefined : unmet('no key set for an authorised identity was issued (graded by kms.authorised.authorised-identity)', 'precondition'));
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const badFields = (uri: string) => splitAuthorisedUri(uri).headers.filter(([h, v]) => !(h in AUTHORISATION_FIELDS) || !HEX.test(v)).map(([h, v]) => `${h}=${v}`);
const FIELDS_EXPECTED = `hname in (${Object.keys(AUTHORISATION_FIELDS).join(', ')}), value hex octets`;

/** The authorisation fields of one authorised identity's UserUri (9.6.3.1, J.3). Bit fields: byte 0 first, bit 0 least significant (J.3.3.1). */
export const AUTHORISED_SET = checkTable<AuthorisedSetInput>('kms authorised identity key set', [
  {
    id: 'kms.authorised-set.fields-format',
    requirement: 'MCXSEC-9.6.3.1-01',
    title: 'the authorised identity carries its authorisations as SIP URI headers',
    needs: hasSet,
    run: ({ set }) => {
      const bad = badFields(set!.set.userUri);
      return verdictOf(bad.length === 0, 'KmsKeySet/UserUri headers', FIELDS_EXPECTED, bad.length ? `not conforming: ${bad.join('&')}` : set!.set.userUri, 'invalid');
    },
  },
  {
    id: 'kms.authorised-set.hnames',
    requirement: 'MCXSEC-J.3.2-01',
    title: 'authorisation field names and hex values',
    needs: hasSet,
    run: ({ set }) => {
      const bad = badFields(set!.set.userUri);
      return verdictOf(bad.length === 0, 'KmsKeySet/UserUri headers', FIELDS_EXPECTED, bad.length ? `not conforming: ${bad.join('&')}` : set!.set.userUri, 'invalid');
    },
  },
  {
    id: 'kms.authorised-set.bits',
    requirement: 'MCXSEC-J.3.3.1-01',
    title: 'authorisation bits are exactly those granted',
    needs: hasSet,
    run: ({ set, expected }) => {
      const norm = (h: string) => h.toLowerCase().replace(/_/g, '-');
      const got = new Map<string, Uint8Array>();
      for (const [h, v] of splitAuthorisedUri(set!.set.userUri).headers) got.set(norm(h), HEX.test(v) ? Uint8Array.from(Buffer.from(v, 'hex')) : new Uint8Array());
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
      return verdictOf(problems.length === 0, 'KmsKeySet/UserUri headers', formatFields(expected), problems.length ? problems.join('; ') : 'as granted');
    },
  },
  {
    id: 'kms.authorised-set.value-length',
    requirement: 'MCXSEC-J.3.3.1-02',
    title: 'authorisation values at most 256 hex characters',
    needs: hasSet,
    run: ({ set }) => {
      const long = splitAuthorisedUri(set!.set.userUri).headers.filter(([, v]) => v.length > 256).map(([h, v]) => `${h}: ${v.length} hex chars`);
      return verdictOf(long.length === 0, 'KmsKeySet/UserUri headers', '<= 256 hex characters each', long.length ? long.join(', ') : 'within limit', 'invalid');
    },
  },
]);
