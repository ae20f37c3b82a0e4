import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RESULTS_FILE, RUN_ERRORS_FILE } from '../../lib/report/files.ts';
import type { Results } from '../../lib/report/types.ts';
import { EXIT, exitCodeOf } from '../../lib/report/verdicts.ts';
import { UsageError, type Command } from '../usage.ts';
import { parseCommandArgs, splitList } from './args.ts';
import { runPlaywright } from './playwright.ts';
import { newRunId, reportersFor } from './run.ts';

const HELP = `usage: mcx-conformance merge <blob-dir> [--target <file>] [--roles <list>] [--report-dir <dir>]

Merges the blob reports of sharded runs ('run --shard i/n' writes
<report-dir>/blob-report; collect every shard's files into one <blob-dir>)
into one set of reports: results.json, junit.xml, report.html and Playwright's
HTML report. (Allure merges by itself: give 'allure generate' every shard's
allure-results folder.) Exit codes as for 'run'.

options:
  --target <file>      the target file the shards ran against (name and ICS in the report;
                       default: <blob-dir>/target.yaml, which 'run --shard' puts in its blob report)
  --roles <list>       roles that were run (default: the projects found in the blobs)
  --report-dir <dir>   default: reports/<run-id>
`;

export const mergeCommand: Command = {
  name: 'merge',
  summary: "merge the blob reports of sharded runs ('run --shard') into one report",
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { target: { type: 'string' }, roles: { type: 'string' }, 'report-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      true,
    );
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('expected one <blob-dir>');
    const blobDir = resolve(positionals[0]!);
    if (!existsSync(blobDir)) throw new UsageError(`${blobDir}: no such directory`);
    if (values.target && !existsSync(values.target)) throw new UsageError(`--target: no such file ${values.target}`);
    const reportDir = resolve(values['report-dir'] ?? join('reports', newRunId()));
    const targetFile = values.target ? resolve(values.target) : existsSync(join(blobDir, 'target.yaml')) ? join(blobDir, 'target.yaml') : undefined;
    const roles = values.roles ? splitList(values.roles) : undefined;
    const env = {
      ...process.env,
      MCX_REPORTERS: JSON.stringify(reportersFor({ reportDir, roles, targetFile, quiet: false, shard: false, allure: false })),
    };
    const { code } = await runPlaywright(['merge-reports', blobDir], env);
    const resultsPath = join(reportDir, RESULTS_FILE);
    if (!existsSync(resultsPath)) {
      process.stderr.write(`mcx-conformance merge: Playwright exited with code ${code} without writing ${resultsPath}\n`);
      return EXIT.suiteError;
    }
    const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as Results;
    return existsSync(join(reportDir, RUN_ERRORS_FILE)) ? EXIT.suiteError : exitCodeOf(results);
  },
};
