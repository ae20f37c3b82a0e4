/**
 * Integrity and confidentiality of KMS responses (5.3.2, 5.3.3, 9.3.3 to
 * 9.3.5, D.1, D.3.1, F.1.4). The suite holds the TrK and InK the target file
 * names (the out-of-band bootstrap keys of 5.3.3); it sends TrK-ID, signs
 * its request, and opens the response like a KM client: verify the HMAC
 * signature, decrypt the KmsMessage and the key material. Keys are tried
 * F.1.4-derived first, raw second; which one worked is graded by F.1.4-01.
 */
import { test, expect } from './fixture.ts';
import { requirements } from '../../lib/harness/index.ts';
import { openKmsResponse } from '../../lib/kms-xml/open.ts';
import { REQ } from './requirements.ts';
import { expectKmsResponse } from './checks/answer.ts';
import {
  checkContentDecrypts,
  checkEncryptedDataShape,
  checkKeyMaterialNotClear,
  checkKeyWrap,
  checkMessageAlgorithm,
  checkMessageEncrypted,
  checkResponseSignature,
  checkTrkKeyName,
  checkXmlKeyDerivation,
} from './checks/protection.ts';

test(
  '5.3.3 with a TrK-ID the KmsMessage and the key material are encrypted under the TrK (D.3.1, 9.3.3, 9.3.4.2, F.1.4)',
  {
    annotation: requirements('MCXSEC-5.3.3-05', 'MCXSEC-D.3.1-09', 'MCXSEC-D.3.1-10', 'MCXSEC-9.3.4.2-01', 'MCXSEC-9.3.4.2-02', 'MCXSEC-9.3.4.2-03', 'MCXSEC-9.3.3-01', 'MCXSEC-F.1.4-01'),
    tag: ['@kms'],
  },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.trk-encryption');
    const trk = kms.trk;
    if (!trk) return verify.inconclusive([REQ.keyMaterialEncrypted], 'the target file names no TrK (kms.trk): the suite cannot ask for or open encrypted key material');
    const token = await kms.token('valid', [REQ.keyMaterialEncrypted]);
    const ex = await kms.send({ type: 'keyprov', userUri: kms.userUri, accessToken: token, label: 'keyprov with TrK-ID' });
    if (!ex.http.ok) return verify.inconclusive([REQ.keyMaterialEncrypted], `keyprov: no answer: ${ex.http.error}`, 'unreachable');
    const o = ex.opened;
    if (!o?.received) return verify.inconclusive([REQ.keyMaterialEncrypted], 'keyprov gave no KmsResponse (graded under D.2.4)');
    checkMessageEncrypted(verify, ex, o, trk);
    checkMessageAlgorithm(verify, ex, o);
    checkEncryptedDataShape(verify, ex, o);
    checkContentDecrypts(verify, ex, o);
    if (o.messageEncryption && !o.messageEncryption.ok) return verify.inconclusive([REQ.keyMaterialEncrypted, REQ.keyWrap], 'the KmsMessage did not decrypt, so the key material cannot be examined');
    checkKeyMaterialNotClear(verify, ex, o);
    checkKeyWrap(verify, ex, o);
    checkTrkKeyName(verify, ex, o, trk);
    checkXmlKeyDerivation(verify, ex, o);
  },
);

test(
  'D.3.1 a response to an InK-signed request is signed with the InK and verifies (5.3.2, 9.3.3, 9.3.5, D.1)',
  {
    annotation: requirements('MCXSEC-D.3.1-11', 'MCXSEC-D.3.1-12', 'MCXSEC-5.3.2-05', 'MCXSEC-9.3.3-02', 'MCXSEC-9.3.5-01', 'MCXSEC-9.3.5-02', 'MCXSEC-D.1-02'),
    tag: ['@kms'],
  },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.signed-responses');
    const ink = kms.ink;
    if (!ink) return verify.inconclusive([REQ.signatureId], 'the target file names no InK (kms.ink)');
    const token = await kms.token('valid', [REQ.signatureId]);
    const ex = await kms.send({ type: 'init', userUri: kms.userUri, accessToken: token, signWith: ink, label: 'init signed with the InK' });
    expectKmsResponse(verify, ex, REQ.signatureVerifies, 'KMS Initialize');
    const o = ex.opened!;
    checkResponseSignature(verify, ex, o, ink, 'InK');
    // The suite's own tamper detection: the same body with one signed value changed must not verify.
    if (o.signature?.verification.ok && ex.http.ok) {
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
  { annotation: requirements('MCXSEC-5.3.2-04'), tag: ['@kms'] },
  async ({ kms, verify, requireIcs }) => {
    requireIcs('kms.signed-responses');
    const trk = kms.trk;
    if (!trk) return verify.inconclusive([REQ.trkIntegrity], 'the target file names no TrK (kms.trk)');
    const token = await kms.token('valid', [REQ.trkIntegrity]);
    const ex = await kms.send({ type: 'init', userUri: kms.userUri, accessToken: token, signWith: trk, label: 'init signed with the TrK (no InK)' });
    expectKmsResponse(verify, ex, REQ.trkIntegrity, 'KMS Initialize');
    checkResponseSignature(verify, ex, ex.opened!, trk, 'TrK');
  },
);

test(
  '5.3.3 without a TrK-ID key sets come in clear only when the ICS declares it',
  { annotation: requirements('MCXSEC-5.3.3-07'), tag: ['@kms'] },
  async ({ kms, verify, target }) => {
    const declared = target.ics['kms.clear-key-sets'] === true;
    const token = await kms.token('valid', [REQ.clearOnlyIfDeclared]);
    const ex = await kms.send({ type: 'keyprov', userUri: kms.userUri, accessToken: token, omitTrkId: true, signWith: null, label: 'keyprov without TrK-ID' });
    if (!ex.http.ok) return verify.inconclusive([REQ.clearOnlyIfDeclared], `keyprov without TrK-ID: no answer: ${ex.http.error}`, 'unreachable');
    const clear = (ex.opened?.keySets ?? []).filter((s) => s.rsk.form === 'clear' || s.ssk.form === 'clear');
    verify.check(REQ.clearOnlyIfDeclared, 'clear key sets only with kms.clear-key-sets in the ICS', declared || clear.length === 0, {
      field: 'KmsKeySet key fields',
      expected: declared ? 'clear key sets allowed (ICS kms.clear-key-sets)' : 'a refusal or encrypted key material',
      actual: clear.length ? `${clear.length} key set(s) in clear, ICS kms.clear-key-sets ${declared ? 'declared' : 'not declared'}` : `no clear key material (HTTP ${ex.http.status})`,
    });
  },
);
