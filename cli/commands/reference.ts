import { readFileSync } from 'node:fs';
import { stringify as toYaml, parse as parseYaml } from 'yaml';
import { UsageError, type Command } from '../usage.ts';
import { parseCommandArgs, splitList } from './args.ts';

const HELP = `usage: mcx-conformance reference [--faults <list>] [--config <file>] [--list-faults]

Starts the embedded reference MCX domain on 127.0.0.1, prints its endpoints
and a target file for it (secrets as environment references, with the values
to export), and serves until Ctrl-C.

options:
  --faults <list>   fault switches to turn on (comma-separated)
  --config <file>   YAML file with { faults: [...] }
  --list-faults     print every fault switch and the requirements it breaks, then exit
`;

export const referenceCommand: Command = {
  name: 'reference',
  summary: 'start the embedded reference MCX domain (with optional fault switches)',
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      faults: { type: 'string' },
      config: { type: 'string' },
      'list-faults': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const { FAULTS } = await import('../../reference/faults.ts');
    if (values['list-faults']) {
      if (FAULTS.length === 0) process.stdout.write('no fault switches defined yet\n');
      for (const f of FAULTS) process.stdout.write(`${f.name}\n  role: ${f.role}\n  breaks: ${f.breaks.join(', ')}\n  ${f.description}\n`);
      return 0;
    }
    const faults = splitList(values.faults);
    if (values.config) {
      let cfg: unknown;
      try {
        cfg = parseYaml(readFileSync(values.config, 'utf8'));
      } catch (err) {
        throw new UsageError(`--config ${values.config}: ${(err as Error).message}`);
      }
      const listed = (cfg as { faults?: unknown } | null)?.faults;
      if (listed !== undefined && (!Array.isArray(listed) || !listed.every((x) => typeof x === 'string'))) throw new UsageError(`--config ${values.config}: faults: expected a list of fault names`);
      faults.push(...((listed as string[] | undefined) ?? []));
    }
    const { startReferenceDomain, UnknownFaultError } = await import('../../reference/domain.ts');
    let domain;
    try {
      domain = await startReferenceDomain({ faults });
    } catch (err) {
      if (err instanceof UnknownFaultError) throw new UsageError(err.message);
      throw err;
    }
    const out = process.stdout;
    out.write(`reference MCX domain running${faults.length ? ` with faults: ${faults.join(', ')}` : ''}\n\nendpoints:\n`);
    for (const [k, v] of Object.entries(domain.endpoints)) out.write(`  ${k}: ${v}\n`);
    out.write(`\n# environment for the target file's secret references:\n`);
    for (const [k, v] of Object.entries(domain.secretEnv)) out.write(`export ${k}='${v}'\n`);
    out.write(`\n# target file:\n${toYaml(domain.targetDocument)}\nPress Ctrl-C to stop.\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await domain.stop();
    return 0;
  },
};
