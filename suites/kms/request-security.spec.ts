/**
 * D.2.2 request payload checks, for a KMS whose ICS claims it verifies
 * signed requests: each test sends one SignedKmsRequest broken in one way
 * and expects a refusal (HTTP 4xx, or KmsError without KmsMessage). The
 * well-formed signed requests of the other tests show the KMS accepts the
 * correct form.
 */
import { test } from './fixture.ts';
import { requirements } from '../../lib/harness/index.ts';
import type { KmsCall } from '../../lib/kms-xml/client.ts';
import { xsdDateTime } from '../../lib/kms-xml/model.ts';
import { protectedRequestXml } from '../../lib/kms-xml/protect.ts';
import { REQ } from './requirements.ts';
import { refusalOf } from './checks/answer.ts';
import type { KmsSuite } from './fixture.ts';
import type { Checker } from '../../lib/harness/checker.ts';

async function expectRefused(kms: KmsSuite, verify: Checker, requirement: string, what: string, call: Partial<KmsCall>): Promise<void> {
  const token = await kms.token('valid', [requirement]);
  const ex = await kms.send({ type: 'init', userUri: kms.userUri, accessToken: token, label: `init ${what}`, ...call });
  const r = refusalOf(ex);
  if (r.refused === undefined) return verify.inconclusive([requirement], `init ${what}: ${r.detail}`, 'unreachable');
  verify.refused(requirement, `a request ${what} is refused`, r.refused, { field: 'response', expected: 'HTTP 4xx or KmsError', actual: r.detail });
}

test.describe('D.2.2 KMS request security', () => {
  test.beforeEach(({ requireIcs }) => requireIcs('kms.signed-requests'));

  test('D.2.2 a request whose HMAC signature does not verify is refused', { annotation: requirements('MCXSEC-D.2.2-03'), tag: ['@kms'] }, async ({ kms, verify }) => {
    const key = kms.ink ?? kms.trk;
    if (!key) return verify.inconclusive([REQ.requestSignature], 'the target file names no InK or TrK to sign with');
    await expectRefused(kms, verify, REQ.requestSignature, 'with a corrupted SignatureValue', { signWith: key, corruptSignature: true });
  });

  test('D.2.2 a request whose XML is not schema-valid is refused', { annotation: requirements('MCXSEC-D.2.2-04'), tag: ['@kms'] }, async ({ kms, verify }) => {
    // ClientReqUrl is mandatory (table D.2.2-1): send it under a misspelt name, signed correctly.
    const url = kms.client.urlOf('init');
    const body = kms.client.buildRequest({ type: 'init', userUri: kms.userUri }, url);
    const key = kms.ink ?? kms.trk;
    const xml = protectedRequestXml(body, key, undefined, ['ClientReqUrl']);
    await expectRefused(kms, verify, REQ.requestXmlValid, 'without ClientReqUrl', { rawBody: xml });
  });

  test('D.2.2 a request whose KmsUri is not the KMS\'s is refused', { annotation: requirements('MCXSEC-D.2.2-05'), tag: ['@kms'] }, async ({ kms, verify }) => {
    await expectRefused(kms, verify, REQ.requestKmsUri, 'naming another KmsUri', { overrides: { kmsUri: `other.${kms.target.kmsUri}` } });
  });

  test('D.2.2 a request whose Time is outside a recent window is refused', { annotation: requirements('MCXSEC-D.2.2-06'), tag: ['@kms'] }, async ({ kms, verify }) => {
    await expectRefused(kms, verify, REQ.requestTime, 'with a Time one hour old', { overrides: { time: xsdDateTime(new Date(Date.now() - 3_600_000)) } });
  });

  test('D.2.2 a request whose ClientReqUrl differs from the URI posted to is refused', { annotation: requirements('MCXSEC-D.2.2-07'), tag: ['@kms'] }, async ({ kms, verify }) => {
    await expectRefused(kms, verify, REQ.requestClientReqUrl, 'with ClientReqUrl naming keyprov', { overrides: { clientReqUrl: kms.client.urlOf('keyprov') } });
  });
});
