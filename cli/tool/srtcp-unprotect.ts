import { deriveSessionKeys } from '../../lib/crypto/srtp/kdf.ts';
import { unprotectRtcp } from '../../lib/crypto/srtp/aead.ts';
import { describeMki } from '../../lib/crypto/srtp/mki.ts';
import { EXIT_FAIL } from '../usage.ts';
import { hexArg, intArg, parseHex, parseToolArgs, printOutput } from './args.ts';
import type { ToolSubcommand } from './index.ts';

export const srtcpUnprotectTool: ToolSubcommand = {
  name: 'srtcp-unprotect',
  summary: 'decrypt and check one SRTCP packet (AEAD_AES_128_GCM, E flag, index, MKI) from its master key and salt',
  help: `usage: mcx-conformance tool srtcp-unprotect --master-key <hex> --master-salt <hex> --mki-length <octets>
                                            [--json] <packet hex>

Derives the SRTCP session key and salt (RFC 3711 4.3.3 labels 3 and 5, kdr 0),
splits the packet (header || ciphertext || 16-octet tag || E|SRTCP index ||
MKI) and opens it with AEAD_AES_128_GCM (RFC 7714 section 9). --mki-length is
normally 4 (KFC-ID / CSK-ID, TS 33.180 9.4.6) or 8 (GMK-ID || GUK-ID
off-network). Prints the RTCP header, E flag, SRTCP index, MKI, the
decrypted compound packet and the verdict. (--roc is accepted and ignored:
SRTCP carries its own index.)

exit status: 0 packet authenticates, 1 it does not, 2 usage error

example:
  mcx-conformance tool srtcp-unprotect --master-key <16 octets hex> --master-salt <12 octets hex> \\
    --mki-length 4 <packet hex>
`,
  async run(argv) {
    const args = parseToolArgs(
      argv,
      {
        'master-key': { type: 'string', required: true },
        'master-salt': { type: 'string', required: true },
        'mki-length': { type: 'string', required: true },
        roc: { type: 'string' },
      },
      { name: '<packet hex>', min: 1, max: 1 },
    );
    const masterKey = hexArg(args, 'master-key', { lengths: [16, 32] });
    const masterSalt = hexArg(args, 'master-salt', { lengths: [12, 14] });
    const mkiLength = intArg(args, 'mki-length', { min: 0, max: 255 });
    const packet = parseHex('<packet hex>', args.positionals[0]);
    const keys = deriveSessionKeys(masterKey, masterSalt).srtcp;
    const r = unprotectRtcp(keys, packet, { mkiLength });
    const mkiInfo = r.mki ? describeMki(r.mki) : undefined;
    const h = r.header;
    printOutput(args.json, {
      header: h ? { version: h.version, padding: h.padding, count: h.count, packetType: h.packetType, lengthWords: h.lengthWords, ssrc: h.ssrc.toString(16).padStart(8, '0') } : undefined,
      encrypted: r.ok ? r.encrypted : undefined,
      index: r.index,
      mki: r.mki,
      mkiFields: mkiInfo?.ok ? { ...mkiInfo.fields } : undefined,
      rtcp: r.ok ? r.rtcp : undefined,
      verdict: r.ok ? 'PASS: AEAD tag verifies' : `FAIL (${r.code}): ${r.reason}`,
    });
    return r.ok ? 0 : EXIT_FAIL;
  },
};
