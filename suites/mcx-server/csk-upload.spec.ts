/**
 * 5.4 / 9.2.1.3 CSK upload to the MCX server, black-box through the SIP core.
 * The suite is the MC client: it fetches the user's key set from the
 * domain's KMS, generates a CSK, builds the I_MESSAGE of E.4 (IDRi the MC
 * service user ID, IDRr the MDSI, SAKKE to the MDSI's UID, ECCSI-signed by
 * the user) and sends it in REGISTER or PUBLISH (as the ICS claims for the
 * token) in multipart/mixed beside the info body, whose access token is
 * encrypted under the CSK (9.3.4.2, F.1.4). Binding shows that the server
 * extracted the CSK and used it (checks/csk-upload.ts says why that is the
 * evidence). Each bad upload breaks one thing and is followed by a correct
 * upload in the same test, its control.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { BAD_UPLOADS, badUploadTable, CSK_UPLOAD_BARE, CSK_UPLOAD_VALID, type BadUpload } from './checks/csk-upload.ts';
import type { Observation } from './checks/authorisation.ts';
import { unobservable, uploadAndObserve, uploadBody, uploader } from './csk.ts';

// In order in one worker (the binding state is shared), and a failure does not skip the tests after it.
test.describe.configure({ mode: 'default' });

const NOT_RUN: Observation = { kind: 'unknown', reason: 'not observed', blame: 'configuration' };

test('5.4 / 9.2.1.3 a correct CSK upload is used: the access token encrypted under the CSK binds the IMPU', { annotation: declare(CSK_UPLOAD_VALID), tag: ['@mcx-server'] }, async ({ mcx, verify, target, evidence }) => {
  const why = unobservable(target, mcx);
  const xmlProtection = target.ics['sip.xml-protection'] === true;
  if (why) return void (await verify.run(CSK_UPLOAD_VALID, { xmlProtection, unobservable: why, before: NOT_RUN, after: NOT_RUN }));
  const u = await uploader(mcx);
  const observed = await uploadAndObserve(mcx, target, u, uploadBody(mcx, u, 'valid', 'upload', evidence));
  await verify.run(CSK_UPLOAD_VALID, { xmlProtection, ...observed });
  await mcx.deregister(u.impu);
});

test('9.3.4.2 an encrypted access token without the optional Type, KeyInfo and EncryptionMethod is still decrypted', { annotation: declare(CSK_UPLOAD_BARE), tag: ['@mcx-server'] }, async ({ mcx, verify, target, evidence }) => {
  const why = unobservable(target, mcx);
  const xmlProtection = target.ics['sip.xml-protection'] === true;
  if (why) return void (await verify.run(CSK_UPLOAD_BARE, { xmlProtection, unobservable: why, before: NOT_RUN, after: NOT_RUN }));
  const u = await uploader(mcx);
  const observed = await uploadAndObserve(mcx, target, u, uploadBody(mcx, u, 'valid', 'upload (token without KeyInfo)', evidence, { bare: true }));
  await verify.run(CSK_UPLOAD_BARE, { xmlProtection, ...observed });
  await mcx.deregister(u.impu);
});

for (const kind of Object.keys(BAD_UPLOADS) as BadUpload[]) {
  const table = badUploadTable(kind);
  test(`5.4 / 9.2.1.3 ${table.exchange}: its CSK is not used`, { annotation: declare(table), tag: ['@mcx-server'] }, async ({ mcx, verify, target, evidence }) => {
    const why = unobservable(target, mcx);
    const xmlProtection = target.ics['sip.xml-protection'] === true;
    if (why) return void (await verify.run(table, { xmlProtection, unobservable: why, before: NOT_RUN, after: NOT_RUN, control: NOT_RUN }));
    const u = await uploader(mcx);
    let original: Observation | undefined;
    let body = uploadBody(mcx, u, kind === 'replayed' ? 'valid' : kind, kind === 'replayed' ? 'first sending (then replayed as is)' : 'upload under test', evidence);
    if (kind === 'replayed') original = (await uploadAndObserve(mcx, target, u, body)).after;
    const { before, after } = await uploadAndObserve(mcx, target, u, body);
    body = uploadBody(mcx, u, 'valid', 'control upload', evidence);
    const control = (await uploadAndObserve(mcx, target, u, body)).after;
    await verify.run(table, { xmlProtection, before, after, control, ...(original ? { original } : {}) });
    await mcx.deregister(u.impu);
  });
}
