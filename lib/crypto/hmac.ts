import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes } from './bytes.ts';
import { OK, failed, type CryptoCheck } from './result.ts';

/** HMAC-SHA256 as TS 33.180 9.3.5 and D.1 use it for XML signatures (xmldsig#hmac-sha256). */

export const XMLDSIG_HMAC_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256';

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(sha256, key, data);
}

/**
 * Checks a received MAC in constant time. A truncated MAC (xmldsig
 * HMACOutputLength) is compared on its length only when allowTruncated is set
 * and it is at least 16 octets.
 */
export function verifyHmacSha256(key: Uint8Array, data: Uint8Array, mac: Uint8Array, opts: { allowTruncated?: boolean } = {}): CryptoCheck {
  const expected = hmacSha256(key, data);
  if (mac.length !== expected.length) {
    if (!opts.allowTruncated) return failed(`HMAC-SHA256 value must be 32 octets, got ${mac.length}`);
    if (mac.length < 16 || mac.length > 32) return failed(`truncated HMAC-SHA256 value must be 16..32 octets, got ${mac.length}`);
  }
  return equalBytes(expected.subarray(0, mac.length), mac) ? OK : failed('HMAC-SHA256 value does not match');
}
