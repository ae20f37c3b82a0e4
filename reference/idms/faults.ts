import type { FaultSwitch } from '../fault.ts';

/** Fault switches of the reference IdMS and partner IdMS. */
export const IDMS_FAULTS: readonly FaultSwitch[] = [];
