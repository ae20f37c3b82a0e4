import { join } from 'node:path';
import { sakkeIssueRsk } from '../../lib/crypto/sakke.ts';
import { eccsiIssueUserKey } from '../../lib/crypto/eccsi.ts';
import { keyPeriodNumber, keyPeriodStart, mikeySakkeUid } from '../../lib/crypto/uid.ts';
import { ntpNow, ntpToIso } from '../../lib/crypto/ntp.ts';
import {
  CERTIFICATE_VALIDITY_DAYS,
  CERTIFICATE_VERSION,
  EXTERNAL_KMSS,
  KMS_URI,
  PARAMETER_SET,
  USER_ID_FORMAT,
  USER_KEY_OFFSET,
  USER_KEY_PERIOD,
  HOME_SIP_DOMAIN,
} from './config.ts';
import { loadOrCreateMasterKeys, type MasterKeys } from './master-keys.ts';
import { sskPlusOne } from './fault-effects.ts';
import type { FaultSet } from '../fault.ts';

/** A KMS certificate's content (D.3.2.2), independent of its XML form. */
export interface KmsCertificateData {
  version: string;
  role: 'Root' | 'External';
  certUri: string;
  kmsUri: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  revoked: boolean;
  userIdFormat: number;
  userKeyPeriod: number;
  userKeyOffset: number;
  /** SAKKE Z_T, 04 || x || y. */
  pubEncKey: Uint8Array;
  /** ECCSI KPAK, 04 || x || y. */
  pubAuthKey: Uint8Array;
  parameterSet: number;
  kmsDomainList: string[];
}

/** One user key set (D.3.3.2), independent of its XML form. */
export interface KeySetData {
  kmsUri: string;
  certUri: string;
  issuer: string;
  userUri: string;
  /** F.2.1 UID, 32 octets. */
  userId: Uint8Array;
  validFrom: string;
  validTo: string;
  keyPeriodNo: number;
  revoked: boolean;
  /** SAKKE RSK, 04 || x || y. */
  rsk: Uint8Array;
  /** ECCSI SSK, 32 octets. */
  ssk: Uint8Array;
  /** ECCSI PVT, 04 || x || y. */
  pvt: Uint8Array;
}

const ISSUER = 'Reference MC domain KMS';

/**
 * The KMS's keys: its own master secrets (issuing RSK, SSK and PVT per UID
 * per key period, F.2.1 and 5.3.6), and the external KMSs' certificates.
 * Master secrets are created on first use, so that starting the KMS costs
 * nothing and a crypto failure shows as a KmsError, not a failed start.
 */
export class KeyStore {
  private master?: MasterKeys;
  private readonly externals = new Map<string, KmsCertificateData>();
  private readonly keySets = new Map<string, KeySetData>();
  private readonly validFrom: string;
  private readonly validTo: string;

  /** UserKeyPeriod and UserKeyOffset of the root certificate (D.3.2.2). */
  readonly keyPeriod: number;
  readonly keyOffset: number;

  constructor(
    private readonly workDir: string,
    private readonly faults: FaultSet,
    now = Date.now(),
  ) {
    this.validFrom = isoSeconds(now - 86_400_000);
    this.validTo = isoSeconds(now + CERTIFICATE_VALIDITY_DAYS * 86_400_000);
    this.keyPeriod = USER_KEY_PERIOD;
    this.keyOffset = faults.has('kms.cert-offset-not-below-period') ? USER_KEY_PERIOD : USER_KEY_OFFSET;
  }

  private masterKeys(): MasterKeys {
    this.master ??= loadOrCreateMasterKeys(join(this.workDir, 'kms'), KMS_URI);
    return this.master;
  }

  /** The Root certificate; `certUri` names a reissue (used by fault switches only). */
  rootCertificate(certUri = `cert1.${KMS_URI}`): KmsCertificateData {
    const keys = this.masterKeys();
    return {
      version: CERTIFICATE_VERSION,
      role: 'Root',
      certUri,
      kmsUri: KMS_URI,
      issuer: ISSUER,
      validFrom: this.validFrom,
      validTo: this.validTo,
      revoked: false,
      userIdFormat: USER_ID_FORMAT,
      userKeyPeriod: this.keyPeriod,
      userKeyOffset: this.keyOffset,
      pubEncKey: keys.sakke.zT,
      pubAuthKey: keys.eccsi.kpak,
      parameterSet: PARAMETER_SET,
      kmsDomainList: [HOME_SIP_DOMAIN],
    };
  }

  /** The Role External certificate of a partner KMS, or undefined if the KMS knows none for that URI. */
  externalCertificate(kmsUri: string): KmsCertificateData | undefined {
    const spec = EXTERNAL_KMSS.find((e) => e.kmsUri === kmsUri);
    if (!spec) return undefined;
    let cert = this.externals.get(kmsUri);
    if (!cert) {
      const keys = loadOrCreateMasterKeys(join(this.workDir, 'kms'), spec.kmsUri);
      cert = {
        version: CERTIFICATE_VERSION,
        role: 'External',
        certUri: `cert1.${spec.kmsUri}`,
        kmsUri: spec.kmsUri,
        issuer: spec.issuer,
        validFrom: this.validFrom,
        validTo: this.validTo,
        revoked: false,
        userIdFormat: USER_ID_FORMAT,
        userKeyPeriod: spec.userKeyPeriod,
        userKeyOffset: spec.userKeyOffset,
        pubEncKey: keys.sakke.zT,
        pubAuthKey: keys.eccsi.kpak,
        parameterSet: PARAMETER_SET,
        kmsDomainList: [spec.sipDomain],
      };
      this.externals.set(kmsUri, cert);
    }
    return cert;
  }

  externalCertificates(): KmsCertificateData[] {
    return EXTERNAL_KMSS.map((e) => this.externalCertificate(e.kmsUri)!);
  }

  /** F.2.1: the key period number for an NTP time (default now). */
  currentKeyPeriod(ntpSeconds = ntpNow().seconds): number {
    return keyPeriodNumber(ntpSeconds, this.keyPeriod, this.keyOffset);
  }

  /** F.2.1 UID of a user URI in a key period of this KMS. */
  uid(userUri: string, keyPeriodNo: number): Uint8Array {
    return mikeySakkeUid({ userUri, kmsUri: KMS_URI, keyPeriod: this.keyPeriod, keyPeriodOffset: this.keyOffset, keyPeriodNo });
  }

  /** The key set for one user URI and key period; issued once, then reused for the run. */
  keySet(userUri: string, keyPeriodNo: number): KeySetData {
    const cacheKey = `${keyPeriodNo}\n${userUri}`;
    const cached = this.keySets.get(cacheKey);
    if (cached) return cached;
    const keys = this.masterKeys();
    const userId = this.uid(userUri, keyPeriodNo);
    const { ssk, pvt } = eccsiIssueUserKey(keys.eccsi, userId);
    const rskId = this.faults.has('kms.bad-rsk') ? this.uid(`${userUri}.other`, keyPeriodNo) : userId;
    const start = keyPeriodStart(keyPeriodNo, this.keyPeriod, this.keyOffset);
    const set: KeySetData = {
      kmsUri: KMS_URI,
      certUri: `cert1.${KMS_URI}`,
      issuer: ISSUER,
      userUri,
      userId,
      validFrom: ntpToIso({ seconds: start, fraction: 0 }).replace(/\.\d+Z$/, 'Z'),
      validTo: ntpToIso({ seconds: start + this.keyPeriod - 1, fraction: 0 }).replace(/\.\d+Z$/, 'Z'),
      keyPeriodNo,
      revoked: false,
      rsk: sakkeIssueRsk(keys.sakke, rskId),
      ssk: this.faults.has('kms.bad-ssk') ? sskPlusOne(ssk) : ssk,
      pvt,
    };
    this.keySets.set(cacheKey, set);
    return set;
  }
}

function isoSeconds(unixMs: number): string {
  return new Date(Math.floor(unixMs / 1000) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}
