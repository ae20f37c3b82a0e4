/** The answer to KMS Lookup (D.2.7, D.3.1, 5.3.4). */
import { checkTable, verdictOf } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import { isElement, localName, type XmlElement } from '../../../lib/kms-xml/xml.ts';
import { needsServed, servedProblem } from './answer.ts';

export interface LookupAnswer {
  ex: KmsExchange;
  userUri: string;
  expectedKmsUri: string;
}

/** Elements anywhere below `root` that carry key material. */
function keyMaterialElements(root: XmlElement): string[] {
  const found: string[] = [];
  const stack = [root];
  while (stack.length) {
    const e = stack.pop()!;
    if (['KmsKeySet', 'UserDecryptKey', 'UserSigningKeySSK', 'NewTransportKey', 'NewIntegrityKey'].includes(localName(e.name))) found.push(localName(e.name));
    for (const c of e.children) if (isElement(c)) stack.push(c);
  }
  return found;
}

const served = ({ ex }: LookupAnswer) => needsServed(ex, 'kms.lookup.names-kms');

export const LOOKUP = checkTable<LookupAnswer>('kms lookup response', [
  {
    id: 'kms.lookup.names-kms',
    requirement: 'MCXSEC-D.2.7-01',
    title: 'lookup/<uri> names the permitted KMS URI',
    run: ({ ex, expectedKmsUri }) => {
      const p = servedProblem(ex);
      if (p) return p;
      const doc = ex.opened!.doc!;
      const uris = [...(doc.message?.lookup?.kmsUris ?? []), ...(doc.message?.certCache?.certificates.map((c) => c.kmsUri) ?? [])];
      return verdictOf(uris.includes(expectedKmsUri), 'KmsLookup/KmsUri', expectedKmsUri, uris.join(', ') || '(no KMS URI)', 'missing');
    },
  },
  {
    id: 'kms.lookup.container',
    requirement: 'MCXSEC-D.3.1-07',
    title: 'lookup answered inside KmsLookup',
    needs: served,
    run: ({ ex }) => {
      const m = ex.opened!.doc!.message;
      return verdictOf(!!m?.lookup, 'KmsResponse/KmsMessage', 'KmsLookup', m ? Object.keys(m).filter((k) => (m as Record<string, unknown>)[k] !== undefined).join(', ') || 'empty' : '(absent)');
    },
  },
  {
    id: 'kms.lookup.no-key-material',
    requirement: 'MCXSEC-5.3.4-02',
    title: 'the Lookup response carries no key material',
    needs: served,
    run: ({ ex }) => {
      const messageEl = ex.opened!.received!.element.children.find((c): c is XmlElement => isElement(c) && localName(c.name) === 'KmsMessage');
      const keys = [...new Set([...(messageEl ? keyMaterialElements(messageEl) : []), ...(ex.opened!.keySets.length ? ['KmsKeySet'] : [])])];
      return verdictOf(keys.length === 0, 'KmsMessage', 'no KmsKeySet, no key fields', keys.length ? `found: ${keys.join(', ')}` : 'none');
    },
  },
]);
