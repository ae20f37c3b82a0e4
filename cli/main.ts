import { UsageError, EXIT_USAGE, type Command } from './usage.ts';
import { toolCommand } from './tool/index.ts';
import { runCommand } from './commands/run.ts';
import { referenceCommand } from './commands/reference.ts';
import { catalogCommand } from './commands/catalog.ts';

/**
 * `mcx-conformance <command>`. Each command lives in its own module and is
 * registered here.
 */
const COMMANDS: Command[] = [runCommand, referenceCommand, catalogCommand, toolCommand];

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : EXIT_USAGE;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`mcx-conformance: unknown command '${name}'\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`mcx-conformance ${name}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `usage: mcx-conformance <command> [options]\n\ncommands:\n${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}\n\nRun 'mcx-conformance <command> --help' for a command's options.\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
