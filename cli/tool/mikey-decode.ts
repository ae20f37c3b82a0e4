import { readFileSync } from 'node:fs';
import { parseIMessage } from '../../lib/mikey/codec.ts';
import { formatFinding, formatUndecided } from '../../lib/mikey/findings.ts';
import { decodeMessageFile, decodeMessageText, renderTree, treeToJson } from '../../lib/mikey/render.ts';
import { validateIMessage } from '../../lib/mikey/validate.ts';
import type { KeyKind } from '../../lib/mikey/constants.ts';
import { KEY_KINDS } from '../../lib/mikey/constants.ts';
import { UsageError } from '../usage.ts';
import { parseToolArgs, stringArg } from './args.ts';
import type { ToolSubcommand } from './index.ts';

/** `<hex | base64 | @file>` to octets; a usage error names what is wrong. */
export function readMessageArgument(arg: string): Uint8Array {
  if (arg.startsWith('@')) {
    let content: Uint8Array;
    try {
      content = readFileSync(arg.slice(1));
    } catch (e) {
      throw new UsageError(`cannot read ${arg.slice(1)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const r = decodeMessageFile(content);
    if (!r.ok) throw new UsageError(`${arg.slice(1)}: ${r.reason}`);
    return r.bytes;
  }
  const r = decodeMessageText(arg);
  if (!r.ok) throw new UsageError(`message: ${r.reason}`);
  return r.bytes;
}

export function kindArg(value: string | undefined): KeyKind | undefined {
  if (value === undefined) return undefined;
  if (!(KEY_KINDS as readonly string[]).includes(value)) throw new UsageError(`--kind must be one of ${KEY_KINDS.join(', ')}; got '${value}'`);
  return value as KeyKind;
}

export const mikeyDecodeTool: ToolSubcommand = {
  name: 'mikey-decode',
  summary: 'decode a MIKEY-SAKKE I_MESSAGE with the offset of every field, plus the Annex E profile findings',
  help: `usage: mcx-conformance tool mikey-decode <hex | base64 | @file> [--kind gmk|pck|csk-upload|csk-download|musik-download] [--json]

Decodes a MIKEY-SAKKE I_MESSAGE (RFC 3830, RFC 6043, RFC 6509, TS 33.180
Annex E) and prints every field with its octet offset, then the findings of
the Annex E profile validator (no keys needed). @file may hold hex, base64 or
raw octets. --kind sets the key kind the profile rules use; without it the
kind is read from the CS-ID map (table E.1.3-1), and when that does not tell
it is guessed from the CSB-ID purpose tag: the tool says the kind is
ambiguous and the purpose-tag check is inconclusive. Severities follow the
catalog level of each rule's requirement (shall: ERROR, should: WARNING, may:
INFO).

exit status: 0 decoded (whatever the findings), 1 not decodable, 2 usage error
`,
  async run(argv) {
    const args = parseToolArgs(argv, { kind: { type: 'string' } }, { name: '<hex | base64 | @file>', min: 1, max: 1 });
    const bytes = readMessageArgument(args.positionals[0]);
    const kind = kindArg(stringArg(args, 'kind'));
    const parsed = parseIMessage(bytes);
    const validation = validateIMessage(parsed.ok ? parsed.message : bytes, { kind });
    if (args.json) {
      process.stdout.write(`${JSON.stringify({
        decoded: parsed.ok,
        ...(parsed.ok ? { tree: treeToJson(parsed.message) } : { error: parsed.error }),
        kind: validation.kind, kindSource: validation.kindSource, kindResolved: validation.kindResolved, kindNote: validation.kindNote,
        findings: validation.findings, inconclusive: validation.inconclusive, results: validation.results,
      }, null, 2)}\n`);
    } else {
      if (parsed.ok) process.stdout.write(`${renderTree(parsed.message)}\n`);
      else process.stdout.write(`not decodable: ${parsed.error.reason} (field ${parsed.error.field}, offset ${parsed.error.offset})\n`);
      const kindText = validation.kindResolved ? `${validation.kind}, from ${validation.kindSource}` : `${validation.kind}, AMBIGUOUS: ${validation.kindNote.replace(/^ambiguous: /, '')}`;
      process.stdout.write(`\nprofile (${kindText}): ${validation.findings.length === 0 ? 'no findings' : `${validation.findings.length} finding(s)`}\n`);
      for (const f of validation.findings) process.stdout.write(`  ${formatFinding(f)}\n`);
      for (const r of validation.inconclusive) process.stdout.write(`  ${formatUndecided(r)}\n`);
    }
    return parsed.ok ? 0 : 1;
  },
};
