/**
 * KMS Redirect Upload (D.2.8, 5.2.8.3 step 4): a KmsRequest carrying KRRs
 * (schemas/kms-krr.xsd) is accepted without a KmsMessage in reply (D.3.1);
 * one without a valid KRR is refused.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { krrElement, type KmsRedirectResponse } from '../../lib/kms-xml/krr.ts';
import { xsdDateTime } from '../../lib/kms-xml/model.ts';
import { el } from '../../lib/kms-xml/xml.ts';
import { NS_KRR } from '../../lib/kms-xml/namespaces.ts';
import { REDIRECT, REDIRECT_MALFORMED } from './checks/redirect.ts';
import { SCHEMA } from './checks/schema.ts';
import { BEARER } from './checks/bearer.ts';
import type { KmsSuite } from './fixture.ts';

function sampleKrr(kms: KmsSuite, rejected: string): KmsRedirectResponse {
  const peer = kms.target.lookup?.userUri ?? `sip:peer@${kms.userUri.split('@')[1] ?? 'example.org'}`;
  return { time: xsdDateTime(), creatorUri: peer, initiatorUri: kms.userUri, initiatorKmsUri: kms.target.kmsUri, receiverUri: peer, receiverKmsUri: rejected, initiatorKmsList: 'any', receiverKmsList: [kms.target.lookup?.expectedKmsUri ?? kms.target.kmsUri] };
}

test(
  'D.2.8 a Redirect Upload carrying valid KRRs is accepted without a KmsMessage (D.3.1)',
  { annotation: declare(REDIRECT, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.redirect-upload');
    const token = await kms.token('valid');
    const first = sampleKrr(kms, `rejected.${kms.target.kmsUri}`);
    const nested = krrElement({ ...sampleKrr(kms, `rejected.${kms.target.kmsUri}`), embedded: krrElement(first) });
    const peer = first.receiverUri;
    const ex = await kms.serve({ type: 'redirect', path: [peer], userUri: kms.userUri, accessToken: token, overrides: { krrList: [krrElement(first), nested] }, label: `redirect/${peer} with 2 KRRs` });
    await verify.run(REDIRECT, { ex }, { label: `redirect/${peer}` });
  },
);

test(
  'D.2.8 a Redirect Upload without a valid KRR is refused',
  { annotation: declare(REDIRECT_MALFORMED, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.redirect-upload');
    const token = await kms.token('valid');
    const peer = sampleKrr(kms, 'x').receiverUri;
    const malformed = el('KmsRedirectResponse', { xmlns: NS_KRR }, el('Time', {}, 'yesterday'), el('KmsUri', {}, kms.target.kmsUri));
    const cases = [
      { what: 'an empty KrrList', krrList: [] },
      { what: 'a KRR that breaks the D.4 schema', krrList: [malformed] },
    ];
    for (const c of cases) {
      const ex = await kms.send({ type: 'redirect', path: [peer], userUri: kms.userUri, accessToken: token, overrides: { krrList: c.krrList }, label: `redirect/${peer} with ${c.what}` });
      await verify.run(REDIRECT_MALFORMED, { ex }, { label: `redirect/${peer} with ${c.what}` });
    }
  },
);
