import { sha256 } from '@noble/hashes/sha2.js';
import { kdfInput } from './kdf.ts';

/**
 * TS 33.180 F.2.1: the MIKEY-SAKKE UID, SHA-256 over a TS 33.220 B.2 style
 * string (FC 0x00 is a dummy; no HMAC). P3 and P4 come from the KMS
 * certificate (UserKeyPeriod, UserKeyOffset).
 */
export interface UidInput {
  /** P1: the MC service user ID (e.g. sip:user@example.org). */
  userUri: string;
  /** P2: the KMS identifier (e.g. kms.example.org). */
  kmsUri: string;
  /** P3: key period length in seconds. */
  keyPeriod: number | bigint;
  /** P4: key period offset in seconds (less than P3). */
  keyPeriodOffset: number | bigint;
  /** P5: key period number since 0h 1 January 1900; see keyPeriodNumber(). */
  keyPeriodNo: number | bigint;
}

export const UID_LABEL = 'MIKEY-SAKKE-UID';

/** The hash input S of F.2.1.1 (useful as evidence when two vendors disagree). */
export function mikeySakkeUidInput(input: UidInput): Uint8Array {
  return kdfInput(0x00, [UID_LABEL, input.userUri, input.kmsUri, input.keyPeriod, input.keyPeriodOffset, input.keyPeriodNo]);
}

/** 32-octet UID (RFC 6507 'ID', RFC 6508 'a'/'b'). Base64 it for display. */
export function mikeySakkeUid(input: UidInput): Uint8Array {
  return sha256(mikeySakkeUidInput(input));
}

/** F.2.1.1: P5 = floor((TIME - P4) / P3), TIME in NTP seconds. */
export function keyPeriodNumber(ntpSeconds: number, period: number, offset: number): number {
  if (!(period > 0) || !Number.isFinite(period)) throw new RangeError(`key period must be positive, got ${period}`);
  if (!(offset >= 0) || !Number.isFinite(offset)) throw new RangeError(`key period offset must be non-negative, got ${offset}`);
  if (!Number.isFinite(ntpSeconds) || ntpSeconds < offset) throw new RangeError(`time ${ntpSeconds} is before the key period offset ${offset}`);
  return Math.floor((ntpSeconds - offset) / period);
}

/** NTP second at which key period number n starts: P4 + n * P3. */
export function keyPeriodStart(n: number, period: number, offset: number): number {
  return offset + n * period;
}
