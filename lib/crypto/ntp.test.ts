import { test, expect } from '@playwright/test';
import { ntpFromBytes, ntpToBytes, ntpFromIso, ntpToIso, ntpFromUnixMs, ntpToUnixMs, NTP_UNIX_OFFSET } from './ntp.ts';
import { hex, toHex } from './bytes.ts';

test.describe('NTP-UTC timestamps (RFC 5905 64-bit format)', () => {
  test('Unix epoch is NTP second 2208988800', () => {
    expect(ntpFromIso('1970-01-01T00:00:00Z')).toEqual({ seconds: NTP_UNIX_OFFSET, fraction: 0 });
    expect(ntpToIso({ seconds: 0, fraction: 0 })).toBe('1900-01-01T00:00:00.000Z');
  });

  test('the F.2.1.2 calculation time 3599719634 is 2014-01-26T10:07:14Z', () => {
    expect(ntpToIso({ seconds: 3599719634, fraction: 0 })).toBe('2014-01-26T10:07:14.000Z');
    expect(ntpFromIso('2014-01-26T10:07:14Z')!.seconds).toBe(3599719634);
    expect(ntpFromIso('2014-01-26T12:07:14+02:00')!.seconds).toBe(3599719634);
  });

  test('fraction: half a second is 0x80000000', () => {
    const ts = ntpFromIso('2014-01-26T10:07:14.500Z')!;
    expect(ts.fraction).toBe(0x80000000);
    expect(ntpToUnixMs(ts)).toBe(Date.parse('2014-01-26T10:07:14.500Z'));
    expect(ntpToUnixMs(ntpFromUnixMs(1234567890123))).toBe(1234567890123);
  });

  test('8-octet encoding round trip; bad lengths and text are rejected', () => {
    const bytes = hex('d68f6c1280000000');
    const ts = ntpFromBytes(bytes)!;
    expect(ts).toEqual({ seconds: 0xd68f6c12, fraction: 0x80000000 });
    expect(toHex(ntpToBytes(ts))).toBe('d68f6c1280000000');
    expect(ntpFromBytes(hex('00'))).toBeUndefined();
    expect(ntpFromIso('yesterday')).toBeUndefined();
    expect(ntpFromIso('2014-01-26T10:07:14')).toBeUndefined(); // no zone: ambiguous
    expect(ntpFromIso('2014-13-45T10:07:14Z')).toBeUndefined();
  });
});
