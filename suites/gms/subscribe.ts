/**
 * One member's subscription to the group's configuration and what came of
 * it: the SUBSCRIBE's final answer, the NOTIFYs of that subscription (by
 * Call-ID) within the watch, and the GMK I_MESSAGE the first of them
 * carries where gms.gmkCarriage says.
 */
import type { SipAnswer } from '../../lib/sip/index.ts';
import { gmkOf, type Carried } from './carriage.ts';
import type { GmsSuite } from './fixture.ts';
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
