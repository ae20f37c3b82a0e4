/**
 * Key download of a CSK (5.8, 9.2.1.4, E.4) as the MC client receives it:
 * the request that carries it, the I_MESSAGE verified with the user's key
 * set and the KMS certificate (lib/mikey/verify.ts), and what the server
 * accepts afterwards (9.2.1.2). The "afterwards" checks read binding the
 * way checks/csk-upload.ts does: a PUBLISH whose access token is encrypted
 * under one CSK binds only if the server holds that CSK.
 */
import { checkTable, fail, inconclusive, pass, unmet, verdictOf, type Unmet } from '../../../lib/harness/check.ts';
import type { VerifyResult } from '../../../lib/mikey/verify.ts';
import { bindingOutcome, type Observation } from './authorisation.ts';

export interface KeyDownloadInput {
  unobservable?: Unmet;
  /** The request that reached the UE, or why none is there. */
  request: { method: string; mikey?: Uint8Array; problem?: string } | { none: string };
  verified?: VerifyResult;
  /** The server identity that must sign (mcxServer.keyDownload.initiatorUri, default the MDSI). */
  expectedInitiator: string;
}

const arrived = ({ unobservable, request }: KeyDownloadInput): Unmet | undefined => {
  if (unobservable) return unobservable;
  if ('none' in request) return unmet(request.none, 'target');
  return undefined;
};

const opened = (input: KeyDownloadInput): Unmet | undefined => {
  const first = arrived(input);
  if (first) return first;
  const r = input.request as { mikey?: Uint8Array; problem?: string };
  if (!r.mikey || !input.verified) return unmet(`the key download carries no application/mikey I_MESSAGE the suite can read: ${r.problem ?? 'no body'}`, 'target');
  if (input.verified.csbId === undefined) return unmet(`the I_MESSAGE does not decode: ${input.verified.signature.reason ?? ''}`, 'target');
  return undefined;
};

export const KEY_DOWNLOAD = checkTable<KeyDownloadInput>('key download of a CSK to the MC client', [
  {
    id: 'mcx-server.key-download.sip-method',
    requirement: 'MCXSEC-5.8.2-01',
    title: 'the key download comes in a SIP NOTIFY or SIP MESSAGE',
    needs: arrived,
    run: ({ request }) => {
      const method = (request as { method: string }).method;
      return verdictOf(method === 'NOTIFY' || method === 'MESSAGE', 'request method', 'NOTIFY or MESSAGE', method);
    },
  },
  {
    id: 'mcx-server.key-download.signature',
    requirement: 'MCXSEC-5.8.1-01',
    title: "the I_MESSAGE's ECCSI signature verifies under the KMS's KPAK for the UID of its IDRi",
    needs: opened,
    run: ({ verified: v }) => (v!.signature.ok ? pass('SIGN.signature', 'verifies', 'a valid ECCSI signature') : fail('SIGN.signature', 'a valid ECCSI signature by the IDRi UID', v!.signature.reason ?? 'does not verify')),
  },
  {
    id: 'mcx-server.key-download.initiator',
    requirement: 'MCXSEC-5.8.1-02',
    title: 'the initiator (IDRi) is the MCX server identity',
    needs: opened,
    run: ({ verified: v, expectedInitiator }) => (v!.initiatorUri === undefined ? inconclusive('IDRi is hidden or absent: the initiator URI is not in the message', 'target') : verdictOf(v!.initiatorUri === expectedInitiator, 'IDRi', expectedInitiator, v!.initiatorUri)),
  },
  {
    id: 'mcx-server.key-download.encrypted-to-user',
    requirement: 'MCXSEC-E.4.1-05',
    title: "the SAKKE payload decapsulates with the user's RSK for the current key period",
    needs: opened,
    run: ({ verified: v }) => (v!.decryption.ok ? pass('SAKKE.data', 'decapsulates with the user RSK', 'the CSK encrypted to the user UID') : fail('SAKKE.data', 'the CSK encrypted to the user UID', v!.decryption.reason ?? 'does not decapsulate')),
  },
  {
    id: 'mcx-server.key-download.csk-purpose-tag',
    requirement: 'MCXSEC-E.4.1-02',
    title: 'the CSB ID is a CSK-ID: purpose tag 2 in its 4 most significant bits',
    needs: opened,
    run: ({ verified: v }) => verdictOf(v!.csbId! >>> 28 === 2, 'HDR.csbId purpose tag', 2, `${v!.csbId! >>> 28} (CSB ID 0x${v!.csbId!.toString(16).padStart(8, '0')})`),
  },
]);

export interface CskUpdateInput {
  unobservable?: Unmet;
  /** Why the UE holds no downloaded CSK it answered 2xx to, or undefined. */
  notDownloaded?: string;
  before: Observation;
  /** After a PUBLISH whose token is encrypted under the replaced (uploaded) CSK. */
  underOld: Observation;
  /** After a PUBLISH whose token is encrypted under the downloaded CSK. */
  underNew: Observation;
}

const updated = ({ unobservable, notDownloaded, before }: CskUpdateInput): Unmet | undefined => {
  if (unobservable) return unobservable;
  if (notDownloaded) return unmet(notDownloaded, 'precondition');
  if (before.kind === 'unknown') return unmet(`before the update: ${before.reason}`, before.blame);
  if (before.kind === 'bound') return unmet('the IMPU was bound before any token was sent: a later binding would prove nothing', 'precondition');
  return undefined;
};

export const CSK_UPDATE = checkTable<CskUpdateInput>('signalling protected under the old and the downloaded CSK', [
  {
    id: 'mcx-server.csk-update.old-csk-refused',
    requirement: 'MCXSEC-9.2.1.2-02',
    title: 'after the key download, an access token encrypted under the replaced CSK is not accepted',
    needs: updated,
    run: ({ underOld }) => bindingOutcome(underOld, false, 'the IMPU (its token encrypted under the replaced CSK)'),
  },
  {
    id: 'mcx-server.csk-update.new-csk-used',
    requirement: 'MCXSEC-9.2.1.2-03',
    title: 'after the key download, an access token encrypted under the downloaded CSK is accepted',
    needs: (input) => updated(input) ?? (input.underOld.kind === 'bound' ? unmet('the token under the replaced CSK already bound the IMPU (graded by old-csk-refused)', 'precondition') : undefined),
    run: ({ underNew }) => bindingOutcome(underNew, true, 'the IMPU (its token encrypted under the downloaded CSK)'),
  },
]);

/** After a key download the UE refused (488): the same observations, the other way round (5.8.2). */
export const CSK_UPDATE_REFUSED = checkTable<CskUpdateInput>('signalling protected under a CSK whose download the UE refused', [
  {
    id: 'mcx-server.csk-update-refused.new-csk-not-used',
    requirement: 'MCXSEC-5.8.2-03',
    title: 'a downloaded CSK the UE did not answer with success is not used: an access token encrypted under it is not accepted',
    needs: (input) => {
      const first = updated(input);
      if (first) return first;
      // Control: the CSK the server had must still open a token, else "not accepted" proves nothing.
      if (input.underOld.kind === 'unknown') return unmet(`the control (a token under the CSK in use before): ${input.underOld.reason}`, input.underOld.blame);
      if (input.underOld.kind === 'unbound' && input.underNew.kind === 'unbound') return unmet('neither the refused CSK nor the one in use before opened a token: the server may have dropped both, and "not accepted" proves nothing', 'precondition');
      return undefined;
    },
    run: ({ underNew }) => bindingOutcome(underNew, false, 'the IMPU (its token encrypted under the CSK whose download was refused)'),
  },
]);
