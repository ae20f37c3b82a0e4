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
import { test, type McxSuite } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { unmet, type Unmet } from '../../lib/harness/check.ts';
import { buildIMessage, randomKeyId } from '../../lib/mikey/build.ts';
import { renderTree } from '../../lib/mikey/render.ts';
import { PurposeTag } from '../../lib/mikey/constants.ts';
import { ntpFromUnixMs } from '../../lib/crypto/ntp.ts';
import { keyPeriodNumber } from '../../lib/crypto/uid.ts';
import { encryptContent } from '../../lib/kms-xml/xpk-content.ts';
import { buildMcInfo, buildMultipart, mcInfoContentType } from '../../lib/sip/index.ts';
import type { UserKeyMaterial } from '../../lib/kms-xml/provision.ts';
import type { Target } from '../../lib/target/types.ts';
import { BAD_UPLOADS, badUploadTable, CSK_UPLOAD_VALID, type BadUpload } from './checks/csk-upload.ts';
import type { Observation } from './checks/authorisation.ts';

// In order in one worker (the binding state is shared), and a failure does not skip the tests after it.
test.describe.configure({ mode: 'default' });

const ONE_HOUR_MS = 3_600_000;
/** Octets after r in an ECCSI signature: s (32) and the PVT (65). */
const ECCSI_PVT_AND_S = 32 + 65;

interface Uploader {
  impu: string;
  token: string;
  userId: string;
  mdsi: string;
  keys: UserKeyMaterial;
}

/** Why the CSK's use cannot be observed with this target, or undefined. */
function unobservable(target: Target, mcx: McxSuite): Unmet | undefined {
  if (target.ics['sip.xml-protection'] !== true) {
    return unmet("the ICS does not claim sip.xml-protection: the server's use of an uploaded CSK shows only in XML protected under it (9.3) or in SRTCP (9.4, not yet driven by the suite)", 'configuration');
  }
  if (target.ics['mcx-server.token-in-register'] !== true && target.ics['mcx-server.token-in-publish'] !== true) {
    return unmet('the ICS claims neither mcx-server.token-in-register nor mcx-server.token-in-publish: the message that carries the CSK upload (9.2.1.3 step 2) is unknown', 'configuration');
  }
  if (mcx.noObservation) return unmet(mcx.noObservation, 'configuration');
  if (!mcx.target.mdsi) return unmet('the target file gives no mcxServer.mdsi: the CSK upload is addressed (IDRr) and encrypted (SAKKE) to the MDSI (5.4)', 'configuration');
  if (!target.kms) return unmet("the target file has no kms section: the CSK upload is signed with the user's key set from the domain's KMS (5.4, 5.3.3)", 'configuration');
  return undefined;
}

async function uploader(mcx: McxSuite): Promise<Uploader> {
  const user = mcx.users[0]!;
  const token = await mcx.token('valid');
  const userId = mcx.serviceUserId(token);
  return { impu: user.impu, token, userId, mdsi: mcx.target.mdsi!, keys: await mcx.keyMaterial(user, token) };
}

/** A time an hour from now inside the current key period (so only the timestamp is wrong, not the UIDs). */
function staleTime(keys: UserKeyMaterial, now: number): number {
  const period = (t: number) => keyPeriodNumber(ntpFromUnixMs(t).seconds, keys.keyPeriod, keys.keyPeriodOffset);
  return period(now - ONE_HOUR_MS) === period(now) ? now - ONE_HOUR_MS : now + ONE_HOUR_MS;
}

/** The multipart body of a CSK upload of `kind` and the token encrypted under its CSK. */
function uploadBody(mcx: McxSuite, u: Uploader, kind: Exclude<BadUpload, 'replayed'> | 'valid', label: string, evidence: { record: (k: 'mikey', l: string, d: unknown) => void }) {
  const k = u.keys;
  const now = Date.now();
  const period = { kmsUri: k.kmsUri, keyPeriod: k.keyPeriod, keyPeriodOffset: k.keyPeriodOffset };
  const built = buildIMessage({
    kind: 'csk-upload',
    initiator: { ...period, uri: u.userId, ssk: k.ssk, pvt: k.pvt, kpak: k.kpak, zT: k.zT },
    // The MDSI's key material comes from the same KMS (mcxServer names no other).
    receiver: { ...period, uri: u.mdsi, zT: k.zT },
    time: kind === 'stale-timestamp' ? staleTime(k, now) : now,
    ...(kind === 'wrong-purpose-tag' ? { keyId: ((PurposeTag.PCK << 28) | (randomKeyId('csk-upload') & 0x0fffffff)) >>> 0 } : {}),
    ...(kind === 'wrong-idrr' ? { claim: { receiverUri: `sip:not-the-mdsi@${mcx.target.domain}` } } : {}),
    ...(kind === 'unknown-kms' ? { claim: { initiatorKmsUri: 'kms.unknown.invalid' } } : {}),
  });
  const bytes = Uint8Array.from(built.bytes);
  // The ECCSI signature ends the message as r || s || PVT (RFC 6507): flip the last bit of r, so the PVT stays a point.
  if (kind === 'bad-signature') bytes[bytes.length - ECCSI_PVT_AND_S - 1]! ^= 0x01;
  evidence.record('mikey', `${label}: the I_MESSAGE sent (${kind === 'valid' ? 'correct' : BAD_UPLOADS[kind].what})`, renderTree(built.message));
  const svc = mcx.service;
  const encrypted = encryptContent(`<${svc}String>${u.token}</${svc}String>`, { key: built.key, id: built.keyId }, u.userId);
  const info = buildMcInfo({ service: svc, accessToken: { type: 'Encrypted', value: encrypted } });
  const multipart = buildMultipart([
    { contentType: 'application/mikey', body: bytes },
    { contentType: mcInfoContentType(svc), body: info },
  ]);
  return { contentType: multipart.contentType, octets: multipart.octets };
}

/** Clean, upload, observe; the observations before and after. */
async function uploadAndObserve(mcx: McxSuite, target: Target, u: Uploader, body: { contentType: string; octets: Uint8Array }): Promise<{ before: Observation; after: Observation }> {
  await mcx.deregister(u.impu);
  const before = await mcx.observe(u.impu);
  if (target.ics['mcx-server.token-in-register'] === true) await mcx.ue.registerWith(u.impu, body);
  else {
    await mcx.ue.register(u.impu, mcx.service, undefined);
    await mcx.ue.publishWith(u.impu, mcx.service, body);
  }
  return { before, after: await mcx.observe(u.impu) };
}

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
