import { createHash, randomBytes } from 'node:crypto';
import { gukId } from '../../lib/crypto/kdf.ts';
import { buildIMessage, randomKeyId } from '../../lib/mikey/build.ts';
import { STATUS_NOT_REVOKED, STATUS_SECURITY_GATEWAY } from '../../lib/mikey/constants.ts';
import type { FaultSet } from '../fault.ts';
import type { ProvisionedKeys } from '../kms/in-process-provisioning.ts';

/**
 * The GMK message the reference GMS sends one member (5.7.1, 5.7.2, E.2):
 * the group's GMK SAKKE-encapsulated to the member's UID, the GUK-ID of
 * 5.2.3 in the CSB-ID, signed with the key set of the GMS Server URI, and
 * key parameters under the GMK naming the group (E.6). Each fault switch
 * changes one thing of it.
 */
export interface GroupKey {
  group: string;
  gmk: Uint8Array;
  gmkId: number;
}

export interface GmsIdentity {
  uri: string;
  keys(): ProvisionedKeys;
  /** Another server identity of the domain and its key material (fault gms.signs-as-other-server). */
  otherServer(): { uri: string; keys: ProvisionedKeys };
}

export function newGroupKey(group: string): GroupKey {
  return { group, gmk: randomBytes(16), gmkId: randomKeyId('gmk') };
}

const u32 = (b: Uint8Array) => Buffer.from(b).readUInt32BE(0);

/** The I_MESSAGE for `memberId` (registered as `impu`); `as.revoked`: the GMK's revocation (5.7.2). */
export function gmkMessageFor(key: GroupKey, memberId: string, impu: string, o: { identity: GmsIdentity; faults: FaultSet; members: Map<string, string> }, as: { revoked?: boolean } = {}): Uint8Array {
  const f = (name: string) => o.faults.has(`gms.${name}`);
  const signer = f('signs-as-other-server') ? o.identity.otherServer() : { uri: o.identity.uri, keys: o.identity.keys() };
  const { certificate: cert, keySet } = signer.keys;
  const period = { kmsUri: cert.kmsUri, keyPeriod: cert.userKeyPeriod, keyPeriodOffset: cert.userKeyOffset };
  const other = [...o.members.values()].find((id) => id !== memberId) ?? `${memberId}.other`;
  const encryptedTo = f('encrypts-to-other-member') ? other : memberId;
  // gms.gmk-per-member: a key of the member's own, the same each time he gets it (a revocation sends it again).
  const gmk = f('gmk-per-member') ? createHash('sha256').update(key.gmk).update(memberId).digest().subarray(0, 16) : key.gmk;
  // A revocation (5.7.2) clears bit 0; gms.revocation-not-marked keeps it set.
  const revoked = as.revoked ? !f('revocation-not-marked') : f('marks-revoked');
  const status = (revoked ? 0 : STATUS_NOT_REVOKED) | (f('sets-gateway-bit') ? STATUS_SECURITY_GATEWAY : 0);
  const csbId = f('no-endpoint-diversity') ? key.gmkId : f('guk-id-salt-of-impu') ? u32(gukId(gmk, key.gmkId, impu)) : undefined;
  const built = buildIMessage({
    kind: 'gmk',
    initiator: { ...period, uri: signer.uri, ssk: keySet.ssk, pvt: keySet.pvt, kpak: cert.pubAuthKey },
    receiver: { ...period, uri: encryptedTo, zT: cert.pubEncKey },
    key: gmk,
    keyId: key.gmkId,
    ...(csbId !== undefined ? { csbId } : {}),
    ...(encryptedTo !== memberId || f('names-other-receiver') ? { claim: { receiverUri: f('names-other-receiver') ? other : memberId } } : {}),
    keyParameters: { status, text: 'reference group key', groupIds: [f('key-parameters-other-group') ? `${key.group}.other` : key.group] },
    ...(f('key-parameters-under-other-key') ? { keyParametersKey: randomBytes(16) } : {}),
    ...(f('ssrc-in-session-data') ? { cryptoSessions: [4], mutate: 'cs.session-data' as const } : {}),
  });
  const bytes = Uint8Array.from(built.bytes);
  // r of the ECCSI signature ends 97 octets (s and the PVT) before the message does.
  if (f('bad-signature')) bytes[bytes.length - 98]! ^= 0x01;
  return bytes;
}
