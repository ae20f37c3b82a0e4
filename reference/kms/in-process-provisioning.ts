import { FaultSet } from '../fault.ts';
import { KeyStore, type KeySetData, type KmsCertificateData } from './key-store.ts';

/**
 * Key material the reference KMS hands to another reference component in
 * the same process (the MCX server's MDSI, 5.4 and 9.2.1.3): the Root
 * certificate and the identity's key set for the current key period, what a
 * key-management client would hold after KMS Initialize and KeyProvision.
 * It comes from the KMS's master keys (the same run folder) but never
 * through its fault switches: a KMS fault changes what the KMS answers the
 * suite, not the key material of the server under test.
 */
export interface ProvisionedKeys {
  certificate: KmsCertificateData;
  keySet: KeySetData;
}

export function provisionInProcess(workDir: string, userUri: string, now = Date.now()): ProvisionedKeys {
  const store = new KeyStore(workDir, new FaultSet(), now);
  return { certificate: store.rootCertificate(), keySet: store.keySet(userUri, store.currentKeyPeriod()) };
}
