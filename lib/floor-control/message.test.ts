import { test, expect } from '@playwright/test';
import { decodeFloorMessage, describeFloorMessage, encodeFloorMessage, FloorField, priorityField, u16Field, u16Of } from './message.ts';

test('a Floor Granted round-trips: subtype, ack bit, SSRC, padded fields (TS 24.380 8.2)', () => {
  const m = { name: 'granted' as const, ackRequired: true, ssrc: 0x01020304, fields: [u16Field(FloorField.duration, 30), priorityField(4), { id: FloorField.userId, value: Buffer.from('sip:u@x') }] };
  const octets = encodeFloorMessage(m);
  expect(octets.length % 4).toBe(0);
  expect(octets[0]).toBe(0x80 | 0x11);
  expect(octets[1]).toBe(204);
  expect(Buffer.from(octets.subarray(8, 12)).toString()).toBe('MCPT');
  const back = decodeFloorMessage(octets);
  expect(back.ok && back.message).toEqual(m);
  if (back.ok) {
    expect(u16Of(back.message, FloorField.duration)).toBe(30);
    expect(describeFloorMessage(back.message)).toContain('Floor granted (ack required)');
  }
});

test('a Floor Request carries no ack bit even when asked to', () => {
  const octets = encodeFloorMessage({ name: 'request', ackRequired: true, ssrc: 1, fields: [priorityField(1)] });
  expect(octets[0]).toBe(0x80);
});

test('what is no floor control message is said so, never thrown', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['short', new Uint8Array(3)],
    ['version', Uint8Array.from([0x40, 204, 0, 2, 0, 0, 0, 0, 77, 67, 80, 84])],
    ['type', Uint8Array.from([0x80, 200, 0, 2, 0, 0, 0, 0, 77, 67, 80, 84])],
    ['name', Uint8Array.from([0x80, 204, 0, 2, 0, 0, 0, 0, 88, 88, 88, 88])],
    ['subtype', Uint8Array.from([0x80 | 0x10, 204, 0, 2, 0, 0, 0, 0, 77, 67, 80, 84])],
    ['length', Uint8Array.from([0x80, 204, 0, 9, 0, 0, 0, 0, 77, 67, 80, 84])],
    ['field', Uint8Array.from([0x80, 204, 0, 3, 0, 0, 0, 0, 77, 67, 80, 84, 6, 200, 0, 0])],
  ];
  for (const [what, octets] of cases) {
    const r = decodeFloorMessage(octets);
    expect(r.ok, what).toBe(false);
    if (!r.ok) expect(r.reason.length, what).toBeGreaterThan(0);
  }
  for (let i = 0; i < 500; i++) {
    const junk = Uint8Array.from({ length: Math.floor(Math.random() * 64) }, () => Math.floor(Math.random() * 256));
    if (junk.length > 1) { junk[0] = 0x80 | (junk[0]! & 0x1f); junk[1] = 204; }
    expect(() => decodeFloorMessage(junk)).not.toThrow();
  }
});
