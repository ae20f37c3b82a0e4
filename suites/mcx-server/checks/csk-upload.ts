/**
 * CSK upload (5.4, 9.2.1.3, E.4) as a black box sees it. The spec names no
 * SIP answer for a bad upload, so the evidence is whether the server uses the
 * CSK: the access token travels only encrypted under it (9.2.1.3 server step
 * 2, 9.3.4.2 with the F.1.4 key), and the IMPU gets bound (read through
 * mcxServer.bindingObservation) only if the server opened it. A bad upload
 * is graded only beside a control in the same test: the same procedure with
 * a correct upload must bind, else "not bound" would prove nothing.
 */
import { checkTable, inconclusive, notApplicable, unmet, type Check, type Outcome, type Unmet } from '../../../lib/harness/check.ts';
import { bindingOutcome, type Observation } from './authorisation.ts';

export interface ValidUploadInput {
  /** Whether the ICS claims sip.xml-protection (the requirements of 9.3 are gated on it). */
  xmlProtection: boolean;
  /** Why the server's use of the CSK cannot be observed here (ICS, target fields). */
  unobservable?: Unmet;
  before: Observation;
  after: Observation;
}

export interface BadUploadInput extends ValidUploadInput {
  /** After a correct upload, in the same test. */
  control: Observation;
  /** For a replay: after the first, accepted, sending of the message (must be bound). */
  original?: Observation;
}

export const startedUnbound = ({ unobservable, before }: ValidUploadInput): Unmet | undefined => {
  if (unobservable) return unobservable;
  if (before.kind === 'unknown') return unmet(`before the upload: ${before.reason}`, before.blame);
  if (before.kind === 'bound') return unmet('the IMPU was still bound after its deregistration: a later binding would prove nothing', 'precondition');
  return undefined;
};

const USED = 'the IMPU (its access token was sent only encrypted under the uploaded CSK)';

/** A 9.3 requirement (gated on sip.xml-protection in the catalog): not-applicable when the ICS does not claim it. */
const xmlProtectionOutcome = (input: ValidUploadInput): Outcome => {
  if (!input.xmlProtection) return notApplicable('the ICS does not claim sip.xml-protection');
  const unmetFirst = startedUnbound(input);
  return unmetFirst ? inconclusive(unmetFirst.reason, unmetFirst.blame) : bindingOutcome(input.after, true, USED);
};

export const CSK_UPLOAD_VALID = checkTable<ValidUploadInput>('a correct CSK upload with the access token encrypted under the CSK', [
  { id: 'mcx-server.csk-upload-valid.csk-used', requirement: 'MCXSEC-9.2.1.3-04', title: 'the server extracts the uploaded CSK and uses it with this client', needs: startedUnbound, run: ({ after }) => bindingOutcome(after, true, USED) },
  { id: 'mcx-server.csk-upload-valid.token-decrypted', requirement: 'MCXSEC-9.2.1.3-05', title: 'the access token protected under the CSK in the same message is decrypted', run: xmlProtectionOutcome },
  { id: 'mcx-server.csk-upload-valid.xpk-derived', requirement: 'MCXSEC-9.3.3-06', title: 'content encrypted under the F.1.4 confidentiality key of the CSK (XPK) is accepted', run: xmlProtectionOutcome },
  { id: 'mcx-server.csk-upload-valid.aes128-gcm', requirement: 'MCXSEC-9.3.4.2-08', title: 'XML content encrypted with xmlenc11#aes128-gcm is accepted', run: xmlProtectionOutcome },
]);

export const CSK_UPLOAD_BARE = checkTable<ValidUploadInput>('a correct CSK upload whose encrypted access token leaves out Type, KeyInfo and EncryptionMethod', [
  {
    id: 'mcx-server.csk-upload-bare.decrypted',
    requirement: 'MCXSEC-9.3.4.2-10',
    title: 'an EncryptedData without the optional Type, KeyInfo/KeyName and EncryptionMethod is decrypted with the CSK and aes128-gcm known by other means',
    needs: startedUnbound,
    run: ({ after }) => bindingOutcome(after, true, 'the IMPU (its token encrypted under the uploaded CSK, with no KeyName and no EncryptionMethod)'),
  },
]);

export type BadUpload = 'bad-signature' | 'wrong-idrr' | 'wrong-purpose-tag' | 'stale-timestamp' | 'unknown-kms' | 'replayed' | 'altered-tag';

export const BAD_UPLOADS: Record<BadUpload, { requirement: string; what: string }> = {
  'bad-signature': { requirement: 'MCXSEC-5.2.2-05', what: 'an I_MESSAGE whose ECCSI signature does not verify (one bit of r flipped)' },
  'wrong-idrr': { requirement: 'MCXSEC-5.4-06', what: 'an I_MESSAGE encrypted to the MDSI whose IDRr names another identity' },
  'wrong-purpose-tag': { requirement: 'MCXSEC-5.4-07', what: 'an I_MESSAGE whose CSK-ID carries purpose tag 1 (PCK) instead of 2 (CSK)' },
  'stale-timestamp': { requirement: 'MCXSEC-5.4-08', what: 'an I_MESSAGE whose timestamp is an hour from now (same key period)' },
  'unknown-kms': { requirement: 'MCXSEC-5.2.7.3-02', what: 'an I_MESSAGE whose IDRkmsi names a KMS the domain does not know (signed with the real user key)' },
  'altered-tag': { requirement: 'MCXSEC-9.3.4.2-11', what: 'a correct I_MESSAGE beside an access token whose AES-128-GCM tag has one bit flipped' },
  replayed: { requirement: 'MCXSEC-5.4-09', what: 'the very I_MESSAGE (and encrypted token) of an upload the server accepted a moment before, sent again after deregistration' },
};

export function badUploadTable(kind: BadUpload) {
  const { requirement, what } = BAD_UPLOADS[kind];
  const check: Check<BadUploadInput> = {
    id: `mcx-server.csk-upload-${kind}.not-used`,
    requirement,
    title: `the CSK of ${what} is not used`,
    needs: (input) => {
      const first = startedUnbound(input);
      if (first) return first;
      const { control } = input;
      if (control.kind === 'unknown') return unmet(`the control (a correct upload in the same test): ${control.reason}`, control.blame);
      if (control.kind === 'unbound') return unmet('the control, a correct upload in the same test, did not bind either (graded by the correct-upload test): "not bound" proves nothing here', 'precondition');
      const { original } = input;
      if (original && original.kind !== 'bound') return unmet(`the first sending of the replayed message did not bind (${original.kind === 'unknown' ? original.reason : '403'}): a replay of a message never accepted proves nothing`, original.kind === 'unknown' ? original.blame : 'precondition');
      return undefined;
    },
    run: ({ after }) => bindingOutcome(after, false, 'the IMPU (its access token was sent only encrypted under this CSK)'),
  };
  return checkTable<BadUploadInput>(`a CSK upload with ${what}`, [check]);
}
