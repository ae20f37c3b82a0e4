import { eccsiVerify, eccsiValidateUserKey, eccsiHashHS, eccsiHashHE } from '../../lib/crypto/eccsi.ts';
import { EXIT_FAIL, EXIT_OK } from '../usage.ts';
import { hexArg, parseHex, parseToolArgs, printOutput, stringArg } from './args.ts';
import type { ToolSubcommand } from './index.ts';

export const eccsiVerifyTool: ToolSubcommand = {
  name: 'eccsi-verify',
  summary: 'verify an ECCSI signature (RFC 6507 5.2.2), optionally validate an SSK/PVT pair (5.1.2)',
  help: `usage: mcx-conformance tool eccsi-verify --kpak <hex> --id <hex> --signature <hex> --message <hex>
         [--ssk <hex> [--pvt <hex>]] [--json]

Verifies Signature = r || s || PVT (129 octets) over the message for the
identifier (for MCX the 32-octet UID of TS 33.180 F.2.1) under the KMS
public authentication key KPAK (65 octets, 04 || x || y), P-256 with SHA-256.
Prints r, s, PVT, HS and HE so two implementations can be compared step by
step. With --ssk, also checks [SSK]G = KPAK + [HS]PVT for the PVT of the
signature (or --pvt).

exit status: 0 valid, 1 invalid (the reason is printed), 2 usage error
`,
  async run(argv) {
    const args = parseToolArgs(argv, {
      kpak: { type: 'string', required: true },
      id: { type: 'string', required: true },
      signature: { type: 'string', required: true },
      message: { type: 'string', required: true },
      ssk: { type: 'string' },
      pvt: { type: 'string' },
    });
    const kpak = hexArg(args, 'kpak', { lengths: [65] });
    const id = hexArg(args, 'id');
    const signature = hexArg(args, 'signature');
    const message = hexArg(args, 'message');
    const sskText = stringArg(args, 'ssk');
    const pvtText = stringArg(args, 'pvt');
    const ssk = sskText === undefined ? undefined : parseHex('--ssk', sskText, { lengths: [32] });
    const pvtOption = pvtText === undefined ? undefined : parseHex('--pvt', pvtText, { lengths: [65] });

    const check = eccsiVerify(message, signature, id, kpak);
    const complete = signature.length === 129;
    const r = complete ? signature.subarray(0, 32) : undefined;
    const pvt = pvtOption ?? (complete ? signature.subarray(64) : undefined);
    const hs = pvt ? eccsiHashHS(kpak, id, pvt) : undefined;
    const keyCheck = ssk && pvt ? eccsiValidateUserKey(kpak, id, ssk, pvt) : undefined;
    const valid = check.ok && (keyCheck === undefined || keyCheck.ok);
    printOutput(args.json, {
      verdict: valid ? 'VALID' : 'INVALID',
      signature: check.ok ? 'valid' : `invalid: ${check.reason}`,
      userKey: keyCheck === undefined ? undefined : keyCheck.ok ? 'valid' : `invalid: ${keyCheck.reason}`,
      r,
      s: complete ? signature.subarray(32, 64) : undefined,
      pvt,
      hs,
      he: hs && r ? eccsiHashHE(hs, r, message) : undefined,
    });
    return valid ? EXIT_OK : EXIT_FAIL;
  },
};
