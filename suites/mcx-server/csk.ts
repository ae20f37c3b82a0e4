/**
 * What the mcx-server tests of CSK upload and key download share: the
 * uploading user (token, MC service user ID, key set from the KMS), the
 * E.4 upload body (multipart/mixed: the I_MESSAGE and the info body whose
 * access token is encrypted under the CSK), and the upload-then-observe step.
 */
import type { McxSuite } from './fixture.ts';
import { unmet, type Unmet } from '../../lib/harness/check.ts';
import { buildIMessage, randomKeyId } from '../../lib/mikey/build.ts';
import { renderTree } from '../../lib/mikey/render.ts';
import { PurposeTag } from '../../lib/mikey/constants.ts';
import { ntpFromUnixMs } from '../../lib/crypto/ntp.ts';
import { keyPeriodNumber } from '../../lib/crypto/uid.ts';
import { encryptContent, type Xpk } from '../../lib/kms-xml/xpk-content.ts';
import { signMimeBody } from '../../lib/kms-xml/mime-signature.ts';
import { randomBytes } from 'node:crypto';
import { buildMcInfo, buildMultipart, mcInfoContentType } from '../../lib/sip/index.ts';
import type { UserKeyMaterial } from '../../lib/kms-xml/provision.ts';
import type { Target } from '../../lib/target/types.ts';
import { BAD_UPLOADS, type BadUpload } from './checks/csk-upload.ts';
import type { Observation } from './checks/authorisation.ts';

const ONE_HOUR_MS = 3_600_000;
/** Octets after r in an ECCSI signature: s (32) and the PVT (65). */
export const ECCSI_PVT_AND_S = 32 + 65;

export interface Uploader {
  impu: string;
  token: string;
  userId: string;
  mdsi: string;
  keys: UserKeyMaterial;
}

/** Why the suite cannot make a CSK upload to this target, or undefined. */
export function cannotUpload(target: Target, mcx: McxSuite): Unmet | undefined {
  if (!mcx.target.mdsi) return unmet('the target file gives no mcxServer.mdsi: the CSK upload is addressed (IDRr) and encrypted (SAKKE) to the MDSI (5.4)', 'configuration');
  if (!target.kms) return unmet("the target file has no kms section: the CSK upload is signed with the user's key set from the domain's KMS (5.4, 5.3.3)", 'configuration');
  return undefined;
}

/** Why the server's use of a CSK cannot be observed with this target, or undefined. */
export function unobservable(target: Target, mcx: McxSuite): Unmet | undefined {
  if (target.ics['sip.xml-protection'] !== true) {
    return unmet("the ICS does not claim sip.xml-protection: the server's use of a CSK shows only in XML protected under it (9.3) or in SRTCP (9.4, the floor control test)", 'configuration');
  }
  return cannotUploadWithToken(target, mcx);
}

/** Why the suite cannot upload a CSK beside an access token and then see the IMPU bound, or undefined. */
export function cannotUploadWithToken(target: Target, mcx: McxSuite): Unmet | undefined {
  if (target.ics['mcx-server.token-in-register'] !== true && target.ics['mcx-server.token-in-publish'] !== true) {
    return unmet('the ICS claims neither mcx-server.token-in-register nor mcx-server.token-in-publish: the message that carries the protected access token (9.2.1.3 step 2) is unknown', 'configuration');
  }
  if (mcx.noObservation) return unmet(mcx.noObservation, 'configuration');
  return cannotUpload(target, mcx);
}

export async function uploader(mcx: McxSuite): Promise<Uploader> {
  const user = mcx.users[0]!;
  const token = await mcx.token('valid');
  const userId = mcx.serviceUserId(token);
  return { impu: user.impu, token, userId, mdsi: mcx.target.mdsi!, keys: await mcx.keyMaterial(user, token) };
}

type Evidence = { record: (kind: 'mikey', label: string, data: unknown) => void };

/** A time an hour from now inside the current key period (so only the timestamp is wrong, not the UIDs). */
function staleTime(keys: UserKeyMaterial, now: number): number {
  const period = (t: number) => keyPeriodNumber(ntpFromUnixMs(t).seconds, keys.keyPeriod, keys.keyPeriodOffset);
  return period(now - ONE_HOUR_MS) === period(now) ? now - ONE_HOUR_MS : now + ONE_HOUR_MS;
}

/** How the info body is signed (9.3.5): correctly, under a key that is not the F.1.4 integrity key, or correctly but the body changed afterwards. */
export type Signing = 'valid' | 'wrong-key' | 'altered-body';

const INFO_CID = 'info@mcx-conformance.invalid';

/** The multipart body of a CSK upload of `kind` and the token encrypted under its CSK (and signed when `sign` says). */
export function uploadBody(mcx: McxSuite, u: Uploader, kind: Exclude<BadUpload, 'replayed'> | 'valid', label: string, evidence: Evidence, options: { withToken?: boolean; bare?: boolean; sign?: Signing; clearToken?: boolean } = {}) {
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
  const csk: Xpk = { key: built.key, id: built.keyId };
  // clearToken: a server without XML protection (9.3) reads the token as is; only SRTCP can show the CSK in use then.
  const info = options.clearToken ? Buffer.from(buildMcInfo({ service: mcx.service, accessToken: { type: 'Normal', value: u.token } })) : encryptedTokenInfo(mcx, u, csk, { bare: options.bare, alterTag: kind === 'altered-tag' }).octets;
  const parts: Parameters<typeof buildMultipart>[0] = [{ contentType: 'application/mikey', body: bytes }];
  if (options.withToken !== false && !options.sign) parts.push({ contentType: mcInfoContentType(mcx.service), body: info });
  if (options.withToken !== false && options.sign) {
    const signature = signMimeBody(INFO_CID, info, csk, u.userId, options.sign === 'wrong-key' ? { key: Uint8Array.from(randomBytes(16)) } : {});
    // altered-body: one more line break after the root element, a change no XML parser reports.
    const sent = options.sign === 'altered-body' ? Buffer.concat([Buffer.from(info), Buffer.from('\r\n')]) : info;
    parts.push({ contentType: mcInfoContentType(mcx.service), headers: [['Content-ID', `<${INFO_CID}>`]], body: sent });
    parts.push({ contentType: signatureContentType(mcx), body: signature });
  }
  const multipart = buildMultipart(parts);
  // The I_MESSAGE's RAND: with the CSK and CSK-ID it keys SRTCP (9.4.2).
  const rand = built.message.payloads.find((p) => p.kind === 'RAND');
  return { contentType: multipart.contentType, octets: multipart.octets, csk, rand: rand?.kind === 'RAND' ? rand.rand : new Uint8Array(0) };
}

/** The MIME type of the body holding the signatures (mcxServer.xmlSignatureContentType; an assumption otherwise, see README). */
export function signatureContentType(mcx: McxSuite): string {
  return mcx.target.xmlSignatureContentType ?? `application/vnd.3gpp.${mcx.service}-signed+xml`;
}

/** The info body whose access token is encrypted under `csk` (9.3.4.2 with the F.1.4 key); `bare`: without the optional Type, KeyInfo and EncryptionMethod. */
export function encryptedTokenInfo(mcx: McxSuite, u: Uploader, csk: Xpk, options: { bare?: boolean; alterTag?: boolean } = {}): { contentType: string; octets: Uint8Array } {
  const svc = mcx.service;
  const encrypted = encryptContent(`<${svc}String>${u.token}</${svc}String>`, csk, u.userId, { ...(options.bare ? { keyName: null, bare: true } : {}), ...(options.alterTag ? { alterTag: true } : {}) });
  return { contentType: mcInfoContentType(svc), octets: Buffer.from(buildMcInfo({ service: svc, accessToken: { type: 'Encrypted', value: encrypted } })) };
}

/** Clean, upload, observe; the observations before and after. */
export async function uploadAndObserve(mcx: McxSuite, target: Target, u: Uploader, body: { contentType: string; octets: Uint8Array }): Promise<{ before: Observation; after: Observation }> {
  await mcx.deregister(u.impu);
  const before = await mcx.observe(u.impu);
  if (target.ics['mcx-server.token-in-register'] === true) await mcx.ue.registerWith(u.impu, body);
  else {
    await mcx.ue.register(u.impu, mcx.service, undefined);
    await mcx.ue.publishWith(u.impu, mcx.service, body);
  }
  return { before, after: await mcx.observe(u.impu) };
}

