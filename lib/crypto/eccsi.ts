/**
 * ECCSI, RFC 6507: elliptic curve identity-based signatures, over P-256 with
 * SHA-256 (the only parameters TS 33.180 uses). `id` is the identifier
 * octets; for MCX it is the 32-octet UID of TS 33.180 F.2.1.
 */
import type { CryptoCheck } from './result.ts';

export interface EccsiKmsKeys {
  /** KMS Secret Authentication Key, 0 < KSAK < q. */
  ksak: bigint;
  /** KMS Public Authentication Key, 65 octets 04 || x || y. */
  kpak: Uint8Array;
}

export function eccsiGenerateKms(random?: (n: number) => Uint8Array): EccsiKmsKeys {
  throw new Error('not implemented');
}

export function eccsiIssueUserKey(kms: EccsiKmsKeys, id: Uint8Array, v?: bigint): { ssk: Uint8Array; pvt: Uint8Array } {
  throw new Error('not implemented');
}

export function eccsiValidateUserKey(kpak: Uint8Array, id: Uint8Array, ssk: Uint8Array, pvt: Uint8Array): CryptoCheck {
  throw new Error('not implemented');
}

export function eccsiSign(message: Uint8Array, id: Uint8Array, ssk: Uint8Array, pvt: Uint8Array, kpak: Uint8Array, j?: bigint): Uint8Array {
  throw new Error('not implemented');
}

export function eccsiVerify(message: Uint8Array, signature: Uint8Array, id: Uint8Array, kpak: Uint8Array): CryptoCheck {
  throw new Error('not implemented');
}

export function isValidP256Point(bytes: Uint8Array): CryptoCheck {
  throw new Error('not implemented');
}
