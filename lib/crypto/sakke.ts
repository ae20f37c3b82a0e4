/**
 * SAKKE, RFC 6508, with parameter set 1 of RFC 6509 (the MIKEY-SAKKE set
 * TS 33.180 uses).
 */
import type { CryptoCheck } from './result.ts';

export interface SakkeKmsKeys {
  /** KMS master secret, 0 < z < q. */
  z: bigint;
  /** KMS public key Z_T = [z]P, 257 octets 04 || x || y. */
  zT: Uint8Array;
}

export function sakkeGenerateKms(random?: (n: number) => Uint8Array): SakkeKmsKeys {
  throw new Error('not implemented');
}

export function sakkeIssueRsk(kms: SakkeKmsKeys, id: Uint8Array): Uint8Array {
  throw new Error('not implemented');
}

export function sakkeValidateRsk(zT: Uint8Array, id: Uint8Array, rsk: Uint8Array): CryptoCheck {
  throw new Error('not implemented');
}

export function sakkeEncapsulate(ssv: Uint8Array, id: Uint8Array, zT: Uint8Array, random?: (n: number) => Uint8Array): Uint8Array {
  throw new Error('not implemented');
}

export function sakkeDecapsulate(
  encapsulated: Uint8Array,
  id: Uint8Array,
  rsk: Uint8Array,
  zT: Uint8Array,
): { ok: true; ssv: Uint8Array } | { ok: false; reason: string } {
  throw new Error('not implemented');
}

export function isSakkePublicPoint(bytes: Uint8Array): CryptoCheck {
  throw new Error('not implemented');
}
