/**
 * 9.6 EARs at the MCX server: an MCPTT private call in automatic
 * commencement mode is privileged signalling (9.6.2.2), so the server
 * processes the EAR it carries (9.6.5.4). The suite (ear.ts) places the
 * call with a valid EAR (the control; it must reach the callee with the
 * EAR copied, 9.6.2.1), then with EARs that each break one step of
 * 9.6.5.4 or J.2.4, then with a valid one again (the second control).
 * The replayed case sends the first valid EAR again, octet for octet.
 * A second test calls a user of a partner MC domain, where the suite
 * listens: the INVITE must carry the server's own EAR (9.6.2.3).
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { unmet, type Unmet } from '../../lib/harness/check.ts';
import { recordSipDialogue } from '../../lib/harness/sip-evidence.ts';
import { describeEar } from '../../lib/ear/payload.ts';
import { openEar } from '../../lib/ear/signed.ts';
import { EAR_REFUSALS, EAR_VALID, type CallOutcome } from './checks/ear.ts';
import { SERVER_EAR } from './checks/server-ear.ts';
import { buildEar, DEFAULT_FORWARD_WITHIN_MS, earCodes, earParties, earUnobservable, partnerDomain, placeCall, type EarVariant } from './ear.ts';

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

test("9.6.2.3 a private call to a partner MC domain carries the server's own EAR, signed by its authorised identity, beside the caller's", { annotation: declare(SERVER_EAR), tag: ['@mcx-server'] }, async ({ mcx, verify, target, evidence }) => {
  const partnerTarget = mcx.target.ears?.partner;
  const base = { calleeId: partnerTarget?.callee ?? '', service: mcx.service, codes: earCodes(mcx), now: Math.floor(Date.now() / 1000) };
  const skip = (why: Unmet) => verify.run(SERVER_EAR, { ...base, unobservable: why });
  const why = earUnobservable(target, mcx) ?? (partnerTarget ? undefined : unmet('the target file gives no mcxServer.ears.partner: the partner-domain user to call and where the server sends that domain\'s requests (9.6.2.3)', 'configuration'));
  if (why) return skip(why);
  const parties = await earParties(mcx);
  if ('reason' in parties) return skip(parties);
  const partner = await partnerDomain(mcx);
  if ('reason' in partner) return skip(partner);
  const withinMs = mcx.target.ears?.forwardWithinMs ?? DEFAULT_FORWARD_WITHIN_MS;
  const ear = buildEar(parties, 'valid', mcx.target.domain, partnerTarget!.callee);
  try {
    const call = await placeCall(mcx, parties, ear.bytes, withinMs, { calleeId: partnerTarget!.callee, incoming: partner.incoming });
    const a = parties.authorised;
    await verify.run(SERVER_EAR, { ...base, now: Math.floor(Date.now() / 1000), call, callerEar: ear.bytes, kms: { kmsUri: a.kmsUri, kpak: a.kpak, keyPeriod: a.keyPeriod, keyPeriodOffset: a.keyPeriodOffset, keyPeriodNo: a.keyPeriodNo } });
    evidence.record('ear', 'private call to the partner domain: the caller\'s EAR and the EAR parts that arrived there', {
      callerEar: { decoded: describeEar(ear.payload), octets: Buffer.from(ear.bytes).toString('hex') },
      answer: call.answer,
      atPartner: call.forwarded ? call.forwarded.ears.map((e) => { const o = openEar(e, a.kpak, base.codes); return { octets: Buffer.from(e).toString('hex'), ...(o.ok ? { decoded: describeEar(o.payload), signingKms: o.signingKms, signature: o.signature } : { problem: o.reason }) }; }) : 'the INVITE did not arrive',
    });
  } finally {
    if (partner.records.length) recordSipDialogue(evidence, 'SIP at the partner domain entry', partner.records, {});
    await partner.close();
  }
});
