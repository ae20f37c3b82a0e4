import type { TokenCheckPolicy } from '../sip/token-check.ts';

/** The GMS's access token check (5.1.3.1, B.4.2.2): the group management scope of the service, and its own fault switches. */
export const GMS_TOKEN_POLICY: TokenCheckPolicy = {
  scope: { mcptt: '3gpp:mc:ptt_group_management_service', mcvideo: '3gpp:mc:video_group_management_service', mcdata: '3gpp:mc:data_group_management_service' },
  faults: { expired: 'gms.accepts-expired-token', unknownSigner: 'gms.accepts-unknown-signer', scope: 'gms.ignores-group-management-scope' },
};
