/**
 * Authorised identities (9.6.3, J.3): with 3gpp:mc:auth:* scopes in the
 * access token, KeyProvision issues key sets for each plain identity and for
 * its authorised form, whose SIP URI headers encode exactly the granted bits.
 * The scopes asked for are kms.authorisedIdentityScopes of the target file;
 * the expected fields come from the scopes the IdMS granted.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { decodeJwtSafe } from '../../lib/oidc/jwt.ts';
import { servedDoc } from './checks/answer.ts';
import { KEY_SET, keySetFor } from './checks/key-set.ts';
import { AUTHORISED_ANSWER, AUTHORISED_SET, authorisedSetsFor, expectedFields } from './checks/authorisation.ts';
import { SCHEMA } from './checks/schema.ts';
import { BEARER } from './checks/bearer.ts';

test(
  '9.6.3.2 with authorisation scopes, KeyProvision issues the plain and the authorised identity (J.3.2, J.3.3, J.3.4)',
  { annotation: declare(AUTHORISED_ANSWER, AUTHORISED_SET, KEY_SET, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.authorised-identities');
    const wanted = kms.target.authorisedIdentityScopes ?? [];
    if (wanted.length === 0) return verify.stop('the target file gives no kms.authorisedIdentityScopes to ask the IdMS for', 'configuration');
    const cert = await kms.rootCertificate();
    const token = await kms.token('authorised');
    const decoded = decodeJwtSafe(token);
    const scope = decoded.ok ? decoded.jwt.claims.scope : undefined;
    const granted = typeof scope === 'string' ? scope.split(' ') : Array.isArray(scope) ? scope.map(String) : wanted;
    const authScopes = granted.filter((s) => s.startsWith('3gpp:mc:auth:'));
    if (authScopes.length === 0) return verify.stop(`the IdMS granted none of ${wanted.join(', ')} (access token scope: ${granted.join(' ') || 'none'})`, 'precondition');
    const expected = expectedFields(authScopes);
    const ex = await kms.serve({ type: 'keyprov', userUri: kms.userUri, accessToken: token, label: 'keyprov with authorisation scopes' });
    if (!servedDoc(ex)?.message?.keyProv) return verify.stop('keyprov with authorisation scopes gave no readable KmsKeyProv (graded by the KeyProvision test)', ex.http.ok ? 'precondition' : 'unreachable');
    const sets = ex.opened!.keySets;
    const identity = kms.userUri;
    await verify.run(AUTHORISED_ANSWER, { sets, identity, expected }, { label: identity });
    const authorised = [...new Set([identity, ...kms.identities])].flatMap((id) => authorisedSetsFor(sets, id));
    for (const s of authorised.length ? authorised : [undefined]) {
      await verify.run(AUTHORISED_SET, { set: s, expected }, { label: s?.set.userUri ?? `authorised identity of ${identity}` });
    }
    for (const s of authorised) await verify.run(KEY_SET, { set: s, identity: s.set.userUri, cert, kmsUri: kms.target.kmsUri }, { label: `KmsKeySet ${s.set.userUri}` });
    await verify.run(KEY_SET, { set: keySetFor(sets, identity), identity, cert, kmsUri: kms.target.kmsUri }, { label: `KmsKeySet ${identity}` });
  },
);
