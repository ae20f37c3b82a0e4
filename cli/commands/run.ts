import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { startReferenceDomain, UnknownFaultError, type ReferenceDomain } from '../../reference/domain.ts';
import { TARGET_FILE_ENV } from '../../lib/harness/fixtures.ts';
import { loadTargetFile, TargetFileError } from '../../lib/target/load.ts';
import { isSuiteRole, rolesOfTarget, SUITE_ROLES } from '../../lib/target/sections.ts';
import { UsageError, EXIT_USAGE, type Command } from '../usage.ts';
import { parseCommandArgs, splitList } from './args.ts';
import { runPlaywright } from './playwright.ts';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

const HELP = `usage: mcx-conformance run [options]

Runs the conformance suites against a target and writes the reports.
Without --target it starts the embedded reference MCX domain and tests it.

options:
  --target <file>       target file (YAML, see targets/example.yaml)
  --roles <list>        roles to test, e.g. idms,kms (default: the target's sections)
  --grep <text>         only tests whose title matches
  --shard <i>/<n>       run one shard of the tests (merge with 'mcx-conformance merge')
  --report-dir <dir>    write the reports here (default: reports/<run-id>, copied to reports/latest)
  --faults <list>       reference domain only: fault switches to turn on
  --help                this text

exit codes: 0 every applicable mandatory requirement passes, 1 a requirement
fails or is inconclusive, 2 usage or configuration error.
`;

export const runCommand: Command = {
  name: 'run',
  summary: 'run the conformance suites against a target (default: the embedded reference domain)',
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      target: { type: 'string' },
      roles: { type: 'string' },
      grep: { type: 'string' },
      shard: { type: 'string' },
      'report-dir': { type: 'string' },
      faults: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (values.shard !== undefined && !/^[1-9][0-9]*\/[1-9][0-9]*$/.test(values.shard)) throw new UsageError(`--shard: expected <i>/<n>, got '${values.shard}'`);
    const faults = splitList(values.faults);
    if (values.target && faults.length) throw new UsageError('--faults applies to the reference domain only; it cannot be combined with --target');

    let domain: ReferenceDomain | undefined;
    let workDir: string | undefined;
    try {
      let targetFile: string;
      let targetDoc: Record<string, unknown>;
      const childEnv: NodeJS.ProcessEnv = { ...process.env };
      if (values.target) {
        targetFile = resolve(values.target);
        targetDoc = readTargetDocument(targetFile);
      } else {
        try {
          domain = await startReferenceDomain({ faults });
        } catch (err) {
          if (err instanceof UnknownFaultError) throw new UsageError(err.message);
          throw err;
        }
        workDir = mkdtempSync(join(tmpdir(), 'mcx-run-'));
        targetFile = join(workDir, 'target.yaml');
        targetDoc = domain.targetDocument;
        // Secrets stay `{ env: NAME }` references in the file; their values go to the child's environment only.
        writeFileSync(targetFile, toYaml(targetDoc), { mode: 0o600 });
        Object.assign(childEnv, domain.secretEnv);
      }
      let roles = values.roles ? splitList(values.roles) : rolesOfTarget(targetDoc);
      // The reference domain grows role by role; until it serves a role's section, run every suite.
      if (roles.length === 0 && domain) roles = [...SUITE_ROLES];
      for (const r of roles) if (!isSuiteRole(r)) throw new UsageError(`--roles: unknown role '${r}' (known: ${SUITE_ROLES.join(', ')})`);
      if (roles.length === 0) throw new UsageError('no role to test: the target file has no idms, partnerIdms or kms section and --roles was not given');
      // Fail early with exit 2 when the target file is invalid or a secret is missing.
      try {
        loadTargetFile(targetFile, childEnv);
      } catch (err) {
        if (err instanceof TargetFileError) throw new UsageError(err.message);
        throw err;
      }
      childEnv[TARGET_FILE_ENV] = targetFile;
      const args = ['test', ...roles.map((r) => `--project=${r}`), '--pass-with-no-tests'];
      if (values.grep) args.push('--grep', values.grep);
      if (values.shard) args.push('--shard', values.shard);
      const { code } = await runPlaywright(args, childEnv);
      return code === 0 ? 0 : 1;
    } finally {
      await domain?.stop();
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    }
  },
};

function readTargetDocument(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`target file ${file}: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`target file ${file}: expected a YAML mapping at the top level`);
  return doc as Record<string, unknown>;
}

export { EXIT_USAGE };
