import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hex, toHex, concatBytes } from './bytes.ts';
import { eccsiGenerateKms, eccsiIssueUserKey, eccsiSign, eccsiVerify, eccsiValidateUserKey, eccsiHashHS } from './eccsi.ts';
import { sakkeGenerateKms, sakkeIssueRsk, sakkeEncapsulate, sakkeDecapsulate, sakkeValidateRsk } from './sakke.ts';

/**
 * Optional cross-check against a second implementation: wolfSSL's SAKKE and
 * ECCSI (Debian libwolfssl-dev), through the small C program in interop/.
 * Skipped where a C compiler or the wolfSSL headers are missing.
 */
const source = fileURLToPath(new URL('./interop/wolfssl-sakke-eccsi.c', import.meta.url));
const available = existsSync('/usr/include/wolfssl/wolfcrypt/sakke.h') && existsSync('/usr/include/wolfssl/wolfcrypt/eccsi.h') && hasCompiler();

function hasCompiler(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function lines(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((l) => l.split('=') as [string, string]));
}

test.describe('cross-check with wolfSSL (SAKKE RFC 6508, ECCSI RFC 6507)', () => {
  test.skip(!available, 'wolfSSL headers (libwolfssl-dev) or a C compiler are not installed: bash scripts/install-native-crypto.sh installs them');
  test.describe.configure({ mode: 'serial' });
  test.setTimeout(120_000);
  let dir = '';
  let program = '';

  test.beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wolfssl-interop-'));
    program = join(dir, 'wolfssl-sakke-eccsi');
    execFileSync('cc', ['-O1', '-o', program, source, '-lwolfssl'], { stdio: 'pipe' });
  });
  test.afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const uid = (n: number) => new Uint8Array(32).map((_, k) => (k * 31 + n) & 0xff);
  const message = new TextEncoder().encode('MIKEY-SAKKE I_MESSAGE under test');

  for (const n of [1, 2]) {
    test(`wolfSSL keys, SAKKE data and signature are accepted by lib/crypto (#${n})`, () => {
      const id = uid(n);
      const w = lines(execFileSync(program, ['make', toHex(id), toHex(message)], { encoding: 'utf8' }));
      const zT = hex(w.sakke_zt);
      const rsk = hex(w.sakke_rsk);
      expect(zT).toHaveLength(257);
      expect(rsk).toHaveLength(257);
      expect(sakkeValidateRsk(zT, id, rsk)).toEqual({ ok: true });
      expect(sakkeDecapsulate(concatBytes(hex(w.sakke_r), hex(w.sakke_h)), id, rsk, zT)).toEqual({ ok: true, ssv: hex(w.sakke_ssv) });
      const kpak = hex(w.eccsi_kpak);
      expect(toHex(eccsiHashHS(kpak, id, hex(w.eccsi_pvt)))).toBe(w.eccsi_hs);
      expect(eccsiValidateUserKey(kpak, id, hex(w.eccsi_ssk), hex(w.eccsi_pvt))).toEqual({ ok: true });
      expect(eccsiVerify(message, hex(w.eccsi_signature), id, kpak)).toEqual({ ok: true });
      expect(eccsiVerify(message, hex(w.eccsi_signature), uid(n + 10), kpak).ok).toBe(false);
    });

    test(`lib/crypto keys, SAKKE data and signature are accepted by wolfSSL (#${n})`, () => {
      const id = uid(n + 100);
      const sakke = sakkeGenerateKms();
      const rsk = sakkeIssueRsk(sakke, id);
      const ssv = new Uint8Array(16).map((_, k) => (k * 17 + n) & 0xff);
      const data = sakkeEncapsulate(ssv, id, sakke.zT);
      const eccsi = eccsiGenerateKms();
      const key = eccsiIssueUserKey(eccsi, id);
      const signature = eccsiSign(message, id, key.ssk, key.pvt, eccsi.kpak);
      const w = lines(execFileSync(program, ['check', toHex(sakke.zT), toHex(rsk), toHex(id), toHex(data), toHex(eccsi.kpak), toHex(signature), toHex(message)], { encoding: 'utf8' }));
      expect(w).toEqual({ rsk_valid: '1', ssv: toHex(ssv), signature_valid: '1' });
    });
  }
});
