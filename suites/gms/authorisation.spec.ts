/**
 * 5.1.3.1 / 5.7.3 authorisation for group management: the first member
 * subscribes to the group's configuration with a token the GMS must refuse
 * (none, expired, forged, without the group management scope), between
 * valid subscriptions that show the GMS serving (checks/authorisation.ts
 * says what counts as a refusal).
 */
import { declare } from '../../lib/harness/index.ts';
import { BAD_TOKENS, refusalTable, type BadToken, type ControlOutcome } from './checks/authorisation.ts';
import { test, type GmsSuite, type TokenKind } from './fixture.ts';
import { subscribeAndWatch } from './subscribe.ts';
import { gmkOf } from './carriage.ts';

const KIND: Record<BadToken, TokenKind | undefined> = { 'no-token': undefined, 'expired-token': 'expired', 'forged-token': 'forged', 'no-scope-token': 'no-scope' };

async function control(gms: GmsSuite, impu: string, token: string): Promise<ControlOutcome> {
  const o = await subscribeAndWatch(gms, impu, token);
  return { delivered: 'bytes' in o.gmk ? true : { why: o.answer.kind === 'final' && o.answer.status >= 300 ? `answered ${o.answer.status}` : o.gmk.problem } };
}

for (const kind of BAD_TOKENS) {
  const table = refusalTable(kind);
  test(`5.7.3 ${table.exchange}: no GMK`, { annotation: declare(table), tag: ['@gms'] }, async ({ gms, verify }) => {
    const member = gms.members[0]!;
    const valid = await gms.token('valid', member);
    const bad = KIND[kind] ? await gms.token(KIND[kind]!, member) : undefined;
    await gms.register(member);
    const before = await control(gms, member.impu, valid);
    const attempt = await subscribeAndWatch(gms, member.impu, bad);
    const accepted = attempt.answer.kind === 'final' && attempt.answer.status < 300;
    const after = accepted ? await control(gms, member.impu, valid) : undefined;
    const notifies = attempt.notifies.map((n) => {
      const carried = gmkOf(n.message, gms.target.gmkCarriage);
      return 'bytes' in carried ? { gmk: true as const, octets: Buffer.from(carried.bytes).toString('hex') } : { gmk: false as const, carried: carried.problem };
    });
    await verify.run(table, { before, answer: attempt.answer, notifies, watchedMs: attempt.watchedMs, ...(after ? { after } : {}) });
  });
}
