import type { FaultSwitch } from '../fault.ts';

/** Fault switches of the reference KMS. */
export const KMS_FAULTS: readonly FaultSwitch[] = [];
