/**
 * KMS Redirect Upload (D.2.8, 5.2.8.3 step 4): a KmsRequest carrying KRRs
 * (schemas/kms-krr.xsd) is accepted without a KmsMessage in reply (D.3.1);
 * one without a valid KRR is refused.
 */
import { test } from './fixture.ts';
import { requirements } from '../../lib/harness/index.ts';
import { krrElement } from '../../lib/kms-xml/build.ts';
import { xsdDateTime, type KmsRedirectResponse } from '../../lib/kms-xml/model.ts';
import { el } from '../../lib/kms-xml/xml.ts';
import { NS_KRR } from '../../lib/kms-xml/namespaces.ts';
import { REQ } from './requirements.ts';
import { refusalOf } from './checks/answer.ts';
import type { KmsSuite } from './fixture.ts';

function sampleKrr(kms: KmsSuite, rejected: string): KmsRedirectResponse {
  const peer = kms.target.lookup?.userUri ?? `sip:peer@${kms.userUri.split('@')[1] ?? 'example.org'}`;
  return { time: xsdDateTime(), processorUri: peer, initiatorUri: kms.userUri, initiatorKmsUri: kms.target.kmsUri, receiverUri: peer, rejectedKmsUri: rejected, proposedKmsUris: [kms.target.lookup?.expectedKmsUri ?? kms.target.kmsUri] };
}

test(
  'D.2.8 a Redirect Upload carrying valid KRRs is accepted without a KmsMessage (D.3.1)',
  { annotation: requirements('MCXSEC-D.2.8-01', 'MCXSEC-D.3.1-08'), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.redirect-upload');
    const token = await kms.token('valid', [REQ.redirectAccepted]);
    const first = sampleKrr(kms, `rejected.${kms.target.kmsUri}`);
    const nested = krrElement({ ...sampleKrr(kms, `rejected.${kms.target.kmsUri}`), previous: krrElement(first, false) }, false);
    const peer = first.receiverUri;
    const ex = await kms.send({ type: 'redirect', path: [peer], userUri: kms.userUri, accessToken: token, overrides: { krrList: [krrElement(first, false), nested] }, label: `redirect/${peer} with 2 KRRs` });
    const r = refusalOf(ex);
    if (r.refused === undefined) return verify.inconclusive([REQ.redirectAccepted], `redirect/${peer}: ${r.detail}`, 'unreachable');
    verify.check(REQ.redirectAccepted, 'the Redirect Upload is accepted', r.refused === false, { field: 'response', expected: 'HTTP 2xx without KmsError', actual: r.detail });
    if (r.refused) return;
    const message = ex.opened?.doc?.message;
    verify.check(REQ.redirectNoMessage, 'no KmsMessage in reply to an accepted upload', !message, { field: 'KmsResponse/KmsMessage', expected: 'absent (or an empty body)', actual: message ? `a KmsMessage (${Object.keys(message).join(', ')})` : 'absent' });
  },
);

test(
  'D.2.8 a Redirect Upload without a valid KRR is refused',
  { annotation: requirements('MCXSEC-D.2.8-02'), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.redirect-upload');
    const token = await kms.token('valid', [REQ.redirectMalformed]);
    const peer = sampleKrr(kms, 'x').receiverUri;
    const malformed = el('KmsRedirectResponse', { xmlns: NS_KRR }, el('Time', {}, 'yesterday'), el('KmsUri', {}, kms.target.kmsUri));
    const cases = [
      { what: 'an empty KrrList', krrList: [] },
      { what: 'a KRR that breaks the D.4 schema', krrList: [malformed] },
    ];
    for (const c of cases) {
      const ex = await kms.send({ type: 'redirect', path: [peer], userUri: kms.userUri, accessToken: token, overrides: { krrList: c.krrList }, label: `redirect/${peer} with ${c.what}` });
      const r = refusalOf(ex);
      if (r.refused === undefined) return verify.inconclusive([REQ.redirectMalformed], `redirect/${peer}: ${r.detail}`, 'unreachable');
      verify.refused(REQ.redirectMalformed, `a Redirect Upload with ${c.what} is refused`, r.refused, { field: 'response', expected: 'HTTP 4xx or KmsError', actual: r.detail });
    }
  },
);
