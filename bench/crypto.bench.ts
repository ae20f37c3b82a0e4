import type { Benchmark } from './types.ts';
import { kdf, gukId } from '../lib/crypto/kdf.ts';
import { mikeySakkeUid } from '../lib/crypto/uid.ts';

/** Symmetric crypto figures: KDF, UID (more are added as lib/crypto grows). */

const key = new Uint8Array(32).fill(7);
const BATCH = 1000;

export const benchmarks: Benchmark[] = [
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
];
