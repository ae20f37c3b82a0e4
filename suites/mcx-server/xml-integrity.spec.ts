/**
 * 9.3.5 integrity protection of SIP XML bodies at the MCX server: the info
 * body of a CSK upload gets a Content-ID and a ds:Signature in a body of
 * its own (mcxServer.xmlSignatureContentType), HMAC-SHA256 under the F.1.4
 * integrity key of the CSK. Its access token is encrypted under the CSK, so
 * a binding shows the server used the body. Badly signed bodies (another
 * key; the body changed after signing) are each followed by a correctly
 * signed upload, their control.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import type { Observation } from './checks/authorisation.ts';
import { badSigningTable, XML_SIGNED, type BadSigning } from './checks/xml-integrity.ts';
import { unobservable, uploadAndObserve, uploadBody, uploader } from './csk.ts';

test.describe.configure({ mode: 'default' });

const NOT_RUN: Observation = { kind: 'unknown', reason: 'not observed', blame: 'configuration' };

test('9.3.5 a signed info body (HMAC-SHA256, SHA-256 digest, cid: reference) is accepted', { annotation: declare(XML_SIGNED), tag: ['@mcx-server'] }, async ({ mcx, verify, target, evidence }) => {
  const why = unobservable(target, mcx);
  const xmlProtection = target.ics['sip.xml-protection'] === true;
  if (why) return void (await verify.run(XML_SIGNED, { xmlProtection, unobservable: why, before: NOT_RUN, after: NOT_RUN }));
  const u = await uploader(mcx);
  const observed = await uploadAndObserve(mcx, target, u, uploadBody(mcx, u, 'valid', 'upload (signed info body)', evidence, { sign: 'valid' }));
  await verify.run(XML_SIGNED, { xmlProtection, ...observed });
  await mcx.deregister(u.impu);
});

for (const kind of ['wrong-key', 'altered-body'] as const satisfies readonly BadSigning[]) {
  const table = badSigningTable(kind);
  test(`9.3.5 ${table.exchange}: the body is not used`, { annotation: declare(table), tag: ['@mcx-server'] }, async ({ mcx, verify, target, evidence }) => {
    const why = unobservable(target, mcx);
    const xmlProtection = target.ics['sip.xml-protection'] === true;
    if (why) return void (await verify.run(table, { xmlProtection, unobservable: why, before: NOT_RUN, after: NOT_RUN, control: NOT_RUN }));
    const u = await uploader(mcx);
    const { before, after } = await uploadAndObserve(mcx, target, u, uploadBody(mcx, u, 'valid', `upload (${kind})`, evidence, { sign: kind }));
    const control = (await uploadAndObserve(mcx, target, u, uploadBody(mcx, u, 'valid', 'control upload (signed correctly)', evidence, { sign: 'valid' }))).after;
    await verify.run(table, { xmlProtection, before, after, control });
    await mcx.deregister(u.impu);
  });
}
