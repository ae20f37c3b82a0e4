import { protectRtp, type SrtpPolicy } from './aead.ts';
import { parseRtpHeader } from './rtp.ts';
import type { AeadSessionKeys } from './kdf.ts';

/**
 * Sending side of an SRTP stream: keeps the ROC per SSRC (RFC 3711 3.3.1:
 * the ROC steps up when SEQ wraps to 0) and protects each packet with the
 * stream's MKI and RCCm3 ROC tag policy.
 */
export interface SrtpSenderOptions extends SrtpPolicy {
  mki?: Uint8Array;
  /** ROC of the first packet of each SSRC (default 0). */
  initialRoc?: number;
}

export class SrtpSender {
  private readonly streams = new Map<number, { roc: number; lastSeq: number }>();

  constructor(private readonly keys: AeadSessionKeys, private readonly opts: SrtpSenderOptions) {}

  /** Protects a plain RTP packet. Throws on a malformed packet (it is the caller's own). */
  protect(rtp: Uint8Array): Uint8Array {
    const parsed = parseRtpHeader(rtp);
    if (!parsed.ok) throw new RangeError(parsed.reason);
    const { ssrc, sequenceNumber: seq } = parsed.header;
    let state = this.streams.get(ssrc);
    if (!state) {
      state = { roc: this.opts.initialRoc ?? 0, lastSeq: seq };
      this.streams.set(ssrc, state);
    } else {
      if (seq < state.lastSeq && state.lastSeq - seq > 32768) state.roc = (state.roc + 1) >>> 0;
      state.lastSeq = seq;
    }
    return protectRtp(this.keys, rtp, { ...this.opts, roc: state.roc });
  }

  rocOf(ssrc: number): number | undefined {
    return this.streams.get(ssrc)?.roc;
  }
}
