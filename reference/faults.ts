import type { FaultSwitch } from './fault.ts';
import { IDMS_FAULTS } from './idms/faults.ts';
import { KMS_FAULTS } from './kms/faults.ts';

/** Every fault switch of the reference domain; printed by `reference --list-faults`. */
export const FAULTS: readonly FaultSwitch[] = [...IDMS_FAULTS, ...KMS_FAULTS];

/** Rejects unknown switch names at startup, naming them. */
export function checkFaultNames(names: string[]): string[] {
  const known = new Set(FAULTS.map((f) => f.name));
  return names.filter((n) => !known.has(n));
}
