/**
 * 5.8 / 9.2.1.4 key download of a CSK from the MCX server to the MC client.
 * The server decides when to send one; the target file says what makes it
 * (mcxServer.keyDownload: after an accepted CSK upload). The suite uploads
 * a CSK without an access token (so nothing is bound yet), waits for the
 * download at its UE, verifies the I_MESSAGE with the user's key set and
 * answers 200, then sends its token encrypted under the old CSK and under
 * the downloaded one: only the latter may bind (9.2.1.2).
 */
import { test, type McxSuite } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { unmet } from '../../lib/harness/check.ts';
import { parseIMessage } from '../../lib/mikey/codec.ts';
import { renderTree } from '../../lib/mikey/render.ts';
import { verifyIMessage, type VerifyResult } from '../../lib/mikey/verify.ts';
import { headerValue, methodOf, parseMultipart, type SipMessage } from '../../lib/sip/index.ts';
import { CSK_UPDATE, CSK_UPDATE_REFUSED, KEY_DOWNLOAD, type KeyDownloadInput } from './checks/key-download.ts';
import type { Observation } from './checks/authorisation.ts';
import { cannotUpload, encryptedTokenInfo, unobservable, uploadBody, uploader, type Uploader } from './csk.ts';
import type { Xpk } from '../../lib/kms-xml/xpk-content.ts';
import type { Target } from '../../lib/target/types.ts';

test.describe.configure({ mode: 'default' });

const DEFAULT_WITHIN_MS = 5_000;
/** Time for the UE's 200 to reach the server through the SIP core before the suite tries the keys. */
const SETTLE_MS = 1_000;
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

type Evidence = { record: (kind: 'mikey', label: string, data: unknown) => void };

/**
 * Uploads a CSK without a token (nothing bound), waits for the key download
 * at the UE, verifies it and answers: 200 when it verifies and `accept`, else 488.
 */
async function receiveDownload(mcx: McxSuite, target: Target, u: Uploader, evidence: Evidence, accept: boolean) {
  await mcx.deregister(u.impu);
  const before = await mcx.observe(u.impu);
  const upload = uploadBody(mcx, u, 'valid', 'upload (without an access token)', evidence, { withToken: false });
  if (target.ics['mcx-server.token-in-publish'] !== true) await mcx.ue.registerWith(u.impu, upload);
  else {
    await mcx.ue.register(u.impu, mcx.service, undefined);
    await mcx.ue.publishWith(u.impu, mcx.service, upload);
  }
  const withinMs = mcx.target.keyDownload!.withinMs ?? DEFAULT_WITHIN_MS;
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
    await tx.reply(accept && verified?.verified ? 200 : 488).catch(() => undefined);
  }
  const downloaded: Xpk | undefined = verified?.verified && verified.key && verified.keyId !== undefined ? { key: verified.key, id: verified.keyId } : undefined;
  return { before, uploaded: upload.csk, request, verified, downloaded };
}

/** Publishes the token encrypted under `csk` and reads the binding. */
async function tokenUnder(mcx: McxSuite, u: Uploader, csk: Xpk): Promise<Observation> {
  await mcx.ue.publishWith(u.impu, mcx.service, encryptedTokenInfo(mcx, u, csk));
  return mcx.observe(u.impu);
}

const noKeyDownloadField = (mcx: McxSuite) =>
  mcx.target.keyDownload ? undefined : unmet('the target file gives no mcxServer.keyDownload: what makes the server send a key download, which it does at its own discretion (5.8, 9.2.1.4)', 'configuration');

test('5.8 / 9.2.1.4 the server downloads a new CSK to the user, signed by its identity; afterwards only the new CSK is accepted', { annotation: declare(KEY_DOWNLOAD, CSK_UPDATE), tag: ['@mcx-server'] }, async ({ mcx, verify, target, evidence }) => {
  const why = cannotUpload(target, mcx) ?? noKeyDownloadField(mcx);
  const expectedInitiator = mcx.target.keyDownload?.initiatorUri ?? mcx.target.mdsi ?? '';
  if (why) {
    await verify.run(KEY_DOWNLOAD, { unobservable: why, request: { none: 'not run' }, expectedInitiator });
    await verify.run(CSK_UPDATE, { unobservable: why, before: NOT_RUN, underOld: NOT_RUN, underNew: NOT_RUN });
    return;
  }
  // The download is graded whatever the ICS; what the server accepts afterwards only shows through XML protection.
  const afterwards = unobservable(target, mcx);
  const u = await uploader(mcx);
  const { before, uploaded, request, verified, downloaded } = await receiveDownload(mcx, target, u, evidence, true);
  await verify.run(KEY_DOWNLOAD, { request, verified, expectedInitiator });
  if (afterwards) return void (await verify.run(CSK_UPDATE, { unobservable: afterwards, before, underOld: NOT_RUN, underNew: NOT_RUN }));
  if (!downloaded) {
    const notDownloaded = 'no CSK was downloaded that verifies, so the UE did not accept one (graded by the key download checks)';
    return void (await verify.run(CSK_UPDATE, { notDownloaded, before, underOld: NOT_RUN, underNew: NOT_RUN }));
  }
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const underOld = await tokenUnder(mcx, u, uploaded);
  const underNew = await tokenUnder(mcx, u, downloaded);
  await verify.run(CSK_UPDATE, { before, underOld, underNew });
  await mcx.deregister(u.impu);
});

test('5.8.2 a key download the UE refuses is not used: the server keeps the CSK it had', { annotation: declare(CSK_UPDATE_REFUSED), tag: ['@mcx-server'] }, async ({ mcx, verify, target, evidence }) => {
  const why = unobservable(target, mcx) ?? noKeyDownloadField(mcx);
  if (why) return void (await verify.run(CSK_UPDATE_REFUSED, { unobservable: why, before: NOT_RUN, underOld: NOT_RUN, underNew: NOT_RUN }));
  const u = await uploader(mcx);
  const { before, uploaded, downloaded } = await receiveDownload(mcx, target, u, evidence, false);
  if (!downloaded) {
    const notDownloaded = 'no key download arrived that verifies (graded by the key download test): there is no new CSK to try';
    return void (await verify.run(CSK_UPDATE_REFUSED, { notDownloaded, before, underOld: NOT_RUN, underNew: NOT_RUN }));
  }
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  // The refused key first: a server that took it would bind here.
  const underNew = await tokenUnder(mcx, u, downloaded);
  const underOld = await tokenUnder(mcx, u, uploaded);
  await verify.run(CSK_UPDATE_REFUSED, { before, underOld, underNew });
  await mcx.deregister(u.impu);
});
