import { deriveSessionKeys } from '../../lib/crypto/srtp/kdf.ts';
import { unprotectRtp } from '../../lib/crypto/srtp/aead.ts';
import { describeMki } from '../../lib/crypto/srtp/mki.ts';
import { EXIT_FAIL } from '../usage.ts';
import { hexArg, intArg, parseHex, parseToolArgs, printOutput, stringArg } from './args.ts';
import type { ToolSubcommand } from './index.ts';

export const srtpUnprotectTool: ToolSubcommand = {
  name: 'srtp-unprotect',
  summary: 'decrypt and check one SRTP packet (AEAD_AES_128_GCM, MKI, RCCm3 ROC) from its master key and salt',
  help: `usage: mcx-conformance tool srtp-unprotect --master-key <hex> --master-salt <hex> --mki-length <octets>
                                           [--roc <n>] [--roc-rate <R>] [--json] <packet hex>

Derives the SRTP session key and salt (RFC 3711 4.3.3, kdr 0), splits the
packet (header || ciphertext || 16-octet tag || MKI || [ROC]) and opens it
with AEAD_AES_128_GCM (RFC 7714). --mki-length is 0, 4 (PCK-ID, TS 33.180
7.4.1) or 8 (GMK-ID || GUK-ID, 7.4.2). --roc-rate R > 0 means RCCm3 (RFC 4771,
7.5.1): packets with SEQ mod R = 0 carry the ROC in a 4-octet tag after the
MKI (the E.2.2 group default is R = 1); other packets use --roc (default 0).
Prints the header fields, MKI, ROC, decrypted payload and the verdict.

exit status: 0 packet authenticates, 1 it does not, 2 usage error

example:
  mcx-conformance tool srtp-unprotect --master-key <16 octets hex> --master-salt <12 octets hex> \\
    --mki-length 8 --roc-rate 1 <packet hex>
`,
  async run(argv) {
    const args = parseToolArgs(
      argv,
      {
        'master-key': { type: 'string', required: true },
        'master-salt': { type: 'string', required: true },
        'mki-length': { type: 'string', required: true },
        roc: { type: 'string' },
        'roc-rate': { type: 'string' },
      },
      { name: '<packet hex>', min: 1, max: 1 },
    );
    const masterKey = hexArg(args, 'master-key', { lengths: [16, 32] });
    const masterSalt = hexArg(args, 'master-salt', { lengths: [12, 14] });
    const mkiLength = intArg(args, 'mki-length', { min: 0, max: 255 });
    const roc = stringArg(args, 'roc') === undefined ? 0 : intArg(args, 'roc', { min: 0, max: 0xffffffff });
    const rocRate = intArg(args, 'roc-rate', { min: 0, max: 65535, default: 0 });
    const packet = parseHex('<packet hex>', args.positionals[0]);
    const keys = deriveSessionKeys(masterKey, masterSalt).srtp;
    const r = unprotectRtp(keys, packet, { mkiLength, roc, rocRate });
    const mkiInfo = r.mki ? describeMki(r.mki) : undefined;
    const h = r.header;
    printOutput(args.json, {
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
    return r.ok ? 0 : EXIT_FAIL;
  },
};
