/**
 * EARs at the MCX server (9.6.2.1, 9.6.2.2, 9.6.5.4, J.2.4): an MCPTT
 * private call in automatic commencement mode is privileged signalling,
 * so the server processes its EAR. What the suite sees of that: the
 * caller's final answer, and whether the INVITE reached the callee (the
 * suite's own UE, registered as the second user) with the EAR in it.
 * Only a final answer of 3xx-6xx with no INVITE at the callee is a
 * refusal; and a refusal counts only when a valid EAR, sent before and
 * after, let the same call through (the controls).
 */
import { checkTable, fail, pass, unmet, type Unmet } from '../../../lib/harness/check.ts';
import { equalBytes } from '../../../lib/crypto/bytes.ts';
import type { SipAnswer } from '../ue.ts';

export interface CallOutcome {
  /** The caller's final answer (or why none came). */
  answer: SipAnswer;
  /** The INVITE that reached the callee: the octets of each EAR part it carried. */
  forwarded?: { ears: Uint8Array[] };
  /** How long the suite watched for the INVITE at the callee. */
  watchedMs: number;
}

const describe = (c: CallOutcome) =>
  `${c.answer.kind === 'final' ? `final answer ${c.answer.status} ${c.answer.reason}` : `no final answer (${c.answer.detail})`}; ${c.forwarded ? `the INVITE reached the callee with ${c.forwarded.ears.length} EAR part(s)` : `no INVITE reached the callee within ${c.watchedMs} ms`}`;

export interface ValidEarInput {
  unobservable?: Unmet;
  /** The signed EAR the suite sent. */
  sent?: Uint8Array;
  call?: CallOutcome;
  /** What the EAR encoding rests on (codes Annex J does not number), for a failure's detail. */
  encoding: string;
}

const called = ({ unobservable, call }: ValidEarInput): Unmet | undefined => {
  if (unobservable) return unobservable;
  if (!call) return unmet('the call was not placed', 'precondition');
  if (!call.forwarded && call.answer.kind === 'none') return unmet(`the private call got ${describe(call)}`, 'target');
  return undefined;
};

export const EAR_VALID = checkTable<ValidEarInput>('a privileged private call (automatic commencement) whose EAR is valid', [
  {
    id: 'mcx-server.ear-valid.forwarded',
    requirement: 'MCXSEC-9.6.5.4-08',
    title: 'a request whose EAR passes every check is processed as normal: the private call reaches the callee',
    needs: called,
    run: ({ call, encoding }) =>
      call!.forwarded
        ? pass('callee', describe(call!), 'the INVITE at the callee')
        : fail('callee', 'the INVITE at the callee', describe(call!), 'mismatch', `The EAR was signed by the caller's authorised identity, for the callee, fresh, with Request ID 1.1; ${encoding}.`),
  },
  {
    id: 'mcx-server.ear-valid.copied',
    requirement: 'MCXSEC-9.6.2.1-09',
    title: "the server copies the caller's EAR, unchanged, into the request it sends on to the callee",
    needs: (input) => called(input) ?? (input.call!.forwarded ? undefined : unmet('the call did not reach the callee (graded by mcx-server.ear-valid.forwarded)', 'precondition')),
    run: ({ call, sent }) => {
      const ears = call!.forwarded!.ears;
      const same = ears.some((e) => equalBytes(e, sent!));
      return same
        ? pass('EAR parts at the callee', `${ears.length} part(s), one of them the octets the caller sent`, 'the caller\'s EAR')
        : fail('EAR parts at the callee', `the ${sent!.length} octets the caller sent`, ears.length ? `${ears.length} EAR part(s), none equal to the caller's (${ears.map((e) => `${e.length} octets`).join(', ')})` : 'no application/vnd.3gpp.mc-signalling-ear part');
    },
  },
]);

export interface RefusedEarInput {
  unobservable?: Unmet;
  call?: CallOutcome;
  /** The calls with a valid EAR before and after. */
  controls: CallOutcome[];
}

const controlled = ({ unobservable, call, controls }: RefusedEarInput): Unmet | undefined => {
  if (unobservable) return unobservable;
  const failed = controls.find((c) => !c.forwarded);
  if (controls.length < 2 || failed) return unmet(`a call with a valid EAR, the control, did not reach the callee${failed ? ` (${describe(failed)})` : ''}: a refusal here proves nothing`, 'precondition');
  if (!call) return unmet('the call was not placed', 'precondition');
  if (!call.forwarded && call.answer.kind === 'none') return unmet(`the private call got ${describe(call)}: only a final answer is a refusal`, 'target');
  return undefined;
};

const refused = (what: string) => ({ call }: RefusedEarInput) => {
  const c = call!;
  if (c.forwarded) return fail('callee', `the call refused (${what})`, describe(c));
  if (c.answer.kind === 'final' && c.answer.status >= 200 && c.answer.status < 300) return fail('final answer', `a refusal (${what})`, describe(c));
  return pass('final answer', describe(c), `a refusal, the call not sent on (${what})`);
};

const refusal = (name: string, requirement: string, what: string, title: string) =>
  checkTable<RefusedEarInput>(`a privileged private call whose EAR ${what}`, [{ id: `mcx-server.ear-${name}.refused`, requirement, title, needs: controlled, run: refused(`its EAR ${what}`) }]);

/** The EARs that must be refused, each one change from the valid EAR (suites/mcx-server/ear.ts builds them). */
export const EAR_REFUSALS = {
  forged: refusal('forged', 'MCXSEC-9.6.5.4-01', 'has a signature that does not verify', 'an EAR whose ECCSI signature does not verify (one bit of r flipped) is refused'),
  otherTarget: refusal('other-target', 'MCXSEC-9.6.5.4-02', 'names another target', 'an EAR whose Target ID is not the callee of the request is refused'),
  stale: refusal('stale', 'MCXSEC-9.6.5.4-03', 'is 10 minutes old', 'an EAR whose Date and Time is outside the recent window (10 minutes old, the window e.g. 300 s) is refused'),
  replayed: refusal('replayed', 'MCXSEC-9.6.5.4-03', 'was processed before (same EAR ID)', 'an EAR whose EAR ID was processed within the window (the accepted EAR sent again) is refused'),
  originNotSigner: refusal('origin-not-signer', 'MCXSEC-9.6.5.4-04', "has an Origin ID that does not give the signer's UID", "an EAR whose Origin ID is not the identity of the signing UID (signed by the caller, naming another user) is refused"),
  unauthorised: refusal('unauthorised', 'MCXSEC-9.6.5.4-05', 'is signed by an identity without the authorisation', "an EAR signed by the caller's plain identity, without the mc-priv-mcptt authorisation, is refused"),
  otherRequest: refusal('other-request', 'MCXSEC-9.6.5.4-06', 'names another request (ambient listening)', 'an EAR whose Request ID (ambient listening, 1.2) is not the SIP request (a private call in automatic commencement mode, 1.1) is refused'),
  expired: refusal('expired', 'MCXSEC-J.2.4-01', 'has a Request Expiry in the past', 'an EAR whose Request Expiry has passed is refused'),
};
