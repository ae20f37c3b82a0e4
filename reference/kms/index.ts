import type { ComponentContext, RunningComponent } from '../component.ts';
import type { KmsTrust } from '../idms/index.ts';

/**
 * Starts the reference KMS.
 * TODO(kms): implement (issue 5). Stub: starts nothing.
 */
export async function startKms(_ctx: ComponentContext, _trust: KmsTrust | undefined): Promise<RunningComponent> {
  return { target: {}, secretEnv: {}, ics: {}, endpoints: {}, stop: async () => undefined };
}
