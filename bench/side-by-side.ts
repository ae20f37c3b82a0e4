import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toHex } from '../lib/crypto/bytes.ts';
import { eccsiGenerateKms, eccsiIssueUserKey, eccsiSign, eccsiVerify } from '../lib/crypto/eccsi.ts';
import { sakkeGenerateKms, sakkeIssueRsk, sakkeEncapsulate, sakkeDecapsulate } from '../lib/crypto/sakke.ts';
import { deriveSessionKeys } from '../lib/crypto/srtp/kdf.ts';
import { protectRtp } from '../lib/crypto/srtp/aead.ts';
import { SrtpKeyRing } from '../lib/crypto/srtp/keyring.ts';
import { rtpPacket } from './rtp-packet.ts';

/**
 * Side-by-side rows of `npm run bench`: each of our operations beside the
 * same operation in a native library from Debian's packages, on the same
 * inputs, in the same run. The native harnesses (bench/native/*.c) are
 * built with `cc` at bench time (scripts/install-native-crypto.sh installs
 * libwolfssl-dev and libsrtp2-dev); where one is missing its rows say so.
 * Both sides report the median CPU time (ours: process.cpuUsage; native:
 * CLOCK_PROCESS_CPUTIME_ID) of one run.
 */

export interface SideBySideRow {
  name: string;
  /** One run of ours (timed by bench/run.ts). */
  ours: () => unknown;
  iterations: number;
  /** Untimed runs first (default 3): the JIT settles on the hot paths. */
  warmup?: number;
  /** Median CPU ms of one native run, or why there is none. */
  native: { ms: number; library: string } | { missing: string };
  /** Operations per run: > 1 prints throughput beside the times. */
  opsPerRun?: number;
}

const here = fileURLToPath(new URL('.', import.meta.url));

function hasCompiler(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Builds bench/native/<name>.c into dir, or says why not. */
function build(dir: string, name: string, headers: string[], lib: string, pkg: string): { program: string } | { missing: string } {
  if (!hasCompiler()) return { missing: 'no C compiler (cc)' };
  const absent = headers.filter((h) => !existsSync(h));
  if (absent.length) return { missing: `${pkg} not installed (${absent[0]} absent; bash scripts/install-native-crypto.sh)` };
  const program = join(dir, name);
  try {
    execFileSync('cc', ['-O2', '-o', program, join(here, 'native', `${name}.c`), lib], { stdio: 'pipe' });
  } catch (err) {
    return { missing: `${name}.c did not build: ${String((err as { stderr?: Buffer }).stderr ?? err).split('\n')[0]}` };
  }
  return { program };
}

function parseLines(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => l.split('=') as [string, string]),
  );
}

function debVersion(pkg: string): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  } catch {
    return '?';
  }
}

const uid = new Uint8Array(32).map((_, k) => k + 1);
const message = new Uint8Array(600).map((_, k) => k & 0xff); // an I_MESSAGE-sized body
const RECEIVERS = 32;
const PACKETS = 2000;


export async function sideBySideRows(): Promise<{ rows: SideBySideRow[]; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'mcx-native-bench-'));
  const rows: SideBySideRow[] = [];

  // ---- ECCSI and SAKKE against wolfSSL
  const eccsi = eccsiGenerateKms();
  const key = eccsiIssueUserKey(eccsi, uid);
  const signature = eccsiSign(message, uid, key.ssk, key.pvt, eccsi.kpak);
  // The verifier knows the KMS's KPAK (provisioned): one verification first, as a receiver has done.
  if (!eccsiVerify(message, signature, uid, eccsi.kpak).ok) throw new Error('ECCSI round trip failed');
  // Signatures from signers never seen before (a new PVT each): the verifier meets each PVT first.
  const signers = Array.from({ length: RECEIVERS }, (_, n) => {
    const id = new Uint8Array(32).fill(n + 1);
    const k = eccsiIssueUserKey(eccsi, id);
    return { id, signature: eccsiSign(message, id, k.ssk, k.pvt, eccsi.kpak) };
  });
  const sakke = sakkeGenerateKms();
  const ssv = new Uint8Array(16).fill(0x5a);
  // The KMS key Z_T is provisioned and used before; receivers (RSKs) and their ids are new.
  const receivers = Array.from({ length: RECEIVERS }, (_, n) => {
    const id = new Uint8Array(32).fill(0x40 + n);
    return { id, rsk: sakkeIssueRsk(sakke, id), data: sakkeEncapsulate(ssv, id, sakke.zT) };
  });
  // Encapsulation to ids the sender has not met (none of the receivers above:
  // a receiver's [b]P + Z_T gets a table from its fourth use).
  const newIds = Array.from({ length: RECEIVERS }, (_, n) => new Uint8Array(32).fill(0x40 + n).map((v, k) => (k === 0 ? 0xee : v)));
  const cycle = <T>(list: T[]) => {
    let at = 0;
    return () => list[at++ % list.length];
  };
  const nextSigner = cycle(signers);
  const nextEncapsulation = cycle(newIds);
  const nextReceiver = cycle(receivers);

  // The same input again and again: what a peer that keeps its keys meets
  // (one signer, one receiver id, one RSK); the caches of both sides warm.
  const sakkeData = sakkeEncapsulate(ssv, uid, sakke.zT);
  const ownRsk = sakkeIssueRsk(sakke, uid);

  const wolf = build(dir, 'wolfssl-bench', ['/usr/include/wolfssl/wolfcrypt/sakke.h', '/usr/include/wolfssl/wolfcrypt/eccsi.h'], '-lwolfssl', 'libwolfssl-dev');
  const wolfLib = `wolfSSL ${debVersion('libwolfssl-dev')}`;
  const runWolf = (label: string, lines: string[]): ((field: string) => SideBySideRow['native']) => {
    let w: Record<string, string> | undefined;
    let missing = 'missing' in wolf ? wolf.missing : '';
    if ('program' in wolf) {
      const cases = join(dir, `cases-${label}.txt`);
      writeFileSync(cases, lines.join('\n') + '\n');
      const run = spawnSync(wolf.program, ['30', toHex(eccsi.kpak), toHex(key.ssk), toHex(key.pvt), toHex(uid), toHex(message), toHex(sakke.zT), toHex(ssv), cases], { encoding: 'utf8', timeout: 300_000 });
      if (run.stderr) process.stderr.write(run.stderr.replace(/^/gm, `bench: wolfSSL (${label}): `));
      if (run.status === 0) {
        w = parseLines(run.stdout);
        for (const check of ['eccsi_verify_check', 'eccsi_sign_check', 'sakke_encapsulate_check', 'sakke_decapsulate_check']) {
          if (w[check] !== '1') {
            const kept = join(tmpdir(), `mcx-wolfssl-${label}-${check}-${Date.now()}.txt`);
            copyFileSync(cases, kept);
            process.stderr.write(`bench: wolfSSL (${label}) ${check}=${w[check]}: wolfSSL did not accept our inputs (cases kept in ${kept})\n`);
          }
        }
      } else {
        missing = `wolfSSL harness failed (exit ${run.status ?? run.signal ?? run.error?.message}): ${String(run.stderr ?? '').trim().split('\n').pop()}`;
      }
    }
    return (field) => {
      const ms = Number(w?.[field]);
      return w && Number.isFinite(ms) ? { ms, library: wolfLib } : { missing: missing || `wolfSSL gave no ${field}` };
    };
  };
  // Cold: the same signers, new ids and new receivers as ours, one per native
  // run too (wolfSSL's FP_ECC cache keeps tables for points it meets again).
  const wolfRow = runWolf('cold', [
    ...signers.map((c) => `signer ${toHex(c.id)} ${toHex(c.signature)}`),
    ...newIds.map((id) => `encap ${toHex(id)} ${toHex(sakkeEncapsulate(ssv, id, sakke.zT))}`),
    ...receivers.map((c) => `receiver ${toHex(c.id)} ${toHex(c.rsk)} ${toHex(c.data)}`),
  ]);
  const wolfWarm = runWolf('repeated', ['rsk-table', `signer ${toHex(uid)} ${toHex(signature)}`, `encap ${toHex(uid)} ${toHex(sakkeData)}`, `receiver ${toHex(uid)} ${toHex(ownRsk)} ${toHex(sakkeData)}`]);

  rows.push({
    name: 'ECCSI sign (RFC 6507 5.2.1), 600-octet message',
    iterations: 200,
    warmup: 50,
    ours: () => eccsiSign(message, uid, key.ssk, key.pvt, eccsi.kpak),
    native: wolfRow('eccsi_sign'),
  });
  rows.push({
    name: 'ECCSI verify with HS (5.2.2), PVT not cached (32 signers)',
    iterations: 200,
    warmup: 50,
    ours: () => {
      const s = nextSigner();
      if (!eccsiVerify(message, s.signature, s.id, eccsi.kpak).ok) throw new Error('verify failed');
    },
    native: wolfRow('eccsi_verify'),
  });
  rows.push({
    name: 'SAKKE encapsulate (RFC 6508 6.2.1), new receiver id',
    iterations: 20,
    ours: () => sakkeEncapsulate(ssv, nextEncapsulation(), sakke.zT),
    native: wolfRow('sakke_encapsulate'),
  });
  rows.push({
    name: 'SAKKE decapsulate (6.2.2), RSK never seen (cold)',
    iterations: 25,
    ours: () => {
      // A fresh RSK every run: 32 receivers, 28 runs (3 warm-up + 25).
      const r = nextReceiver();
      if (!sakkeDecapsulate(r.data, r.id, r.rsk, sakke.zT).ok) throw new Error('decapsulation failed');
    },
    native: wolfRow('sakke_decapsulate'),
  });

  rows.push({
    name: 'ECCSI verify with HS, the same signature again',
    iterations: 200,
    warmup: 50,
    ours: () => {
      if (!eccsiVerify(message, signature, uid, eccsi.kpak).ok) throw new Error('verify failed');
    },
    native: wolfWarm('eccsi_verify'),
  });
  rows.push({
    name: 'SAKKE encapsulate, the same receiver id again',
    iterations: 20,
    warmup: 5,
    ours: () => sakkeEncapsulate(ssv, uid, sakke.zT),
    native: wolfWarm('sakke_encapsulate'),
  });
  rows.push({
    name: 'SAKKE decapsulate, the same RSK again (wolfSSL: RSK table if its build has one)',
    iterations: 20,
    warmup: 5,
    ours: () => {
      if (!sakkeDecapsulate(sakkeData, uid, ownRsk, sakke.zT).ok) throw new Error('decapsulation failed');
    },
    native: wolfWarm('sakke_decapsulate'),
  });

  // ---- SRTP against libsrtp2
  const masterKey = new Uint8Array(16).fill(1);
  const masterSalt = new Uint8Array(12).fill(2);
  const session = deriveSessionKeys(masterKey, masterSalt).srtp;
  const mki = new Uint8Array([0x0a, 0xbc, 0xde, 0xf1, 0x0c, 0x34, 0x08, 0x88]);
  // libsrtp has no RCCm3 (ROC in the packet): MKI, no ROC tag (the E.3.2 shape with the 8-octet GMK MKI).
  const packets = Array.from({ length: PACKETS }, (_, i) => protectRtp(session, rtpPacket(i, 60), { roc: 0, mki, mkiLength: 8, rocRate: 0 }));
  const packetFile = join(dir, 'packets.txt');
  writeFileSync(packetFile, packets.map(toHex).join('\n') + '\n');
  const srtp = build(dir, 'libsrtp-bench', ['/usr/include/srtp2/srtp.h'], '-lsrtp2', 'libsrtp2-dev');
  let native: SideBySideRow['native'];
  if ('program' in srtp) {
    try {
      const s = parseLines(execFileSync(srtp.program, ['20', packetFile, `${toHex(mki)}=${toHex(masterKey)}${toHex(masterSalt)}`], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] }));
      if (s.authenticated !== String(PACKETS)) process.stderr.write(`bench: libsrtp2 authenticated ${s.authenticated} of ${PACKETS} of our packets\n`);
      native = { ms: Number(s.srtp_unprotect), library: `libsrtp2 ${debVersion('libsrtp2-dev')}` };
    } catch (err) {
      const e = err as { stderr?: string; status?: number };
      native = { missing: `libsrtp2 harness failed (exit ${e.status ?? '?'}): ${String(e.stderr ?? err).trim().split('\n').pop()}` };
    }
  } else native = { missing: srtp.missing };
  // The SRTP row runs first: measured after the bigint-heavy rows, the
  // collector's background work from them lands in its CPU time.
  rows.unshift({
    name: `SRTP unprotect, AEAD_AES_128_GCM, 8-octet MKI, 60-octet payload, ROC + replay (x${PACKETS})`,
    iterations: 20,
    warmup: 15,
    opsPerRun: PACKETS,
    ours: () => {
      // A new receiving session each run, like the native harness; the key chosen by MKI.
      const ring = new SrtpKeyRing([{ mki, keys: session }], { rocRate: 0, replayWindow: 1024 });
      for (const p of packets) if (!ring.unprotect(p).ok) throw new Error('SRTP packet failed');
    },
    native,
  });
  return { rows, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
