import type { FaultSwitch } from '../fault.ts';

/**
 * Fault switches of the reference MCX server (5.1.3.2). Each breaks one
 * behaviour the mcx-server suite checks; the check ids are those of
 * suites/mcx-server/checks/authorisation.ts.
 */
const BAD = (kind: 'expired' | 'forged' | 'no-scope' | 'wrong-audience') => [`mcx-server.register-${kind}-token.binds-nothing`, `mcx-server.publish-${kind}-token.binds-nothing`, `mcx-server.publish-${kind}-token.refused`];

export const MCX_SERVER_FAULTS: FaultSwitch[] = [
  {
    name: 'mcx-server.accepts-expired-token',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.2-02', 'MCXSEC-5.1.3.2.3-02', 'MCXSEC-5.1.3.2.3-03'],
    checks: BAD('expired'),
    description: 'The MCX server does not check exp: an expired access token binds the IMPU.',
  },
  {
    name: 'mcx-server.accepts-unknown-signer',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.2-02', 'MCXSEC-5.1.3.2.3-02', 'MCXSEC-5.1.3.2.3-03'],
    checks: BAD('forged'),
    description: "The MCX server does not verify the token's signature: a token signed by a key the IdMS never published binds the IMPU.",
  },
  {
    name: 'mcx-server.ignores-token-audience',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.2-02', 'MCXSEC-5.1.3.2.3-02', 'MCXSEC-5.1.3.2.3-03'],
    checks: BAD('wrong-audience'),
    description: "The MCX server does not compare the token's aud with its own resource identifier: a token the IdMS issued for another resource server binds the IMPU.",
  },
  {
    name: 'mcx-server.ignores-service-scope',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.2-02', 'MCXSEC-5.1.3.2.3-02', 'MCXSEC-5.1.3.2.3-03'],
    checks: BAD('no-scope'),
    description: 'The MCX server binds on a token without the service scope (3gpp:mc:ptt_service).',
  },
  {
    name: 'mcx-server.never-binds',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.2-01', 'MCXSEC-5.1.3.2.3-01'],
    checks: ['mcx-server.register-valid-token.binds', 'mcx-server.publish-valid-token.binds'],
    blocks: ['MCXSEC-5.1.3.2.1-03'],
    description: 'The MCX server accepts a valid access token (200) but binds nothing (the re-binding checks lose their first binding).',
  },
  {
    name: 'mcx-server.refuses-valid-publish',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.3-01'],
    checks: ['mcx-server.publish-valid-token.accepted'],
    description: 'The MCX server answers a PUBLISH with a valid access token 403, although it binds the IMPU.',
  },
  {
    name: 'mcx-server.binds-on-refusal',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.2-02', 'MCXSEC-5.1.3.2.3-03'],
    checks: (['expired', 'forged', 'no-scope', 'wrong-audience'] as const).flatMap((k) => [`mcx-server.register-${k}-token.binds-nothing`, `mcx-server.publish-${k}-token.binds-nothing`]),
    description: "The MCX server answers 403 to an invalid token but binds the IMPU to the token's MC service ID anyway.",
  },
  {
    name: 'mcx-server.refuses-register-without-token',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.1-04'],
    checks: ['mcx-server.register-no-token.accepted'],
    description: 'The MCX server refuses a third-party REGISTER that carries no access token (the SIP core passes the 403 to the UE).',
  },
  {
    name: 'mcx-server.keeps-old-binding',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.1-03'],
    checks: ['mcx-server.rebind.old-impu-released'],
    description: 'When an MC service ID is bound to a new IMPU, the MCX server keeps it bound to the old IMPU as well.',
  },
];
