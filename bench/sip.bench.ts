import type { Benchmark } from './types.ts';
import { parseMessage } from '../lib/sip/parse.ts';
import { serialize } from '../lib/sip/serialize.ts';
import { parseMultipart } from '../lib/sip/multipart.ts';
import { headerValue } from '../lib/sip/message.ts';
import { StreamFramer } from '../lib/sip/framing.ts';
import { registerWithMultipart } from '../lib/sip/test-messages.ts';

/**
 * lib/sip: a 2 KB REGISTER with a multipart/mixed body (application/mikey +
 * mcptt-info, the TS 33.180 9.2.1.3 layout). Aim: over 20,000 messages/s
 * each way. The strict parse runs without sip.js's grammar (hand-written
 * checks of the mandatory fields only); the grammar row shows its cost.
 */
const PER_RUN = 1000;

function setup() {
  const message = registerWithMultipart(2048);
  const octets = serialize(message);
  const check = parseMessage(octets, { grammar: false });
  if (check.deviations.length) throw new Error(`bench message has deviations: ${JSON.stringify(check.deviations)}`);
  return { message, octets, contentType: headerValue(message, 'content-type')! };
}

type S = ReturnType<typeof setup>;

export const benchmarks: Benchmark[] = [
  {
    name: `sip: serialize 2 KB multipart REGISTER (msg/s)`,
    setup,
    run: (s: S) => {
      for (let i = 0; i < PER_RUN; i++) serialize(s.message);
    },
    report: 'ops-per-second',
    opsPerRun: PER_RUN,
  },
  {
    name: `sip: strict parse 2 KB multipart REGISTER (msg/s)`,
    setup,
    run: (s: S) => {
      for (let i = 0; i < PER_RUN; i++) parseMessage(s.octets, { grammar: false });
    },
    report: 'ops-per-second',
    opsPerRun: PER_RUN,
  },
  {
    name: `sip: strict parse + multipart body (msg/s)`,
    setup,
    run: (s: S) => {
      for (let i = 0; i < PER_RUN; i++) {
        const m = parseMessage(s.octets, { grammar: false }).message!;
        parseMultipart(m.body, s.contentType);
      }
    },
    report: 'ops-per-second',
    opsPerRun: PER_RUN,
  },
  {
    name: `sip: TCP framing of 1000 coalesced REGISTERs (msg/s)`,
    setup: () => {
      const s = setup();
      return { ...s, stream: Buffer.concat(Array.from({ length: PER_RUN }, () => s.octets)) };
    },
    run: (s: S & { stream: Buffer }) => {
      const f = new StreamFramer();
      // 64 KiB chunks, as a socket would deliver them.
      let n = 0;
      for (let at = 0; at < s.stream.length; at += 65536) n += f.push(s.stream.subarray(at, at + 65536)).length;
      if (n !== PER_RUN) throw new Error(`framed ${n}`);
    },
    report: 'ops-per-second',
    opsPerRun: PER_RUN,
  },
  {
    name: `sip: strict parse + sip.js grammar, verdict cache warm (msg/s)`,
    setup,
    run: (s: S) => {
      for (let i = 0; i < PER_RUN; i++) parseMessage(s.octets, { grammar: true });
    },
    report: 'ops-per-second',
    opsPerRun: PER_RUN,
  },
  {
    name: `sip: strict parse + sip.js grammar, every value new (msg/s)`,
    iterations: 10,
    // A distinct Call-ID, tag and branch per message defeats the verdict cache (made before timing: 13 runs of 100).
    setup: () => {
      const s = setup();
      const base = s.octets.toString('latin1');
      const variants = Array.from({ length: 1300 }, (_, k) =>
        Buffer.from(base.replace('1j9FpLxk3uxtm8tn', `c${k}x`).replace('a73kszlfl', `t${k}`).replace('z9hG4bK74bf9', `z9hG4bK${k}`), 'latin1'));
      return { ...s, variants, next: 0 };
    },
    run: (s: S & { variants: Buffer[]; next: number }) => {
      for (let i = 0; i < 100; i++) parseMessage(s.variants[s.next++ % s.variants.length], { grammar: true });
    },
    report: 'ops-per-second',
    opsPerRun: 100,
  },
];
