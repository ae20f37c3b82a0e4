import { srtpMasterFromTgk } from '../../lib/crypto/mikey-prf.ts';
import { deriveSessionKeys } from '../../lib/crypto/srtp/kdf.ts';
import { hexArg, intArg, parseToolArgs, printOutput } from './args.ts';
import type { ToolSubcommand } from './index.ts';

export const srtpKeysTool: ToolSubcommand = {
  name: 'srtp-keys',
  summary: 'SRTP master key/salt from a MIKEY TGK (RFC 3830 4.1.3, PRF-HMAC-SHA-256), then SRTP and SRTCP session keys',
  help: `usage: mcx-conformance tool srtp-keys --tgk <hex> --csb-id <hex> --cs-id <n> --rand <hex> [--json]

Derives what TS 33.180 7.4.1 (PCK), 7.4.2 (GMK with GUK-ID) and 9.4.6 (KFC /
CSK) derive: the SRTP master key (16 octets, TEK constant 0x2AD01C64) and
master salt (12 octets, salt constant 0x39A2C14B) with the PRF-HMAC-SHA-256
of RFC 6043 6.1, label = constant || CS-ID || CSB-ID || RAND; then the
AEAD_AES_128_GCM session key and salt for SRTP (labels 0, 2) and SRTCP
(labels 3, 5) with the AES-CM PRF of RFC 3711 4.3.3, key derivation rate 0.
CS-ID per Table E.1.3-1 (4 = MCPTT group call, 0/1 = private call, 6 = CSK).

example (GMK with GUK-ID as CSB-ID, MCPTT group call):
  mcx-conformance tool srtp-keys --tgk B1C9D5B7483511820CCFD06B58EF139B \\
    --csb-id 0c340888 --cs-id 4 --rand B97600F1EE9B6CAA2D1FCA9B66F66E47
`,
  async run(argv) {
    const args = parseToolArgs(argv, {
      tgk: { type: 'string', required: true },
      'csb-id': { type: 'string', required: true },
      'cs-id': { type: 'string', required: true },
      rand: { type: 'string', required: true },
    });
    const tgk = hexArg(args, 'tgk', { lengths: [16, 32] });
    const csbId = hexArg(args, 'csb-id', { lengths: [4] });
    const csId = intArg(args, 'cs-id', { min: 0, max: 255 });
    const rand = hexArg(args, 'rand');
    const master = srtpMasterFromTgk({ tgk, csId, csbId, rand });
    const session = deriveSessionKeys(master.masterKey, master.masterSalt);
    printOutput(args.json, {
      masterKey: master.masterKey,
      masterSalt: master.masterSalt,
      srtp: { sessionKey: session.srtp.key, sessionSalt: session.srtp.salt },
      srtcp: { sessionKey: session.srtcp.key, sessionSalt: session.srtcp.salt },
    });
    return 0;
  },
};
