/**
 * D.2.2 request payload checks: each request is broken in one way and must
 * be refused (HTTP 4xx without key material, or a KmsError without
 * KmsMessage). One check per way; a test runs its own with `pick`.
 */
import { checkTable } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import { refusedOutcome } from './answer.ts';

const refused = ({ ex }: { ex: KmsExchange }) => refusedOutcome(ex);

export const REQUEST_SECURITY = checkTable<{ ex: KmsExchange }>('kms request with a broken payload', [
  { id: 'kms.request.bad-signature-refused', requirement: 'MCXSEC-D.2.2-03', title: 'a request whose HMAC signature does not verify is refused', run: refused },
  { id: 'kms.request.invalid-xml-refused', requirement: 'MCXSEC-D.2.2-04', title: 'a request whose XML is not schema-valid is refused', run: refused },
  { id: 'kms.request.foreign-kms-uri-refused', requirement: 'MCXSEC-D.2.2-05', title: "a request whose KmsUri is not the KMS's is refused", run: refused },
  { id: 'kms.request.stale-time-refused', requirement: 'MCXSEC-D.2.2-06', title: 'a request whose Time is outside a recent window is refused', run: refused },
  { id: 'kms.request.wrong-client-req-url-refused', requirement: 'MCXSEC-D.2.2-07', title: 'a request whose ClientReqUrl differs from the URI posted to is refused', run: refused },
]);
