import { CatalogError, loadCatalog } from '../../lib/requirements/catalog.ts';
import { formatIcsTemplate, icsTemplateFeatures } from '../../lib/requirements/ics-template.ts';
import type { Role } from '../../lib/requirements/types.ts';
import { UsageError, type Command } from '../usage.ts';
import { parseCommandArgs, splitList } from './args.ts';

const ROLES: Role[] = ['idms', 'partner-idms', 'kms', 'gms', 'mcx-server', 'cs-proxy', 'is-proxy', 'client'];

const HELP = `usage: mcx-conformance ics --template [--roles ROLE,...] [--json]

Prints an ICS (Implementation Conformance Statement) proforma as YAML: every
optional feature that the catalogued requirements of the selected roles depend
on, each with its description, the clauses that make it optional and a line
'feature: false' to fill in. Paste it as the 'ics:' section of a target file.

  --template         print the proforma (the only mode so far)
  --roles ROLE,...   only features of these roles' requirements (default: all
                     roles, and every feature of lib/target/ics.ts)
                     roles: ${ROLES.join(', ')}
  --json             the same as JSON
`;

export const icsCommand: Command = {
  name: 'ics',
  summary: 'print an ICS proforma (optional features per role, from the catalog) to fill in',
  async run(argv) {
    const { values } = parseCommandArgs(argv, { template: { type: 'boolean' }, roles: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!values.template) throw new UsageError('expected --template (see --help)');
    const roles = splitList(values.roles);
    for (const r of roles) if (!ROLES.includes(r as Role)) throw new UsageError(`--roles: unknown role '${r}' (known: ${ROLES.join(', ')})`);
    let catalog;
    try {
      catalog = loadCatalog();
    } catch (err) {
      if (err instanceof CatalogError) throw new UsageError(err.message);
      throw err;
    }
    const features = icsTemplateFeatures(catalog, roles as Role[]);
    if (values.json) process.stdout.write(JSON.stringify(features, null, 2) + '\n');
    else process.stdout.write(formatIcsTemplate(features, roles as Role[]));
    return 0;
  },
};
