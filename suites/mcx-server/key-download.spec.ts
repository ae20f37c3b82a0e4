/**
 * 5.8 / 9.2.1.4 key download of a CSK from the MCX server to the MC client.
 * The server decides when to send one; the target file says what makes it
 * (mcxServer.keyDownload: after an accepted CSK upload). The suite uploads
 * a CSK without an access token (so nothing is bound yet), waits for the
 * download at its UE, verifies the I_MESSAGE with the user's key set and
 * answers 200, then sends its token encrypted under the old CSK and under
 * the downloaded one: only the latter may bind (9.2.1.2).
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { unmet } from '../../lib/harness/check.ts';
import { parseIMessage } from '../../lib/mikey/codec.ts';
import { renderTree } from '../../lib/mikey/render.ts';
import { verifyIMessage, type VerifyResult } from '../../lib/mikey/verify.ts';
import { headerValue, methodOf, parseMultipart, type SipMessage } from '../../lib/sip/index.ts';
import { CSK_UPDATE, KEY_DOWNLOAD, type KeyDownloadInput } from './checks/key-download.ts';
import type { Observation } from './checks/authorisation.ts';
import { cannotUpload, encryptedTokenInfo, unobservable, uploadBody, uploader } from './csk.ts';

test.describe.configure({ mode: 'default' });

const DEFAULT_WITHIN_MS = 5_000;
/** Time for the UE's 200 to reach the server through the SIP core before the suite tries the keys. */
const SETTLE_MS = 300;
const NOT_RUN: Observation = { kind: 'unknown', reason: 'not observed', blame: 'configuration' };

/** The I_MESSAGE of a key download body: application/mikey, alone or as a multipart part. */
function mikeyOf(m: SipMessage): { mikey?: Uint8Array; problem?: string } {
  const type = headerValue(m, 'content-type') ?? '';
  if (/^application\/mikey\b/i.test(type)) return { mikey: m.body };
  if (/^multipart\//i.test(type)) {
    const part = parseMultipart(m.body, type).parts.find((p) => /^application\/mikey\b/i.test(p.contentType));
    return part ? { mikey: part.body } : { problem: `no application/mikey part in the ${type.split(';')[0]} body` };
  }
  return { problem: `body of type '${type || '(none)'}'` };
}

test('5.8 / 9.2.1.4 the server downloads a new CSK to the user, signed by its identity; afterwards only the new CSK is accepted', { annotation: declare(KEY_DOWNLOAD, CSK_UPDATE), tag: ['@mcx-server'] }, async ({ mcx, verify, target, evidence }) => {
  const kd = mcx.target.keyDownload;
  const why = cannotUpload(target, mcx) ?? (kd ? undefined : unmet('the target file gives no mcxServer.keyDownload: what makes the server send a key download, which it does at its own discretion (5.8, 9.2.1.4)', 'configuration'));
  const expectedInitiator = kd?.initiatorUri ?? mcx.target.mdsi ?? '';
  if (why) {
    await verify.run(KEY_DOWNLOAD, { unobservable: why, request: { none: 'not run' }, expectedInitiator });
    await verify.run(CSK_UPDATE, { unobservable: why, before: NOT_RUN, underOld: NOT_RUN, underNew: NOT_RUN });
    return;
  }
  // The download is graded whatever the ICS; what the server accepts afterwards only shows through XML protection.
  const afterwards = unobservable(target, mcx);
  const u = await uploader(mcx);
  await mcx.deregister(u.impu);
  const before = await mcx.observe(u.impu);
  const upload = uploadBody(mcx, u, 'valid', 'upload (without an access token)', evidence, { withToken: false });
  if (target.ics['mcx-server.token-in-publish'] !== true) await mcx.ue.registerWith(u.impu, upload);
  else {
    await mcx.ue.register(u.impu, mcx.service, undefined);
    await mcx.ue.publishWith(u.impu, mcx.service, upload);
  }
  const withinMs = kd!.withinMs ?? DEFAULT_WITHIN_MS;
  const tx = await mcx.ue.incoming(withinMs);
  let request: KeyDownloadInput['request'] = { none: `no request reached the UE within ${withinMs} ms of the accepted CSK upload (mcxServer.keyDownload.after: csk-upload)` };
  let verified: VerifyResult | undefined;
  if (tx) {
    const m = tx.request.message;
    const body = mikeyOf(m);
    request = { method: methodOf(m) ?? '', ...body };
    if (body.mikey) {
      const k = u.keys;
      const period = { kmsUri: k.kmsUri, keyPeriod: k.keyPeriod, keyPeriodOffset: k.keyPeriodOffset };
      verified = verifyIMessage(body.mikey, { kind: 'csk-download', initiatorKms: { ...period, kpak: k.kpak }, receiver: { ...period, uri: u.userId, rsk: k.rsk, zT: k.zT, keyPeriodNo: k.keyPeriodNo } });
      const tree = parseIMessage(body.mikey);
      evidence.record('mikey', 'key download: the I_MESSAGE received', tree.ok ? renderTree(tree.message) : `does not decode: ${tree.error.reason}`);
    }
    // 5.8.2 step 2: 200 once the key is out and verified (as a client must); the spec names no failure answer, 488 says the body was not acceptable.
    await tx.reply(verified?.verified ? 200 : 488).catch(() => undefined);
  }
  await verify.run(KEY_DOWNLOAD, { request, verified, expectedInitiator });
  if (afterwards) return void (await verify.run(CSK_UPDATE, { unobservable: afterwards, before, underOld: NOT_RUN, underNew: NOT_RUN }));

  const downloaded = verified?.verified && verified.key && verified.keyId !== undefined ? { key: verified.key, id: verified.keyId } : undefined;
  if (!downloaded) {
    const notDownloaded = 'no CSK was downloaded that verifies, so the UE did not accept one (graded by the key download checks)';
    return void (await verify.run(CSK_UPDATE, { notDownloaded, before, underOld: NOT_RUN, underNew: NOT_RUN }));
  }
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  await mcx.ue.publishWith(u.impu, mcx.service, encryptedTokenInfo(mcx, u, upload.csk));
  const underOld = await mcx.observe(u.impu);
  await mcx.ue.publishWith(u.impu, mcx.service, encryptedTokenInfo(mcx, u, downloaded));
  const underNew = await mcx.observe(u.impu);
  await verify.run(CSK_UPDATE, { before, underOld, underNew });
  await mcx.deregister(u.impu);
});
