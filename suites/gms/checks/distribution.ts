/**
 * GMK distribution to the group's members (5.7.1, 5.7.2, E.2) as the
 * members receive it: one table over every member, each check graded on
 * all of them at once and failing with the members it fails on, so that a
 * group of any size records one finding per check. What each member got
 * (his GMK-ID, GUK-ID, what verified) is the test's per-member evidence.
 */
import { checkTable, fail, pass, unmet, type Outcome, type Unmet } from '../../../lib/harness/check.ts';
import { STATUS_NOT_REVOKED, STATUS_SECURITY_GATEWAY } from '../../../lib/mikey/constants.ts';
import type { VerifyResult } from '../../../lib/mikey/verify.ts';

export interface MemberDistribution {
  /** The member's MC service user ID (the token's claim): who the GMK is for. */
  memberId: string;
  impu: string;
  /** Why no I_MESSAGE is there (no 2xx to the SUBSCRIBE, no NOTIFY, no GMK in it), or undefined. */
  missing?: string;
  verified?: VerifyResult;
  /** IDRr of the message (undefined when hidden or absent). */
  receiverUri?: string;
  /** His KMS certificate says IsSecurityGateway (5.7.2, D.3.2.2). */
  behindGateway: boolean;
  /** The HDR's CS ID map: SRTP-ID entries and GENERIC-ID session data lengths (7.5.1). */
  sessionData?: { srtpIds: number; genericIdSessionData: number[] };
}

export interface DistributionInput {
  unobservable?: Unmet;
  serverUri: string;
  group: string;
  members: MemberDistribution[];
}

const received = (m: MemberDistribution) => !m.missing && m.verified?.csbId !== undefined;
const opened = (m: MemberDistribution) => received(m) && m.verified!.decryption.ok && m.verified!.key !== undefined;

const allReceived = ({ unobservable, members }: DistributionInput): Unmet | undefined => {
  if (unobservable) return unobservable;
  const lacking = members.filter((m) => !received(m));
  return lacking.length ? unmet(`no GMK message to read for ${lacking.map((m) => `${m.memberId} (${m.missing ?? 'it does not decode'})`).join('; ')} (graded by gmk.delivered)`, 'precondition') : undefined;
};

const withParameters = (input: DistributionInput): Unmet | undefined =>
  allOpened(input) ?? (input.members.some((m) => !m.verified!.keyParameters) ? unmet('no key parameters to read (graded by gmk.key-parameters)', 'precondition') : undefined);

const allOpened = (input: DistributionInput): Unmet | undefined => {
  const first = allReceived(input);
  if (first) return first;
  const closed = input.members.filter((m) => !opened(m));
  return closed.length ? unmet(`the GMK did not decapsulate for ${closed.map((m) => m.memberId).join(', ')} (graded by gmk.encrypted-to-member)`, 'precondition') : undefined;
};

/** Pass when `ok` holds for every member, else fail naming each member it fails on with what was found. */
function everyMember(members: MemberDistribution[], field: string, expected: string, ok: (m: MemberDistribution) => boolean, found: (m: MemberDistribution) => unknown): Outcome {
  const bad = members.filter((m) => !ok(m));
  if (bad.length === 0) return pass(field, `${members.length} of ${members.length} members`, expected);
  return fail(field, expected, Object.fromEntries(bad.map((m) => [m.memberId, found(m)])), 'mismatch', `${bad.length} of ${members.length} members`);
}

const hex8 = (n: number | undefined) => (n === undefined ? 'none' : `0x${n.toString(16).padStart(8, '0')}`);
const hexKey = (k: Uint8Array | undefined) => (k ? Buffer.from(k).toString('hex') : 'none');

export const GMK_DISTRIBUTION = checkTable<DistributionInput>('GMK distribution to the members of the group', [
  {
    id: 'gms.gmk.delivered',
    requirement: 'MCXSEC-5.7.2-01',
    title: 'every member who subscribed gets a NOTIFY of his subscription that carries a MIKEY I_MESSAGE',
    needs: ({ unobservable }) => unobservable,
    run: ({ members }) => everyMember(members, 'NOTIFY body', 'a GMK I_MESSAGE for each member', received, (m) => m.missing ?? 'an I_MESSAGE that does not decode'),
  },
  {
    id: 'gms.gmk.signature',
    requirement: 'MCXSEC-E.2.1-10',
    title: "the ECCSI signature verifies under the KMS's KPAK for the UID of the initiator (IDRi)",
    needs: allReceived,
    run: ({ members }) => everyMember(members, 'SIGN.signature', 'a valid ECCSI signature', (m) => m.verified!.signature.ok, (m) => m.verified!.signature.reason ?? 'does not verify'),
  },
  {
    id: 'gms.gmk.initiator',
    requirement: 'MCXSEC-5.7.1-05',
    title: 'the initiator (IDRi) is the GMS Server URI',
    needs: allReceived,
    run: ({ members, serverUri }) => everyMember(members, 'IDRi', serverUri, (m) => m.verified!.initiatorUri === serverUri, (m) => m.verified!.initiatorUri ?? 'hidden or absent'),
  },
  {
    id: 'gms.gmk.receiver',
    requirement: 'MCXSEC-E.2.1-05',
    title: "the receiver (IDRr) is the member's MC service user ID",
    needs: allReceived,
    run: ({ members }) => everyMember(members, 'IDRr', "each member's MC service user ID", (m) => m.receiverUri === m.memberId, (m) => m.receiverUri ?? 'hidden or absent'),
  },
  {
    id: 'gms.gmk.encrypted-to-member',
    requirement: 'MCXSEC-E.2.1-06',
    title: "the SAKKE payload decapsulates with the member's RSK for the current key period",
    needs: allReceived,
    run: ({ members }) => everyMember(members, 'SAKKE.data', "the GMK encrypted to each member's UID", opened, (m) => m.verified!.decryption.reason ?? 'does not decapsulate'),
  },
  {
    id: 'gms.gmk.same-gmk',
    requirement: 'MCXSEC-E.2.1-07',
    title: 'every member gets the same GMK',
    needs: allOpened,
    run: ({ members }) => {
      const first = hexKey(members[0]!.verified!.key);
      return everyMember(members, 'GMK', `the GMK ${members[0]!.memberId} got`, (m) => hexKey(m.verified!.key) === first, () => 'another key (value withheld)');
    },
  },
  {
    id: 'gms.gmk.guk-id',
    requirement: 'MCXSEC-5.2.3-01',
    title: "the GUK-ID gives back the same GMK-ID for every member (28 LSB xor the member's F.1.3 salt)",
    needs: allOpened,
    run: ({ members }) => {
      const first = members[0]!.verified!.keyId;
      return everyMember(members, 'HDR.csbId (GUK-ID)', `GUK-IDs that all give GMK-ID ${hex8(first)} (${members[0]!.memberId}'s)`, (m) => m.verified!.keyId === first, (m) => `GUK-ID ${hex8(m.verified!.csbId)} gives GMK-ID ${hex8(m.verified!.keyId)}`);
    },
  },
  {
    id: 'gms.gmk.diversity',
    requirement: 'MCXSEC-5.7.1-02',
    title: "end-point diversity: each member's CSB-ID is a GUK-ID of his own, not the GMK-ID",
    needs: allReceived,
    run: ({ members }) => {
      const ids = members.map((m) => m.verified!.csbId!);
      return everyMember(members, 'HDR.csbId', 'a CSB-ID no other member got', (m) => ids.filter((id) => id === m.verified!.csbId).length === 1, (m) => `${hex8(m.verified!.csbId)}, as ${members.filter((x) => x !== m && x.verified!.csbId === m.verified!.csbId).map((x) => x.memberId).join(', ')} got`);
    },
  },
  {
    id: 'gms.gmk.key-parameters',
    requirement: 'MCXSEC-E.2.1-09',
    title: 'the key parameters payload (E.6) is there and opens with the GMK',
    needs: allOpened,
    run: ({ members }) => everyMember(members, 'GENERAL_EXT type 7', 'key parameters protected under the GMK', (m) => m.verified!.keyParameters !== undefined, (m) => m.verified!.findings.find((f) => f.rule.startsWith('kp.') || f.rule.includes('key-param'))?.found ?? 'absent, or does not open with the GMK'),
  },
  {
    id: 'gms.gmk.group-id',
    requirement: 'MCXSEC-5.7.2-01',
    title: 'the key parameters name the group the members subscribed to',
    needs: withParameters,
    run: ({ members, group }) => everyMember(members, 'MC Group IDs', group, (m) => (m.verified!.keyParameters!.groupIds ?? []).includes(group), (m) => m.verified!.keyParameters!.groupIds ?? 'no MC Group IDs IE'),
  },
  {
    id: 'gms.gmk.not-revoked',
    requirement: 'MCXSEC-5.7.2-06',
    title: 'the GMK a member gets on subscribing is not marked revoked (Status bit 0 set)',
    needs: withParameters,
    run: ({ members }) => everyMember(members, 'Status', 'bit 0 set (not revoked)', (m) => (m.verified!.keyParameters!.status & STATUS_NOT_REVOKED) !== 0, (m) => `0x${m.verified!.keyParameters!.status.toString(16).padStart(8, '0')}`),
  },
  {
    id: 'gms.gmk.gateway-bit',
    requirement: 'MCXSEC-5.7.2-07',
    title: "every member's GMK has the Security Gateway bit set exactly when some member's KMS certificate says IsSecurityGateway",
    needs: withParameters,
    run: ({ members }) => {
      const gateway = members.some((m) => m.behindGateway);
      const expected = gateway ? `bit 1 set (${members.filter((m) => m.behindGateway).map((m) => m.memberId).join(', ')} behind a security gateway)` : 'bit 1 clear (no member behind a security gateway)';
      return everyMember(members, 'Status', expected, (m) => ((m.verified!.keyParameters!.status & STATUS_SECURITY_GATEWAY) !== 0) === gateway, (m) => `0x${m.verified!.keyParameters!.status.toString(16).padStart(8, '0')}`);
    },
  },
  {
    id: 'gms.gmk.no-ssrc',
    requirement: 'MCXSEC-7.5.1-06',
    title: 'the crypto sessions carry no SSRC (no SRTP-ID map, GENERIC-ID session data of length 0)',
    needs: allReceived,
    run: ({ members }) =>
      everyMember(members, 'HDR.csIdMap', 'no SSRC', (m) => !!m.sessionData && m.sessionData.srtpIds === 0 && m.sessionData.genericIdSessionData.every((n) => n === 0), (m) =>
        m.sessionData ? `${m.sessionData.srtpIds} SRTP-ID entr(ies); GENERIC-ID session data lengths ${JSON.stringify(m.sessionData.genericIdSessionData)}` : 'the header does not decode'),
  },
]);
