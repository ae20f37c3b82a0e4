import { resolveTargetDocument } from '../target/load.ts';
import type { Target } from '../target/types.ts';

/**
 * Negative-control runs only (tests/negative-controls.test.ts): the worker
 * starts its own reference domain with the given fault switches and tests
 * it over the network like any target. Loaded on demand, so conformance runs
 * against a vendor's system never load the reference domain.
 */
export async function startControlTarget(faults: string[]): Promise<{ target: Target; stop: () => Promise<void> }> {
  const { startReferenceDomain } = await import('../../reference/domain.ts');
  const domain = await startReferenceDomain({ faults });
  try {
    const target = resolveTargetDocument(structuredClone(domain.targetDocument), { ...process.env, ...domain.secretEnv });
    return { target, stop: () => domain.stop() };
  } catch (err) {
    await domain.stop();
    throw err;
  }
}
