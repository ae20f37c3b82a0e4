import { test, expect } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { describeReading, readAnswer, answersRequest } from '../suites/mcx-server/checks/floor-control.ts';
import { protectRtcp, srtcpFromKfc } from '../lib/crypto/srtp/index.ts';

/** What a floor control server sends is data: junk, truncations and near-SRTCP are read and described, never thrown on, and never taken for an answer. */
test('hostile floor control answers: read and described, never thrown on, never an answer to a request', () => {
  const kfc = { key: randomBytes(16), id: 0x2000_0001, rand: randomBytes(16) };
  const { keys, mki } = srtcpFromKfc({ kfc: kfc.key, kfcId: kfc.id, kfcRand: kfc.rand, csId: 6 });
  const good = protectRtcp(keys, Uint8Array.from(Buffer.from('80cc0003deadbeef4d4350540002010000', 'hex').subarray(0, 16)), { index: 1, mki });
  const inputs: Uint8Array[] = [new Uint8Array(0), Uint8Array.from([0x80]), good.subarray(0, 10), good.subarray(0, good.length - 1), Uint8Array.from([...good, 0, 0, 0, 0])];
  for (let i = 0; i < 300; i++) inputs.push(Uint8Array.from(randomBytes(Math.floor(Math.random() * 80))));
  for (let i = 0; i < 300; i++) {
    const m = Uint8Array.from(good);
    m[Math.floor(Math.random() * m.length)]! ^= 1 << Math.floor(Math.random() * 8);
    inputs.push(m);
  }
  let opened = 0;
  for (const octets of inputs) {
    const r = readAnswer(octets, kfc, 6);
    expect(typeof describeReading(r)).toBe('string');
    if (r.opened) opened++;
    expect(answersRequest(r)).toBe(false);
  }
  // Only the MKI can change without breaking the tag (it is not authenticated, RFC 7714 9).
  expect(opened).toBeLessThan(60);
  expect(readAnswer(good, kfc, 6).opened?.derivation.csId).toBe(6);
});
