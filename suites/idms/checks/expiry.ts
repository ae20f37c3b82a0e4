import type { Checker } from '../../../lib/harness/index.ts';
import { isNumericDate } from './claims.ts';
import { MAX_SKEW_S } from './id-token.ts';
import { R } from './ids.ts';

/**
 * B.12: expires_in (what the client acts on) and the access token exp (what
 * servers act on) describe the same lifetime, within the allowed skew.
 */
export function checkExpiresInAgreesWithExp(verify: Checker, expiresIn: unknown, exp: unknown, receivedAt: number): void {
  if (!Number.isFinite(expiresIn) || !isNumericDate(exp)) {
    verify.inconclusive([R.expiresInAgrees], `needs both expires_in (${JSON.stringify(expiresIn)}) and an access token exp (${JSON.stringify(exp)})`);
  }
  const implied = receivedAt + (expiresIn as number);
  verify.check(R.expiresInAgrees, 'expires_in agrees with the access token exp', Math.abs(implied - (exp as number)) <= MAX_SKEW_S, {
    field: 'expires_in / exp',
    expected: `exp ≈ now + expires_in = ${implied} (±${MAX_SKEW_S} s)`,
    actual: exp,
    reason: 'mismatch',
    detail: `expires_in ${expiresIn} s, exp is ${(exp as number) - receivedAt} s from now`,
  });
}
