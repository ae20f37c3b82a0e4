/**
 * MCX user service authorisation with the MCX server (5.1.3.2): the token
 * travels in REGISTER (third-party registration, 5.1.3.2.2) or PUBLISH
 * (5.1.3.2.3); the server validates it and binds the IMPU to the MC
 * service ID only when it is valid. Binding is read through the target's
 * mcxServer.bindingObservation (2xx: bound, 403: not bound); a refusal is
 * only an explicit final response, never silence.
 */
import { checkTable, fail, inconclusive, pass, unmet, type Check, type Outcome } from '../../../lib/harness/check.ts';
import type { SipAnswer } from '../ue.ts';

/** What the observation request said about the IMPU's binding. */
export type Observation = { kind: 'bound' | 'unbound'; status: number } | { kind: 'unknown'; reason: string; blame: 'configuration' | 'unreachable' | 'target' };

export function observationOf(answer: SipAnswer): Observation {
  if (answer.kind === 'none') return { kind: 'unknown', reason: `the binding observation got no final response: ${answer.detail}`, blame: 'unreachable' };
  if (answer.status >= 200 && answer.status < 300) return { kind: 'bound', status: answer.status };
  if (answer.status === 403) return { kind: 'unbound', status: 403 };
  return { kind: 'unknown', reason: `the binding observation was answered ${answer.status} ${answer.reason}: neither 2xx (bound) nor 403 (not bound)`, blame: 'target' };
}

const describe = (a: SipAnswer) => (a.kind === 'final' ? `${a.status} ${a.reason}` : `no final response (${a.detail})`);

export function bindingOutcome(o: Observation, expectBound: boolean, what: string): Outcome {
  if (o.kind === 'unknown') return inconclusive(o.reason, o.blame);
  const bound = o.kind === 'bound';
  const expected = expectBound ? `2xx to the binding observation: ${what} bound` : `403 to the binding observation: ${what} not bound`;
  const actual = `${o.status}: ${bound ? 'bound' : 'not bound'}`;
  return bound === expectBound ? pass('binding observation', actual, expected) : fail('binding observation', expected, actual, expectBound ? 'mismatch' : 'not_refused');
}

export interface RegisterInput {
  register: SipAnswer;
}

export const REGISTER_NO_TOKEN = checkTable<RegisterInput>('REGISTER without an access token', [
  {
    id: 'mcx-server.register-no-token.accepted',
    requirement: 'MCXSEC-5.1.3.2.1-04',
    title: 'a registration without an access token is not refused',
    run: ({ register: a }) => {
      if (a.kind === 'none') return inconclusive(`REGISTER got no final response: ${a.detail}`, 'unreachable');
      return a.status >= 200 && a.status < 300 ? pass('REGISTER response', describe(a), '2xx') : fail('REGISTER response', '2xx (the token may follow later)', describe(a), 'mismatch');
    },
  },
]);

export type TokenPath = 'register' | 'publish';

export interface DeliveryInput {
  /** The final answer to the REGISTER or PUBLISH that carried the token. */
  delivery: SipAnswer;
  /** The binding observation before the token was sent (must say: not bound). */
  before: Observation;
  /** The binding observation after. */
  after: Observation;
  /** Why binding cannot be observed (mcxServer.bindingObservation absent). */
  noObservation?: string;
}

const observable = ({ noObservation, before }: DeliveryInput) => {
  if (noObservation) return unmet(noObservation, 'configuration');
  if (before.kind === 'unknown') return unmet(`before the token was sent: ${before.reason}`, before.blame);
  if (before.kind === 'bound') return unmet('the IMPU was still bound after its deregistration: a later binding would prove nothing', 'precondition');
  return undefined;
};

const BIND_REQUIREMENT: Record<TokenPath, string> = { register: 'MCXSEC-5.1.3.2.2-01', publish: 'MCXSEC-5.1.3.2.3-01' };
const NO_BIND_REQUIREMENT: Record<TokenPath, string> = { register: 'MCXSEC-5.1.3.2.2-02', publish: 'MCXSEC-5.1.3.2.3-03' };

export function validTokenTable(path: TokenPath) {
  const checks: Check<DeliveryInput>[] = [];
  if (path === 'publish') {
    checks.push({
      id: 'mcx-server.publish-valid-token.accepted',
      requirement: 'MCXSEC-5.1.3.2.3-01',
      title: 'a PUBLISH with a valid access token is accepted',
      run: ({ delivery: a }) => {
        if (a.kind === 'none') return inconclusive(`PUBLISH got no final response: ${a.detail}`, 'unreachable');
        return a.status >= 200 && a.status < 300 ? pass('PUBLISH response', describe(a), '2xx') : fail('PUBLISH response', '2xx', describe(a), 'mismatch');
      },
    });
  }
  checks.push({
    id: `mcx-server.${path}-valid-token.binds`,
    requirement: BIND_REQUIREMENT[path],
    title: `a valid access token in ${path.toUpperCase()} binds the IMPU to the MC service ID`,
    needs: observable,
    run: ({ after }) => bindingOutcome(after, true, 'the IMPU'),
  });
  return checkTable<DeliveryInput>(`${path.toUpperCase()} with a valid access token`, checks);
}

export type BadTokenKind = 'expired' | 'forged' | 'no-scope' | 'wrong-audience';
const BAD_WHAT: Record<BadTokenKind, string> = { expired: 'an expired access token', forged: 'an access token signed by a key the IdMS never published', 'no-scope': 'an access token without the service scope', 'wrong-audience': 'an access token issued for another resource server (RFC 7519 4.1.3)' };

export function badTokenTable(path: TokenPath, kind: BadTokenKind) {
  const checks: Check<DeliveryInput>[] = [];
  if (path === 'publish') {
    checks.push({
      id: `mcx-server.publish-${kind}-token.refused`,
      requirement: 'MCXSEC-5.1.3.2.3-02',
      title: `a PUBLISH with ${BAD_WHAT[kind]} is refused`,
      run: ({ delivery: a }) => {
        if (a.kind === 'none') return inconclusive(`PUBLISH got no final response (silence is not a refusal): ${a.detail}`, 'unreachable');
        if (a.status >= 200 && a.status < 300) return fail('PUBLISH response', 'an explicit refusal (e.g. 403)', describe(a), 'not_refused');
        if (a.status >= 500) return inconclusive(`PUBLISH answered ${describe(a)}: a server error, not a refusal of the token`, 'target');
        return pass('PUBLISH response', describe(a), 'an explicit refusal (e.g. 403)');
      },
    });
  }
  checks.push({
    id: `mcx-server.${path}-${kind}-token.binds-nothing`,
    requirement: NO_BIND_REQUIREMENT[path],
    title: `${BAD_WHAT[kind]} in ${path.toUpperCase()} binds nothing`,
    needs: observable,
    run: ({ after }) => bindingOutcome(after, false, 'the IMPU'),
  });
  return checkTable<DeliveryInput>(`${path.toUpperCase()} with ${BAD_WHAT[kind]}`, checks);
}

export interface RebindInput {
  /** The first IMPU, after the token bound it. */
  first: Observation;
  /** After the same user's token came from a new IMPU. */
  newImpu: Observation;
  oldImpu: Observation;
  noObservation?: string;
  noSpare?: string;
}

const rebindable = ({ noObservation, noSpare, first }: RebindInput) => {
  if (noObservation) return unmet(noObservation, 'configuration');
  if (noSpare) return unmet(noSpare, 'configuration');
  if (first.kind === 'unknown') return unmet(`first binding: ${first.reason}`, first.blame);
  if (first.kind === 'unbound') return unmet('the valid token did not bind the first IMPU (graded by the valid-token test)', 'precondition');
  return undefined;
};

export const REBIND = checkTable<RebindInput>('re-binding after the IMPU changed', [
  { id: 'mcx-server.rebind.new-impu-bound', requirement: 'MCXSEC-5.1.3.2.1-03', title: 'the MC service ID is bound to the new IMPU', needs: rebindable, run: ({ newImpu }) => bindingOutcome(newImpu, true, 'the new IMPU') },
  { id: 'mcx-server.rebind.old-impu-released', requirement: 'MCXSEC-5.1.3.2.1-03', title: 'the old IMPU is no longer bound to the MC service ID', needs: rebindable, run: ({ oldImpu }) => bindingOutcome(oldImpu, false, 'the old IMPU') },
]);
