/**
 * One member's subscription to the group's configuration and what came of
 * it: the SUBSCRIBE's final answer, the NOTIFYs of that subscription (by
 * Call-ID) within the watch, and the GMK I_MESSAGE the first of them
 * carries where gms.gmkCarriage says.
 */
import type { UserKeyMaterial } from '../../lib/kms-xml/provision.ts';
import { verifyIMessage, type VerifyResult } from '../../lib/mikey/verify.ts';
import type { SipAnswer } from '../../lib/sip/index.ts';
import { gmkOf, type Carried } from './carriage.ts';
import type { GmsMember, GmsSuite } from './fixture.ts';
import type { Received } from './ua.ts';

export interface SubscriptionOutcome {
  impu: string;
  callId: string;
  answer: SipAnswer;
  notifies: Received[];
  /** The first GMK of the subscription's NOTIFYs, or why there is none. */
  gmk: Carried;
  watchedMs: number;
}

const accepted = (a: SipAnswer) => a.kind === 'final' && a.status >= 200 && a.status < 300;

/**
 * Subscribes `impu` with `token` and waits: after a 2xx, until a NOTIFY of
 * the subscription carries a GMK (at most gms.notifyWithinMs); after a
 * refusal, gms.refusalWatchMs for one that must not come.
 */
export async function subscribeAndWatch(gms: GmsSuite, impu: string, token: string | undefined): Promise<SubscriptionOutcome> {
  const s = await gms.ua.subscribe(impu, token);
  const carriage = gms.target.gmkCarriage;
  const withGmk = () => gms.ua.notifiesOf(s.callId).some((n) => 'bytes' in gmkOf(n.message, carriage));
  const ms = accepted(s.answer) ? gms.target.notifyWithinMs : s.answer.kind === 'final' ? gms.target.refusalWatchMs : 0;
  await gms.ua.until(withGmk, ms);
  const notifies = gms.ua.notifiesOf(s.callId);
  const found = notifies.map((n) => gmkOf(n.message, carriage));
  const gmk: Carried =
    found.find((c): c is { bytes: Uint8Array } => 'bytes' in c) ??
    (notifies.length ? (found[0] as Carried) : { problem: s.answer.kind === 'final' ? `no NOTIFY of the subscription within ${ms} ms of its ${s.answer.status}` : `the SUBSCRIBE got no final answer (${s.answer.detail})` });
  return { impu, callId: s.callId, answer: s.answer, notifies, gmk, watchedMs: Date.now() - s.answeredAt };
}

/** A GMK message read as the member `memberId` reads it, with his key set (the KMS of his key set certifies the GMS too). */
export function readAsMember(bytes: Uint8Array, memberId: string, keys: UserKeyMaterial): VerifyResult {
  const period = { kmsUri: keys.kmsUri, keyPeriod: keys.keyPeriod, keyPeriodOffset: keys.keyPeriodOffset };
  return verifyIMessage(bytes, { kind: 'gmk', initiatorKms: { ...period, kpak: keys.kpak }, receiver: { ...period, uri: memberId, rsk: keys.rsk, zT: keys.zT, keyPeriodNo: keys.keyPeriodNo } });
}

/** The GMKs of the subscription's NOTIFYs, in order of arrival. */
export function gmksOf(gms: GmsSuite, callId: string): Uint8Array[] {
  return gms.ua.notifiesOf(callId).flatMap((n) => {
    const c = gmkOf(n.message, gms.target.gmkCarriage);
    return 'bytes' in c ? [c.bytes] : [];
  });
}

/** A member joins: his key set from the KMS, his valid token, his IMPU registered, his subscription watched. */
export async function joinAsMember(gms: GmsSuite, member: GmsMember): Promise<{ memberId: string; keys: UserKeyMaterial; outcome: SubscriptionOutcome }> {
  const keys = await gms.keyMaterial(member);
  const token = await gms.token('valid', member);
  const memberId = gms.serviceUserId(token);
  await gms.register(member);
  return { memberId, keys, outcome: await subscribeAndWatch(gms, member.impu, token) };
}
