/** The access token of B.2.2 from the code flow (shared check factory in lib/oidc/checks/access-token.ts). */
import { accessTokenTable, type AccessTokenRequirements } from '../../../lib/oidc/checks/access-token.ts';

const B22: AccessTokenRequirements = {
  jwt: 'MCXSEC-B.2.2.1-01',
  signed: 'MCXSEC-B.2.2.1-02',
  exp: 'MCXSEC-B.2.2.2-01',
  scope: 'MCXSEC-B.2.2.2-03',
  clientId: 'MCXSEC-B.2.2.2-04',
  service: { mcptt: 'MCXSEC-B.2.2.3-01', mcvideo: 'MCXSEC-B.2.2.3-02', mcdata: 'MCXSEC-B.2.2.3-03' },
};

export const ACCESS_TOKEN = accessTokenTable('idms.access-token', 'idms access token', B22);

/** The access token of an MCPTT-only request: its claims (decoded already by the test). */
export const NARROW_ACCESS_TOKEN = accessTokenTable('idms.narrow-access-token', 'idms access token for an MCPTT-only request', B22, [
  'exp',
  'client-id',
  'scope',
  'mcptt-id',
  'no-mcvideo-id',
  'no-mcdata-id',
]);
