/**
 * 5.7.1 / 5.7.2 / E.2 GMK distribution, black-box through the SIP core. The
 * suite plays every member of gms.group: it fetches each member's key set
 * from the domain's KMS, registers his IMPU, subscribes to the group's
 * configuration with his valid access token, and reads the GMK I_MESSAGE of
 * the NOTIFY that follows with his key set (lib/mikey/verify.ts). The
 * checks (checks/distribution.ts) compare what the members got with each
 * other; the per-member evidence says what each one got.
 */
import { declare } from '../../lib/harness/index.ts';
import { parseIMessage } from '../../lib/mikey/codec.ts';
import { CsIdMapType, IdRole } from '../../lib/mikey/constants.ts';
import { renderTree } from '../../lib/mikey/render.ts';
import { GMK_DISTRIBUTION, type MemberDistribution } from './checks/distribution.ts';
import { test } from './fixture.ts';
import { joinAsMember, readAsMember } from './subscribe.ts';

/** Decoded trees go into the evidence for groups up to this size, and beyond it for the members a check fails on. */
const TREES_UP_TO = 8;

const utf8 = new TextDecoder();

test('5.7.2 / E.2 every member who subscribes gets the group GMK: signed by the GMS, encrypted to him, one GMK and GMK-ID for all through his own GUK-ID (5.7.1, 5.2.3, E.6)', { annotation: declare(GMK_DISTRIBUTION), tag: ['@gms'] }, async ({ gms, verify, evidence }) => {
  const members: MemberDistribution[] = [];
  for (const member of gms.members) {
    const { memberId, keys, outcome } = await joinAsMember(gms, member);
    const row: MemberDistribution = { memberId, impu: member.impu, behindGateway: keys.isSecurityGateway };
    if (!('bytes' in outcome.gmk)) {
      members.push({ ...row, missing: outcome.answer.kind === 'final' && outcome.answer.status >= 300 ? `the SUBSCRIBE was answered ${outcome.answer.status} ${outcome.answer.reason}` : outcome.gmk.problem });
      continue;
    }
    const bytes = outcome.gmk.bytes;
    const verified = readAsMember(bytes, memberId, keys);
    const tree = parseIMessage(bytes);
    const idrr = tree.ok ? tree.message.payloads.find((p) => p.kind === 'IDR' && p.role === IdRole.IDRr) : undefined;
    const hdr = tree.ok ? tree.message.hdr : undefined;
    members.push({
      ...row,
      verified,
      ...(idrr && idrr.kind === 'IDR' ? { receiverUri: utf8.decode(idrr.data) } : {}),
      ...(hdr ? { sessionData: { srtpIds: hdr.csIdMapType === CsIdMapType.SRTP_ID ? (hdr.srtpIds?.length ?? 0) : 0, genericIdSessionData: (hdr.genericIds ?? []).map((g) => g.sessionData?.length ?? 0) } } : {}),
    });
    if (gms.members.length <= TREES_UP_TO) evidence.record('mikey', `GMK message to ${memberId}`, tree.ok ? renderTree(tree.message) : `does not decode: ${tree.error.reason}`);
  }
  evidence.record('text', 'per member: what each one got', perMember(members));
  await verify.run(GMK_DISTRIBUTION, { serverUri: gms.target.serverUri, group: gms.target.group, members });
});

/** One line per member: GUK-ID, the GMK-ID it gives, and what verified (the GMK itself is never shown). */
function perMember(members: MemberDistribution[]): string {
  const hex8 = (n: number | undefined) => (n === undefined ? '-' : `0x${n.toString(16).padStart(8, '0')}`);
  const rows = members.map((m) => {
    const v = m.verified;
    if (!v) return `${m.memberId} (${m.impu}): no GMK message: ${m.missing}`;
    const kp = v.keyParameters;
    return [
      `${m.memberId} (${m.impu}):`,
      `GUK-ID ${hex8(v.csbId)}`,
      `GMK-ID ${hex8(v.keyId)}`,
      `IDRi ${v.initiatorUri ?? '-'}`,
      `IDRr ${m.receiverUri ?? '-'}`,
      `signature ${v.signature.ok ? 'verifies' : `FAILS (${v.signature.reason})`}`,
      `SAKKE ${v.decryption.ok ? 'opens' : `FAILS (${v.decryption.reason})`}`,
      kp ? `key parameters: groups ${JSON.stringify(kp.groupIds ?? [])}, status 0x${kp.status.toString(16)}, text ${JSON.stringify(kp.text)}` : 'key parameters: none read',
    ].join(' ');
  });
  return `${members.length} member(s)\n${rows.join('\n')}\n`;
}
