/**
 * A throw-away MIKEY-SAKKE security domain for tests, benchmarks and
 * `tool mikey-create`: one KMS (SAKKE + ECCSI master keys), and per-party key
 * material for the key period that contains a given time.
 */
import { eccsiGenerateKms, eccsiIssueUserKey, type EccsiKmsKeys } from '../crypto/eccsi.ts';
import { ntpFromUnixMs } from '../crypto/ntp.ts';
import { sakkeGenerateKms, sakkeIssueRsk, type SakkeKmsKeys } from '../crypto/sakke.ts';
import type { InitiatorMaterial, ReceiverMaterial } from './build.ts';
import { uidAt, type KeyPeriodInfo } from './identity.ts';
import type { VerifyKeys } from './verify.ts';

export interface TestKms extends KeyPeriodInfo {
  sakke: SakkeKmsKeys;
  eccsi: EccsiKmsKeys;
}

/** A KMS with 30-day key periods (the F.2.1.2 example uses 2592000 s) and offset 0. */
export function createTestKms(kmsUri = 'kms.example.org', keyPeriod = 2_592_000, keyPeriodOffset = 0): TestKms {
  return { kmsUri, keyPeriod, keyPeriodOffset, sakke: sakkeGenerateKms(), eccsi: eccsiGenerateKms() };
}

/** Signing material (and Z_T for SAKKE-to-self) for `uri` at `timeMs`. */
export function initiatorMaterial(kms: TestKms, uri: string, timeMs: number): InitiatorMaterial {
  const uid = uidAt(uri, kms, ntpFromUnixMs(timeMs).seconds);
  const { ssk, pvt } = eccsiIssueUserKey(kms.eccsi, uid);
  return { uri, kmsUri: kms.kmsUri, keyPeriod: kms.keyPeriod, keyPeriodOffset: kms.keyPeriodOffset, ssk, pvt, kpak: kms.eccsi.kpak, zT: kms.sakke.zT };
}

export function receiverMaterial(kms: TestKms, uri: string): ReceiverMaterial {
  return { uri, kmsUri: kms.kmsUri, keyPeriod: kms.keyPeriod, keyPeriodOffset: kms.keyPeriodOffset, zT: kms.sakke.zT };
}

/** What a receiver holds: its RSK for the period and both KMS certificates. */
export function receiverKeys(receiverKms: TestKms, uri: string, timeMs: number, initiatorKms: TestKms = receiverKms): VerifyKeys {
  const uid = uidAt(uri, receiverKms, ntpFromUnixMs(timeMs).seconds);
  return {
    initiatorKms: { kmsUri: initiatorKms.kmsUri, keyPeriod: initiatorKms.keyPeriod, keyPeriodOffset: initiatorKms.keyPeriodOffset, kpak: initiatorKms.eccsi.kpak },
    receiver: { uri, kmsUri: receiverKms.kmsUri, keyPeriod: receiverKms.keyPeriod, keyPeriodOffset: receiverKms.keyPeriodOffset, rsk: sakkeIssueRsk(receiverKms.sakke, uid), zT: receiverKms.sakke.zT },
  };
}
