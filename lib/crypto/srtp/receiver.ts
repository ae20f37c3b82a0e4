import { unprotectParsedRtp, unprotectRtcp, type SrtpPolicy, type SrtpUnprotectResult, type SrtcpUnprotectResult } from './aead.ts';
import { parseRtpHeader, type RtpHeader } from './rtp.ts';
import { estimateRoc, packetIndex, ReplayWindow } from './replay.ts';
import type { AeadSessionKeys } from './kdf.ts';

/**
 * Stateful SRTP / SRTCP receivers: per-SSRC ROC estimation (RFC 3711 3.3.1),
 * replay protection (3.3.2), and RCCm3 late entry (RFC 4771: a ROC carried
 * in the packet overrides the estimate). State moves only after a packet
 * authenticates. Never throws for packet content.
 */

export interface SrtpReceiverOptions extends SrtpPolicy {
  /** Only accept this MKI (e.g. the PCK-ID or GMK-ID || GUK-ID). */
  expectedMki?: Uint8Array;
  /** ROC assumed for the first packet of an SSRC when none is carried (default 0). */
  initialRoc?: number;
  replayWindow?: number;
}

interface StreamState {
  roc: number;
  highestSeq: number;
  window: ReplayWindow;
}

export class SrtpReceiver {
  private readonly streams = new Map<number, StreamState>();
  /** Options passed on each call; only the ROC guess changes. */
  private readonly call: SrtpReceiverOptions & { roc?: number };

  constructor(private readonly keys: AeadSessionKeys, private readonly opts: SrtpReceiverOptions) {
    this.call = { ...opts };
  }

  /** The receiver's current ROC for an SSRC (undefined before its first packet). */
  rocOf(ssrc: number): number | undefined {
    return this.streams.get(ssrc)?.roc;
  }

  unprotect(packet: Uint8Array): SrtpUnprotectResult {
    const parsed = parseRtpHeader(packet);
    if (!parsed.ok) return { ok: false, code: 'malformed', reason: parsed.reason };
    return this.unprotectParsed(packet, parsed.header);
  }

  /** unprotect for a header the caller already parsed from `packet` (the key ring does). */
  unprotectParsed(packet: Uint8Array, header: RtpHeader): SrtpUnprotectResult {
    const parsed = { header };
    const { ssrc, sequenceNumber: seq } = header;
    const state = this.streams.get(ssrc);
    let guess: number;
    if (state) {
      guess = estimateRoc(seq, state.highestSeq, state.roc);
      if (guess < 0) return { ok: false, code: 'replay-too-old', reason: `SEQ ${seq} lies before the start of the stream (ROC would be -1)`, header: parsed.header };
    } else {
      guess = this.opts.initialRoc ?? 0;
    }
    this.call.roc = guess;
    const result = unprotectParsedRtp(this.keys, packet, parsed.header, this.call);
    if (!result.ok) return result;
    const index = result.index;
    const window = state?.window ?? new ReplayWindow(this.opts.replayWindow);
    const verdict = window.check(index);
    if (verdict === 'duplicate') return { ok: false, code: 'replay-duplicate', reason: `packet index ${index} was already received`, header: result.header, mki: result.mki, roc: result.roc };
    if (verdict === 'too-old') return { ok: false, code: 'replay-too-old', reason: `packet index ${index} is older than the ${window.size}-packet replay window`, header: result.header, mki: result.mki, roc: result.roc };
    window.accept(index);
    if (!state) {
      this.streams.set(ssrc, { roc: result.roc, highestSeq: seq, window });
    } else if (index >= packetIndex(state.roc, state.highestSeq)) {
      state.roc = result.roc;
      state.highestSeq = seq;
    }
    return result;
  }
}

export interface SrtcpReceiverOptions {
  mkiLength: number;
  expectedMki?: Uint8Array;
  replayWindow?: number;
}

export class SrtcpReceiver {
  private readonly windows = new Map<number, ReplayWindow>();

  constructor(private readonly keys: AeadSessionKeys, private readonly opts: SrtcpReceiverOptions) {}

  unprotect(packet: Uint8Array): SrtcpUnprotectResult {
    const result = unprotectRtcp(this.keys, packet, this.opts);
    if (!result.ok) return result;
    const ssrc = result.header.ssrc;
    let window = this.windows.get(ssrc);
    if (!window) {
      window = new ReplayWindow(this.opts.replayWindow);
      this.windows.set(ssrc, window);
    }
    const verdict = window.check(result.index);
    if (verdict !== 'fresh') {
      return { ok: false, code: verdict === 'duplicate' ? 'replay-duplicate' : 'replay-too-old', reason: `SRTCP index ${result.index} ${verdict === 'duplicate' ? 'was already received' : 'is older than the replay window'}`, header: result.header, index: result.index, mki: result.mki };
    }
    window.accept(result.index);
    return result;
  }
}
