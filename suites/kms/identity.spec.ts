/**
 * Identity assertion headers (5.3.3, figure 5.3.3-1). A KMS behind a trusted
 * HTTP proxy may take the user from a header the proxy adds; the suite is an
 * ordinary client, so headers it sends must not decide whose keys are
 * issued. The other user is kms.foreignIdentity, else the second test
 * user's mcpttId, else a made-up user in the test user's domain. Each
 * request also names the other user as UserUri, as an attacker would.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { ASSERTED_WITH_TOKEN, ASSERTED_WITHOUT_TOKEN, assertionHeaders } from './checks/identity.ts';
import { SCHEMA } from './checks/schema.ts';
import { tokenIdentities } from './token.ts';
import type { KmsSuite } from './fixture.ts';
import type { Target } from '../../lib/target/types.ts';

function otherUser(kms: KmsSuite, target: Target): string {
  const named = kms.target.foreignIdentity ?? target.idms?.users[1]?.mcpttId;
  if (named && !kms.identities.includes(named)) return named;
  const domain = kms.userUri.split('@')[1] ?? 'example.org';
  return `sip:mcx-conformance-other-user@${domain}`;
}

test('5.3.3 an identity assertion header without an access token gets no key material', { annotation: declare(ASSERTED_WITHOUT_TOKEN, SCHEMA), tag: ['@kms'] }, async ({ kms, verify, target }) => {
  const other = otherUser(kms, target);
  const ex = await kms.send({ type: 'keyprov', userUri: other, headers: assertionHeaders(other), label: 'keyprov without a token, asserting another user' });
  await verify.run(ASSERTED_WITHOUT_TOKEN, { ex, assertedUri: other, tokenIdentities: [] }, { label: 'keyprov asserting another user' });
});

test("5.3.3 with a valid access token, an identity assertion header naming another user does not get that user's keys", { annotation: declare(ASSERTED_WITH_TOKEN, SCHEMA), tag: ['@kms'] }, async ({ kms, verify, target }) => {
  const other = otherUser(kms, target);
  const token = await kms.token('valid');
  const carried = tokenIdentities(token);
  const ex = await kms.send({ type: 'keyprov', userUri: other, accessToken: token, headers: assertionHeaders(other), label: "keyprov with the test user's token, asserting another user" });
  await verify.run(ASSERTED_WITH_TOKEN, { ex, assertedUri: other, tokenIdentities: carried.ok ? carried.ids : kms.identities }, { label: 'keyprov asserting another user' });
});
