import { test, expect } from '@playwright/test';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { srtcpFromKfc, SRTCP_CS_ID } from './kfc.ts';
import { protectRtcp, unprotectRtcp } from './aead.ts';

/**
 * No published vector covers TS 33.180 9.4.6 end to end, so the derivation
 * is cross-checked against a second implementation written here from the
 * RFCs with node:crypto only: the RFC 3830 4.1.2 P-function over
 * HMAC-SHA-256 (RFC 6043 6.1) with the 4.1.3 label, then the RFC 3711
 * 4.3.3 AES-CM PRF with the SRTCP labels (3, 5) at key derivation rate 0.
 */
const TEK_CONSTANT = 0x2ad01c64;
const SALT_CONSTANT = 0x39a2c14b;

function pFunction(secret: Buffer, label: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let a = label;
  while (Buffer.concat(out).length < length) {
    a = createHmac('sha256', secret).update(a).digest();
    out.push(createHmac('sha256', secret).update(Buffer.concat([a, label])).digest());
  }
  return Buffer.concat(out).subarray(0, length);
}

function mikeyLabel(constant: number, csId: number, csbId: number, rand: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUInt32BE(constant, 0);
  head[4] = csId;
  head.writeUInt32BE(csbId, 5);
  return Buffer.concat([head, rand]);
}

function aesCm(key: Buffer, salt: Buffer, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  salt.copy(iv);
  iv[7]! ^= label;
  return createCipheriv('aes-128-ctr', key, iv).update(Buffer.alloc(length));
}

test('9.4.6 SRTCP keys from a KFC agree with an independent RFC 3830 / RFC 6043 / RFC 3711 derivation', () => {
  for (let i = 0; i < 20; i++) {
    const kfc = randomBytes(16);
    const rand = randomBytes(16);
    const kfcId = randomBytes(4).readUInt32BE(0);
    const csId = i % 2 ? SRTCP_CS_ID.mcpttCsk : SRTCP_CS_ID.mcvideoCsk;
    const masterKey = pFunction(kfc, mikeyLabel(TEK_CONSTANT, csId, kfcId, rand), 16);
    const masterSalt = pFunction(kfc, mikeyLabel(SALT_CONSTANT, csId, kfcId, rand), 12);
    const got = srtcpFromKfc({ kfc, kfcId, kfcRand: rand, csId });
    expect(Buffer.from(got.keys.key).toString('hex')).toBe(aesCm(masterKey, masterSalt, 3, 16).toString('hex'));
    expect(Buffer.from(got.keys.salt).toString('hex')).toBe(aesCm(masterKey, masterSalt, 5, 12).toString('hex'));
    expect(Buffer.from(got.mki).readUInt32BE(0)).toBe(kfcId);
  }
});

test('9.4.6 a CS-ID or RAND other than the one agreed gives keys that do not open the packet', () => {
  const kfc = randomBytes(16);
  const rand = randomBytes(16);
  const right = srtcpFromKfc({ kfc, kfcId: 0x2000_0001, kfcRand: rand, csId: 6 });
  const rtcp = Uint8Array.from(Buffer.from('80cc0004deadbeef4d43505400020100', 'hex'));
  const packet = protectRtcp(right.keys, Uint8Array.from([...rtcp, 0, 0, 0, 0]), { index: 1, mki: right.mki });
  expect(unprotectRtcp(right.keys, packet, { mkiLength: 4 }).ok).toBe(true);
  for (const wrong of [{ csId: 4, kfcRand: rand }, { csId: 6, kfcRand: new Uint8Array(16) }]) {
    expect(unprotectRtcp(srtcpFromKfc({ kfc, kfcId: 0x2000_0001, ...wrong }).keys, packet, { mkiLength: 4 }).ok).toBe(false);
  }
});
