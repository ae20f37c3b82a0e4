/**
 * Seeded fuzzing of the codec and validator: random octets and mutations of
 * conforming messages (truncations, wrong lengths, next-payload chains that
 * loop back or run past the end, insertions, deletions, trailing garbage).
 * Throws only when the codec or validator misbehaves.
 */
import { encodeIMessage, parseIMessage } from './codec.ts';
import { composeIMessage } from './compose.ts';
import { KeyTypeValue, STATUS_NOT_REVOKED, type KeyKind } from './constants.ts';
import { encodeKeyParameters, parseKeyParameters, parseProtectedPayload, protectPayload } from './key-params.ts';
import { MUTATIONS } from './mutate.ts';
import { validateIMessage } from './validate.ts';
import { seededRandom as prng } from '../fuzz/seeded-random.ts';


function bases(): Uint8Array[] {
  const r = prng(7);
  const out: Uint8Array[] = [];
  const kinds: KeyKind[] = ['gmk', 'pck', 'csk-upload', 'csk-download', 'musik-download'];
  for (const [i, kind] of kinds.entries()) {
    const sakke = r.bytes(273);
    sakke[0] = 4;
    const key = r.bytes(16);
    const csb = (((kind === 'gmk' ? 0 : kind === 'pck' ? 1 : kind === 'musik-download' ? 6 : 2) << 28) | r.int(0x0fffffff)) >>> 0;
    const kp = encodeKeyParameters({ keyType: KeyTypeValue.GMK, status: STATUS_NOT_REVOKED, activationTime: 0, expiryTime: 0, text: 'k', groupIds: ['sip:g@example.org'] });
    const m = composeIMessage({
      kind, csbId: csb, timestamp: r.bytes(8), rand: r.bytes(16),
      initiator: i % 2 ? { uid: r.bytes(32) } : { uri: 'sip:a@example.org' }, receiver: i % 2 ? { uid: r.bytes(32) } : { uri: 'sip:b@example.org' },
      initiatorKms: 'kms.example.org', receiverKms: 'kms.example.org', sakkeData: sakke, sakkeToSelfData: i % 2 ? undefined : sakke,
      keyParameters: protectPayload(kp, { key, dppkId: csb, iv: r.bytes(16), dateTime: 1_700_000_000 }),
      cryptoSessions: kind === 'pck' ? [0, 1, 2] : kind === 'gmk' ? [4] : [], signature: r.bytes(129),
    });
    out.push(encodeIMessage(m));
    // Every single-rule mutation is a base too.
    for (const mut of Object.values(MUTATIONS)) {
      if (mut.target !== 'message' || kind !== 'gmk') continue;
      const x = mut.apply(m);
      out.push(x instanceof Uint8Array ? x : encodeIMessage(x));
    }
  }
  return out;
}

/** Offsets of length and next-payload octets, found by parsing the base: the places where a wrong value hurts most. */
function structuralOffsets(b: Uint8Array): number[] {
  const p = parseIMessage(b);
  if (!p.ok) return [];
  const offs: number[] = [2, 8, 9];
  for (const q of p.message.payloads) {
    for (const [name, s] of Object.entries(q.fields ?? {})) if (/length|nextPayload|Length|tsType|sType/.test(name)) offs.push(s.offset, s.offset + s.length - 1);
  }
  return offs;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function mutateLength(b: Uint8Array, op: number, r: ReturnType<typeof prng>): Uint8Array {
  const at = r.int(b.length);
  if (op === 5) return concat(b, r.bytes(1 + r.int(40))); // trailing garbage
  if (op === 6) return concat(b.subarray(0, at), r.bytes(1 + r.int(8)), b.subarray(at)); // insertion
  return concat(b.subarray(0, at), b.subarray(at + 1 + r.int(8))); // deletion
}

function mutate(base: Uint8Array, offs: number[], r: ReturnType<typeof prng>): Uint8Array {
  const op = r.int(9);
  if (op === 0) return base.subarray(0, r.int(base.length)); // truncation
  if (op >= 5 && op <= 7) return mutateLength(base, op, r);
  const b = base.slice();
  switch (op) {
    case 1: { for (let k = 1 + r.int(4); k > 0; k--) b[r.int(b.length)] ^= 1 << r.int(8); return b; } // bit flips
    case 2: { if (offs.length) b[offs[r.int(offs.length)]] = r.int(256); return b; } // wrong length / next payload
    case 3: { if (offs.length) b[offs[r.int(offs.length)]] = [0, 1, 0xff, 0x7f, 0x80][r.int(5)]; return b; } // extreme lengths
    case 4: { // next payload pointing back to a type seen before: chains that 'loop'
      if (offs.length) b[offs[r.int(offs.length)]] = [4, 5, 10, 11, 14, 21, 26][r.int(7)];
      return b;
    }
    default: { const at = r.int(b.length); b.set(r.bytes(Math.min(8, b.length - at)), at); return b; } // overwrite
  }
}

/** One fuzz input through parse + validate; throws only when the codec or validator misbehaves. */
function exercise(input: Uint8Array): boolean {
  const parsed = parseIMessage(input);
  if (parsed.ok) {
    for (const p of parsed.message.payloads) {
      if (p.offset! + p.length! > input.length) throw new Error(`payload at ${p.offset} runs past the end`);
      if (p.kind === 'GENERAL_EXT') {
        const pp = parseProtectedPayload(p.data, p.fields!.data.offset);
        if (pp.ok) parseKeyParameters(pp.value.ciphertext);
        else if (!pp.reason) throw new Error('protected payload rejection without reason');
      }
    }
  } else {
    const e = parsed.error;
    if (!(e.reason.length > 8 && e.field.length > 0 && e.offset >= 0 && e.offset <= input.length) || e.reason.startsWith('decoder defect')) {
      throw new Error(`bad rejection for input ${Buffer.from(input).toString('hex')}: ${JSON.stringify(e)}`);
    }
  }
  const v = validateIMessage(parsed.ok ? parsed.message : input);
  for (const f of v.findings) {
    if (/defect/.test(f.found)) throw new Error(`validator defect on ${Buffer.from(input).toString('hex')}: ${f.found}`);
    if (!f.found || !f.expected || !f.clause) throw new Error(`finding without expected/found/clause: ${JSON.stringify(f)}`);
  }
  if (!parsed.ok && !v.findings.some((f) => f.rule === 'message.decode' && f.found === parsed.error.reason)) throw new Error('decode error not reported by the validator');
  return parsed.ok;
}

export function runFuzz(n: number): { accepted: number; rejected: number } {
  const r = prng(0x3315_0180);
  const all = bases();
  const offsets = all.map(structuralOffsets);
  let accepted = 0;
  for (let i = 0; i < n; i++) {
    let input: Uint8Array;
    if (i % 10 === 0) {
      // Pure noise, half of it behind a plausible MIKEY-SAKKE header.
      input = r.bytes(r.int(400));
      if (i % 20 === 0 && input.length > 4) { input[0] = 1; input[1] = 26; input[2] = [5, 11, 14, 26, 21, 4][r.int(6)]; }
    } else {
      const k = r.int(all.length);
      input = mutate(all[k], offsets[k], r);
    }
    if (exercise(input)) accepted++;
  }
  return { accepted, rejected: n - accepted };
}

