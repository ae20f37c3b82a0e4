/**
 * UIDs of the parties of an I_MESSAGE (F.2.1): the identifier, its KMS and
 * the key period that contains the message timestamp (F.2.1.1 notes 2, 3).
 */
import { keyPeriodNumber, mikeySakkeUid } from '../crypto/uid.ts';

/** What a KMS certificate says about key periods (D.3.2.2: UserKeyPeriod, UserKeyOffset). */
export interface KeyPeriodInfo {
  /** KMS identifier as it appears in IDRkmsi / IDRkmsr (KmsUri). */
  kmsUri: string;
  /** Seconds per key period (UserKeyPeriod). */
  keyPeriod: number;
  /** Offset of the first period from 1900 in seconds (UserKeyOffset). */
  keyPeriodOffset: number;
}

export function uidAt(userUri: string, kms: KeyPeriodInfo, ntpSeconds: number): Uint8Array {
  return mikeySakkeUid({
    userUri, kmsUri: kms.kmsUri, keyPeriod: kms.keyPeriod, keyPeriodOffset: kms.keyPeriodOffset,
    keyPeriodNo: keyPeriodNumber(ntpSeconds, kms.keyPeriod, kms.keyPeriodOffset),
  });
}
