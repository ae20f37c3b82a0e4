/**
 * Authorised Identities (9.6.3, J.3): an MC service ID with the
 * authorisations the IdMS granted (J.3.3 `3gpp:mc:auth:*` scopes) added as
 * SIP URI headers, one bit field per header, hex, left-most byte first and
 * least significant bit first within a byte (J.3.3.1).
 */

/** J.3.2-1 header names in table order, each with the scopes of its bit field (index = bit number). */
export const AUTHORISATION_FIELDS: readonly { header: string; scopes: readonly string[] }[] = [
  { header: 'mc-role-client', scopes: ['role:client:ptt', 'role:client:video', 'role:client:data'] },
  {
    header: 'mc-role-server',
    scopes: ['role:server:gms', 'role:server:cs_proxy', 'role:server:is_proxy', 'role:server:mcptt', 'role:server:mcvideo', 'role:server:mcdata'],
  },
  { header: 'mc-priv-mcptt', scopes: ['priv:mcptt:automatic_private_call', 'priv:mcptt:ambient_listening', 'priv:mcptt:unnotified_remote_call'] },
  {
    header: 'mc-priv-mcvideo',
    scopes: ['priv:mcvideo:automatic_private_call', 'priv:mcvideo:automatic_remote_video_push', 'priv:mcvideo:ambient_viewing'],
  },
  {
    header: 'mc-priv-mcdata',
    scopes: [
      'priv:mcdata:sds:unnotified_req',
      'priv:mcdata:sds:unnotified_standalone_session_req',
      'priv:mcdata:sds:unnotified_session_req',
      'priv:mcdata:sds:unnotified_group_standalone_req',
      'priv:mcdata:sds:unnotified_group_req',
      'priv:mcdata:fd:mandatory_req',
      'priv:mcdata:fd:mandatory_group_req',
    ],
  },
  {
    header: 'mc-offnet-mcptt',
    scopes: ['offnet:mcptt:use', 'offnet:mcptt:group_call_announcement', 'offnet:mcptt:emergency_alert_announcement', 'offnet:mcptt:call_setup_req'],
  },
  {
    header: 'mc-offnet-mcvideo',
    scopes: [
      'offnet:mcvideo:use',
      'offnet:mcvideo:group_communication_announcement',
      'offnet:mcvideo:emergency_alert_announcement',
      'offnet:mcvideo:private_communication_req',
      'offnet:mcvideo:capability_req',
      'offnet:mcvideo:activity_req',
    ],
  },
  { header: 'mc-offnet-mcdata', scopes: ['offnet:mcdata:use', 'offnet:mcdata:standalone_data_req', 'offnet:mcdata:group_standalone_data_req'] },
];

const SCOPE_PREFIX = '3gpp:mc:auth:';

/** The SIP URI headers (`name=hex` pairs, table order) for the granted scopes; unknown scopes are ignored. */
export function authorisationFields(scopes: readonly string[], extraBit?: { header: string; bit: number }): string[] {
  const granted = new Set(scopes.filter((s) => s.startsWith(SCOPE_PREFIX)).map((s) => s.slice(SCOPE_PREFIX.length)));
  const fields: string[] = [];
  for (const field of AUTHORISATION_FIELDS) {
    const bits = field.scopes.flatMap((scope, bit) => (granted.has(scope) ? [bit] : []));
    if (extraBit?.header === field.header) bits.push(extraBit.bit);
    if (bits.length === 0) continue;
    const bytes = new Uint8Array(Math.floor(Math.max(...bits) / 8) + 1);
    for (const bit of bits) bytes[bit >> 3] |= 1 << (bit & 7);
    fields.push(`${field.header}=${Buffer.from(bytes).toString('hex')}`);
  }
  return fields;
}

/** The Authorised Identity of an MC service ID, or undefined when no authorisation was granted. */
export function authorisedIdentity(identity: string, scopes: readonly string[], extraBit?: { header: string; bit: number }): string | undefined {
  const fields = authorisationFields(scopes, extraBit);
  if (fields.length === 0) return undefined;
  return `${identity}${identity.includes('?') ? '&' : '?'}${fields.join('&')}`;
}
