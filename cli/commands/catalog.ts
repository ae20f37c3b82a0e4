import { CatalogError, loadCatalog } from '../../lib/requirements/catalog.ts';
import { computeCoverage, formatCoverage } from '../../lib/requirements/coverage.ts';
import { UsageError, type Command } from '../usage.ts';
import { parseCommandArgs } from './args.ts';
import { listSuiteTests, requirementUses } from './list-tests.ts';

const HELP = `usage: mcx-conformance catalog [--json]

Prints, per role, per clause group and in total, how many TS 33.180 statements are catalogued,
how many are testable by a black box, how many at least one conformance test
covers, how many of those have a negative control (a fault switch of the
reference domain that breaks them) and how many have none (listed by ID).
`;

export const catalogCommand: Command = {
  name: 'catalog',
  summary: 'requirement catalog counts: catalogued, testable, covered, with a negative control',
  async run(argv) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const { FAULTS } = await import('../../reference/faults.ts');
    let catalog;
    try {
      catalog = loadCatalog();
    } catch (err) {
      if (err instanceof CatalogError) throw new UsageError(err.message);
      throw err;
    }
    const listed = await listSuiteTests();
    for (const e of listed.errors) process.stderr.write(`warning: a suite could not be listed: ${e.split('\n')[0]}\n`);
    const coverage = computeCoverage(catalog, requirementUses(listed.tests), FAULTS.flatMap((f) => f.breaks));
    if (values.json) process.stdout.write(JSON.stringify(coverage, null, 2) + '\n');
    else process.stdout.write(`statements catalogued, testable, covered by >= 1 test, covered by a test with a negative control, covered without one:\n\n${formatCoverage(coverage)}`);
    return 0;
  },
};
