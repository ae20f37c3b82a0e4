/**
 * The suite's side of EARs at the MCX server (9.6): the caller (the first
 * user) and the callee (mcxServer.ears.callee) are both registered, bound,
 * on the suite's UE; the caller places MCPTT private calls in automatic
 * commencement mode (Answer-Mode: Auto, RFC 5373; session-type `private`
 * in the mcptt-info) whose body carries an EAR part. The INVITE the server
 * sends on arrives at the same UE, which answers it 486 (the call is not
 * wanted, only seen). The EARs are signed with the caller's authorised
 * identity from the target's KMS (9.6.3.2), or, for the unauthorised case,
 * with its plain identity.
 */
import { randomUUID } from 'node:crypto';
import type { McxSuite, McxUser } from './fixture.ts';
import { unmet, type Unmet } from '../../lib/harness/check.ts';
import { buildMcInfo, buildMultipart, headerValue, mcInfoContentType, methodOf, parseMultipart, SipEndpoint, UdpChannel, type ServerTransaction, type SipChannel } from '../../lib/sip/index.ts';
import { DEFAULT_EAR_CODES, EAR_ROLE, hasAuthorisation, PRIVILEGED_REQUEST, REQUEST_TYPE, type EarCodes, type EarPayload } from '../../lib/ear/payload.ts';
import { EAR_CONTENT_TYPE, signEar, type EarSigner } from '../../lib/ear/signed.ts';
import type { UserKeyMaterial } from '../../lib/kms-xml/provision.ts';
import type { Target } from '../../lib/target/types.ts';
import type { CallOutcome } from './checks/ear.ts';
import { ECCSI_PVT_AND_S } from './csk.ts';
import { UE_TIMERS } from './ue.ts';

/** The watch for the INVITE at the callee ends with the caller's final answer (plus AFTER_REFUSAL_MS); this only bounds it. */
export const DEFAULT_FORWARD_WITHIN_MS = 10_000;
/** After a refusal, how long a late INVITE at the callee is still watched for. */
const AFTER_REFUSAL_MS = 250;

/** Why this target's EAR processing cannot be driven, or undefined. */
export function earUnobservable(target: Target, mcx: McxSuite): Unmet | undefined {
  if (target.ics.ears !== true) return unmet('the ICS does not claim ears (9.6, Annex J): EAR processing is not tested', 'configuration');
  if (mcx.service !== 'mcptt') return unmet(`the service under test is ${mcx.service}: the suite drives MCPTT private calls only`, 'configuration');
  const callee = mcx.target.ears?.callee ?? 1;
  if (!mcx.users[callee]) return unmet(`mcxServer.users has no entry ${callee} (mcxServer.ears.callee): the private call needs a second user to call`, 'configuration');
  return undefined;
}

/** The EAR codes of lib/ear/payload.ts, with mcxServer.ears.codes over them. */
export function earCodes(mcx: McxSuite): EarCodes {
  return { ...DEFAULT_EAR_CODES, ...(mcx.target.ears?.codes ?? {}) };
}

export interface EarParties {
  caller: McxUser;
  callee: McxUser;
  calleeId: string;
  /** The caller's authorised identity (with mc-priv-mcptt bit 0) and its plain identity. */
  authorised: EarSigner;
  plain: EarSigner;
  codes: EarCodes;
}

const signerOf = (k: UserKeyMaterial): EarSigner => ({ uri: k.userUri, kmsUri: k.kmsUri, keyPeriod: k.keyPeriod, keyPeriodOffset: k.keyPeriodOffset, keyPeriodNo: k.keyPeriodNo, ssk: k.ssk, pvt: k.pvt, kpak: k.kpak });

/** Registers and binds both users, and fetches the caller's key sets; stops the test when a step fails (graded elsewhere). */
export async function earParties(mcx: McxSuite): Promise<EarParties | Unmet> {
  const caller = mcx.users[0]!;
  const callee = mcx.users[mcx.target.ears?.callee ?? 1]!;
  const callerToken = await mcx.token('authorised', caller);
  const calleeToken = await mcx.token('valid', callee);
  const calleeId = mcx.serviceUserId(calleeToken);
  const callerId = mcx.serviceUserId(callerToken);
  for (const [user, token] of [[caller, callerToken], [callee, calleeToken]] as const) {
    const answer = await mcx.ue.register(user.impu, mcx.service, token);
    if (answer.kind !== 'final' || answer.status >= 300) return unmet(`the REGISTER of ${user.impu} with a valid access token got ${answer.kind === 'final' ? answer.status : answer.detail} (graded by the authorisation tests)`, 'precondition');
    // A call between users the server has not bound would be refused whatever its EAR says.
    const seen = await mcx.observe(user.impu);
    if (seen.kind !== 'bound') return unmet(`${user.impu} is not seen bound after its REGISTER with a valid access token (${seen.kind === 'unknown' ? seen.reason : 'unbound'}; graded by the authorisation tests)`, seen.kind === 'unknown' ? seen.blame : 'precondition');
  }
  const authorised = await mcx.keyMaterial(caller, callerToken, { label: 'the authorised identity with mc-priv-mcptt bit 0', pick: (uri) => uri.startsWith(`${callerId}?`) && hasAuthorisation(uri, 'mc-priv-mcptt', 0) });
  const plain = await mcx.keyMaterial(caller, callerToken, { label: 'the plain identity', pick: (uri) => uri === callerId });
  return { caller, callee, calleeId, authorised: signerOf(authorised), plain: signerOf(plain), codes: earCodes(mcx) };
}

/** The EARs of the test: the valid one and each single change. */
export type EarVariant = 'valid' | 'forged' | 'otherTarget' | 'stale' | 'originNotSigner' | 'unauthorised' | 'otherRequest' | 'expired';

/** A signed EAR of `variant` for a call from the caller to the callee (or to `targetId`). */
export function buildEar(p: EarParties, variant: EarVariant, domain: string, targetId = p.calleeId): { bytes: Uint8Array; payload: EarPayload } {
  const now = Math.floor(Date.now() / 1000);
  const signer = variant === 'unauthorised' ? p.plain : p.authorised;
  const payload: EarPayload = {
    dateTime: variant === 'stale' ? now - 600 : now,
    earId: Uint8Array.from(Buffer.from(randomUUID().replace(/-/g, ''), 'hex')),
    sourceRole: EAR_ROLE.client,
    // originNotSigner: another user's identity with the same authorisation, signed under the caller's UID.
    sourceId: variant === 'originNotSigner' ? `sip:not-the-signer@${domain}${signer.uri.slice(signer.uri.indexOf('?'))}` : signer.uri,
    targetRole: EAR_ROLE.client,
    targetId: variant === 'otherTarget' ? `sip:not-the-callee@${domain}` : targetId,
    request: {
      type: REQUEST_TYPE.privileged,
      id: variant === 'otherRequest' ? PRIVILEGED_REQUEST.mcpttAmbientListening : PRIVILEGED_REQUEST.mcpttAutomaticPrivateCall,
      expiry: variant === 'expired' ? now - 60 : now + 600,
    },
  };
  const bytes = signEar(payload, signer, p.codes);
  // The signature ends r || s || PVT (RFC 6507): flip the last bit of r, so the PVT stays a point.
  if (variant === 'forged') bytes[bytes.length - ECCSI_PVT_AND_S - 1]! ^= 0x01;
  return { bytes, payload };
}

/** Where the callee's INVITE is awaited: the suite's UE, or the partner domain's entry. */
export type WaitForRequest = (ms: number, signal: AbortSignal) => Promise<ServerTransaction | undefined>;

/**
 * The partner MC domain as the suite plays it (mcxServer.ears.partner): a
 * UDP socket at nextHop, where the server sends requests for the partner
 * callee.
 */
export async function partnerDomain(mcx: McxSuite): Promise<{ incoming: WaitForRequest; close(): Promise<void>; records: SipChannel['records'] } | Unmet> {
  const hop = mcx.target.ears!.partner!.nextHop;
  let channel: UdpChannel;
  try {
    channel = await UdpChannel.open({ host: hop.address, port: hop.port });
  } catch (err) {
    return unmet(`the suite cannot listen at mcxServer.ears.partner.nextHop ${hop.address}:${hop.port} (udp): ${(err as Error).message}`, 'configuration');
  }
  const endpoint = new SipEndpoint(channel, { timers: UE_TIMERS });
  return {
    records: channel.records,
    incoming: async (ms, signal) => endpoint.nextRequest(ms, signal).catch(() => undefined),
    async close() {
      endpoint.stop();
      await channel.close().catch(() => undefined);
    },
  };
}

const SDP_OFFER = ['v=0', 'o=mcx-conformance 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 49170 RTP/AVP 96', 'a=rtpmap:96 AMR-WB/16000', ''].join('\r\n');

/**
 * Places one private call with `ear` in its body and watches the callee:
 * until the caller's final answer, or `withinMs`, for the INVITE at the
 * callee (answered 486), and briefly after a refusal for a late one.
 */
export async function placeCall(mcx: McxSuite, p: EarParties, ear: Uint8Array, withinMs: number, to: { calleeId: string; incoming: WaitForRequest } = { calleeId: p.calleeId, incoming: (ms, signal) => mcx.ue.incoming(ms, signal) }): Promise<CallOutcome> {
  const body = buildMultipart([
    { contentType: 'application/sdp', body: SDP_OFFER },
    { contentType: mcInfoContentType('mcptt'), body: buildMcInfo({ service: 'mcptt', sessionType: 'private', requestUri: { value: to.calleeId } }) },
    { contentType: EAR_CONTENT_TYPE, body: ear },
  ]);
  const stop = new AbortController();
  const started = Date.now();
  const watch = (async () => {
    const tx = await to.incoming(withinMs, stop.signal);
    if (!tx) return undefined;
    const m = tx.request.message;
    await tx.reply(methodOf(m) === 'INVITE' ? 486 : 200).catch(() => undefined);
    if (methodOf(m) !== 'INVITE') return undefined;
    const type = headerValue(m, 'content-type') ?? '';
    const parts = /^multipart\//i.test(type) ? parseMultipart(m.body, type).parts : [{ contentType: type, body: m.body }];
    return { ears: parts.filter((x) => x.contentType.split(';')[0]!.trim().toLowerCase() === EAR_CONTENT_TYPE).map((x) => x.body) };
  })();
  const answering = mcx.ue.invite(p.caller.impu, 'mcptt', { contentType: body.contentType, octets: body.octets }, [['Answer-Mode', 'Auto']]);
  const first = await Promise.race([answering.then(() => 'answer' as const), watch.then(() => 'callee' as const)]);
  if (first === 'answer') setTimeout(() => stop.abort(), AFTER_REFUSAL_MS);
  const [answer, forwarded] = await Promise.all([answering, watch]);
  stop.abort();
  if (answer.kind === 'final' && answer.dialog) await mcx.ue.bye(answer.dialog);
  const final = answer.kind === 'final' ? { kind: 'final' as const, status: answer.status, reason: answer.reason } : answer;
  return { answer: final, watchedMs: Date.now() - started, ...(forwarded ? { forwarded } : {}) };
}
