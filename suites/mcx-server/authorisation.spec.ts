/**
 * 5.1.3.2 MCX user service authorisation with the MCX server, black-box
 * through the SIP core: the suite registers as an MC client, sends the
 * token in REGISTER (third-party registration, 5.1.3.2.2) or PUBLISH
 * poc-settings (5.1.3.2.3) as the ICS claims, and reads binding through
 * mcxServer.bindingObservation. Bad tokens: expired (idms.expiredAccessToken),
 * forged (a valid token re-signed with a key the IdMS never published),
 * without the service scope (a login without 3gpp:mc:ptt_service), for
 * another resource server (mcxServer.wrongAudienceAccessToken, checked first
 * by lib/oidc/wrong-audience-input.ts).
 * The tests share the server's binding state, so they run one after another
 * (mode default: in order, a failure skips nothing).
 */
import { test, type McxSuite } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import type { Checker } from '../../lib/harness/checker.ts';
import { badTokenTable, REBIND, REGISTER_NO_TOKEN, validTokenTable, type BadTokenKind, type TokenPath } from './checks/authorisation.ts';
import type { SipAnswer } from './ue.ts';
import { NOT_APPLICABLE_ANNOTATION } from '../../lib/harness/finding.ts';

// In order in one worker (the binding state is shared), and a failure does not skip the tests after it.
test.describe.configure({ mode: 'default' });

const ICS: Record<TokenPath, 'mcx-server.token-in-register' | 'mcx-server.token-in-publish'> = { register: 'mcx-server.token-in-register', publish: 'mcx-server.token-in-publish' };

/** Deregisters the IMPU (its bindings go) and reads the observation that it is unbound. */
async function clean(mcx: McxSuite, impu: string) {
  await mcx.deregister(impu);
  return mcx.observe(impu);
}

/** Sends `token` for the first user by `path`; for PUBLISH the UE registers without token first. */
async function deliver(mcx: McxSuite, path: TokenPath, impu: string, token: string): Promise<SipAnswer> {
  if (path === 'register') return mcx.ue.register(impu, mcx.service, token);
  await mcx.ue.register(impu, mcx.service, undefined);
  return mcx.ue.publish(impu, mcx.service, token);
}

test('5.1.3.2.1 a registration without an access token is not refused', { annotation: declare(REGISTER_NO_TOKEN), tag: ['@mcx-server'] }, async ({ mcx, verify }) => {
  const impu = mcx.users[0]!.impu;
  await mcx.deregister(impu);
  const register = await mcx.ue.register(impu, mcx.service, undefined);
  await verify.run(REGISTER_NO_TOKEN, { register });
  await mcx.deregister(impu);
});

for (const path of ['register', 'publish'] as const) {
  const valid = validTokenTable(path);
  test(`5.1.3.2.${path === 'register' ? 2 : 3} a valid access token in ${path.toUpperCase()} binds the IMPU to the MC service ID`, { annotation: declare(valid), tag: ['@mcx-server'] }, async ({ mcx, verify, target }) => {
    if (target.ics[ICS[path]] !== true) test.skip(true, `not-applicable: the ICS does not claim ${ICS[path]}`);
    const impu = mcx.users[0]!.impu;
    const token = await mcx.token('valid');
    const before = await clean(mcx, impu);
    const delivery = await deliver(mcx, path, impu, token);
    const after = await mcx.observe(impu);
    await verify.run(valid, { delivery, before, after, noObservation: mcx.noObservation });
    await mcx.deregister(impu);
  });

  for (const kind of ['expired', 'forged', 'no-scope', 'wrong-audience'] as const satisfies readonly BadTokenKind[]) {
    const table = badTokenTable(path, kind);
    test(`5.1.3.2.${path === 'register' ? 2 : 3} ${table.exchange}: refused, nothing bound`, { annotation: declare(table), tag: ['@mcx-server'] }, async ({ mcx, verify, target }) => {
      if (target.ics[ICS[path]] !== true) test.skip(true, `not-applicable: the ICS does not claim ${ICS[path]}`);
      const impu = mcx.users[0]!.impu;
      const token = await mcx.token(kind);
      const before = await clean(mcx, impu);
      const delivery = await deliver(mcx, path, impu, token);
      const after = await mcx.observe(impu);
      await verify.run(table, { delivery, before, after, noObservation: mcx.noObservation });
      await mcx.deregister(impu);
    });
  }
}

test('5.1.3.2.1 a valid token from a new IMPU re-binds the MC service ID', { annotation: declare(REBIND), tag: ['@mcx-server'] }, async ({ mcx, verify, target }) => {
  const path: TokenPath = target.ics['mcx-server.token-in-register'] === true ? 'register' : 'publish';
  if (target.ics[ICS[path]] !== true) {
    // Not-applicable (a verdict), not a plain skip: the requirement is about whichever path the ICS claims.
    test.info().annotations.push({ type: NOT_APPLICABLE_ANNOTATION, description: 'the ICS claims neither mcx-server.token-in-register nor mcx-server.token-in-publish' });
    test.skip(true, 'not-applicable: the ICS claims neither mcx-server.token-in-register nor mcx-server.token-in-publish');
  }
  const oldImpu = mcx.users[0]!.impu;
  const newImpu = mcx.target.spareImpu;
  const run = (input: Omit<Parameters<typeof REBIND.checks[0]['run']>[0], 'noObservation' | 'noSpare'>, v: Checker) =>
    v.run(REBIND, { ...input, noObservation: mcx.noObservation, ...(newImpu ? {} : { noSpare: 'the target file gives no mcxServer.spareImpu (an IMPU no test user registers) to move the binding to' }) });
  if (!newImpu) return void (await run({ first: { kind: 'unknown', reason: 'not run', blame: 'configuration' }, newImpu: { kind: 'unknown', reason: 'not run', blame: 'configuration' }, oldImpu: { kind: 'unknown', reason: 'not run', blame: 'configuration' } }, verify));
  const token = await mcx.token('valid');
  await clean(mcx, oldImpu);
  await clean(mcx, newImpu);
  await deliver(mcx, path, oldImpu, token);
  const first = await mcx.observe(oldImpu);
  await deliver(mcx, path, newImpu, token);
  await run({ first, newImpu: await mcx.observe(newImpu), oldImpu: await mcx.observe(oldImpu) }, verify);
  await mcx.deregister(newImpu);
  await mcx.deregister(oldImpu);
});
