import { UsageError, type Command } from '../usage.ts';
import { eccsiVerifyTool } from './eccsi-verify.ts';
import { gukIdTool } from './guk-id.ts';
import { kdfTool } from './kdf.ts';
import { mikeyCreateTool } from './mikey-create.ts';
import { mikeyDecodeTool } from './mikey-decode.ts';
import { mikeyVerifyTool } from './mikey-verify.ts';
import { sakkeDecryptTool } from './sakke-decrypt.ts';
import { srtcpUnprotectTool } from './srtcp-unprotect.ts';
import { srtpKeysTool } from './srtp-keys.ts';
import { srtpUnprotectTool } from './srtp-unprotect.ts';
import { uidTool } from './uid.ts';

/**
 * `mcx-conformance tool <subcommand>`: hand computations for certifiers.
 * Each subcommand is a module in this folder registered in TOOLS.
 */
export interface ToolSubcommand {
  name: string;
  summary: string;
  /** Full --help text. */
  help: string;
  run(argv: string[]): Promise<number>;
}

// One line per subcommand module; keep the list sorted.
const TOOLS: ToolSubcommand[] = [
  eccsiVerifyTool,
  gukIdTool,
  kdfTool,
  mikeyCreateTool,
  mikeyDecodeTool,
  mikeyVerifyTool,
  sakkeDecryptTool,
  srtcpUnprotectTool,
  srtpKeysTool,
  srtpUnprotectTool,
  uidTool,
];

export const toolCommand: Command = {
  name: 'tool',
  summary: 'compute and check MCX security values by hand (UIDs, KDF, SRTP, ECCSI, SAKKE, MIKEY)',
  async run(argv) {
    const [name, ...rest] = argv;
    if (!name || name === '--help' || name === '-h') {
      const width = Math.max(0, ...TOOLS.map((t) => t.name.length));
      process.stdout.write(`usage: mcx-conformance tool <subcommand> [--json] [options]\n\nsubcommands:\n${TOOLS.map((t) => `  ${t.name.padEnd(width)}  ${t.summary}`).join('\n')}\n`);
      return name ? 0 : 2;
    }
    const tool = TOOLS.find((t) => t.name === name);
    if (!tool) throw new UsageError(`unknown tool subcommand '${name}'`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(tool.help);
      return 0;
    }
    return tool.run(rest);
  },
};
