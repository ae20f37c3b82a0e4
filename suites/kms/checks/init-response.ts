/** The answer to KMS Initialize (D.2.3, D.3.1, 5.3.1.2, 5.3.4, D.1, 9.3.4.2): the checks of one exchange. */
import { checkTable, notApplicable, unmet, verdictOf, type Unmet } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import type { KeyMaterial } from '../../../lib/kms-xml/open.ts';
import { ALG_KW_AES256 } from '../../../lib/kms-xml/namespaces.ts';
import { containerOutcome, needsServed } from './answer.ts';
import { echoOutcome, foreignElementsOutcome } from './envelope.ts';
import { xmlMediaTypeOutcome } from './media-type.ts';

export interface InitAnswer {
  ex: KmsExchange;
  userUri: string;
  kmsUri: string;
}

const served = ({ ex }: InitAnswer) => needsServed(ex, 'kms.init.kms-init');
const receivedXml = ({ ex }: InitAnswer): Unmet | undefined =>
  !ex.http.ok ? unmet(`no answer: ${ex.http.error}`, 'unreachable') : ex.opened?.received ? undefined : unmet(`${ex.label}: no KmsResponse to read (graded by kms.init.kms-init)`, 'precondition');
const certOf = ({ ex }: InitAnswer) => ex.opened!.doc!.message!.init!.certificate;
const certPresent = (i: InitAnswer) => {
  const c = certOf(i);
  return !!c && (c.kmsUri !== '' || c.pubAuthKey !== '');
};
const certActual = (i: InitAnswer) => (certPresent(i) ? `${certOf(i).certUri ?? ''} ${certOf(i).kmsUri}`.trim() : '(absent)');

export const INIT_RESPONSE = checkTable<InitAnswer>('kms init response', [
  {
    id: 'kms.init.kms-init',
    requirement: 'MCXSEC-D.2.3-01',
    title: 'KMS Initialize answered with KmsInit',
    run: ({ ex }) => containerOutcome(ex, 'init', 'KmsInit'),
  },
  {
    id: 'kms.init.xml-media-type',
    requirement: 'MCXSEC-D.3-01',
    title: 'KMS Initialize answer labelled with an XML media type',
    run: ({ ex }) => xmlMediaTypeOutcome(ex),
  },
  {
    id: 'kms.init.echo',
    requirement: 'MCXSEC-D.3.1-01',
    title: 'KmsResponse UserUri, KmsUri, ClientReqUrl and Time agree with the request',
    needs: served,
    run: (i) => echoOutcome(i.ex, i.ex.opened!.doc!, i),
  },
  {
    id: 'kms.init.no-foreign-elements',
    requirement: 'MCXSEC-D.1-03',
    title: 'extensions use another namespace than the 3GPP KMS namespace',
    needs: receivedXml,
    run: ({ ex }) => foreignElementsOutcome(ex.opened!.received!.root),
  },
  {
    id: 'kms.init.carries-certificate',
    requirement: 'MCXSEC-5.3.4-01',
    title: 'the KMSInit response carries the KMS certificate',
    after: ['kms.init.kms-init'],
    run: (i) => verdictOf(certPresent(i), 'KmsInit/KmsCertificate', 'the KMS certificate', certActual(i), 'missing'),
  },
  {
    id: 'kms.init.home-certificate',
    requirement: 'MCXSEC-5.3.1.2-01',
    title: 'the Home KMS gives its own certificate',
    after: ['kms.init.kms-init'],
    run: (i) => verdictOf(certPresent(i) && certOf(i).kmsUri === i.kmsUri, 'KmsInit/KmsCertificate', `certificate of ${i.kmsUri}`, certActual(i)),
  },
  {
    id: 'kms.init.root-certificate',
    requirement: 'MCXSEC-D.3.1-02',
    title: "KmsInit holds the KMS's Root certificate",
    after: ['kms.init.kms-init'],
    run: (i) => verdictOf(certPresent(i) && certOf(i).kmsUri === i.kmsUri, 'KmsInit/KmsCertificate', `certificate of ${i.kmsUri}`, certActual(i)),
  },
  {
    // A new TrK/InK, when sent (5.3.4, D.3.2), must unwrap under the current TrK (kw-aes256). Using it would
    // rotate the user's keys under the other tests running in parallel, so the suite only unwraps it.
    id: 'kms.init.new-keys-unwrap',
    requirement: 'MCXSEC-9.3.4.2-03',
    title: 'a new TrK/InK unwraps with kw-aes256 under the TrK',
    after: ['kms.init.kms-init'],
    run: ({ ex }) => {
      const o = ex.opened!;
      const fields = ([['NewTransportKey', o.newTransportKey], ['NewIntegrityKey', o.newIntegrityKey]] as [string, KeyMaterial | undefined][]).filter((f): f is [string, KeyMaterial] => f[1]?.form === 'encrypted');
      if (fields.length === 0) return notApplicable('no encrypted NewTransportKey or NewIntegrityKey in this KmsInit');
      const bad = fields.filter(([, m]) => !m.bytes).map(([n, m]) => `${n}: ${m.problem}`);
      return verdictOf(bad.length === 0, 'KmsInit/NewTransportKey, NewIntegrityKey', `${ALG_KW_AES256} under the TrK`, bad.length ? bad.join('; ') : `${fields.length} key(s) unwrapped`, 'invalid');
    },
  },
]);
