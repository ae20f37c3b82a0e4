import type { Benchmark } from './types.ts';
import { parseIMessage } from '../lib/mikey/codec.ts';
import { buildIMessage } from '../lib/mikey/build.ts';
import { createTestKms, initiatorMaterial, receiverKeys, receiverMaterial } from '../lib/mikey/test-domain.ts';
import { validateIMessage } from '../lib/mikey/validate.ts';
import { verifyIMessage } from '../lib/mikey/verify.ts';

/**
 * MIKEY-SAKKE I_MESSAGE (issue 3 floors): decode + validate under 1 ms
 * median; full verify = ECCSI verify + SAKKE decapsulation + key parameters.
 */
const TIME = Date.UTC(2026, 10, 23, 12, 0, 0);
const GMS = 'sip:gms@mcx.example.org';
const ALICE = 'sip:alice@mcx.example.org';

function gmkMessage() {
  const kms = createTestKms('kms.mcx.example.org');
  const built = buildIMessage({
    kind: 'gmk', time: TIME, initiator: initiatorMaterial(kms, GMS, TIME), receiver: receiverMaterial(kms, ALICE),
    sakkeToSelf: true, keyParameters: { groupIds: ['sip:group1@mcx.example.org'], text: 'group 1' }, cryptoSessions: [4, 5],
  });
  return { bytes: built.bytes, keys: receiverKeys(kms, ALICE, TIME), kms };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'mikey: decode GMK I_MESSAGE (ops/s)',
    iterations: 30,
    setup: gmkMessage,
    run: (s: ReturnType<typeof gmkMessage>) => {
      for (let i = 0; i < 200; i++) parseIMessage(s.bytes);
    },
    report: 'ops-per-second',
    opsPerRun: 200,
  },
  {
    name: 'mikey: decode + validate GMK I_MESSAGE (ms, floor < 1)',
    iterations: 300,
    setup: gmkMessage,
    run: (s: ReturnType<typeof gmkMessage>) => validateIMessage(s.bytes),
  },
  {
    name: 'mikey: full verify GMK I_MESSAGE (ECCSI + SAKKE + key parameters, ms)',
    iterations: 20,
    setup: gmkMessage,
    run: (s: ReturnType<typeof gmkMessage>) => {
      const r = verifyIMessage(s.bytes, s.keys);
      if (!r.verified) throw new Error(`bench message did not verify: ${JSON.stringify(r.findings)}`);
    },
  },
  {
    name: 'mikey: build + sign GMK I_MESSAGE with SAKKE-to-self (ms)',
    iterations: 10,
    setup: () => {
      const kms = createTestKms('kms.mcx.example.org');
      return { kms, initiator: initiatorMaterial(kms, GMS, TIME), receiver: receiverMaterial(kms, ALICE) };
    },
    run: (s: { initiator: ReturnType<typeof initiatorMaterial>; receiver: ReturnType<typeof receiverMaterial> }) =>
      buildIMessage({ kind: 'gmk', time: TIME, initiator: s.initiator, receiver: s.receiver, sakkeToSelf: true }),
  },
];
