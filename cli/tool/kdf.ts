import { kdf, kdfInput, type KdfParam } from '../../lib/crypto/kdf.ts';
import { UsageError } from '../usage.ts';
import { hexArg, parseHex, parseIntText, parseToolArgs, printOutput, stringArg } from './args.ts';
import type { ToolSubcommand } from './index.ts';

/** `--param` values: hex octets, `utf8:<text>` (NFKC UTF-8, B.2.1.2) or `int:<n>` (B.2.1.3). */
export function parseKdfParam(text: string, position: number): KdfParam {
  const label = `--param #${position}`;
  if (text.startsWith('utf8:')) return text.slice(5);
  if (text.startsWith('int:')) return parseIntText(label, text.slice(4), { min: 0 });
  return parseHex(label, text);
}

export const kdfTool: ToolSubcommand = {
  name: 'kdf',
  summary: 'TS 33.220 Annex B KDF: HMAC-SHA-256(key, FC || P0 || L0 || ...)',
  help: `usage: mcx-conformance tool kdf --key <hex> --fc <hex> [--param <hex | utf8:text | int:n>]... [--bits 128|256] [--json]

Computes the KDF of TS 33.220 Annex B as TS 33.180 Annex F uses it. Each
--param is one Pi, in order; its two-octet length Li is added for you.
utf8: parameters are NFKC-normalised UTF-8 (B.2.1.2), int: parameters are
big-endian with the fewest octets (B.2.1.3). --bits 128 also prints the 128
least significant bits (F.1.4 / F.1.5 with a 128-bit key).

example (F.1.4 XML confidentiality key):
  mcx-conformance tool kdf --key 000102030405060708090a0b0c0d0e0f --fc 51 \\
    --param utf8:sip:alice@example.org --param 20000001 --bits 128
`,
  async run(argv) {
    const args = parseToolArgs(argv, {
      key: { type: 'string', required: true },
      fc: { type: 'string', required: true },
      param: { type: 'string', multiple: true },
      bits: { type: 'string' },
    });
    const key = hexArg(args, 'key');
    const fc = parseHex('--fc', stringArg(args, 'fc')!);
    if (!(fc.length === 1 || (fc.length === 2 && fc[0] === 0xff))) throw new UsageError(`--fc: one octet, or FF followed by one octet; got ${fc.length} octets`);
    const params = ((args.values.param as string[] | undefined) ?? []).map((p, i) => parseKdfParam(p, i));
    const bits = stringArg(args, 'bits');
    if (bits !== undefined && bits !== '128' && bits !== '256') throw new UsageError(`--bits: 128 or 256, got '${bits}'`);
    let s: Uint8Array;
    try {
      s = kdfInput(fc, params);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const out = kdf(key, fc, params);
    printOutput(args.json, {
      output: out,
      ...(bits === '128' ? { lsb128: out.slice(16) } : {}),
      input: s,
    });
    return 0;
  },
};
