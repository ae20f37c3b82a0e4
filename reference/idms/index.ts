import type { ComponentContext, RunningComponent } from '../component.ts';

/** What the KMS needs to check access tokens issued by the reference IdMS (5.1.3.1). */
export interface KmsTrust {
  issuer: string;
  jwksUri: string;
}

/**
 * Starts the reference IdMS and partner IdMS.
 * TODO(idms): implement on oidc-provider (issue 5). Stub: starts nothing.
 */
export async function startIdmsPair(_ctx: ComponentContext): Promise<{ components: RunningComponent[]; kmsTrust: KmsTrust | undefined }> {
  return { components: [], kmsTrust: undefined };
}
