import { sakkeDecapsulate, sakkeValidateRsk, sakkeR } from '../../lib/crypto/sakke.ts';
import { EXIT_FAIL, EXIT_OK } from '../usage.ts';
import { hexArg, parseToolArgs, printOutput } from './args.ts';
import type { ToolSubcommand } from './index.ts';

export const sakkeDecryptTool: ToolSubcommand = {
  name: 'sakke-decrypt',
  summary: 'decapsulate SAKKE data with an RSK (RFC 6508 6.2.2) and validate the RSK (6.1.2)',
  help: `usage: mcx-conformance tool sakke-decrypt --z-t <hex> --rsk <hex> --id <hex> --sakke-data <hex> [--json]

SAKKE with parameter set 1 (RFC 6509). --z-t is the KMS public key Z_T
(PubEncKey, 257 octets 04 || x || y), --rsk the receiver secret key
(UserDecryptKey, 257 octets), --id the receiver identifier (for MCX the
32-octet UID of TS 33.180 F.2.1), --sakke-data the encapsulated data
R_(b,S) || H (273 octets, the SAKKE payload's data field).
Checks the RSK against Z_T through the pairing, recovers the SSV and checks
[r]([b]P + Z_T) = R_(b,S). Prints the SSV and r.

exit status: 0 RSK valid and data decapsulated, 1 otherwise (the reason is
printed), 2 usage error
`,
  async run(argv) {
    const args = parseToolArgs(argv, {
      'z-t': { type: 'string', required: true },
      rsk: { type: 'string', required: true },
      id: { type: 'string', required: true },
      'sakke-data': { type: 'string', required: true },
    });
    const zT = hexArg(args, 'z-t', { lengths: [257] });
    const rsk = hexArg(args, 'rsk', { lengths: [257] });
    const id = hexArg(args, 'id');
    const data = hexArg(args, 'sakke-data');

    const rskCheck = sakkeValidateRsk(zT, id, rsk);
    const result = sakkeDecapsulate(data, id, rsk, zT);
    const valid = rskCheck.ok && result.ok;
    printOutput(args.json, {
      verdict: valid ? 'VALID' : 'INVALID',
      rsk: rskCheck.ok ? 'valid' : `invalid: ${rskCheck.reason}`,
      decapsulation: result.ok ? 'ok' : `failed: ${result.reason}`,
      ssv: result.ok ? result.ssv : undefined,
      r: result.ok ? sakkeR(result.ssv, id).toString(16) : undefined,
    });
    return valid ? EXIT_OK : EXIT_FAIL;
  },
};
