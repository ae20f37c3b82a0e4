import type { Catalog } from '../requirements/catalog.ts';
import type { CheckScope } from './checker.ts';

/** Names the roles under test for the suites' workers (set by `mcx-conformance run`). */
export const ROLES_ENV = 'MCX_ROLES';

/**
 * What a run judges: requirements of the roles under test whose ICS feature,
 * if any, the target claims. An ID the catalog does not know is judged (the
 * verdict engine reports it as a suite defect).
 */
export function checkScope(catalog: Catalog, ics: Record<string, boolean>, rolesUnderTest: readonly string[] | undefined): CheckScope {
  return {
    notJudged(requirement) {
      const entry = catalog.byId.get(requirement);
      if (!entry) return undefined;
      if (rolesUnderTest && !entry.roles.some((r) => rolesUnderTest.includes(r))) return `role not under test (${entry.roles.join(', ')})`;
      if (entry.ics && ics[entry.ics] !== true) return `the ICS does not claim ${entry.ics}`;
      return undefined;
    },
  };
}

/** The roles under test named in the environment, or undefined (every role). */
export function rolesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const v = env[ROLES_ENV];
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}
