/**
 * 5.7.2 revocation of the group's GMK. Every member subscribes and gets the
 * GMK; the suite then sends gms.revocation.trigger (the administrator's
 * word, which only the deployment can say how to give) and waits for each
 * member's next GMK message in a NOTIFY of his subscription
 * (checks/revocation.ts).
 */
import { declare } from '../../lib/harness/index.ts';
import { unmet } from '../../lib/harness/check.ts';
import { GMK_REVOCATION, type MemberRevocation } from './checks/revocation.ts';
import { test } from './fixture.ts';
import { gmksOf, joinAsMember, readAsMember } from './subscribe.ts';

test('5.7.2 a revoked GMK is distributed again to every member, marked revoked', { annotation: declare(GMK_REVOCATION), tag: ['@gms'] }, async ({ gms, verify, http }) => {
  const trigger = gms.target.revocation?.trigger;
  if (!trigger) return void (await verify.run(GMK_REVOCATION, { unobservable: unmet('the target file gives no gms.revocation.trigger: what makes the GMS revoke the group GMK (5.7.2), an administrator action only the deployment can name', 'configuration'), trigger: 'not sent', members: [] }));
  const held: Array<{ memberId: string; callId: string; keys: Awaited<ReturnType<typeof gms.keyMaterial>>; gmk: { gmkId: number; key: string } }> = [];
  for (const member of gms.members) {
    const { memberId, keys, outcome } = await joinAsMember(gms, member);
    const v = 'bytes' in outcome.gmk ? readAsMember(outcome.gmk.bytes, memberId, keys) : undefined;
    if (!v?.key || v.keyId === undefined) return verify.stop(`${memberId} holds no GMK to revoke (${'problem' in outcome.gmk ? outcome.gmk.problem : (v?.decryption.reason ?? 'it does not open')}; graded by the distribution test)`, 'precondition');
    held.push({ memberId, callId: outcome.callId, keys, gmk: { gmkId: v.keyId, key: Buffer.from(v.key).toString('hex') } });
  }
  const sent = await http.request({ method: trigger.method, url: trigger.url, ...(trigger.authorization ? { headers: { authorization: trigger.authorization } } : {}) });
  if (!sent.ok) return verify.stop(`the revocation trigger ${trigger.method} ${trigger.url} got no answer (${sent.error})`, 'unreachable');
  if (sent.status >= 300) return verify.stop(`the revocation trigger ${trigger.method} ${trigger.url} was answered ${sent.status}: the GMS did not take it`, 'configuration');
  await gms.ua.until(() => held.every((h) => gmksOf(gms, h.callId).length >= 2), gms.target.notifyWithinMs);
  const members: MemberRevocation[] = held.map((h) => {
    const next = gmksOf(gms, h.callId)[1];
    if (!next) return { memberId: h.memberId, held: h.gmk, missing: `no second GMK message in a NOTIFY of his subscription within ${gms.target.notifyWithinMs} ms of the trigger` };
    return { memberId: h.memberId, held: h.gmk, verified: readAsMember(next, h.memberId, h.keys) };
  });
  await verify.run(GMK_REVOCATION, { trigger: `${trigger.method} ${trigger.url}: HTTP ${sent.status}`, members });
});
