/**
 * XML signatures over SIP bodies (9.3.5) as the MCX server receives them:
 * the info body, signed with HMAC-SHA256 under the F.1.4 integrity key of
 * the uploaded CSK (lib/kms-xml/mime-signature.ts), carries the access token
 * encrypted under the same CSK; binding shows the body was used (see
 * checks/csk-upload.ts). A badly signed body is graded beside a control, a
 * correctly signed one in the same test.
 */
import { checkTable, inconclusive, notApplicable, type Outcome } from '../../../lib/harness/check.ts';
import { bindingOutcome } from './authorisation.ts';
import type { BadUploadInput, ValidUploadInput } from './csk-upload.ts';
import { startedUnbound } from './csk-upload.ts';

const gated = (input: ValidUploadInput, then: () => Outcome, unmetExtra?: () => ReturnType<typeof startedUnbound>): Outcome => {
  if (!input.xmlProtection) return notApplicable('the ICS does not claim sip.xml-protection');
  const u = startedUnbound(input) ?? unmetExtra?.();
  return u ? inconclusive(u.reason, u.blame) : then();
};

// MCXSEC-9.3.5-08 (SHA-256 digests) is not graded here: it is also a kms requirement, and the KMS's key
// sets are this test's precondition, so every KMS fault would leave it without a result in the kms matrix.
export const XML_SIGNED = checkTable<ValidUploadInput>('a correct CSK upload whose info body is signed (9.3.5)', [
  {
    id: 'mcx-server.xml-signed.hmac-sha256',
    requirement: 'MCXSEC-9.3.5-05',
    title: 'an info body signed with HMAC-SHA256 under the F.1.4 integrity key of the CSK is accepted',
    run: (i) => gated(i, () => bindingOutcome(i.after, true, 'the IMPU (its signed info body used)')),
  },
]);

export type BadSigning = 'wrong-key' | 'altered-body';
const WHAT: Record<BadSigning, string> = { 'wrong-key': 'an info body signed under a key that is not the F.1.4 integrity key of the CSK', 'altered-body': 'an info body changed after it was signed (its digest no longer matches)' };

export function badSigningTable(kind: BadSigning) {
  return checkTable<BadUploadInput>(`a CSK upload with ${WHAT[kind]}`, [
    {
      id: `mcx-server.xml-signed-${kind}.not-used`,
      requirement: 'MCXSEC-9.3.5-10',
      title: `${WHAT[kind]} is not used`,
      run: (i) =>
        gated(
          i,
          () => bindingOutcome(i.after, false, 'the IMPU (its access token was only in the badly signed body)'),
          () => (i.control.kind === 'bound' ? undefined : { reason: i.control.kind === 'unknown' ? `the control: ${i.control.reason}` : 'the control, a correctly signed upload in the same test, did not bind either: "not bound" proves nothing here', blame: i.control.kind === 'unknown' ? i.control.blame : 'precondition' }),
        ),
    },
  ]);
}
