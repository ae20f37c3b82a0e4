/**
 * Revocation of the group's GMK (5.7.2): the GMS repeats the distribution,
 * the Status saying revoked. Graded on every member who held the GMK
 * before the trigger: what he got after it, in a NOTIFY of the same
 * subscription, read with his key set.
 */
import { checkTable, fail, pass, unmet, type Unmet } from '../../../lib/harness/check.ts';
import { STATUS_NOT_REVOKED } from '../../../lib/mikey/constants.ts';
import type { VerifyResult } from '../../../lib/mikey/verify.ts';

export interface MemberRevocation {
  memberId: string;
  /** The GMK-ID and key he held before the trigger. */
  held: { gmkId: number; key: string };
  /** Why no I_MESSAGE came after the trigger, or undefined. */
  missing?: string;
  verified?: VerifyResult;
}

export interface RevocationInput {
  unobservable?: Unmet;
  /** The trigger's answer (e.g. `HTTP 204`). */
  trigger: string;
  members: MemberRevocation[];
}

const resent = (m: MemberRevocation) => !m.missing && m.verified?.decryption.ok === true;

const allResent = ({ unobservable, members }: RevocationInput): Unmet | undefined => {
  if (unobservable) return unobservable;
  const lacking = members.filter((m) => !resent(m));
  return lacking.length ? unmet(`no GMK message to read after the trigger for ${lacking.map((m) => `${m.memberId} (${m.missing ?? m.verified?.decryption.reason ?? 'it does not open'})`).join('; ')} (graded by revocation.resent)`, 'precondition') : undefined;
};

const hex8 = (n: number | undefined) => (n === undefined ? 'none' : `0x${n.toString(16).padStart(8, '0')}`);

export const GMK_REVOCATION = checkTable<RevocationInput>('revocation of the group GMK', [
  {
    id: 'gms.revocation.resent',
    requirement: 'MCXSEC-5.7.2-06',
    title: 'after the revocation, every member gets a GMK message again, in a NOTIFY of his subscription, that opens with his key set',
    needs: ({ unobservable }) => unobservable,
    run: ({ members, trigger }) => {
      const bad = members.filter((m) => !resent(m));
      if (bad.length === 0) return pass('NOTIFY body', `${members.length} of ${members.length} members (trigger: ${trigger})`, 'a GMK message to each member');
      return fail('NOTIFY body', 'a GMK message to each member', Object.fromEntries(bad.map((m) => [m.memberId, m.missing ?? m.verified?.decryption.reason ?? 'does not open'])), 'missing', `trigger: ${trigger}`);
    },
  },
  {
    id: 'gms.revocation.same-gmk',
    requirement: 'MCXSEC-5.7.2-06',
    title: 'what is sent is the GMK the member held: its GMK-ID and key',
    needs: allResent,
    run: ({ members }) => {
      const bad = members.filter((m) => m.verified!.keyId !== m.held.gmkId || Buffer.from(m.verified!.key ?? []).toString('hex') !== m.held.key);
      if (bad.length === 0) return pass('GMK-ID', `${members.length} of ${members.length} members`, 'the GMK-ID each member held');
      return fail('GMK-ID', 'the GMK-ID (and key) each member held', Object.fromEntries(bad.map((m) => [m.memberId, `GMK-ID ${hex8(m.verified!.keyId)} (held ${hex8(m.held.gmkId)})${m.verified!.keyId === m.held.gmkId ? ', another key' : ''}`])));
    },
  },
  {
    id: 'gms.revocation.marked-revoked',
    requirement: 'MCXSEC-5.7.2-06',
    title: 'its key parameters mark it revoked (Status bit 0 clear)',
    needs: (input) => allResent(input) ?? (input.members.some((m) => !m.verified!.keyParameters) ? unmet('no key parameters to read in the message after the trigger', 'target') : undefined),
    run: ({ members }) => {
      const bad = members.filter((m) => (m.verified!.keyParameters!.status & STATUS_NOT_REVOKED) !== 0);
      if (bad.length === 0) return pass('Status', `${members.length} of ${members.length} members`, 'bit 0 clear (revoked)');
      return fail('Status', 'bit 0 clear (revoked)', Object.fromEntries(bad.map((m) => [m.memberId, `0x${m.verified!.keyParameters!.status.toString(16).padStart(8, '0')}`])));
    },
  },
]);
