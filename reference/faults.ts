import type { FaultSwitch } from './fault.ts';
import { IDMS_FAULTS } from './idms/faults.ts';
import { KMS_FAULTS } from './kms/faults.ts';
import { MCX_SERVER_FAULTS } from './sip/faults.ts';
import { CS_PROXY_FAULTS, IS_PROXY_FAULTS } from './sip/proxy-faults.ts';
import { GMS_FAULTS } from './gms/faults.ts';
import { BLOCKS } from './fault-blocks.ts';

/** Every fault switch of the reference domain, with what it blocks; printed by `reference --list-faults`. */
export const FAULTS: readonly FaultSwitch[] = [...IDMS_FAULTS, ...KMS_FAULTS, ...MCX_SERVER_FAULTS, ...CS_PROXY_FAULTS, ...IS_PROXY_FAULTS, ...GMS_FAULTS].map((f) => (BLOCKS[f.name] ? { ...f, blocks: [...(f.blocks ?? []), ...BLOCKS[f.name]!] } : f));

/** Rejects unknown switch names at startup, naming them. */
export function checkFaultNames(names: string[]): string[] {
  const known = new Set(FAULTS.map((f) => f.name));
  return names.filter((n) => !known.has(n));
}
