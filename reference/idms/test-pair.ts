import { DEFAULT_BEHAVIOUR, type ReferenceBehaviour } from '../component.ts';
import { FaultSet } from '../fault.ts';
import { createServerTls } from '../tls.ts';
import { startIdmsPair } from './index.ts';
import { IdmsTestClient, type FlowTarget } from './test-kit.ts';

/**
 * Starts the IdMS pair alone (no KMS) for the tests beside it, with the
 * given fault switches, and a test client trusting the run's CA.
 */
export interface RunningPair {
  idms: FlowTarget & { resource?: string };
  partner: { issuer: string; tokenEndpoint: string; clientId: string };
  bob: { username: string; password: string };
  env: Record<string, string>;
  caPem: string;
  target: Record<string, any>;
  ics: Record<string, boolean>;
  client: IdmsTestClient;
  stop(): Promise<void>;
}

export async function startPair(faults: string[] = [], behaviour: Partial<ReferenceBehaviour> = {}): Promise<RunningPair> {
  const tls = await createServerTls();
  const { components, kmsTrust } = await startIdmsPair({ host: '127.0.0.1', tls, faults: new FaultSet(faults), workDir: '', behaviour: { ...DEFAULT_BEHAVIOUR, ...behaviour } });
  const target: Record<string, any> = {};
  for (const c of components) Object.assign(target, c.target);
  const env: Record<string, string> = Object.assign({}, ...components.map((c) => c.secretEnv));
  const ics: Record<string, boolean> = Object.assign({}, ...components.map((c) => c.ics));
  const client = new IdmsTestClient(tls.caPem);
  const [alice, bob] = target.idms.users;
  return {
    idms: {
      issuer: target.idms.issuer,
      clientId: target.idms.clientId,
      clientSecret: env[target.idms.clientSecret.env],
      redirectUri: target.idms.redirectUri,
      username: alice.username,
      password: env[alice.password.env],
      resource: kmsTrust?.audience,
    },
    partner: target.partnerIdms,
    bob: { username: bob.username, password: env[bob.password.env] },
    env,
    caPem: tls.caPem,
    target,
    ics,
    client,
    stop: async () => {
      await client.close();
      for (const c of components.reverse()) await c.stop();
    },
  };
}
