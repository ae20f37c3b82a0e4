import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ZipArchive } from 'archiver';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { UsageError, type Command } from '../usage.ts';
import { parseCommandArgs } from './args.ts';

const HELP = `usage: mcx-conformance package <report-dir> [--out <file.zip>]

Writes a certification package: a zip with the results (results.json,
junit.xml, report.html), the ICS, the target file with secrets removed, the
run log, and SHA256SUMS, a SHA-256 manifest of every file in the zip
(check with 'sha256sum -c SHA256SUMS' after unzipping).
Default output: <report-dir>/certification-package.zip.
`;

/** Report files that go into the package, in this order; results.json is required. */
const PACKAGED = ['results.json', 'junit.xml', 'report.html', 'ics.json', 'target.yaml', 'run.log', 'run-errors.json'];

/** Keeps `{ env: NAME }` references (names, not values) and drops any other value under a secret-looking key. */
export function withoutSecrets(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutSecrets(v));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (Object.keys(obj).length === 1 && typeof obj.env === 'string') return { env: obj.env };
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, withoutSecrets(v, k)]));
  }
  if (typeof value === 'string' && /secret|password|keyhex|token|assertion/i.test(key)) return '<removed>';
  return value;
}

export async function packageReport(reportDir: string, out?: string): Promise<string> {
  const dir = resolve(reportDir);
  if (!existsSync(join(dir, 'results.json'))) throw new UsageError(`${reportDir}: not a report directory (no results.json)`);
  const outFile = resolve(out ?? join(dir, 'certification-package.zip'));
  const entries: { name: string; body: Buffer }[] = [];
  for (const name of PACKAGED) {
    const path = join(dir, name);
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    let body = readFileSync(path);
    if (name === 'target.yaml') body = Buffer.from(`# target file, secrets removed (secret references name environment variables only)\n${toYaml(withoutSecrets(parseYaml(body.toString('utf8'))))}`);
    entries.push({ name, body });
  }
  const manifest = entries.map((e) => `${createHash('sha256').update(e.body).digest('hex')}  ${e.name}`).join('\n') + '\n';
  entries.push({ name: 'SHA256SUMS', body: Buffer.from(manifest) });

  const zip = new ZipArchive({ zlib: { level: 9 } });
  const done = new Promise<void>((resolveDone, reject) => {
    const sink = createWriteStream(outFile);
    sink.on('close', () => resolveDone());
    sink.on('error', reject);
    zip.on('error', reject);
    zip.pipe(sink);
  });
  const prefix = basename(outFile, '.zip');
  const date = new Date(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).finishedAt ?? Date.now());
  for (const e of entries) zip.append(e.body, { name: `${prefix}/${e.name}`, date });
  await zip.finalize();
  await done;
  return outFile;
}

export const packageCommand: Command = {
  name: 'package',
  summary: 'zip a report directory as a certification package with a SHA-256 manifest',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('expected one <report-dir>, e.g. reports/latest');
    const file = await packageReport(positionals[0]!, values.out);
    process.stdout.write(`${file}\n`);
    return 0;
  },
};
