/**
 * Authorised identities (9.6.3, J.3): with 3gpp:mc:auth:* scopes in the
 * access token, KeyProvision issues key sets for each plain identity and for
 * its authorised form, whose SIP URI headers encode exactly the granted bits.
 * The scopes asked for are kms.authorisedIdentityScopes of the target file;
 * the expected fields come from the scopes the IdMS granted.
 */
import { test } from './fixture.ts';
import { requirements } from '../../lib/harness/index.ts';
import { decodeJwt } from 'jose';
import { REQ } from './requirements.ts';
import { expectKmsResponse } from './checks/answer.ts';
import { checkKeySet, keySetFor } from './checks/key-set.ts';
import {
  authorisedSetsFor,
  checkAuthorisationBits,
  checkAuthorisationFieldFormat,
  checkAuthorisationLength,
  checkAuthorisedIdentityIssued,
  checkPlainIdentityKept,
  expectedFields,
} from './checks/authorisation.ts';

test(
  '9.6.3.2 with authorisation scopes, KeyProvision issues the plain and the authorised identity (J.3.2, J.3.3, J.3.4)',
  {
    annotation: requirements('MCXSEC-9.6.3.2-01', 'MCXSEC-9.6.3.2-02', 'MCXSEC-J.3.4.2-01', 'MCXSEC-9.6.3.1-01', 'MCXSEC-J.3.2-01', 'MCXSEC-J.3.3.1-01', 'MCXSEC-J.3.3.1-02'),
    tag: ['@kms'],
  },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.authorised-identities');
    const wanted = kms.target.authorisedIdentityScopes ?? [];
    if (wanted.length === 0) return verify.inconclusive([REQ.authAuthorisedIdentity], 'the target file gives no kms.authorisedIdentityScopes to ask the IdMS for');
    const cert = await kms.rootCertificate([REQ.authAuthorisedIdentity]);
    const token = await kms.token('authorised', [REQ.authAuthorisedIdentity]);
    let granted: string[] = [];
    try {
      const scope = decodeJwt(token).scope;
      granted = typeof scope === 'string' ? scope.split(' ') : Array.isArray(scope) ? scope.map(String) : [];
    } catch {
      granted = wanted;
    }
    const authScopes = granted.filter((s) => s.startsWith('3gpp:mc:auth:'));
    if (authScopes.length === 0) return verify.inconclusive([REQ.authAuthorisedIdentity], `the IdMS granted none of ${wanted.join(', ')} (access token scope: ${granted.join(' ') || 'none'})`);
    const expected = expectedFields(authScopes);
    const ex = await kms.send({ type: 'keyprov', userUri: kms.userUri, accessToken: token, label: 'keyprov with authorisation scopes' });
    expectKmsResponse(verify, ex, REQ.authAuthorisedIdentity, 'KMS KeyProvision');
    const sets = ex.opened!.keySets;
    const identity = kms.userUri;
    checkPlainIdentityKept(verify, sets, identity);
    checkAuthorisedIdentityIssued(verify, sets, identity, expected);
    for (const s of kms.identities.flatMap((id) => authorisedSetsFor(sets, id))) {
      checkAuthorisationFieldFormat(verify, s);
      checkAuthorisationBits(verify, s, expected);
      checkAuthorisationLength(verify, s);
      checkKeySet(verify, s, { identity: s.set.userUri, cert, kmsUri: kms.target.kmsUri });
    }
    const plain = keySetFor(sets, identity);
    if (plain) checkKeySet(verify, plain, { identity, cert, kmsUri: kms.target.kmsUri });
  },
);
