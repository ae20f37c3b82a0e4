/**
 * Authorisation for group management (5.1.3.1, 5.7.3): a subscription
 * whose access token the GMS must refuse gets no GMK. Only positive
 * evidence counts: the SUBSCRIBE got a final answer, no NOTIFY of that
 * subscription carried an I_MESSAGE while the suite watched (the whole
 * NOTIFY wait after a 2xx, the refusal watch after a refusal), and a valid
 * subscription just before got its GMK (and, after a 2xx to the bad one,
 * a valid one just after too): the GMS was serving, so its silence is a
 * refusal and not an outage.
 */
import { checkTable, fail, pass, unmet, type CheckTable, type Unmet } from '../../../lib/harness/check.ts';
import type { SipAnswer } from '../../../lib/sip/index.ts';

export type BadToken = 'no-token' | 'expired-token' | 'forged-token' | 'no-scope-token';

export interface ControlOutcome {
  /** The valid subscription's GMK arrived (its I_MESSAGE decodes), or why not. */
  delivered: true | { why: string };
}

export interface RefusalInput {
  unobservable?: Unmet;
  before: ControlOutcome;
  answer: SipAnswer;
  /** What each NOTIFY of the bad subscription carried: an I_MESSAGE (hex), or what instead. */
  notifies: Array<{ gmk: true; octets: string } | { gmk: false; carried: string }>;
  watchedMs: number;
  /** After a 2xx to the bad subscription: the control that shows the GMS still serves. */
  after?: ControlOutcome;
}

const WHAT: Record<BadToken, { requirement: string; text: string }> = {
  'no-token': { requirement: 'MCXSEC-5.7.3-01', text: 'no access token' },
  'expired-token': { requirement: 'MCXSEC-5.7.3-01', text: 'an expired access token' },
  'forged-token': { requirement: 'MCXSEC-5.7.3-01', text: 'an access token signed by a key the IdMS never published' },
  'no-scope-token': { requirement: 'MCXSEC-5.1.3.1-10', text: 'an access token without the group management scope of the service' },
};

const controlled = ({ unobservable, before, answer, after }: RefusalInput): Unmet | undefined => {
  if (unobservable) return unobservable;
  if (before.delivered !== true) return unmet(`the valid subscription before it got no GMK (${before.delivered.why}): the GMS is not serving, so no GMK proves no refusal`, 'precondition');
  if (answer.kind !== 'final') return unmet(`the SUBSCRIBE got no final answer (${answer.detail})`, 'unreachable');
  if (answer.status >= 200 && answer.status < 300 && after && after.delivered !== true) return unmet(`the valid subscription after it got no GMK (${after.delivered.why}): the GMS stopped serving`, 'precondition');
  return undefined;
};

/** The table for one kind of bad token. */
export function refusalTable(kind: BadToken): CheckTable<RefusalInput> {
  const w = WHAT[kind];
  return checkTable<RefusalInput>(`a group configuration SUBSCRIBE with ${w.text}`, [
    {
      id: `gms.subscribe-${kind}.no-gmk`,
      requirement: w.requirement,
      title: `a member subscribing with ${w.text} gets no GMK`,
      needs: controlled,
      run: ({ answer, notifies, watchedMs }) => {
        const status = answer.kind === 'final' ? answer.status : 0;
        const leaked = notifies.filter((n) => n.gmk);
        if (leaked.length) return fail('NOTIFY body', `no GMK (the SUBSCRIBE was answered ${status})`, `${leaked.length} NOTIFY(s) with an I_MESSAGE`, 'mismatch', `first I_MESSAGE: ${(leaked[0] as { octets: string }).octets.slice(0, 64)}...`);
        return pass('NOTIFY body', `SUBSCRIBE answered ${status}; ${notifies.length} NOTIFY(s) in ${watchedMs} ms, none with an I_MESSAGE`, 'no GMK');
      },
    },
  ]);
}

export const BAD_TOKENS = Object.keys(WHAT) as BadToken[];
