/**
 * NTP-UTC timestamps (RFC 5905 64-bit format: 32-bit seconds since 0h
 * 1 January 1900, 32-bit binary fraction), as MIKEY's TS payload carries
 * them and TS 33.180 F.2.1 counts key periods in.
 *
 * Era 0 only (until 2036-02-07); seconds are kept as plain numbers so key
 * period arithmetic stays exact.
 */

/** Seconds from 1900-01-01 to 1970-01-01. */
export const NTP_UNIX_OFFSET = 2_208_988_800;

export interface NtpTimestamp {
  /** Whole seconds since 1900-01-01T00:00:00Z (0 .. 2^32-1). */
  seconds: number;
  /** Binary fraction of a second, 0 .. 2^32-1. */
  fraction: number;
}

/** 8 octets to a timestamp; undefined unless exactly 8 octets. */
export function ntpFromBytes(bytes: Uint8Array): NtpTimestamp | undefined {
  if (bytes.length !== 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return { seconds: view.getUint32(0), fraction: view.getUint32(4) };
}

export function ntpToBytes(ts: NtpTimestamp): Uint8Array {
  if (!Number.isInteger(ts.seconds) || ts.seconds < 0 || ts.seconds > 0xffffffff) throw new RangeError(`NTP seconds out of era 0: ${ts.seconds}`);
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, ts.seconds);
  view.setUint32(4, ts.fraction >>> 0);
  return out;
}

/** Unix milliseconds to an NTP timestamp. */
export function ntpFromUnixMs(unixMs: number): NtpTimestamp {
  const totalSeconds = Math.floor(unixMs / 1000);
  const ms = unixMs - totalSeconds * 1000;
  // Round the fraction up so converting back to milliseconds gives the same value.
  return { seconds: totalSeconds + NTP_UNIX_OFFSET, fraction: Math.min(Math.ceil((ms * 2 ** 32) / 1000), 0xffffffff) };
}

/** NTP timestamp to Unix milliseconds (fraction rounded down to the millisecond). */
export function ntpToUnixMs(ts: NtpTimestamp): number {
  return (ts.seconds - NTP_UNIX_OFFSET) * 1000 + Math.floor((ts.fraction * 1000) / 2 ** 32);
}

export function ntpSecondsFromUnixSeconds(unixSeconds: number): number {
  return unixSeconds + NTP_UNIX_OFFSET;
}

export function unixSecondsFromNtpSeconds(ntpSeconds: number): number {
  return ntpSeconds - NTP_UNIX_OFFSET;
}

/** ISO-8601 (millisecond precision, UTC, 'Z'). */
export function ntpToIso(ts: NtpTimestamp): string {
  return new Date(ntpToUnixMs(ts)).toISOString();
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** ISO-8601 date-time with an explicit zone to NTP; undefined if not one. */
export function ntpFromIso(text: string): NtpTimestamp | undefined {
  if (!ISO_RE.test(text)) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const ts = ntpFromUnixMs(ms);
  return ts.seconds >= 0 && ts.seconds <= 0xffffffff ? ts : undefined;
}

/** The current time as NTP. */
export function ntpNow(): NtpTimestamp {
  return ntpFromUnixMs(Date.now());
}
