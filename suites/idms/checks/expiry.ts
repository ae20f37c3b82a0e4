/** Token expiry (B.12) and its end-to-end consequence at the KMS (5.3.3). */
import { checkTable, inconclusive, verdictOf } from '../../../lib/harness/check.ts';
import { isNumericDate, MAX_SKEW_S } from '../../../lib/oidc/claims.ts';

export interface ExpiresInInput {
  expiresIn: unknown;
  exp: unknown;
  receivedAt: number;
}

export const EXPIRES_IN = checkTable<ExpiresInInput>('idms token response lifetime', [
  {
    id: 'idms.expiry.expires-in-agrees',
    requirement: 'MCXSEC-B.12-01',
    title: 'expires_in agrees with the access token exp',
    needs: ({ expiresIn, exp }) => (Number.isFinite(expiresIn) && isNumericDate(exp) ? undefined : { reason: `needs both expires_in (${JSON.stringify(expiresIn)}) and an access token exp (${JSON.stringify(exp)})`, blame: 'target' }),
    run: ({ expiresIn, exp, receivedAt }) => {
      const implied = receivedAt + (expiresIn as number);
      return verdictOf(Math.abs(implied - (exp as number)) <= MAX_SKEW_S, 'expires_in / exp', `exp ≈ now + expires_in = ${implied} (±${MAX_SKEW_S} s)`, exp, 'mismatch', `expires_in ${String(expiresIn)} s, exp is ${(exp as number) - receivedAt} s from now`);
    },
  },
]);

export interface KmsExpiredInput {
  /** Status of the KMS for the same request with the live access token (the control). */
  controlStatus: number;
  status: number;
  expiredSecondsAgo: number;
}

export const KMS_EXPIRED = checkTable<KmsExpiredInput>('KMS request with an expired access token', [
  {
    id: 'idms.expiry.kms-refuses-expired',
    requirement: 'MCXSEC-5.3.3-02',
    title: 'KMS refuses an access token expired more than 30 s ago',
    needs: ({ controlStatus }) => (controlStatus === 200 ? undefined : { reason: `the KMS refuses the live access token too (${controlStatus}), so a refusal of the expired one proves nothing`, blame: 'precondition' }),
    run: ({ status, expiredSecondsAgo }) => {
      if (status >= 500 || status < 200) return inconclusive(`the KMS answered ${status}: neither a refusal nor an acceptance`, 'target');
      return verdictOf(status >= 400, 'status', '401 or another 4xx', status, 'not_refused', `token expired ${expiredSecondsAgo} s ago`);
    },
  },
]);
