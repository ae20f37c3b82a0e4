import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eccsiValidateUserKey } from '../../lib/crypto/eccsi.ts';
import { sakkeValidateRsk } from '../../lib/crypto/sakke.ts';
import { FaultSet } from '../fault.ts';
import { KeyStore } from './key-store.ts';
import { provisionInProcess } from './in-process-provisioning.ts';

/** The MDSI's key material verifies against the KMS's certificate (RFC 6507 5.1.2, RFC 6508 6.1.2), even with the KMS's key faults on. */
test('in-process key material is the KMS certificate and a key set that verifies against it, untouched by KMS faults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcx-provision-'));
  try {
    const faulty = new KeyStore(dir, new FaultSet(['kms.bad-rsk', 'kms.bad-ssk']));
    const { certificate, keySet } = provisionInProcess(dir, 'sip:mdsi@mcx.reference.test');
    // The same master keys as the KMS of the run: its certificate is the one the KMS serves.
    expect(certificate.pubEncKey).toEqual(faulty.rootCertificate().pubEncKey);
    expect(certificate.pubAuthKey).toEqual(faulty.rootCertificate().pubAuthKey);
    expect(keySet.userUri).toBe('sip:mdsi@mcx.reference.test');
    expect(keySet.keyPeriodNo).toBe(faulty.currentKeyPeriod());
    expect(sakkeValidateRsk(certificate.pubEncKey, keySet.userId, keySet.rsk)).toEqual({ ok: true });
    expect(eccsiValidateUserKey(certificate.pubAuthKey, keySet.userId, keySet.ssk, keySet.pvt)).toEqual({ ok: true });
    // The faulty store's key set for the same identity does not verify: the faults stay the KMS's own.
    const bad = faulty.keySet('sip:mdsi@mcx.reference.test', faulty.currentKeyPeriod());
    expect(sakkeValidateRsk(certificate.pubEncKey, bad.userId, bad.rsk).ok).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
