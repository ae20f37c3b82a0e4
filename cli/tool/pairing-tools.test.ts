import { test, expect } from '@playwright/test';
import { runCaptured } from './run-captured.ts';
import { loadVectors } from '../../vectors/load.ts';

const run = runCaptured;

const h = (s: string) => s.replace(/\s+/g, '');
const e = loadVectors<Record<string, string>>('./rfc6507/appendix-a.json').vectors[0];
const s = loadVectors<Record<string, string>>('./rfc6508/appendix-a.json').vectors[0];
const zT = '04' + h(s.Zx) + h(s.Zy);
const rsk = '04' + h(s.Kbx) + h(s.Kby);
const data = '04' + h(s.Rbx) + h(s.Rby) + h(s.H);

test.describe('tool eccsi-verify / sakke-decrypt (RFC 6507 / RFC 6508 Appendix A)', () => {
  test('eccsi-verify: the RFC 6507 signature is valid (exit 0), with HS and HE printed', async () => {
    const r = await run(['tool', 'eccsi-verify', '--kpak', h(e.KPAK), '--id', h(e.ID), '--signature', h(e.Signature), '--message', h(e.M), '--ssk', h(e.SSK), '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ verdict: 'VALID', signature: 'valid', userKey: 'valid', hs: h(e.HS).toLowerCase(), he: h(e.HE).toLowerCase() });
  });

  test('eccsi-verify: another message is invalid (exit 1) with the reason', async () => {
    const r = await run(['tool', 'eccsi-verify', '--kpak', h(e.KPAK), '--id', h(e.ID), '--signature', h(e.Signature), '--message', '00']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/verdict:\s+INVALID/);
    expect(r.out).toContain('Jx != r');
  });

  test('eccsi-verify: a bad argument is one line naming it (exit 2); --help exits 0', async () => {
    const r = await run(['tool', 'eccsi-verify', '--kpak', 'xyz', '--id', '00', '--signature', '00', '--message', '00']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('--kpak');
    const short = await run(['tool', 'eccsi-verify', '--kpak', '0400', '--id', '00', '--signature', '00', '--message', '00']);
    expect(short.code).toBe(2);
    expect(short.err).toContain('--kpak: expected 65 octets, got 2');
    const missing = await run(['tool', 'eccsi-verify', '--kpak', h(e.KPAK)]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--id');
    const help = await run(['tool', 'eccsi-verify', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('usage: mcx-conformance tool eccsi-verify');
  });

  test('sakke-decrypt: the RFC 6508 data gives the SSV (exit 0)', async () => {
    const r = await run(['tool', 'sakke-decrypt', '--z-t', zT, '--rsk', rsk, '--id', h(s.b), '--sakke-data', data, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ verdict: 'VALID', rsk: 'valid', decapsulation: 'ok', ssv: h(s.SSV).toLowerCase(), r: h(s.r).toLowerCase().replace(/^0+/, '') });
  });

  test('sakke-decrypt: tampered data is invalid (exit 1); bad arguments exit 2', async () => {
    const tampered = data.slice(0, -2) + (data.endsWith('07') ? '06' : '07');
    const r = await run(['tool', 'sakke-decrypt', '--z-t', zT, '--rsk', rsk, '--id', h(s.b), '--sakke-data', tampered]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('integrity check failed');
    const bad = await run(['tool', 'sakke-decrypt', '--z-t', zT.slice(2), '--rsk', rsk, '--id', h(s.b), '--sakke-data', data]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--z-t: expected 257 octets, got 256');
    const unknown = await run(['tool', 'sakke-decrypt', '--zt', zT]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--zt');
    const help = await run(['tool', 'sakke-decrypt', '--help']);
    expect(help.code).toBe(0);
  });
});
