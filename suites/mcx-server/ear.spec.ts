/**
 * 9.6 EARs at the MCX server: an MCPTT private call in automatic
 * commencement mode is privileged signalling (9.6.2.2), so the server
 * processes the EAR it carries (9.6.5.4). The suite (ear.ts) places the
 * call with a valid EAR (the control; it must reach the callee with the
 * EAR copied, 9.6.2.1), then with EARs that each break one step of
 * 9.6.5.4 or J.2.4, then with a valid one again (the second control).
 * The replayed case sends the first valid EAR again, octet for octet.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import type { Unmet } from '../../lib/harness/check.ts';
import { describeEar } from '../../lib/ear/payload.ts';
import { EAR_REFUSALS, EAR_VALID, type CallOutcome } from './checks/ear.ts';
import { buildEar, DEFAULT_FORWARD_WITHIN_MS, earParties, earUnobservable, placeCall, type EarVariant } from './ear.ts';

test.describe.configure({ mode: 'default' });

const REFUSALS = Object.values(EAR_REFUSALS);

test('9.6.5.4 a privileged private call with EARs: a valid EAR is processed and copied on; forged, mistargeted, stale, replayed, misattributed, unauthorised, mispurposed and expired ones are refused', { annotation: declare(EAR_VALID, ...REFUSALS), tag: ['@mcx-server'] }, async ({ mcx, verify, target, evidence }) => {
  const encoding = `the codes Annex J does not number were ${JSON.stringify(mcx.target.ears?.codes ?? {})} over lib/ear/payload.ts's defaults (mcxServer.ears.codes)`;
  const skipAll = async (why: Unmet) => {
    await verify.run(EAR_VALID, { unobservable: why, encoding });
    for (const t of REFUSALS) await verify.run(t, { unobservable: why, controls: [] });
  };
  const why = earUnobservable(target, mcx);
  if (why) return skipAll(why);
  const parties = await earParties(mcx);
  if ('reason' in parties) return skipAll(parties);
  const withinMs = mcx.target.ears?.forwardWithinMs ?? DEFAULT_FORWARD_WITHIN_MS;
  const calls: Array<Record<string, unknown>> = [];
  const call = async (label: string, ear: { bytes: Uint8Array; payload: Parameters<typeof describeEar>[0] }) => {
    const outcome = await placeCall(mcx, parties, ear.bytes, withinMs);
    const atCallee = outcome.forwarded ? { earPartsAtCallee: outcome.forwarded.ears.map((e) => Buffer.from(e).toString('hex')) } : { earPartsAtCallee: 'the INVITE did not reach the callee' };
    calls.push({ label, ear: describeEar(ear.payload), octets: Buffer.from(ear.bytes).toString('hex'), answer: outcome.answer, watchedMs: outcome.watchedMs, ...atCallee });
    return outcome;
  };
  try {
    const valid = buildEar(parties, 'valid', mcx.target.domain);
    const first = await call('valid EAR (control)', valid);
    await verify.run(EAR_VALID, { sent: valid.bytes, call: first, encoding });
    const outcomes = new Map<keyof typeof EAR_REFUSALS, CallOutcome>();
    const variants: Array<Exclude<EarVariant, 'valid'>> = ['forged', 'otherTarget', 'stale', 'originNotSigner', 'unauthorised', 'otherRequest', 'expired'];
    for (const v of variants) outcomes.set(v, await call(`EAR: ${v}`, buildEar(parties, v, mcx.target.domain)));
    outcomes.set('replayed', await call('the first valid EAR again (same EAR ID)', valid));
    const last = await call('valid EAR (control)', buildEar(parties, 'valid', mcx.target.domain));
    for (const [name, table] of Object.entries(EAR_REFUSALS) as Array<[keyof typeof EAR_REFUSALS, (typeof REFUSALS)[number]]>) {
      await verify.run(table, { call: outcomes.get(name)!, controls: [first, last] });
    }
  } finally {
    evidence.record('ear', 'private calls with EARs: each EAR sent (decoded and as octets) and what came of the call', { caller: parties.authorised.uri, callee: parties.calleeId, calls });
  }
});
