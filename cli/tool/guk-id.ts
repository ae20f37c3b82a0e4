import { gukId, gmkIdFromGukId, purposeTag, userSalt } from '../../lib/crypto/kdf.ts';
import { PURPOSE_TAG_NAMES } from '../../lib/crypto/srtp/mki.ts';
import { UsageError } from '../usage.ts';
import { hexArg, parseToolArgs, printOutput, requiredStringArg, stringArg } from './args.ts';
import type { ToolSubcommand } from './index.ts';

export const gukIdTool: ToolSubcommand = {
  name: 'guk-id',
  summary: 'GUK-ID from GMK, GMK-ID and user ID (TS 33.180 5.2.3, F.1.3), or back to the GMK-ID',
  help: `usage: mcx-conformance tool guk-id --gmk <hex> (--gmk-id <hex> | --guk-id <hex>) --id <uri> [--json]

Computes the User Salt of TS 33.180 F.1.3 (28 least significant bits of
KDF(GMK, FC 0x50, MC service user ID)) and xors it into the 28 low bits of the
GMK-ID, keeping the 4-bit purpose tag (5.2.3). With --guk-id instead of
--gmk-id it runs the other way: the receiver's recovery of the GMK-ID.

example:
  mcx-conformance tool guk-id --gmk B1C9D5B7483511820CCFD06B58EF139B \\
    --gmk-id 06dbc5e2 --id sip:u1alea@veronica-cluster
`,
  async run(argv) {
    const args = parseToolArgs(argv, {
      gmk: { type: 'string', required: true },
      'gmk-id': { type: 'string' },
      'guk-id': { type: 'string' },
      id: { type: 'string', required: true },
    });
    const gmk = hexArg(args, 'gmk', { lengths: [16, 32] });
    const id = requiredStringArg(args, 'id');
    const hasGmkId = stringArg(args, 'gmk-id') !== undefined;
    if (hasGmkId === (stringArg(args, 'guk-id') !== undefined)) throw new UsageError('give exactly one of --gmk-id and --guk-id');
    const salt = userSalt(gmk, id);
    if (hasGmkId) {
      const gmkId = hexArg(args, 'gmk-id', { lengths: [4] });
      const guk = gukId(gmk, gmkId, id);
      const tag = purposeTag(guk);
      printOutput(args.json, { gukId: guk, gmkId, userSalt: salt.toString(16).padStart(7, '0'), purposeTag: tag, keyType: PURPOSE_TAG_NAMES[tag] ?? 'undefined' });
    } else {
      const guk = hexArg(args, 'guk-id', { lengths: [4] });
      const gmkId = gmkIdFromGukId(gmk, guk, id);
      const tag = purposeTag(gmkId);
      printOutput(args.json, { gmkId, gukId: guk, userSalt: salt.toString(16).padStart(7, '0'), purposeTag: tag, keyType: PURPOSE_TAG_NAMES[tag] ?? 'undefined' });
    }
    return 0;
  },
};
