/**
 * Which roles a target file describes: each role under test has its own
 * top-level section. The runner runs the roles whose sections are present
 * when --roles is not given.
 */
export const ROLE_SECTIONS = {
  idms: 'idms',
  'partner-idms': 'partnerIdms',
  kms: 'kms',
  'mcx-server': 'mcxServer',
  'cs-proxy': 'csProxy',
  'is-proxy': 'isProxy',
  gms: 'gms',
} as const;

export type SuiteRole = keyof typeof ROLE_SECTIONS;

export const SUITE_ROLES = Object.keys(ROLE_SECTIONS) as SuiteRole[];

export function isSuiteRole(name: string): name is SuiteRole {
  return Object.hasOwn(ROLE_SECTIONS, name);
}

/** Roles whose section is present in a target document (YAML form or resolved). */
export function rolesOfTarget(doc: Record<string, unknown>): SuiteRole[] {
  return SUITE_ROLES.filter((role) => doc[ROLE_SECTIONS[role]] !== undefined && doc[ROLE_SECTIONS[role]] !== null);
}
