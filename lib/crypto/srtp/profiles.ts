import type { SrtpPolicy } from './aead.ts';

/**
 * Packet-level parts of the TS 33.180 Annex E default security profiles
 * (all AEAD_AES_128_GCM, 16-octet key, 12-octet salt, AES-CM PRF, kdr 0,
 * 16-octet AEAD tag).
 */
export const DEFAULT_PROFILES = {
  /** E.2.2 group call (GMK): RCCm3, ROC in every packet (rate 1, 4-octet tag); MKI GMK-ID || GUK-ID (7.4.2). */
  gmk: { mkiLength: 8, rocRate: 1 },
  /** 7.4.2 alternative: MKI is the GMK-ID alone when the sender is known by other means. */
  gmkShortMki: { mkiLength: 4, rocRate: 1 },
  /** E.3.2 private call (PCK): no ROC tag; MKI PCK-ID (7.4.1). */
  pck: { mkiLength: 4, rocRate: 0 },
  /** E.4.2 SRTCP with CSK or MuSiK; MKI KFC-ID / CSK-ID (9.4.6). */
  csk: { mkiLength: 4, rocRate: 0 },
} as const satisfies Record<string, SrtpPolicy>;
