import { UsageError, EXIT_USAGE, type Command } from './usage.ts';
import { toolCommand } from './tool/index.ts';

/** A command whose module is loaded only when it runs, so `--help` and usage errors stay fast. */
function lazy(name: string, summary: string, load: () => Promise<Command>): Command {
  return { name, summary, run: async (argv) => (await load()).run(argv) };
}
const runCommand = lazy('run', 'run the conformance suites against a target (default: the embedded reference domain)', async () => (await import('./commands/run.ts')).runCommand);
const referenceCommand = lazy('reference', 'start the embedded reference MCX domain (with optional fault switches)', async () => (await import('./commands/reference.ts')).referenceCommand);
const icsCommand = lazy('ics', 'print an ICS proforma (optional features per role, from the catalog) to fill in', async () => (await import('./commands/ics.ts')).icsCommand);
const catalogCommand = lazy('catalog', 'requirement catalog counts: catalogued, testable, covered, with a negative control', async () => (await import('./commands/catalog.ts')).catalogCommand);

/**
 * `mcx-conformance <command>`. Each command lives in its own module and is
 * registered here.
 */
const packageCommand = lazy('package', 'zip a report directory as a certification package with a SHA-256 manifest', async () => (await import('./commands/package.ts')).packageCommand);

const mergeCommand = lazy('merge', "merge the blob reports of sharded runs ('run --shard') into one report", async () => (await import('./commands/merge.ts')).mergeCommand);

const COMMANDS: Command[] = [runCommand, mergeCommand, referenceCommand, catalogCommand, icsCommand, packageCommand, toolCommand];

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
