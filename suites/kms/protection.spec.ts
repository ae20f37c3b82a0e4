/**
 * Integrity and confidentiality of KMS responses (5.3.2, 5.3.3, 9.3.3 to
 * 9.3.5, D.1, D.3.1, F.1.4). The suite holds the TrK and InK the target file
 * names (the out-of-band bootstrap keys of 5.3.3); it sends TrK-ID, signs
 * its request, and opens the response like a KM client: verify the HMAC
 * signature, decrypt the KmsMessage and the key material. Keys are tried
 * F.1.4-derived first, raw second; which one worked is graded by F.1.4-01.
 */
import { test, expect } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { openKmsResponse } from '../../lib/kms-xml/open.ts';
import { CLEAR_KEY_SETS, ENCRYPTION, SIGNATURE, TRK_SIGNATURE } from './checks/protection.ts';
import { SCHEMA } from './checks/schema.ts';
import { BEARER } from './checks/bearer.ts';

test(
  '5.3.3 with a TrK-ID the KmsMessage and the key material are encrypted under the TrK (D.3.1, 9.3.3, 9.3.4.2, F.1.4)',
  { annotation: declare(ENCRYPTION, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.trk-encryption');
    const trk = kms.trk;
    if (!trk) return verify.stop('the target file names no TrK (kms.trk): the suite cannot ask for or open encrypted key material', 'configuration');
    const token = await kms.token('valid');
    const ex = await kms.serve({ type: 'keyprov', userUri: kms.userUri, accessToken: token, label: 'keyprov with TrK-ID' });
    await verify.run(ENCRYPTION, { ex, key: trk }, { label: 'keyprov with TrK-ID' });
  },
);

test(
  'D.3.1 a response to an InK-signed request is signed with the InK and verifies (5.3.2, 9.3.3, 9.3.5, D.1)',
  { annotation: declare(SIGNATURE, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.signed-responses');
    const ink = kms.ink;
    if (!ink) return verify.stop('the target file names no InK (kms.ink)', 'configuration');
    const token = await kms.token('valid');
    const ex = await kms.serve({ type: 'init', userUri: kms.userUri, accessToken: token, signWith: ink, label: 'init signed with the InK' });
    const r = await verify.run(SIGNATURE, { ex, key: ink }, { label: 'init signed with the InK' });
    // The suite's own tamper detection: the same body with one signed value changed must not verify.
    if (r.passed('kms.signature.verifies') && ex.http.ok) {
      const body = ex.http.bodyText;
      const tampered = body.replace(/<((?:[\w.-]+:)?ClientReqUrl)>([^<]*)</, (_m, n: string, v: string) => `<${n}>${v}x<`);
      const reopened = openKmsResponse(tampered, { trk: kms.trk, ink, userUri: kms.userUri });
      expect(tampered, 'tamper step changed the body').not.toBe(body);
      expect(reopened.signature?.verification.ok, 'the suite detects a tampered response').toBe(false);
    }
  },
);

test(
  '5.3.2 without an InK the response is integrity-protected with the TrK',
  { annotation: declare(TRK_SIGNATURE, BEARER, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.signed-responses');
    const trk = kms.trk;
    if (!trk) return verify.stop('the target file names no TrK (kms.trk)', 'configuration');
    const token = await kms.token('valid');
    const ex = await kms.serve({ type: 'init', userUri: kms.userUri, accessToken: token, signWith: trk, label: 'init signed with the TrK (no InK)' });
    await verify.run(TRK_SIGNATURE, { ex, key: trk }, { label: 'init signed with the TrK' });
  },
);

test(
  '5.3.3 without a TrK-ID key sets come in clear only when the ICS declares it',
  { annotation: declare(CLEAR_KEY_SETS, SCHEMA), tag: ['@kms'] },
  async ({ kms, verify, target }) => {
    const declared = target.ics['kms.clear-key-sets'] === true;
    const token = await kms.token('valid');
    const ex = await kms.send({ type: 'keyprov', userUri: kms.userUri, accessToken: token, omitTrkId: true, signWith: null, label: 'keyprov without TrK-ID' });
    await verify.run(CLEAR_KEY_SETS, { ex, declared }, { label: 'keyprov without TrK-ID' });
  },
);
