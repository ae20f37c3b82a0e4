/**
 * Scopes of the MCX Connect profile and the MC service ID claims they bring.
 *
 * B.4.2.2 defines the service scopes a client asks the IdMS for; J.3.3 adds
 * the `3gpp:mc:auth:*` scopes that carry authorisations for authorised
 * identities (9.6.3.2), which the KMS reads from the access token.
 */

export const OPENID = 'openid';
export const ACR_PASSWORD = '3gpp:acr:password';

/** The MCX service scopes of B.4.2.2, grouped by the MC service they belong to. */
export const SERVICE_SCOPES = {
  mcptt: [
    '3gpp:mc:ptt_service',
    '3gpp:mc:ptt_key_management_service',
    '3gpp:mc:ptt_config_management_service',
    '3gpp:mc:ptt_group_management_service',
  ],
  mcvideo: [
    '3gpp:mc:video_service',
    '3gpp:mc:video_key_management_service',
    '3gpp:mc:video_config_management_service',
    '3gpp:mc:video_group_management_service',
  ],
  mcdata: [
    '3gpp:mc:data_service',
    '3gpp:mc:data_key_management_service',
    '3gpp:mc:data_config_management_service',
    '3gpp:mc:data_group_management_service',
  ],
} as const;

/** B.4.2.2 lists location management with no service of its own: it brings no service ID. */
export const LOCATION_SCOPE = '3gpp:mc:location_management_service';

/** Authorisation scopes of J.3.3 (role, privileged and off-network signalling). */
export const AUTHORISATION_SCOPES = [
  '3gpp:mc:auth:role:client:ptt',
  '3gpp:mc:auth:role:client:video',
  '3gpp:mc:auth:role:client:data',
  '3gpp:mc:auth:priv:mcptt:automatic_private_call',
  '3gpp:mc:auth:priv:mcptt:ambient_listening',
  '3gpp:mc:auth:priv:mcptt:unnotified_remote_call',
  '3gpp:mc:auth:priv:mcvideo:automatic_private_call',
  '3gpp:mc:auth:priv:mcvideo:automatic_remote_video_push',
  '3gpp:mc:auth:priv:mcvideo:ambient_viewing',
  '3gpp:mc:auth:priv:mcdata:sds:unnotified_req',
  '3gpp:mc:auth:priv:mcdata:sds:unnotified_standalone_session_req',
  '3gpp:mc:auth:priv:mcdata:sds:unnotified_session_req',
  '3gpp:mc:auth:priv:mcdata:sds:unnotified_group_standalone_req',
  '3gpp:mc:auth:priv:mcdata:sds:unnotified_group_req',
  '3gpp:mc:auth:priv:mcdata:fd:mandatory_req',
  '3gpp:mc:auth:priv:mcdata:fd:mandatory_group_req',
  '3gpp:mc:auth:offnet:mcptt:use',
  '3gpp:mc:auth:offnet:mcptt:group_call_announcement',
  '3gpp:mc:auth:offnet:mcptt:emergency_alert_announcement',
  '3gpp:mc:auth:offnet:mcptt:call_setup_req',
  '3gpp:mc:auth:offnet:mcvideo:use',
  '3gpp:mc:auth:offnet:mcvideo:group_communication_announcement',
  '3gpp:mc:auth:offnet:mcvideo:private_communication_req',
  '3gpp:mc:auth:offnet:mcvideo:emergency_alert_announcement',
  '3gpp:mc:auth:offnet:mcvideo:capability_req',
  '3gpp:mc:auth:offnet:mcvideo:activity_req',
  '3gpp:mc:auth:offnet:mcdata:use',
  '3gpp:mc:auth:offnet:mcdata:standalone_data_req',
  '3gpp:mc:auth:offnet:mcdata:group_standalone_data_req',
] as const;

export const MCX_SERVICE_SCOPES: readonly string[] = [...SERVICE_SCOPES.mcptt, ...SERVICE_SCOPES.mcvideo, ...SERVICE_SCOPES.mcdata, LOCATION_SCOPE];

/** Every scope the reference IdMS grants to the resource servers (access-token scopes). */
export const MCX_SCOPES: readonly string[] = [...MCX_SERVICE_SCOPES, ...AUTHORISATION_SCOPES];

/** Scopes a partner IdMS grants for its services (B.7.4: the service scopes only). */
export const PARTNER_SCOPES: readonly string[] = [...SERVICE_SCOPES.mcptt, ...SERVICE_SCOPES.mcvideo, ...SERVICE_SCOPES.mcdata];

export type ServiceIdClaim = 'mcptt_id' | 'mcvideo_id' | 'mcdata_id';

const CLAIM_OF_SERVICE = { mcptt: 'mcptt_id', mcvideo: 'mcvideo_id', mcdata: 'mcdata_id' } as const;

/** Which service ID claim a scope brings (B.2.1.3, B.2.2.3): any scope of a service brings that service's ID. */
export function serviceIdClaimOf(scope: string): ServiceIdClaim | undefined {
  for (const [service, scopes] of Object.entries(SERVICE_SCOPES)) {
    if ((scopes as readonly string[]).includes(scope)) return CLAIM_OF_SERVICE[service as keyof typeof CLAIM_OF_SERVICE];
  }
  return undefined;
}

/** The service ID claims a set of scopes brings. */
export function serviceIdClaimsFor(scopes: Iterable<string>): Set<ServiceIdClaim> {
  const out = new Set<ServiceIdClaim>();
  for (const s of scopes) {
    const c = serviceIdClaimOf(s);
    if (c) out.add(c);
  }
  return out;
}

/** oidc-provider `claims` configuration: each service scope releases its service ID claim in the ID token. */
export function oidcClaimsConfig(): Record<string, string[] | null> {
  const claims: Record<string, string[] | null> = { openid: ['sub'], acr: null, auth_time: null };
  for (const scope of MCX_SCOPES) {
    const c = serviceIdClaimOf(scope);
    claims[scope] = c ? [c] : [];
  }
  return claims;
}

export function splitScope(scope: unknown): string[] {
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
}
