import type { Benchmark } from './types.ts';
import { kdf, gukId } from '../lib/crypto/kdf.ts';
import { mikeySakkeUid } from '../lib/crypto/uid.ts';
import { srtpMasterFromTgk } from '../lib/crypto/mikey-prf.ts';
import { deriveSessionKeys } from '../lib/crypto/srtp/kdf.ts';
import { protectRtp, unprotectRtp, protectRtcp, unprotectRtcp } from '../lib/crypto/srtp/aead.ts';
import { SrtpReceiver } from '../lib/crypto/srtp/receiver.ts';
import { unwrapKey, wrapKey } from '../lib/crypto/keywrap.ts';
import { protectPayload, unprotectPayload } from '../lib/crypto/mcdata-payload.ts';
import { rtpPacket } from './rtp-packet.ts';

/**
 * Symmetric crypto figures (issue 2): SRTP unprotect throughput (floor:
 * > 50,000 packets/s on the 2-core machine), KDF, UID, MIKEY PRF.
 */

const key = new Uint8Array(32).fill(7);
const BATCH = 1000;
const PACKETS = 2000;


/** A 20 ms AMR-WB-sized voice frame (~60 octets) and a 1000-octet video packet, GMK profile (8-octet MKI, ROC in every packet). */
function srtpStream(payloadBytes: number) {
  const session = deriveSessionKeys(new Uint8Array(16).fill(1), new Uint8Array(12).fill(2)).srtp;
  const mki = new Uint8Array([0x0a, 0xbc, 0xde, 0xf1, 0x0c, 0x34, 0x08, 0x88]);
  const packets = Array.from({ length: PACKETS }, (_, i) => protectRtp(session, rtpPacket(i, payloadBytes), { roc: 0, mki, mkiLength: 8, rocRate: 1 }));
  return { session, packets };
}

export const benchmarks: Benchmark[] = [
  {
    name: `SRTP unprotect, 60-octet payload, GMK MKI + RCCm3 (x${PACKETS})`,
    report: 'ops-per-second',
    opsPerRun: PACKETS,
    iterations: 20,
    setup: () => srtpStream(60),
    run: ({ session, packets }) => {
      for (const p of packets) if (!unprotectRtp(session, p, { mkiLength: 8, rocRate: 1 }).ok) throw new Error('SRTP packet failed');
    },
  },
  {
    name: `SRTP receiver (ROC estimate + replay), 60-octet payload (x${PACKETS})`,
    report: 'ops-per-second',
    opsPerRun: PACKETS,
    iterations: 20,
    setup: () => srtpStream(60),
    run: ({ session, packets }) => {
      const rx = new SrtpReceiver(session, { mkiLength: 8, rocRate: 1 });
      for (const p of packets) if (!rx.unprotect(p).ok) throw new Error('SRTP packet failed');
    },
  },
  {
    name: `SRTP unprotect, 1000-octet payload (x${PACKETS})`,
    report: 'ops-per-second',
    opsPerRun: PACKETS,
    iterations: 20,
    setup: () => srtpStream(1000),
    run: ({ session, packets }) => {
      for (const p of packets) if (!unprotectRtp(session, p, { mkiLength: 8, rocRate: 1 }).ok) throw new Error('SRTP packet failed');
    },
  },
  {
    name: `SRTCP unprotect, 28-octet RTCP, 4-octet MKI (x${PACKETS})`,
    report: 'ops-per-second',
    opsPerRun: PACKETS,
    iterations: 20,
    setup: () => {
      const session = deriveSessionKeys(new Uint8Array(16).fill(1), new Uint8Array(12).fill(2)).srtcp;
      const rtcp = new Uint8Array([0x81, 0xc8, 0, 6, 0xca, 0xfe, 0, 1, ...new Array(20).fill(0)]);
      return { session, packets: Array.from({ length: PACKETS }, (_, i) => protectRtcp(session, rtcp, { index: i, mki: new Uint8Array([0x20, 0, 0, 1]) })) };
    },
    run: ({ session, packets }) => {
      for (const p of packets) if (!unprotectRtcp(session, p, { mkiLength: 4 }).ok) throw new Error('SRTCP packet failed');
    },
  },
  {
    name: 'TS 33.220 KDF (FC 0x51, two params)',
    report: 'ops-per-second',
    opsPerRun: BATCH,
    run: () => {
      for (let i = 0; i < BATCH; i++) kdf(key, 0x51, ['sip:alice@example.org', new Uint8Array([0x20, 0, 0, i & 0xff])]);
    },
  },
  {
    name: 'GUK-ID from GMK-ID (F.1.3)',
    report: 'ops-per-second',
    opsPerRun: BATCH,
    run: () => {
      for (let i = 0; i < BATCH; i++) gukId(key, i, 'sip:alice@example.org');
    },
  },
  {
    name: 'MIKEY-SAKKE UID (F.2.1)',
    report: 'ops-per-second',
    opsPerRun: BATCH,
    run: () => {
      for (let i = 0; i < BATCH; i++) mikeySakkeUid({ userUri: 'sip:user@example.org', kmsUri: 'kms.example.org', keyPeriod: 2592000, keyPeriodOffset: 0, keyPeriodNo: 1388 + i });
    },
  },
  {
    name: 'TGK -> SRTP master key/salt -> session keys (7.4.2)',
    report: 'ops-per-second',
    opsPerRun: 100,
    run: () => {
      for (let i = 0; i < 100; i++) {
        const m = srtpMasterFromTgk({ tgk: key.subarray(0, 16), csId: 4, csbId: new Uint8Array([0, 0, 0, i]), rand: key });
        deriveSessionKeys(m.masterKey, m.masterSalt);
      }
    },
  },
  {
    name: 'AES-256 key wrap + unwrap (RFC 3394)',
    report: 'ops-per-second',
    opsPerRun: 100,
    run: () => {
      for (let i = 0; i < 100; i++) if (!unwrapKey(key, wrapKey(key, key)).ok) throw new Error('unwrap failed');
    },
  },
  {
    name: 'MCData protected payload build + open, 200 octets (8.5.4)',
    report: 'ops-per-second',
    opsPerRun: 100,
    run: () => {
      const dppk = key.subarray(0, 16);
      for (let i = 0; i < 100; i++) {
        const p = protectPayload({ plaintext: new Uint8Array(200), dppk, dppkId: 0x20000001, dateTime: i });
        if (!unprotectPayload(p, { dppk }).ok) throw new Error('payload failed');
      }
    },
  },
];
