/** Two KMS Initialize answers compared (D.3.2.1): the KMS has one root certificate. */
import { checkTable, unmet, verdictOf, type Unmet } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import type { KmsCertificate } from '../../../lib/kms-xml/model.ts';
import { needsServed, servedDoc } from './answer.ts';

export interface TwoInits {
  first: KmsExchange;
  second: KmsExchange;
}

const certOf = (ex: KmsExchange): KmsCertificate | undefined => {
  const c = servedDoc(ex)?.message?.init?.certificate;
  return c && c.pubAuthKey ? c : undefined;
};

function bothCertificates({ first, second }: TwoInits): Unmet | undefined {
  for (const ex of [first, second]) {
    const u = needsServed(ex, 'the KMS Initialize test');
    if (u) return u;
    if (!certOf(ex)) return unmet(`${ex.label}: KMS Initialize returned no certificate (graded by kms.init.root-certificate)`, 'precondition');
  }
  return undefined;
}

export const ROOT_CERTIFICATE = checkTable<TwoInits>('kms two init responses', [
  {
    id: 'kms.root-certificate.one',
    requirement: 'MCXSEC-D.3.2.1-01',
    title: 'both KMS Initialize responses carry the same root certificate',
    needs: bothCertificates,
    run: (i) => {
      const a = certOf(i.first)!;
      const b = certOf(i.second)!;
      const kpak = a.pubAuthKey.toLowerCase() === b.pubAuthKey.toLowerCase();
      const zt = a.pubEncKey.toLowerCase() === b.pubEncKey.toLowerCase();
      const same = a.certUri === b.certUri && a.kmsUri === b.kmsUri && kpak && zt;
      return verdictOf(same, 'KmsCertificate CertUri, KmsUri, PubEncKey, PubAuthKey', `${a.certUri ?? '(no CertUri)'} ${a.kmsUri}`, `${b.certUri ?? '(no CertUri)'} ${b.kmsUri}${kpak ? '' : ' (different KPAK)'}${zt ? '' : ' (different Z_T)'}`);
    },
  },
]);
