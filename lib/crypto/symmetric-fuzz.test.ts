import { test, expect } from '@playwright/test';
import { protectRtp, protectRtcp, unprotectRtp, unprotectRtcp } from './srtp/aead.ts';
import { parseRtpHeader, parseRtcpHeader } from './srtp/rtp.ts';
import { SrtpReceiver, SrtcpReceiver } from './srtp/receiver.ts';
import { describeMki } from './srtp/mki.ts';
import { unwrapKey, wrapKey } from './keywrap.ts';
import { xmlEncrypt, xmlDecrypt, encryptUri, decryptUri, parseEncryptedUri } from './aes-gcm.ts';
import { protectPayload, unprotectPayload, parseProtectedPayload, buildAuthenticatedPayload, parseAuthenticatedPayload } from './mcdata-payload.ts';
import { verifyHmacSha256, hmacSha256 } from './hmac.ts';
import { fromHex, fromBase64, toHex } from './bytes.ts';
import { ntpFromBytes, ntpFromIso } from './ntp.ts';

/**
 * Seeded fuzz of every lib/crypto function that reads bytes from outside
 * (symmetric half): random inputs and mutations of valid ones. Nothing may
 * throw; failures must carry a reason; a mutated authenticated input must
 * never open to different content.
 */

const SEED = 0x33180;
const ROUNDS = 4_500; // 25 inputs a round: 112,500 inputs

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const next = prng(SEED);
const int = (n: number) => next() % n;
function bytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = next() & 0xff;
  return out;
}

/** Bit flip, byte set, truncate, extend, splice or length-field poke. */
function mutate(input: Uint8Array): Uint8Array {
  const out = input.slice();
  switch (int(6)) {
    case 0:
      if (out.length) out[int(out.length)] ^= 1 << int(8);
      return out;
    case 1:
      if (out.length) out[int(out.length)] = next() & 0xff;
      return out;
    case 2:
      return out.slice(0, int(out.length + 1));
    case 3: {
      const extended = new Uint8Array(out.length + 1 + int(8));
      extended.set(out);
      extended.set(bytes(extended.length - out.length), out.length);
      return extended;
    }
    case 4: {
      const at = int(out.length + 1);
      const ins = bytes(1 + int(4));
      const spliced = new Uint8Array(out.length + ins.length);
      spliced.set(out.subarray(0, at));
      spliced.set(ins, at);
      spliced.set(out.subarray(at), at + ins.length);
      return spliced;
    }
    default:
      // Poke a plausible length/count field near the start with an extreme value.
      if (out.length > 3) out[int(Math.min(out.length, 36))] = [0x00, 0xff, 0x7f, 0x80][int(4)];
      return out;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function checkResult(name: string, r: { ok: boolean; reason?: string }): void {
  if (typeof r.ok !== 'boolean') throw new Error(`${name}: result without ok`);
  if (!r.ok && (typeof r.reason !== 'string' || r.reason.length === 0)) throw new Error(`${name}: failure without a reason`);
}

test('seeded fuzz: parsers and unprotect functions never throw (>= 100,000 inputs)', () => {
  test.setTimeout(120_000);
  const keys = { key: bytes(16), salt: bytes(12) };
  const mki = bytes(8);
  const rtp = (seq: number) => {
    const h = new Uint8Array(12 + 4 + 8);
    h[0] = 0x90 | 1; // X + 1 CSRC
    h[1] = 0x60;
    h[2] = seq >> 8;
    h[3] = seq & 0xff;
    h.set(bytes(8), 4);
    h[18] = 0;
    h[19] = 1; // one extension word
    return Uint8Array.from([...h, ...bytes(4), ...bytes(20 + int(60))]);
  };
  const validSrtp = Array.from({ length: 16 }, (_, i) => {
    const plain = rtp(i * 4099);
    return { plain, packet: protectRtp(keys, plain, { roc: i, mki, mkiLength: 8, rocRate: 1 }) };
  });
  const rtcp = Uint8Array.from([0x81, 0xc8, 0, 6, ...bytes(4), ...bytes(20)]);
  const validSrtcp = protectRtcp(keys, rtcp, { index: 12345, mki: mki.subarray(0, 4) });
  const kek = bytes(32);
  const wrapped = wrapKey(kek, bytes(32));
  const xmlValue = xmlEncrypt(keys.key, bytes(40));
  const uri = encryptUri({ key: keys.key, keyId: bytes(4), uri: 'sip:alice@example.org' });
  const dppk = bytes(16);
  const payload = protectPayload({ plaintext: bytes(30), dppk, dppkId: 0x20000001, dateTime: 123456 });
  const authPayload = buildAuthenticatedPayload({ originalPayload: bytes(20), signingUid: bytes(32), signingKms: 'kms.example.org', signatureLength: 129 }, bytes(129));
  const macKey = bytes(32);
  const macData = bytes(64);
  const mac = hmacSha256(macKey, macData);
  const srtpRx = new SrtpReceiver(keys, { mkiLength: 8, rocRate: 1 });
  const srtcpRx = new SrtcpReceiver(keys, { mkiLength: 4 });

  let inputs = 0;
  let opened = 0;
  const t0 = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    const random = bytes(int(120));
    const valid = validSrtp[int(validSrtp.length)];
    const mutated = mutate(valid.packet);

    // SRTP: a mutated packet either fails with a reason or opens to the original RTP.
    for (const input of [random, mutated]) {
      checkResult('parseRtpHeader', parseRtpHeader(input));
      const r = unprotectRtp(keys, input, { mkiLength: int(3) * 4, rocRate: int(3), roc: int(4) });
      checkResult('unprotectRtp', r);
      if (r.ok) {
        opened++;
        if (input === mutated) expect(sameBytes(r.rtp, valid.plain)).toBe(true);
      }
      checkResult('SrtpReceiver', srtpRx.unprotect(input));
      inputs += 3;
    }

    const mutatedRtcp = mutate(validSrtcp);
    for (const input of [random, mutatedRtcp]) {
      checkResult('parseRtcpHeader', parseRtcpHeader(input));
      const r = unprotectRtcp(keys, input, { mkiLength: 4 });
      checkResult('unprotectRtcp', r);
      if (r.ok) expect(sameBytes(r.rtcp, rtcp)).toBe(true);
      checkResult('SrtcpReceiver', srtcpRx.unprotect(input));
      inputs += 3;
    }

    checkResult('describeMki', describeMki(random.subarray(0, int(10))));
    checkResult('unwrapKey', unwrapKey(kek, round % 2 ? random : mutate(wrapped)));
    const x = xmlDecrypt(keys.key, round % 2 ? random : mutate(xmlValue));
    checkResult('xmlDecrypt', x);
    inputs += 3;

    const uriInput = round % 3 === 0 ? new TextDecoder().decode(random) : new TextDecoder().decode(mutate(new TextEncoder().encode(uri)));
    checkResult('parseEncryptedUri', parseEncryptedUri(uriInput));
    const du = decryptUri(keys.key, uriInput);
    checkResult('decryptUri', du);
    if (du.ok) expect(du.uri).toBe('sip:alice@example.org');
    inputs += 2;

    const p = round % 2 ? random : mutate(payload);
    checkResult('parseProtectedPayload', parseProtectedPayload(p));
    checkResult('unprotectPayload', unprotectPayload(p, { dppk }));
    checkResult('parseAuthenticatedPayload', parseAuthenticatedPayload(round % 2 ? random : mutate(authPayload)));
    inputs += 3;

    const m = round % 2 ? random.subarray(0, 32) : mutate(mac);
    const v = verifyHmacSha256(macKey, macData, m, { allowTruncated: round % 4 === 0 });
    checkResult('verifyHmacSha256', v);
    if (v.ok) expect(sameBytes(m, mac.subarray(0, m.length))).toBe(true);
    ntpFromBytes(random.subarray(0, int(10)));
    ntpFromIso(new TextDecoder().decode(random.subarray(0, 30)));
    fromHex(toHex(random).slice(int(3)));
    fromBase64(new TextDecoder('latin1').decode(random));
    inputs += 5;
  }
  const seconds = (performance.now() - t0) / 1000;
  test.info().annotations.push({ type: 'fuzz', description: `${inputs} inputs in ${seconds.toFixed(1)} s (seed ${SEED}); ${opened} mutated SRTP packets still opened (MKI-only changes)` });
  expect(inputs).toBeGreaterThanOrEqual(100_000);
});
