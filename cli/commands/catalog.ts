import { join } from 'node:path';
import { CatalogError, loadCatalog, scanRequirementAnnotations } from '../../lib/requirements/catalog.ts';
import { computeCoverage, formatCoverage } from '../../lib/requirements/coverage.ts';
import { FAULTS } from '../../reference/faults.ts';
import { UsageError, type Command } from '../usage.ts';
import { parseCommandArgs } from './args.ts';
import { PROJECT_ROOT } from './playwright.ts';

const HELP = `usage: mcx-conformance catalog [--json]

Prints, per role and in total, how many TS 33.180 statements are catalogued,
how many are testable by a black box, how many at least one conformance test
covers, and how many of those have a negative control (a fault switch of the
reference domain that breaks them).
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
    let catalog;
    try {
      catalog = loadCatalog();
    } catch (err) {
      if (err instanceof CatalogError) throw new UsageError(err.message);
      throw err;
    }
    const annotations = scanRequirementAnnotations(join(PROJECT_ROOT, 'suites'), PROJECT_ROOT);
    const coverage = computeCoverage(catalog, annotations, FAULTS.flatMap((f) => f.breaks));
    if (values.json) process.stdout.write(JSON.stringify(coverage, null, 2) + '\n');
    else process.stdout.write(`statements catalogued, testable, covered by >= 1 test, covered by a test with a negative control:\n\n${formatCoverage(coverage)}`);
    return 0;
  },
};
