/**
 * D.3.5.1-01: every KMS document received in a test validates against
 * schemas/kms-interface.xsd, in one xmllint pass. The fixture runs this
 * table at teardown for the tests that declare it.
 */
import { checkTable, inconclusive, notApplicable, verdictOf } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import { validateKmsXmlBatch, formatSchemaErrors } from '../../../lib/kms-xml/schema.ts';
import { serializeXml } from '../../../lib/kms-xml/xml.ts';

export const SCHEMA = checkTable<KmsExchange[]>('kms documents received', [
  {
    id: 'kms.schema.valid',
    requirement: 'MCXSEC-D.3.5.1-01',
    title: 'every KmsResponse received validates against kms-interface.xsd',
    run: async (exchanges) => {
      const docs: { name: string; xml: string; what: string }[] = [];
      exchanges.forEach((ex, i) => {
        const o = ex.opened;
        if (!ex.http.ok || !o?.received || !o.parse.ok) return;
        docs.push({ name: `${i}`, xml: ex.http.bodyText, what: ex.label });
        // An encrypted KmsMessage must decrypt to schema-valid XML too (D.3.1): validate the decrypted document.
        if (o.messageEncryption?.ok) docs.push({ name: `${i}d`, xml: serializeXml(o.parse.root, { declaration: true, indent: '  ' }), what: `${ex.label} (decrypted)` });
      });
      if (docs.length === 0) {
        const silent = exchanges.filter((ex) => !ex.http.ok);
        if (silent.length) return inconclusive(`no KmsResponse document was received: ${silent.length} request(s) got no answer (${silent[0]!.label}: ${silent[0]!.http.ok ? '' : silent[0]!.http.error})`, 'unreachable');
        if (exchanges.length === 0) return inconclusive('no request was sent in this test', 'precondition');
        return notApplicable(`none of the ${exchanges.length} answer(s) carried a KmsResponse document`);
      }
      const results = await validateKmsXmlBatch(docs.map(({ name, xml }) => ({ name, xml })));
      const invalid = docs.filter((d) => !results.get(d.name)?.valid).map((d) => `${d.what}: ${formatSchemaErrors(results.get(d.name)?.errors ?? [])}`);
      return verdictOf(invalid.length === 0, 'body', 'valid against schemas/kms-interface.xsd (D.3.5.1, D.3.5.3)', invalid.length ? invalid.join('; ') : `${docs.length} document(s) valid: ${docs.map((d) => d.what).join(', ')}`, 'invalid');
    },
  },
]);
