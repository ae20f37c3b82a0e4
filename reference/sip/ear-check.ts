import { keyPeriodNumber } from '../../lib/crypto/uid.ts';
import { ntpFromUnixMs } from '../../lib/crypto/ntp.ts';
import { openEar, originMatchesUid } from '../../lib/ear/signed.ts';
import { EAR_ROLE, hasAuthorisation, REQUEST_TYPE } from '../../lib/ear/payload.ts';
import type { FaultSet } from '../fault.ts';

/**
 * The reference MCX server's processing of a received EAR (9.6.5.4), for
 * the one privileged request it knows: an MCPTT private call in automatic
 * commencement mode (9.6.2.2; Request ID 1.1 of J.2.5.2, authorised by bit
 * 0 of mc-priv-mcptt, J.3.3.3). Each step has a fault switch that skips it.
 */
export const EAR_WINDOW_S = 300;

export interface EarKms {
  kmsUri: string;
  kpak: Uint8Array;
  keyPeriod: number;
  keyPeriodOffset: number;
}

/** EAR IDs processed within the window (9.6.5.4 step 3). */
export class EarIdCache {
  private readonly seen = new Map<string, number>();
  has(id: Uint8Array, now: number): boolean {
    for (const [k, at] of this.seen) if (now - at > EAR_WINDOW_S) this.seen.delete(k);
    return this.seen.has(Buffer.from(id).toString('hex'));
  }
  add(id: Uint8Array, now: number): void {
    this.seen.set(Buffer.from(id).toString('hex'), now);
  }
}

export interface EarRequestContext {
  /** The MC service ID the SIP request is for (the mcptt-request-uri). */
  calleeId: string;
  kms: EarKms;
  cache: EarIdCache;
  faults: FaultSet;
  /** Seconds since 1970 UTC. */
  now: number;
}

/** Why the first acceptable EAR of `ears` is missing (none is acceptable), or undefined when one is; an accepted EAR ID is remembered. */
export function earProblem(ears: Uint8Array[], c: EarRequestContext): string | undefined {
  if (ears.length === 0) return 'privileged signalling without an EAR';
  let first: string | undefined;
  for (const bytes of ears) {
    const problem = oneEar(bytes, c);
    if (!problem) return undefined;
    first ??= problem;
  }
  return first;
}

function oneEar(bytes: Uint8Array, c: EarRequestContext): string | undefined {
  const skip = (name: string) => c.faults.has(`mcx-server.ear-${name}`);
  const opened = openEar(bytes, c.kms.kpak);
  if (!opened.ok) return opened.reason;
  const p = opened.payload;
  if (!opened.signature.ok && !skip('skips-signature')) return `signature: ${opened.signature.reason}`;
  if ((p.targetRole !== EAR_ROLE.client || p.targetId !== c.calleeId) && !skip('ignores-target')) return `target ${p.targetId} is not the callee ${c.calleeId}`;
  if (Math.abs(c.now - p.dateTime) > EAR_WINDOW_S && !skip('accepts-stale')) return `date/time ${p.dateTime} is outside the ${EAR_WINDOW_S} s window`;
  if (c.cache.has(p.earId, c.now) && !skip('accepts-replay')) return 'EAR ID already processed';
  const period = { keyPeriod: c.kms.keyPeriod, keyPeriodOffset: c.kms.keyPeriodOffset, keyPeriodNo: keyPeriodNumber(ntpFromUnixMs(c.now * 1000).seconds, c.kms.keyPeriod, c.kms.keyPeriodOffset) };
  if (!originMatchesUid(p.sourceId, opened.signingUid, opened.signingKms, period) && !skip('skips-origin-uid')) return 'the Origin ID does not give the Signing UID';
  if ((!hasAuthorisation(p.sourceId, 'mc-priv-mcptt', 0) || opened.signingKms !== c.kms.kmsUri) && !skip('ignores-authorisation')) return 'the Origin ID is not authorised for automatic commencement private calls';
  const r = p.request;
  if ((r?.type !== REQUEST_TYPE.privileged || r.id?.[0] !== 1 || r.id[1] !== 1) && !skip('ignores-request-type')) return 'the Request is not an MCPTT private call in automatic commencement mode';
  if (r?.expiry !== undefined && r.expiry <= c.now && !skip('ignores-expiry')) return 'the Request has expired';
  c.cache.add(p.earId, c.now);
  return undefined;
}
