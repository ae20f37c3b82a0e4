/**
 * One normative statement of TS 33.180, in our own words. Catalog files live
 * in lib/requirements/catalog/<clause-group>.yaml, one YAML list each, and are
 * checked against lib/requirements/catalog.schema.json.
 *
 * IDs are stable: `MCXSEC-<clause>-<nn>`, nn counting the statements of that
 * clause in document order from 01. Never renumber; retire an ID instead.
 */
export type RequirementLevel = 'shall' | 'should' | 'may' | 'REQUIRED' | 'RECOMMENDED' | 'OPTIONAL' | 'MUST' | 'SHOULD';

export type Role = 'idms' | 'partner-idms' | 'kms' | 'gms' | 'mcx-server' | 'cs-proxy' | 'is-proxy' | 'client';

export interface Requirement {
  id: string;
  clause: string;
  level: RequirementLevel;
  roles: Role[];
  /** One line, our own words; never a pasted spec sentence. */
  summary: string;
  /** ICS feature that must be claimed for the requirement to apply (lib/target/ics.ts). */
  ics?: string;
  /** Annex A requirement IDs served, e.g. MCX-A.13-009. */
  annexA?: string[];
  /** False when no black box can observe it; then untestableReason says why. */
  testable: boolean;
  untestableReason?: string;
  /** Level of the statement when the suite grades it (mandatory = shall/REQUIRED/MUST). */
}

export const MANDATORY_LEVELS: ReadonlySet<RequirementLevel> = new Set(['shall', 'REQUIRED', 'MUST']);
