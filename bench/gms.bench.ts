import type { Benchmark } from './types.ts';
import { randomBytes } from 'node:crypto';
import { buildIMessage, randomKeyId } from '../lib/mikey/build.ts';
import { createTestKms, initiatorMaterial, receiverKeys, receiverMaterial, type TestKms } from '../lib/mikey/test-domain.ts';
import { verifyIMessage, type VerifyKeys } from '../lib/mikey/verify.ts';
import { sakkeValidateRsk } from '../lib/crypto/sakke.ts';
import { uidAt } from '../lib/mikey/identity.ts';
import { ntpFromUnixMs } from '../lib/crypto/ntp.ts';

/**
 * GMK distribution at group scale (issue 16: 500 members inside 2 minutes):
 * what one member costs each side, with a key set never seen before (so no
 * cache helps). The GMS builds and signs his message (SAKKE encapsulation
 * to his UID, ECCSI signature); the suite, as the member, validates his RSK
 * when it gets it from the KMS (RFC 6508 6.1.2, a pairing) and verifies his
 * message (ECCSI verification, SAKKE decapsulation: another pairing). The
 * 500-member figure is 500 times the member figure, on one core.
 */
const TIME = Date.UTC(2026, 11, 4, 12, 0, 0);
const GMS = 'sip:gms@mcx.example.org';
const GROUP = 'sip:ptt-group-1@mcx.example.org';

interface Scale {
  kms: TestKms;
  gms: ReturnType<typeof initiatorMaterial>;
  gmk: Uint8Array;
  gmkId: number;
  next: number;
  members: Array<{ uri: string; keys: VerifyKeys; bytes: Uint8Array }>;
}

function setup(): Scale {
  const kms = createTestKms('kms.mcx.example.org');
  return { kms, gms: initiatorMaterial(kms, GMS, TIME), gmk: randomBytes(16), gmkId: randomKeyId('gmk'), next: 0, members: [] };
}

/** A new member each run: his key set (issued here, as the KMS would), his GMK message, both never seen before. */
function newMember(s: Scale) {
  const uri = `sip:member-${s.next++}@mcx.example.org`;
  const keys = receiverKeys(s.kms, uri, TIME);
  const built = buildIMessage({ kind: 'gmk', time: TIME, initiator: s.gms, receiver: receiverMaterial(s.kms, uri), key: s.gmk, keyId: s.gmkId, keyParameters: { groupIds: [GROUP], text: 'group 1' } });
  return { uri, keys, bytes: built.bytes };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'gms: the GMS builds and signs one member GMK message (ms; x500 for a 500-member group)',
    iterations: 20,
    setup,
    run: (s: Scale) => buildIMessage({ kind: 'gmk', time: TIME, initiator: s.gms, receiver: receiverMaterial(s.kms, `sip:member-${s.next++}@mcx.example.org`), key: s.gmk, keyId: s.gmkId, keyParameters: { groupIds: [GROUP] } }),
  },
  {
    name: 'gms: the suite, as a new member, validates his RSK and verifies his GMK message (ms; x500 for a 500-member group)',
    iterations: 20,
    setup: () => {
      const s = setup();
      // Messages made outside the timed runs: only the member's side is timed.
      for (let i = 0; i < 25; i++) s.members.push(newMember(s));
      return s;
    },
    run: (s: Scale) => {
      const m = s.members.pop();
      if (!m) throw new Error('bench ran out of prepared members');
      const uid = uidAt(m.uri, s.kms, ntpFromUnixMs(TIME).seconds);
      if (!sakkeValidateRsk(s.kms.sakke.zT, uid, m.keys.receiver.rsk).ok) throw new Error('bench RSK does not validate');
      const r = verifyIMessage(m.bytes, { ...m.keys, kind: 'gmk' });
      if (!r.verified) throw new Error(`bench GMK message did not verify: ${JSON.stringify(r.findings)}`);
    },
  },
];
