import { test, expect } from '@playwright/test';
import { runCaptured } from './run-captured.ts';
import { protectRtp, protectRtcp } from '../../lib/crypto/srtp/aead.ts';
import { deriveSessionKeys } from '../../lib/crypto/srtp/kdf.ts';
import { hex, toHex } from '../../lib/crypto/bytes.ts';

const run = runCaptured;

test.describe('tool uid / kdf / guk-id / srtp-keys / srtp-unprotect / srtcp-unprotect', () => {
  test('uid reproduces the F.2.1.2 example (ntp: and ISO-8601 time)', async () => {
    const base = ['tool', 'uid', '--id', 'sip:user@example.org', '--kms', 'kms.example.org', '--period', '2592000', '--offset', '0'];
    const r = await run([...base, '--time', 'ntp:3599719634']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^uid: +OoH7FMOx0P5DycV3EE1VptgXiL\/S8JdDxFV3RqWgNTs=$/m);
    expect(r.out).toMatch(/^keyPeriodNo: +1388$/m);
    const j = await run([...base, '--time', '2014-01-26T10:07:14Z', '--json']);
    expect(JSON.parse(j.out)).toMatchObject({ uid: 'OoH7FMOx0P5DycV3EE1VptgXiL/S8JdDxFV3RqWgNTs=', keyPeriodNo: 1388, ntpTime: 3599719634 });
  });

  test('kdf, guk-id and srtp-keys agree with the library and the interop values', async () => {
    const k = await run(['tool', 'kdf', '--key', '000102030405060708090a0b0c0d0e0f', '--fc', '53', '--param', 'deadbaad', '--bits', '128', '--json']);
    expect(JSON.parse(k.out).lsb128).toBe('d853d0bd6916ffc9837e2a2012a39491');
    const g = await run(['tool', 'guk-id', '--gmk', 'B1C9D5B7483511820CCFD06B58EF139B', '--gmk-id', '06dbc5e2', '--id', 'sip:u1alea@veronica-cluster', '--json']);
    expect(JSON.parse(g.out)).toMatchObject({ gukId: '0c340888', purposeTag: 0, keyType: 'GMK' });
    const back = await run(['tool', 'guk-id', '--gmk', 'B1C9D5B7483511820CCFD06B58EF139B', '--guk-id', '0c340888', '--id', 'sip:u1alea@veronica-cluster', '--json']);
    expect(JSON.parse(back.out).gmkId).toBe('06dbc5e2');
    const s = await run(['tool', 'srtp-keys', '--tgk', 'A27B7D578EEB9B1EE7705E385996D300', '--csb-id', '0633F457', '--cs-id', '4', '--rand', '4339F62F55AAC86348846A482C893802', '--json']);
    const keys = JSON.parse(s.out);
    expect(keys).toMatchObject({ masterKey: '59aaa49ebb54813602b7cc165961b4e8', masterSalt: '745eb4df7d155c473114a799' });
    expect(keys.srtp.sessionKey).toHaveLength(32);
    expect(keys.srtcp.sessionSalt).toHaveLength(24);
  });

  test('srtp-unprotect and srtcp-unprotect: PASS exits 0, a modified packet exits 1 with the reason', async () => {
    const masterKey = hex('000102030405060708090a0b0c0d0e0f');
    const masterSalt = hex('a0a1a2a3a4a5a6a7a8a9aaab');
    const session = deriveSessionKeys(masterKey, masterSalt);
    const rtp = hex('8060000500000320cafe0001' + '48656c6c6f');
    const srtp = protectRtp(session.srtp, rtp, { roc: 3, mki: hex('0abcdef10c340888'), mkiLength: 8, rocRate: 1 });
    const common = ['--master-key', toHex(masterKey), '--master-salt', toHex(masterSalt)];
    const ok = await run(['tool', 'srtp-unprotect', ...common, '--mki-length', '8', '--roc-rate', '1', toHex(srtp), '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ roc: 3, rocSource: 'packet', payload: '48656c6c6f', mki: '0abcdef10c340888', mkiFields: { keyType: 'GMK', gukId: '0c340888' }, header: { sequenceNumber: 5, ssrc: 'cafe0001' } });
    srtp[14] ^= 1;
    const bad = await run(['tool', 'srtp-unprotect', ...common, '--mki-length', '8', '--roc-rate', '1', toHex(srtp)]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^verdict: +FAIL \(auth-failed\)/m);
    const srtcp = protectRtcp(session.srtcp, hex('81c80006cafe0001' + '00'.repeat(20)), { index: 9, mki: hex('20000001') });
    const c = await run(['tool', 'srtcp-unprotect', ...common, '--mki-length', '4', toHex(srtcp), '--json']);
    expect(c.code).toBe(0);
    expect(JSON.parse(c.out)).toMatchObject({ encrypted: true, index: 9, mkiFields: { keyType: 'CSK' } });
  });

  test('every subcommand has --help; a bad argument is one line naming it, exit 2', async () => {
    for (const name of ['uid', 'kdf', 'guk-id', 'srtp-keys', 'srtp-unprotect', 'srtcp-unprotect']) {
      const h = await run(['tool', name, '--help']);
      expect(h.code).toBe(0);
      expect(h.out).toContain(`mcx-conformance tool ${name}`);
    }
    const cases: [string[], RegExp][] = [
      [['tool', 'uid', '--id', 'a', '--kms', 'b', '--period', 'x', '--offset', '0', '--time', 'ntp:1'], /--period: not an integer/],
      [['tool', 'uid', '--id', 'a', '--kms', 'b', '--period', '10', '--offset', '0', '--time', 'noon'], /--time: expected an ISO-8601/],
      [['tool', 'kdf', '--key', 'zz', '--fc', '50'], /--key: not an even-length hex/],
      [['tool', 'kdf', '--key', '00', '--fc', '5051'], /--fc: one octet/],
      [['tool', 'guk-id', '--gmk', '00', '--gmk-id', '00000000', '--id', 'x'], /--gmk: expected 16 or 32 octets/],
      [['tool', 'srtp-keys', '--tgk', '00'.repeat(16), '--csb-id', '00', '--cs-id', '4', '--rand', '00'], /--csb-id: expected 4 octets/],
      [['tool', 'srtp-unprotect', '--master-key', '00'.repeat(16), '--master-salt', '00'.repeat(12), '--mki-length', '4'], /missing <packet hex>/],
      [['tool', 'srtcp-unprotect', '--master-key', '00'.repeat(16), '--master-salt', '00'.repeat(12), '--mki-length', '4', '--frob', 'x', 'aa'], /unknown option --frob/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    }
  });
});
