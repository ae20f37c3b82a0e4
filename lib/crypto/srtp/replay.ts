/**
 * Packet index estimation (RFC 3711 section 3.3.1 and Appendix A) and the
 * replay list of RFC 3711 section 3.3.2, kept as a sliding window.
 */

const SEQ_MOD = 65536;
const HALF = 32768;

/**
 * RFC 3711 Appendix A: the ROC guess v for a received SEQ, given the highest
 * sequence number s_l and the ROC the receiver holds. May be -1 (a packet from
 * before the stream started) or ROC + 1.
 */
export function estimateRoc(seq: number, highestSeq: number, roc: number): number {
  if (highestSeq < HALF) return seq - highestSeq > HALF ? roc - 1 : roc;
  return highestSeq - HALF > seq ? roc + 1 : roc;
}

/** 48-bit SRTP packet index i = 2^16 * ROC + SEQ (RFC 3711 3.3.1). */
export function packetIndex(roc: number, seq: number): number {
  return roc * SEQ_MOD + seq;
}

export type ReplayVerdict = 'fresh' | 'duplicate' | 'too-old';

/**
 * Replay list as a sliding window below the highest authenticated index
 * (RFC 3711 3.3.2: at least 64 packets). Check before authenticating, and
 * `accept` only after authentication succeeded.
 */
export class ReplayWindow {
  readonly size: number;
  private highest = -1;
  private readonly seen: Float64Array;

  constructor(size = 64) {
    if (!Number.isInteger(size) || size < 64 || size > 1 << 16) throw new RangeError(`replay window must be 64..65536 packets, got ${size}`);
    this.size = size;
    this.seen = new Float64Array(size).fill(-1);
  }

  /** Highest accepted index, -1 before the first packet. */
  get highestIndex(): number {
    return this.highest;
  }

  check(index: number): ReplayVerdict {
    if (this.highest < 0 || index > this.highest) return 'fresh';
    if (index <= this.highest - this.size) return 'too-old';
    return this.seen[index % this.size] === index ? 'duplicate' : 'fresh';
  }

  accept(index: number): void {
    this.seen[index % this.size] = index;
    if (index > this.highest) this.highest = index;
  }
}
