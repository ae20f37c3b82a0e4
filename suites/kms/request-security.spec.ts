/**
 * D.2.2 request payload checks, for a KMS whose ICS claims it verifies
 * signed requests: each test sends one SignedKmsRequest broken in one way
 * and expects a refusal (HTTP 4xx without key material, or KmsError without
 * KmsMessage). The well-formed signed requests of the other tests show the
 * KMS accepts the correct form.
 */
import { test } from './fixture.ts';
import { declare, pick } from '../../lib/harness/index.ts';
import type { KmsCall } from '../../lib/kms-xml/client.ts';
import { xsdDateTime } from '../../lib/kms-xml/model.ts';
import { protectedRequestXml } from '../../lib/kms-xml/protect.ts';
import { REQUEST_SECURITY } from './checks/request-security.ts';
import { SCHEMA } from './checks/schema.ts';
import type { KmsSuite } from './fixture.ts';
import type { Checker } from '../../lib/harness/checker.ts';

const BAD_SIGNATURE = pick(REQUEST_SECURITY, 'kms.request.bad-signature-refused');
const INVALID_XML = pick(REQUEST_SECURITY, 'kms.request.invalid-xml-refused');
const FOREIGN_KMS_URI = pick(REQUEST_SECURITY, 'kms.request.foreign-kms-uri-refused');
const STALE_TIME = pick(REQUEST_SECURITY, 'kms.request.stale-time-refused');
const WRONG_CLIENT_REQ_URL = pick(REQUEST_SECURITY, 'kms.request.wrong-client-req-url-refused');

async function expectRefused(kms: KmsSuite, verify: Checker, table: typeof BAD_SIGNATURE, what: string, call: Partial<KmsCall>): Promise<void> {
  const token = await kms.token('valid');
  const ex = await kms.send({ type: 'init', userUri: kms.userUri, accessToken: token, label: `init ${what}`, ...call });
  await verify.run(table, { ex }, { label: `init ${what}` });
}

test.describe('D.2.2 KMS request security', () => {
  test.beforeEach(({ requireIcs }) => requireIcs('kms.signed-requests'));

  test('D.2.2 a request whose HMAC signature does not verify is refused', { annotation: declare(BAD_SIGNATURE, SCHEMA), tag: ['@kms'] }, async ({ kms, verify }) => {
    const key = kms.ink ?? kms.trk;
    if (!key) return verify.stop('the target file names no InK or TrK to sign with (kms.ink, kms.trk)', 'configuration');
    await expectRefused(kms, verify, BAD_SIGNATURE, 'with a corrupted SignatureValue', { signWith: key, corruptSignature: true });
  });

  test('D.2.2 a request whose XML is not schema-valid is refused', { annotation: declare(INVALID_XML, SCHEMA), tag: ['@kms'] }, async ({ kms, verify }) => {
    // ClientReqUrl is mandatory (table D.2.2-1): send it under a misspelt name, signed correctly.
    const url = kms.client.urlOf('init');
    const body = kms.client.buildRequest({ type: 'init', userUri: kms.userUri }, url);
    const key = kms.ink ?? kms.trk;
    const xml = protectedRequestXml(body, key, undefined, ['ClientReqUrl']);
    await expectRefused(kms, verify, INVALID_XML, 'without ClientReqUrl', { rawBody: xml });
  });

  test("D.2.2 a request whose KmsUri is not the KMS's is refused", { annotation: declare(FOREIGN_KMS_URI, SCHEMA), tag: ['@kms'] }, async ({ kms, verify }) => {
    await expectRefused(kms, verify, FOREIGN_KMS_URI, 'naming another KmsUri', { overrides: { kmsUri: `other.${kms.target.kmsUri}` } });
  });

  test('D.2.2 a request whose Time is outside a recent window is refused', { annotation: declare(STALE_TIME, SCHEMA), tag: ['@kms'] }, async ({ kms, verify }) => {
    await expectRefused(kms, verify, STALE_TIME, 'with a Time one hour old', { overrides: { time: xsdDateTime(new Date(Date.now() - 3_600_000)) } });
  });

  test('D.2.2 a request whose ClientReqUrl differs from the URI posted to is refused', { annotation: declare(WRONG_CLIENT_REQ_URL, SCHEMA), tag: ['@kms'] }, async ({ kms, verify }) => {
    await expectRefused(kms, verify, WRONG_CLIENT_REQ_URL, 'with ClientReqUrl naming keyprov', { overrides: { clientReqUrl: kms.client.urlOf('keyprov') } });
  });
});
