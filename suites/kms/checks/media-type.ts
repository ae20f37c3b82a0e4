/**
 * The media type of a KMS answer (D.3). Annex D fixes the XML content of a
 * KmsResponse but names no media type for it, so the check serves a SHOULD
 * requirement (MCXSEC-D.3-01) of its own and never drags the shall
 * requirements of the exchange (D.2.3-01 ... D.2.6-01 judge the content).
 */
import { inconclusive, verdictOf, type Outcome } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';

const XML_TYPE = /^(?:application|text)\/(?:[a-z0-9.+-]+\+)?xml$/;

export function xmlMediaTypeOutcome(ex: KmsExchange): Outcome {
  if (!ex.http.ok) return inconclusive(`no answer: ${ex.http.error}`, 'unreachable');
  const type = ex.http.headers['content-type'] ?? '';
  const media = type.split(';')[0].trim().toLowerCase();
  return verdictOf(XML_TYPE.test(media), 'Content-Type', 'an XML media type (application/xml or +xml, RFC 7303)', type || '(none)', type ? 'mismatch' : 'missing');
}
