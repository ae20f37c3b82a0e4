import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaptured as run } from './run-captured.ts';
import { protectRtp } from '../../lib/crypto/srtp/aead.ts';
import { deriveSessionKeys } from '../../lib/crypto/srtp/kdf.ts';
import { hex, toHex } from '../../lib/crypto/bytes.ts';

/** tool srtp-unprotect with a key ring (--key, --key-ring) and a packet file (--packets @file). */
test.describe('tool srtp-unprotect: key ring and packet file', () => {
  let dir = '';
  test.beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'srtp-unprotect-'));
  });
  test.afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Two group keys (GMK-ID || GUK-ID MKIs), RCCm3 ROC in every packet (E.2.2).
  const keyA = { mki: hex('0abcdef10c340888'), key: hex('000102030405060708090a0b0c0d0e0f'), salt: hex('a0a1a2a3a4a5a6a7a8a9aaab') };
  const keyB = { mki: hex('06dbc5e20c340888'), key: hex('f0e0d0c0b0a090807060504030201000'), salt: hex('b0b1b2b3b4b5b6b7b8b9babb') };
  const spec = (k: typeof keyA) => `${toHex(k.mki)}=${toHex(k.key)}:${toHex(k.salt)}`;

  function stream(count: number): { hexLines: string[]; packets: Uint8Array[] } {
    const packets: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const k = i % 3 === 2 ? keyB : keyA;
      const seq = (65530 + i) & 0xffff; // crosses the SEQ wrap: the ROC steps up
      const roc = 65530 + i > 0xffff ? 8 : 7;
      const rtp = hex('80600000000003201234abcd' + '48656c6c6f2c20' + toHex(Uint8Array.of(i)));
      rtp[2] = seq >> 8;
      rtp[3] = seq & 0xff;
      rtp[8] = i % 2; // two SSRCs
      packets.push(protectRtp(deriveSessionKeys(k.key, k.salt).srtp, rtp, { roc, mki: k.mki, mkiLength: 8, rocRate: 1 }));
    }
    return { packets, hexLines: packets.map(toHex) };
  }

  test('--key twice and --packets @file: every packet opens with the key its MKI names; counts and throughput', async () => {
    const { hexLines } = stream(30);
    const file = join(dir, 'packets.hex');
    writeFileSync(file, `# captured group call\n${hexLines.join('\n')}\n\n`);
    const r = await run(['tool', 'srtp-unprotect', '--key', spec(keyA), '--key', spec(keyB), '--roc-rate', '1', '--packets', `@${file}`, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({ packets: 30, authenticated: 30, failed: 0, keys: 2, failures: [], verdict: 'PASS: all 30 packets authenticate' });
    expect(out.authenticatedPerMki).toEqual({ [toHex(keyA.mki)]: 20, [toHex(keyB.mki)]: 10 });
    expect(out.throughput.packetsPerCpuSecond).toBeGreaterThan(0);
    const text = await run(['tool', 'srtp-unprotect', '--key', spec(keyA), '--key', spec(keyB), '--roc-rate', '1', '--packets', `@${file}`]);
    expect(text.out).toMatch(/^throughput\.packetsPerCpuSecond: +\d+$/m);
  });

  test('--key-ring @file: an unknown MKI, a modified packet and a replay fail with their line; exit 1', async () => {
    const { hexLines, packets } = stream(6);
    const ring = join(dir, 'ring.txt');
    writeFileSync(ring, `# MKI=master key:master salt\n${spec(keyA)}\n\n${spec(keyB)}\n`);
    const unknown = Uint8Array.from(packets[0]);
    unknown[unknown.length - 12] ^= 0xff; // first MKI octet (MKI 8 || ROC 4 at the end)
    const modified = Uint8Array.from(packets[1]);
    modified[14] ^= 1;
    const lines = [...hexLines, toHex(unknown), toHex(modified), hexLines[3]];
    const file = join(dir, 'bad.hex');
    writeFileSync(file, lines.join('\n'));
    const r = await run(['tool', 'srtp-unprotect', '--key-ring', `@${ring}`, '--mki-length', '8', '--roc-rate', '1', '--packets', `@${file}`, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({ packets: 9, authenticated: 6, failed: 3, keys: 2 });
    expect(out.failures[0]).toMatch(/^line 7: mki-mismatch \(MKI f5bcdef10c340888\): MKI f5bcdef10c340888 names no key in the ring/);
    expect(out.failures[1]).toMatch(/^line 8: auth-failed/);
    expect(out.failures[2]).toMatch(/^line 9: replay-duplicate/);
  });

  test('one packet with a key ring: the MKI chooses the key', async () => {
    const { hexLines } = stream(3);
    const r = await run(['tool', 'srtp-unprotect', '--key', spec(keyA), '--key', spec(keyB), '--roc-rate', '1', hexLines[2], '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ mki: toHex(keyB.mki), roc: 7, rocSource: 'packet', payload: '48656c6c6f2c2002' });
    const only = await run(['tool', 'srtp-unprotect', '--key', spec(keyA), '--roc-rate', '1', hexLines[2]]);
    expect(only.code).toBe(1);
    expect(only.out).toMatch(/^verdict: +FAIL \(mki-mismatch\)/m);
  });

  test('bad key ring arguments are one line naming them, exit 2', async () => {
    const { hexLines } = stream(1);
    const cases: [string[], RegExp][] = [
      [['--key', 'zz'], /--key: expected <MKI hex>=<master key hex>:<master salt hex>/],
      [['--key', spec(keyA), '--key', `0102=${toHex(keyB.key)}:${toHex(keyB.salt)}`], /MKI 0102 is 2 octets, the ring's first is 8/],
      [['--key', spec(keyA), '--key', spec(keyA)], /MKI 0abcdef10c340888 is given twice/],
      [['--key', spec(keyA), '--master-key', toHex(keyA.key)], /exclude each other/],
      [['--key', spec(keyA), '--mki-length', '4'], /--mki-length: the key ring's MKIs are 8 octets/],
      [['--key', `${toHex(keyA.mki)}=00:${toHex(keyA.salt)}`], /--key master key: expected 16 or 32 octets/],
      [['--key-ring', '@/nonexistent/ring.txt'], /--key-ring: cannot read \/nonexistent\/ring.txt: ENOENT/],
      [['--key', spec(keyA), '--packets', '@/nonexistent/p.hex'], /--packets: cannot read/],
      [['--key', spec(keyA), '--packets', '@x', hexLines[0]], /either <packet hex> or --packets/],
      [['--mki-length', '8'], /missing required option --master-key \(or a key ring/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(['tool', 'srtp-unprotect', ...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    }
  });
});
