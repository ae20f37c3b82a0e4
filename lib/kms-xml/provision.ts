/**
 * A user's MIKEY-SAKKE key material fetched from a KMS as an MC client's key
 * management client gets it (5.3.3, D.2.3, D.2.4): KMS Initialize for the
 * KMS certificate, KeyProvision for the current key set, both opened (signature,
 * TrK decryption) by lib/kms-xml/open.ts, and validated against the
 * certificate (RSK: RFC 6508 6.1.2, SSK/PVT: RFC 6507 5.1.2) before anyone
 * relies on it: a suite that signs or decrypts as the user (CSK upload, key
 * download, group members) must not blame its target for a KMS's bad keys.
 * Grading the KMS is the kms suite's job: a failure here is a reason, never a verdict.
 */
import { fromHex } from '../crypto/bytes.ts';
import { ntpFromUnixMs } from '../crypto/ntp.ts';
import { keyPeriodNumber, mikeySakkeUid } from '../crypto/uid.ts';
import { sakkeValidateRsk } from '../crypto/sakke.ts';
import { eccsiValidateUserKey } from '../crypto/eccsi.ts';
import type { KmClient, KmsExchange } from './client.ts';
import type { KeyMaterial } from './open.ts';

export interface UserKeyMaterial {
  /** The identity of the key set (the user URI, or one of its authorised identities, 9.6.3.2). */
  userUri: string;
  kmsUri: string;
  keyPeriod: number;
  keyPeriodOffset: number;
  /** KPAK (PubAuthKey) and Z_T (PubEncKey) of the KMS certificate. */
  kpak: Uint8Array;
  zT: Uint8Array;
  keyPeriodNo: number;
  ssk: Uint8Array;
  pvt: Uint8Array;
  rsk: Uint8Array;
  /** The certificate's IsSecurityGateway (D.3.2.2): the user is represented by an MC security gateway (5.7.2, Annex L). */
  isSecurityGateway: boolean;
}

export type ProvisionOutcome = { ok: true; material: UserKeyMaterial; exchanges: KmsExchange[] } | { ok: false; reason: string; exchanges: KmsExchange[] };

function statusOf(ex: KmsExchange): string | undefined {
  if (!ex.http.ok) return `${ex.label}: no answer (${ex.http.error})`;
  if (ex.http.status < 200 || ex.http.status >= 300) return `${ex.label}: HTTP ${ex.http.status}`;
  if (!ex.opened?.doc) return `${ex.label}: the response could not be read (${ex.opened?.readFailure ?? 'empty body'})`;
  return undefined;
}

function bytesOf(name: string, m: KeyMaterial): Uint8Array | string {
  return m.bytes ?? `${name}: ${m.problem ?? m.form}`;
}

/**
 * Initialize, then KeyProvision for `userUri` with `accessToken`; the key set
 * of the current period whose UserUri is `userUri`, or the first that
 * `identity` picks (an authorised identity of the user, 9.6.3.2).
 */
export async function provisionUser(client: KmClient, userUri: string, accessToken: string, now = Date.now(), identity?: (keySetUri: string) => boolean): Promise<ProvisionOutcome> {
  const exchanges: KmsExchange[] = [];
  const init = await client.send({ type: 'init', userUri, accessToken, label: `init for ${userUri}` });
  exchanges.push(init);
  const initProblem = statusOf(init);
  if (initProblem) return { ok: false, reason: initProblem, exchanges };
  const cert = init.opened!.doc!.message?.init?.certificate;
  if (!cert) return { ok: false, reason: `${init.label}: no KmsCertificate in the response`, exchanges };
  const kpak = fromHex(cert.pubAuthKey);
  const zT = fromHex(cert.pubEncKey);
  const keyPeriod = Number(cert.userKeyPeriod);
  const keyPeriodOffset = Number(cert.userKeyOffset);
  if (!kpak || !zT || !Number.isSafeInteger(keyPeriod) || keyPeriod <= 0 || !Number.isSafeInteger(keyPeriodOffset) || keyPeriodOffset < 0) {
    return { ok: false, reason: `${init.label}: the KmsCertificate's PubAuthKey, PubEncKey, UserKeyPeriod or UserKeyOffset does not read`, exchanges };
  }
  const prov = await client.send({ type: 'keyprov', userUri, accessToken, label: `keyprov for ${userUri}` });
  exchanges.push(prov);
  const provProblem = statusOf(prov);
  if (provProblem) return { ok: false, reason: provProblem, exchanges };
  const opened = prov.opened!.keySets;
  if (opened.length === 0) return { ok: false, reason: `${prov.label}: no KmsKeySet in the response`, exchanges };
  // A KMS may add the next period's key set: take the one of the period that contains `now` (F.2.1).
  let period: number;
  try {
    period = keyPeriodNumber(ntpFromUnixMs(now).seconds, keyPeriod, keyPeriodOffset);
  } catch (err) {
    return { ok: false, reason: `${init.label}: the certificate's key periods do not cover now (${(err as Error).message})`, exchanges };
  }
  const inPeriod = opened.filter((k) => Number(k.set.keyPeriodNo) === period);
  if (inPeriod.length === 0) return { ok: false, reason: `${prov.label}: no KmsKeySet for the current key period ${period} (KeyPeriodNo ${opened.map((k) => k.set.keyPeriodNo).join(', ')})`, exchanges };
  // A KMS that issues one set names it as it likes; among several (authorised identities), the one asked for.
  const current = identity ? inPeriod.find((k) => identity(k.set.userUri ?? '')) : inPeriod.length === 1 ? inPeriod[0] : (inPeriod.find((k) => k.set.userUri === userUri) ?? inPeriod[0]);
  if (!current) return { ok: false, reason: `${prov.label}: no KmsKeySet of the current key period for the identity asked for (UserUri ${inPeriod.map((k) => k.set.userUri).join(', ')})`, exchanges };
  const setUri = identity ? current.set.userUri! : userUri;
  const ssk = bytesOf('UserSigningKeySSK', current.ssk);
  const pvt = bytesOf('UserPubTokenPVT', current.pvt);
  const rsk = bytesOf('UserDecryptKey', current.rsk);
  for (const v of [ssk, pvt, rsk]) if (typeof v === 'string') return { ok: false, reason: `${prov.label}: ${v}`, exchanges };
  const uid = mikeySakkeUid({ userUri: setUri, kmsUri: cert.kmsUri, keyPeriod, keyPeriodOffset, keyPeriodNo: period });
  const rskCheck = sakkeValidateRsk(zT, uid, rsk as Uint8Array);
  if (!rskCheck.ok) return { ok: false, reason: `${prov.label}: the UserDecryptKey does not validate against the certificate's PubEncKey (RFC 6508 6.1.2): ${rskCheck.reason}`, exchanges };
  const signing = eccsiValidateUserKey(kpak, uid, ssk as Uint8Array, pvt as Uint8Array);
  if (!signing.ok) return { ok: false, reason: `${prov.label}: the UserSigningKeySSK / UserPubTokenPVT do not validate against the certificate's PubAuthKey (RFC 6507 5.1.2): ${signing.reason}`, exchanges };
  return {
    ok: true,
    exchanges,
    material: { userUri: setUri, kmsUri: cert.kmsUri, keyPeriod, keyPeriodOffset, kpak, zT, keyPeriodNo: period, ssk: ssk as Uint8Array, pvt: pvt as Uint8Array, rsk: rsk as Uint8Array, isSecurityGateway: /^true$/i.test(cert.isSecurityGateway ?? '') },
  };
}
