/** The TLS profile scan (lib/tls) of the KMS interface's HTTPS endpoint (6.1.2, D.1; TS 33.310 Annex E). */
import { tlsScanTable } from '../../../lib/tls/checks.ts';

/** The scan's endpoint name: the KMS interface base URL (every request type is a path under it, one TLS server). */
export const KMS_ENDPOINT = 'kms_interface';

export const TLS_SCAN = tlsScanTable('kms TLS profile scan', [{ id: 'kms.tls.profile-scan', requirement: 'MCXSEC-6.1.2-02', endpoint: KMS_ENDPOINT }]);
