import { readFileSync } from 'node:fs';
import { deriveSessionKeys, type AeadSessionKeys } from '../../lib/crypto/srtp/kdf.ts';
import { unprotectRtp, type SrtpUnprotectResult } from '../../lib/crypto/srtp/aead.ts';
import { SrtpKeyRing } from '../../lib/crypto/srtp/keyring.ts';
import { SrtpReceiver } from '../../lib/crypto/srtp/receiver.ts';
import { describeMki } from '../../lib/crypto/srtp/mki.ts';
import { toHex } from '../../lib/crypto/bytes.ts';
import { EXIT_FAIL, UsageError } from '../usage.ts';
import { intArg, parseHex, parseToolArgs, printOutput, stringArg } from './args.ts';
import type { ToolSubcommand } from './index.ts';

/** Failures listed one by one in the packet-file summary (the rest are counted). */
const LISTED_FAILURES = 20;

export const srtpUnprotectTool: ToolSubcommand = {
  name: 'srtp-unprotect',
  summary: 'decrypt and check SRTP packets (AEAD_AES_128_GCM, MKI, RCCm3 ROC) from master keys, one packet or a file of them with a key ring',
  help: `usage: mcx-conformance tool srtp-unprotect --master-key <hex> --master-salt <hex> --mki-length <octets>
                                           [--roc <n>] [--roc-rate <R>] [--json] <packet hex>
       mcx-conformance tool srtp-unprotect (--key <MKI>=<master key>:<master salt> ... | --key-ring @<file>)
                                           [--roc <n>] [--roc-rate <R>] [--json] (<packet hex> | --packets @<file>)

Derives the SRTP session key and salt (RFC 3711 4.3.3, kdr 0), splits the
packet (header || ciphertext || 16-octet tag || MKI || [ROC]) and opens it
with AEAD_AES_128_GCM (RFC 7714). --mki-length is 0, 4 (PCK-ID, TS 33.180
7.4.1) or 8 (GMK-ID || GUK-ID, 7.4.2). --roc-rate R > 0 means RCCm3 (RFC 4771,
7.5.1): packets with SEQ mod R = 0 carry the ROC in a 4-octet tag after the
MKI (the E.2.2 group default is R = 1); other packets use --roc (default 0).
Prints the header fields, MKI, ROC, decrypted payload and the verdict.

Key ring: each --key (repeatable) names a master key by its MKI, as
<MKI hex>=<master key hex>:<master salt hex>; --key-ring @file reads the
same, one a line (blank lines and lines starting with # are skipped). Every
packet's key is the one its MKI names, as libsrtp chooses by MKI; all MKIs
have one length (--mki-length, if given, must agree). A packet whose MKI is
in no key names no key and fails (mki-mismatch).

Packet file: --packets @file has one SRTP packet in hex a line (blank and #
lines skipped) and is taken as a received stream: per key and SSRC the ROC
is estimated (RFC 3711 3.3.1; --roc is the first one) and replays are
refused. Prints the count that authenticated, the failures (line, code,
reason; the first ${LISTED_FAILURES} listed), the packets per MKI and the
throughput (packets per second of CPU time and of wall time).

exit status: 0 every packet authenticates, 1 one does not, 2 usage error

examples:
  mcx-conformance tool srtp-unprotect --master-key <16 octets hex> --master-salt <12 octets hex> \\
    --mki-length 8 --roc-rate 1 <packet hex>
  mcx-conformance tool srtp-unprotect --key 0abcdef10c340888=<key hex>:<salt hex> \\
    --key 06dbc5e20c340888=<key hex>:<salt hex> --roc-rate 1 --packets @capture.hex
`,
  async run(argv) {
    const args = parseToolArgs(
      argv,
      {
        'master-key': { type: 'string' },
        'master-salt': { type: 'string' },
        'mki-length': { type: 'string' },
        key: { type: 'string', multiple: true },
        'key-ring': { type: 'string' },
        packets: { type: 'string' },
        roc: { type: 'string' },
        'roc-rate': { type: 'string' },
      },
      { name: '<packet hex>', min: 0, max: 1 },
    );
    const roc = stringArg(args, 'roc') === undefined ? 0 : intArg(args, 'roc', { min: 0, max: 0xffffffff });
    const rocRate = intArg(args, 'roc-rate', { min: 0, max: 65535, default: 0 });
    const ring = keyRing(args.values.key as string[] | undefined, stringArg(args, 'key-ring'));
    let mkiLength: number;
    let single: AeadSessionKeys | undefined;
    if (ring) {
      if (stringArg(args, 'master-key') !== undefined || stringArg(args, 'master-salt') !== undefined) throw new UsageError('--master-key/--master-salt and a key ring (--key, --key-ring) exclude each other');
      mkiLength = ring[0].mki.length;
      if (stringArg(args, 'mki-length') !== undefined && intArg(args, 'mki-length', { min: 0, max: 255 }) !== mkiLength) throw new UsageError(`--mki-length: the key ring's MKIs are ${mkiLength} octets`);
    } else {
      for (const name of ['master-key', 'master-salt', 'mki-length']) if (stringArg(args, name) === undefined) throw new UsageError(`missing required option --${name} (or a key ring: --key, --key-ring)`);
      const masterKey = parseHex('--master-key', stringArg(args, 'master-key') as string, { lengths: [16, 32] });
      const masterSalt = parseHex('--master-salt', stringArg(args, 'master-salt') as string, { lengths: [12, 14] });
      mkiLength = intArg(args, 'mki-length', { min: 0, max: 255 });
      single = deriveSessionKeys(masterKey, masterSalt).srtp;
    }
    const packetFile = stringArg(args, 'packets');
    if (packetFile !== undefined && args.positionals.length) throw new UsageError('give either <packet hex> or --packets @file, not both');
    if (packetFile === undefined && !args.positionals.length) throw new UsageError('missing <packet hex> (or --packets @file)');

    if (packetFile === undefined) {
      const packet = parseHex('<packet hex>', args.positionals[0]);
      const r = ring
        ? new SrtpKeyRing(ring, { rocRate, initialRoc: roc }).unprotect(packet)
        : unprotectRtp(single as AeadSessionKeys, packet, { mkiLength, roc, rocRate });
      printSingle(args.json, r);
      return r.ok ? 0 : EXIT_FAIL;
    }

    const packets = readLines('--packets', packetFile).map(({ line, text }) => ({ line, packet: parseHex(`--packets line ${line}`, text) }));
    const receiver = ring ? new SrtpKeyRing(ring, { rocRate, initialRoc: roc }) : new SrtpReceiver(single as AeadSessionKeys, { mkiLength, rocRate, initialRoc: roc });
    const results: SrtpUnprotectResult[] = new Array(packets.length);
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < packets.length; i++) results[i] = receiver.unprotect(packets[i].packet);
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;

    const failures: { line: number; code: string; reason: string; mki?: Uint8Array }[] = [];
    const byMki = new Map<string, number>();
    let authenticated = 0;
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (r.ok) {
        authenticated++;
        const name = r.mki ? toHex(r.mki) : '(none)';
        byMki.set(name, (byMki.get(name) ?? 0) + 1);
      } else failures.push({ line: packets[i].line, code: r.code, reason: r.reason, mki: r.mki });
    }
    const perSecond = (ms: number) => (ms > 0 ? Math.round((packets.length * 1000) / ms) : undefined);
    printOutput(args.json, {
      packets: packets.length,
      authenticated,
      failed: failures.length,
      keys: ring ? ring.length : 1,
      authenticatedPerMki: Object.fromEntries(byMki),
      failures: failures.slice(0, LISTED_FAILURES).map((f) => `line ${f.line}: ${f.code}${f.mki ? ` (MKI ${toHex(f.mki)})` : ''}: ${f.reason}`),
      throughput: { cpuMs: Number(cpuMs.toFixed(3)), wallMs: Number(wallMs.toFixed(3)), packetsPerCpuSecond: perSecond(cpuMs), packetsPerWallSecond: perSecond(wallMs) },
      verdict: failures.length === 0 ? `PASS: all ${packets.length} packets authenticate` : `FAIL: ${failures.length} of ${packets.length} packets do not authenticate`,
    });
    return failures.length === 0 && packets.length > 0 ? 0 : EXIT_FAIL;
  },
};

function printSingle(json: boolean, r: SrtpUnprotectResult): void {
  const mkiInfo = r.mki ? describeMki(r.mki) : undefined;
  const h = r.header;
  printOutput(json, {
    header: h
      ? { version: h.version, padding: h.padding, extension: h.extension, csrcCount: h.csrcCount, marker: h.marker, payloadType: h.payloadType, sequenceNumber: h.sequenceNumber, timestamp: h.timestamp, ssrc: h.ssrc.toString(16).padStart(8, '0'), headerLength: h.headerLength }
      : undefined,
    mki: r.mki,
    mkiFields: mkiInfo?.ok ? { ...mkiInfo.fields } : undefined,
    roc: r.roc,
    rocSource: r.ok ? r.rocSource : undefined,
    index: r.ok ? r.index : undefined,
    payload: r.ok ? r.payload : undefined,
    verdict: r.ok ? 'PASS: AEAD tag verifies' : `FAIL (${r.code}): ${r.reason}`,
  });
}

/** Lines of an @file option (the @ is optional), skipping blank and # lines. */
function readLines(option: string, value: string): { line: number; text: string }[] {
  const path = value.startsWith('@') ? value.slice(1) : value;
  if (!path) throw new UsageError(`${option}: expected @<file>`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${option}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return text
    .split(/\r?\n/)
    .map((t, k) => ({ line: k + 1, text: t.trim() }))
    .filter((l) => l.text && !l.text.startsWith('#'));
}

/** The key ring from --key options and a --key-ring file; undefined when neither is given. */
function keyRing(keys: string[] | undefined, file: string | undefined): { mki: Uint8Array; keys: AeadSessionKeys }[] | undefined {
  const specs: { label: string; text: string }[] = (keys ?? []).map((text) => ({ label: '--key', text }));
  if (file !== undefined) for (const l of readLines('--key-ring', file)) specs.push({ label: `--key-ring line ${l.line}`, text: l.text });
  if (specs.length === 0) return undefined;
  const ring: { mki: Uint8Array; keys: AeadSessionKeys }[] = [];
  const seen = new Set<string>();
  for (const { label, text } of specs) {
    const m = /^([^=\s]+)\s*=\s*([^:\s]+)\s*:\s*(\S+)$/.exec(text);
    if (!m) throw new UsageError(`${label}: expected <MKI hex>=<master key hex>:<master salt hex>, got '${text.length > 60 ? `${text.slice(0, 60)}...` : text}'`);
    const mki = parseHex(`${label} MKI`, m[1]);
    if (mki.length === 0) throw new UsageError(`${label}: the MKI is empty`);
    if (ring.length && mki.length !== ring[0].mki.length) throw new UsageError(`${label}: MKI ${toHex(mki)} is ${mki.length} octets, the ring's first is ${ring[0].mki.length}`);
    if (seen.has(toHex(mki))) throw new UsageError(`${label}: MKI ${toHex(mki)} is given twice`);
    seen.add(toHex(mki));
    const masterKey = parseHex(`${label} master key`, m[2], { lengths: [16, 32] });
    const masterSalt = parseHex(`${label} master salt`, m[3], { lengths: [12, 14] });
    ring.push({ mki, keys: deriveSessionKeys(masterKey, masterSalt).srtp });
  }
  return ring;
}
