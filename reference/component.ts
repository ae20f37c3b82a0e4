import type { FaultSet } from './fault.ts';

/** TLS material generated at each start of the domain (a CA and one server certificate for 127.0.0.1/localhost). */
export interface ServerTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/**
 * How the reference domain is configured, as a vendor configures a product:
 * conforming either way, and claimed in its ICS (unlike a fault switch).
 */
export interface ReferenceBehaviour {
  /** The IdMS asks for consent after login (C.1 step 3c; ICS idms.consent-page). */
  consentPage: boolean;
}

export const DEFAULT_BEHAVIOUR: ReferenceBehaviour = { consentPage: false };

/** What every reference component is started with. */
export interface ComponentContext {
  host: '127.0.0.1';
  tls: ServerTls;
  faults: FaultSet;
  behaviour: ReferenceBehaviour;
  /** The run's temporary folder; components write nothing outside it. */
  workDir: string;
}

/** A started component: its part of the target file, and how to stop it. */
export interface RunningComponent {
  /** Its section of the target file (YAML form: secrets as `{ env: NAME }`). */
  target: Record<string, unknown>;
  /** Values of the environment variables its section refers to. */
  secretEnv: Record<string, string>;
  /** ICS features the component claims. */
  ics: Record<string, boolean>;
  /** Human-readable endpoint list, printed by `mcx-conformance reference`. */
  endpoints: Record<string, string>;
  stop(): Promise<void>;
}
