import { ctr } from '@noble/ciphers/aes.js';

/**
 * The AES-CM PRF of RFC 3711 section 4.3.3, with key derivation rate 0
 * (TS 33.180 7.5.1: session keys are never refreshed, so r = index DIV kdr = 0).
 *
 * x = key_id XOR master_salt, key_id = label || r (56 bits, right-aligned in
 * the 112-bit salt); the PRF output is the AES-CTR keystream from IV = x * 2^16.
 *
 * AEAD_AES_128_GCM uses a 96-bit master salt; like libsrtp, it is zero-padded
 * on the right to the 112 bits the PRF expects.
 */

/** RFC 3711 4.3.1 / 4.3.2 labels. */
export const SRTP_LABEL = {
  rtpEncryption: 0x00,
  rtpAuthentication: 0x01,
  rtpSalt: 0x02,
  rtcpEncryption: 0x03,
  rtcpAuthentication: 0x04,
  rtcpSalt: 0x05,
} as const;

const PRF_SALT_BYTES = 14;

export function aesCmPrf(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, outLength: number): Uint8Array {
  if (![16, 24, 32].includes(masterKey.length)) throw new RangeError(`SRTP master key must be 16, 24 or 32 octets, got ${masterKey.length}`);
  if (masterSalt.length !== 12 && masterSalt.length !== 14) throw new RangeError(`SRTP master salt must be 12 or 14 octets, got ${masterSalt.length}`);
  const iv = new Uint8Array(16);
  iv.set(masterSalt);
  // key_id = label || r(48 bits, zero for kdr 0) aligned with the low 56 bits of the 112-bit salt: byte 7.
  iv[PRF_SALT_BYTES - 7] ^= label;
  return ctr(masterKey, iv).encrypt(new Uint8Array(outLength));
}

export interface AeadSessionKeys {
  /** Session encryption key (same length as the master key). */
  key: Uint8Array;
  /** Session salt (12 octets for AEAD_AES_128_GCM). */
  salt: Uint8Array;
}

export interface SrtpSessionKeys {
  srtp: AeadSessionKeys;
  srtcp: AeadSessionKeys;
}

/** Session keys and salts for SRTP and SRTCP from one master key and salt (RFC 7714 section 11, RFC 3711 4.3). */
export function deriveSessionKeys(masterKey: Uint8Array, masterSalt: Uint8Array, saltLength = 12): SrtpSessionKeys {
  const keyLength = masterKey.length;
  return {
    srtp: {
      key: aesCmPrf(masterKey, masterSalt, SRTP_LABEL.rtpEncryption, keyLength),
      salt: aesCmPrf(masterKey, masterSalt, SRTP_LABEL.rtpSalt, saltLength),
    },
    srtcp: {
      key: aesCmPrf(masterKey, masterSalt, SRTP_LABEL.rtcpEncryption, keyLength),
      salt: aesCmPrf(masterKey, masterSalt, SRTP_LABEL.rtcpSalt, saltLength),
    },
  };
}
