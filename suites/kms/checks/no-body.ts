/**
 * A KMS request POSTed without a KmsRequest body (D.2.2: the payload goes
 * with the optional signing extension, and TrK confidentiality puts a TrK-ID
 * in it; D.2.8 redirect carries its KrrList there). Graded at 'may': an
 * operator that requires signing or confidentiality refuses such requests.
 */
import { checkTable, fail } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import { containerOutcome, refusalOf } from './answer.ts';

export const NO_BODY_INIT = checkTable<{ ex: KmsExchange }>('kms init without a body', [
  {
    id: 'kms.no-body.init-served',
    requirement: 'MCXSEC-D.2.2-11',
    title: 'KMS Initialize POSTed without a KmsRequest body is answered with KmsInit',
    run: ({ ex }) => {
      const r = refusalOf(ex);
      if (r.refused === true) return fail('response', 'a KmsInit (the body is optional without signing or confidentiality)', r.detail, 'mismatch');
      return containerOutcome(ex, 'init', 'KmsInit');
    },
  },
]);
