/**
 * 5.2.8.2.3 KRR creation at the CS proxy, black-box from both sides. Each
 * test first sends an acceptable I_MESSAGE along the path (its control: it
 * must reach the far side), then one whose KMS on the client's side the
 * proxy does not accept (csProxy.kms.unacceptable): the proxy must answer
 * with a KRR in a 488 and drop the message.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { krrAnswer } from './checks/krr-answer.ts';
import { krrCreatedTable, type Direction } from './checks/krr-created.ts';
import { privateCallMikey, type PrivateCall } from './mikey.ts';

// One test at a time in one worker: the suite's next-hop port is shared.
test.describe.configure({ mode: 'default' });

/** How long the far side keeps listening after the proxy's answer for a copy of the refused message. */
const GRACE_MS = 1_000;

const CASES: Record<Direction, string> = {
  inbound: '5.2.8.2.3 case A: a MIKEY message from the client whose IDRkmsi the proxy does not accept is answered with a KRR and dropped',
  outbound: '5.2.8.2.3 case D: a MIKEY message towards the client whose IDRkmsr the proxy does not accept is answered with a KRR and dropped',
};

for (const direction of Object.keys(CASES) as Direction[]) {
  const table = krrCreatedTable(direction);
  test(CASES[direction], { annotation: declare(table), tag: ['@cs-proxy'] }, async ({ csp, verify, evidence, requireIcs }) => {
    requireIcs('krr.create');
    const { target: t, sides } = csp;
    const ok = t.kms.acceptable[0]!;
    const call = (kmsOnClientSide: string): PrivateCall =>
      direction === 'inbound'
        ? { initiatorUri: t.client.mcServiceId, initiatorKmsUri: kmsOnClientSide, receiverUri: t.peer.uri, receiverKmsUri: ok }
        : { initiatorUri: t.peer.uri, initiatorKmsUri: ok, receiverUri: t.client.mcServiceId, receiverKmsUri: kmsOnClientSide };
    const send = (mikey: Uint8Array) => (direction === 'inbound' ? sides.callFromClient(mikey) : sides.callToClient(mikey));
    const far = direction === 'inbound' ? sides.server : sides.client;

    const controlMikey = privateCallMikey(call(ok));
    let mark = far.seen.length;
    const controlAnswer = await send(controlMikey);
    const reached = far.sawMikey(mark, controlMikey).length > 0;
    const control = { reached, detail: controlAnswer.kind === 'none' ? `no final answer: ${controlAnswer.detail}` : `answered ${controlAnswer.status}` };

    const refused = call(t.kms.unacceptable);
    const mikey = privateCallMikey(refused);
    mark = far.seen.length;
    const answer = await send(mikey);
    await sleep(GRACE_MS);
    const got = krrAnswer(answer);
    if (answer.kind === 'final' && answer.message.body.length) evidence.record('xml', `KRR answering the ${direction} MIKEY message`, new TextDecoder().decode(answer.message.body));
    await verify.run(table, { direction, sent: refused, refused: t.kms.unacceptable, acceptable: t.kms.acceptable, got, forwarded: far.sawMikey(mark, mikey).length, control, ...(t.krrCertificatePem ? { proxyCertPem: t.krrCertificatePem } : {}) });
  });
}
