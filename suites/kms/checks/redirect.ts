/** Answers to KMS Redirect Upload (D.2.8, D.3.1). */
import { checkTable, fail, inconclusive, pass, verdictOf } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import { refusalOf, refusedOutcome } from './answer.ts';

export const REDIRECT = checkTable<{ ex: KmsExchange }>('kms redirect upload with valid KRRs', [
  {
    id: 'kms.redirect.accepted',
    requirement: 'MCXSEC-D.2.8-01',
    title: 'the Redirect Upload is accepted',
    run: ({ ex }) => {
      const r = refusalOf(ex);
      if (r.refused === undefined) return inconclusive(`${ex.label}: ${r.detail}`, r.blame);
      return r.refused ? fail('response', 'HTTP 2xx without KmsError', r.detail, 'mismatch') : pass('response', r.detail, 'HTTP 2xx without KmsError');
    },
  },
  {
    id: 'kms.redirect.no-message',
    requirement: 'MCXSEC-D.3.1-08',
    title: 'no KmsMessage in reply to an accepted upload',
    after: ['kms.redirect.accepted'],
    run: ({ ex }) => {
      const message = ex.opened?.doc?.message ?? ex.opened?.received?.doc.message;
      return verdictOf(!message, 'KmsResponse/KmsMessage', 'absent (or an empty body)', message ? `a KmsMessage (${Object.keys(message).join(', ')})` : 'absent');
    },
  },
]);

export const REDIRECT_MALFORMED = checkTable<{ ex: KmsExchange }>('kms redirect upload without a valid KRR', [
  {
    id: 'kms.redirect-malformed.refused',
    requirement: 'MCXSEC-D.2.8-02',
    title: 'a Redirect Upload without a valid KRR is refused',
    run: ({ ex }) => refusedOutcome(ex),
  },
]);
