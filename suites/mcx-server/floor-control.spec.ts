/**
 * 9.4 floor control between the MC client and the MCX server over SRTCP,
 * keyed by the CSK the client uploaded (9.4.2). The suite uploads a CSK,
 * calls mcxServer.floorControl.group (floor.ts), and sends three Floor
 * Requests, each in an idle floor (a Floor Release after each answer):
 * a valid one, whose answer is read octet by octet (checks/floor-control.ts);
 * one whose SRTCP tag is broken, then a valid one as the control; and a
 * valid one sent twice with the same SRTCP index, then a fresh one as the
 * control.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import type { Unmet } from '../../lib/harness/check.ts';
import { SRTCP_CS_ID } from '../../lib/crypto/srtp/index.ts';
import { FLOOR_ANSWER, FLOOR_REPLAYED, FLOOR_TAMPERED, describeReading, readAnswer, type AnswerReading } from './checks/floor-control.ts';
import { DEFAULT_ANSWER_WITHIN_MS, FloorLeg, floorUnobservable, type FloorPacket } from './floor.ts';

test.describe.configure({ mode: 'default' });

/** What the suite can read of an answer: the opened SRTCP, else the packet as plain RTCP. */
const floorOf = (r: AnswerReading) => (r.opened?.floor.ok ? r.opened.floor : r.plain?.ok ? r.plain : undefined);
const isIdle = (r: AnswerReading) => floorOf(r)?.message.name === 'idle';

test('9.4.2 / 9.4.6-9.4.8 floor control over SRTCP keyed by the uploaded CSK: the answer, a tampered and a replayed Floor Request', { annotation: declare(FLOOR_ANSWER, FLOOR_TAMPERED, FLOOR_REPLAYED), tag: ['@mcx-server'] }, async ({ mcx, verify, target, evidence }) => {
  const withinMs = mcx.target.floorControl?.answerWithinMs ?? DEFAULT_ANSWER_WITHIN_MS;
  // An awaited answer may come late on a loaded machine at no cost when it comes early; only the windows that watch for silence take withinMs whole.
  const awaitMs = Math.max(4 * withinMs, 2_000);
  const expectedCsId = SRTCP_CS_ID.mcpttCsk;
  const skipAll = async (why: Unmet) => {
    await verify.run(FLOOR_ANSWER, { unobservable: why, withinMs, expectedCsId });
    await verify.run(FLOOR_TAMPERED, { unobservable: why, withinMs, watched: [] });
    await verify.run(FLOOR_REPLAYED, { unobservable: why, withinMs, watched: [] });
  };
  const why = floorUnobservable(target, mcx);
  if (why) return skipAll(why);
  const opened = await FloorLeg.open(mcx, target, evidence);
  if (!(opened instanceof FloorLeg)) return skipAll(opened);
  const leg = opened;
  const read = (p: FloorPacket | undefined): AnswerReading | undefined => {
    if (!p) return undefined;
    const r = readAnswer(p.octets, leg.kfc, expectedCsId);
    p.note = describeReading(r);
    return r;
  };
  /** Sends a request and reads the first packet back. */
  const ask = async (octets: Uint8Array, note: string) => {
    await leg.send(octets, note);
    return read(await leg.next(awaitMs));
  };
  /**
   * Releases the floor and waits for the Floor Idle that follows, so the next request meets an idle floor and no late
   * Idle is taken for its answer. Only a floor `answer` granted is waited out: no Idle follows the release of a floor
   * never granted, and a packet the suite cannot read ends the wait (no Idle would be told from it).
   */
  const release = async (answer: AnswerReading | undefined) => {
    await leg.send(leg.protect(leg.message('release')), 'Floor Release');
    if (!answer || floorOf(answer)?.message.name !== 'granted') return leg.drop();
    const until = Date.now() + awaitMs;
    for (let r = read(await leg.next(awaitMs)); r && floorOf(r) && !isIdle(r) && Date.now() < until; r = read(await leg.next(Math.max(1, until - Date.now()))));
    leg.drop();
  };
  try {
    const answer = await ask(leg.protect(leg.message('request')), 'Floor Request');
    await verify.run(FLOOR_ANSWER, { withinMs: awaitMs, expectedCsId, kfc: leg.kfc, ...(answer ? { answer } : {}) });
    await release(answer);

    await leg.send(leg.protect(leg.message('request'), { tamperTag: true }), 'Floor Request, one bit of its GCM tag flipped');
    const afterTampered = (await leg.during(withinMs)).map((p) => read(p)!);
    const tamperedControl = await ask(leg.protect(leg.message('request')), 'Floor Request (control)');
    await verify.run(FLOOR_TAMPERED, { withinMs, controlWithinMs: awaitMs, watched: afterTampered, ...(tamperedControl ? { control: tamperedControl } : {}) });
    await release(tamperedControl);

    const once = leg.protect(leg.message('request'));
    const original = await ask(once, 'Floor Request (to be replayed)');
    await release(original);
    await leg.send(once, 'the same Floor Request again: same octets, same SRTCP index');
    const afterReplay = (await leg.during(withinMs)).map((p) => read(p)!);
    const replayControl = await ask(leg.protect(leg.message('request')), 'Floor Request (control)');
    const noOriginal: AnswerReading = { octets: new Uint8Array(0), malformed: `no answer within ${awaitMs} ms`, trailer: 0 };
    await verify.run(FLOOR_REPLAYED, { withinMs, controlWithinMs: awaitMs, watched: afterReplay, original: original ?? noOriginal, ...(replayControl ? { control: replayControl } : {}) });
    await release(replayControl);
  } finally {
    evidence.record('srtcp', 'floor control leg: every packet, with what the suite read in it', {
      kfc: { cskId: leg.kfc.id.toString(16).padStart(8, '0'), csId: expectedCsId, mki: Buffer.from(leg.srtcp.mki).toString('hex') },
      packets: leg.packets.map((p) => ({ direction: p.direction, at: p.at, octets: Buffer.from(p.octets).toString('hex'), note: p.note })),
    });
    await leg.close();
  }
});
