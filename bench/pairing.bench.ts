import type { Benchmark } from './types.ts';
import { eccsiGenerateKms, eccsiIssueUserKey, eccsiSign, eccsiVerify, eccsiValidateUserKey } from '../lib/crypto/eccsi.ts';
import { sakkeGenerateKms, sakkeIssueRsk, sakkeEncapsulate, sakkeDecapsulate, sakkeValidateRsk } from '../lib/crypto/sakke.ts';

/**
 * ECCSI (RFC 6507) and SAKKE (RFC 6508, parameter set 1) medians. Floors of
 * issue 2: ECCSI verify and SAKKE decapsulation under 25 ms each.
 *
 * Setup runs each operation once, so the figures are for a receiver that
 * keeps its keys: SAKKE caches the RSK's Miller lines and a fixed-base table
 * for Z_T (built on the second use of a Z_T, about half a second). The
 * `cold` rows show a first decapsulation with a new RSK (lines not cached).
 */
const uid = new Uint8Array(32).map((_, k) => k + 1);
const message = new Uint8Array(600).map((_, k) => k & 0xff); // an I_MESSAGE-sized body

function eccsiState() {
  const kms = eccsiGenerateKms();
  const key = eccsiIssueUserKey(kms, uid);
  const signature = eccsiSign(message, uid, key.ssk, key.pvt, kms.kpak);
  return { kms, key, signature };
}

function sakkeState() {
  const kms = sakkeGenerateKms();
  const rsk = sakkeIssueRsk(kms, uid);
  const ssv = new Uint8Array(16).fill(0x5a);
  const data = sakkeEncapsulate(ssv, uid, kms.zT);
  sakkeEncapsulate(ssv, uid, kms.zT); // second use of Z_T builds its table
  if (!sakkeDecapsulate(data, uid, rsk, kms.zT).ok) throw new Error('SAKKE round trip failed in setup');
  return { kms, rsk, ssv, data };
}

interface Receivers {
  zT: Uint8Array;
  next(): { id: Uint8Array; rsk: Uint8Array; data: Uint8Array };
}

/** Receivers with their own RSK and SAKKE data, one per run (warm-up included). */
function freshReceivers(count: number): Receivers {
  const { kms, ssv } = sakkeState();
  const list = Array.from({ length: count }, (_, n) => {
    const id = new Uint8Array(32).fill(n + 1);
    return { id, rsk: sakkeIssueRsk(kms, id), data: sakkeEncapsulate(ssv, id, kms.zT) };
  });
  let at = 0;
  return { zT: kms.zT, next: () => list[at++ % list.length] };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'ECCSI sign (RFC 6507 5.2.1)',
    setup: eccsiState,
    run: (s: ReturnType<typeof eccsiState>) => eccsiSign(message, uid, s.key.ssk, s.key.pvt, s.kms.kpak),
  },
  {
    name: 'ECCSI verify (RFC 6507 5.2.2) [floor 25 ms]',
    setup: eccsiState,
    run: (s: ReturnType<typeof eccsiState>) => {
      if (!eccsiVerify(message, s.signature, uid, s.kms.kpak).ok) throw new Error('verify failed');
    },
  },
  {
    name: 'ECCSI SSK/PVT validation (RFC 6507 5.1.2)',
    setup: eccsiState,
    run: (s: ReturnType<typeof eccsiState>) => eccsiValidateUserKey(s.kms.kpak, uid, s.key.ssk, s.key.pvt),
  },
  {
    name: 'SAKKE encapsulation (RFC 6508 6.2.1)',
    iterations: 20,
    setup: sakkeState,
    run: (s: ReturnType<typeof sakkeState>) => sakkeEncapsulate(s.ssv, uid, s.kms.zT),
  },
  {
    name: 'SAKKE decapsulation (RFC 6508 6.2.2) [floor 25 ms]',
    iterations: 30,
    setup: sakkeState,
    run: (s: ReturnType<typeof sakkeState>) => {
      if (!sakkeDecapsulate(s.data, uid, s.rsk, s.kms.zT).ok) throw new Error('decapsulation failed');
    },
  },
  {
    name: 'SAKKE decapsulation, cold (RSK never seen before)',
    iterations: 10,
    setup: () => freshReceivers(13),
    run: (s: Receivers) => {
      const r = s.next();
      if (!sakkeDecapsulate(r.data, r.id, r.rsk, s.zT).ok) throw new Error('decapsulation failed');
    },
  },
  {
    name: 'SAKKE RSK validation (RFC 6508 6.1.2), RSK never seen before',
    iterations: 10,
    setup: () => freshReceivers(13),
    run: (s: Receivers) => {
      const r = s.next();
      if (!sakkeValidateRsk(s.zT, r.id, r.rsk).ok) throw new Error('RSK validation failed');
    },
  },
];
