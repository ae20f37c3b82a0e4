/**
 * Identity assertion headers (5.3.3, figure 5.3.3-1): behind a trusted HTTP
 * proxy a KMS may learn the user from a header the proxy adds
 * (X-3GPP-Asserted-Identity, P-Asserted-Identity). Sent by an ordinary
 * client such a header must not decide whose key material is issued: the
 * KMS answers "based upon the authenticated user" (5.3.3 step 2), the user
 * the access token authenticates (5.1).
 */
import { checkTable, fail, inconclusive, pass } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import { refusalOf, refusedOutcome } from './answer.ts';

/** The identity assertion headers a proxy in front of a KMS may add, naming `uri`. */
export function assertionHeaders(uri: string): Record<string, string> {
  return { 'x-3gpp-asserted-identity': `"${uri}"`, 'p-asserted-identity': `<${uri}>` };
}

export interface AssertedIdentityAnswer {
  ex: KmsExchange;
  /** The user the headers (and the request's UserUri) name: not the token's user. */
  assertedUri: string;
  /** The MC service IDs the token authenticates (empty: no token was sent). */
  tokenIdentities: string[];
}

export const ASSERTED_WITHOUT_TOKEN = checkTable<AssertedIdentityAnswer>('kms keyprov without a token, with identity assertion headers', [
  {
    id: 'kms.asserted-identity.no-token-refused',
    requirement: 'MCXSEC-5.3.3-12',
    title: 'an identity assertion header without an access token gets no key material',
    run: ({ ex }) => refusedOutcome(ex),
  },
]);

export const ASSERTED_WITH_TOKEN = checkTable<AssertedIdentityAnswer>("kms keyprov with the test user's token and headers naming another user", [
  {
    id: 'kms.asserted-identity.token-decides',
    requirement: 'MCXSEC-5.3.3-12',
    title: "with a valid token, an identity assertion header naming another user gets that user's key material neither",
    run: ({ ex, assertedUri, tokenIdentities }) => {
      const r = refusalOf(ex);
      if (r.refused === undefined) return inconclusive(`${ex.label}: ${r.detail}`, r.blame);
      if (r.refused) return pass('response', r.detail, `a refusal, or key sets for ${tokenIdentities.join(', ')} only`);
      const sets = ex.opened?.keySets.map((s) => s.set.userUri) ?? [];
      const foreign = sets.filter((u) => !tokenIdentities.includes(u));
      const responseUser = ex.opened?.doc?.userUri;
      if (foreign.length) return fail('KmsKeySet/UserUri', `only ${tokenIdentities.join(', ')} (the token's)`, foreign.join(', '), 'not_refused');
      if (responseUser === assertedUri) return fail('KmsResponse/UserUri', `not ${assertedUri} (the header's)`, responseUser, 'mismatch');
      if (sets.length === 0) return inconclusive(`${ex.label}: served without a readable key set (${r.detail}): nothing shows whose keys the KMS would issue`, 'target');
      return pass('KmsKeySet/UserUri', sets.join(', '), `only ${tokenIdentities.join(', ')} (the token's)`);
    },
  },
]);
