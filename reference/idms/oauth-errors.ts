import { errors } from 'oidc-provider';

/**
 * invalid_grant with a description the client can read (oidc-provider's own
 * InvalidGrant keeps its detail private), so a suite's evidence says why.
 */
export function invalidGrant(description: string) {
  return new errors.CustomOIDCProviderError('invalid_grant', description);
}
