/**
 * The TrK and InK as the KMS interface uses them (5.3.2, 9.3.3, F.1.4).
 *
 * 9.3.3 makes the TrK the XPK for confidentiality and the InK the XPK for
 * integrity, and derives the keys actually used from the XPK with the F.1.4
 * KDF (FC 0x51 / 0x52, P0 = MC service user ID, P1 = XPK-ID). On the KMS
 * interface we take P0 = the UserUri of the request and P1 = the key's
 * identifier octets: 4 octets when the identifier is written as 8 hex digits
 * (5.3.3 calls TrK-ID and InK-ID 32-bit identifiers), else its UTF-8 text
 * (the D.3.4 examples use names like tk.11.user@example.org).
 *
 * Annex D alone reads as if the TrK/InK were used directly; deployed KMSs
 * may do that. Verifiers therefore try the derived key first and the raw
 * key second and report which one worked (requirement F.1.4-01).
 */
import { xmlProtectionKey } from '../crypto/kdf.ts';
import { fromHex } from '../crypto/bytes.ts';

export interface SharedKey {
  /** TrK-ID / InK-ID as written in the XML. */
  id: string;
  key: Uint8Array;
}

export type KeyDerivation = 'f1.4' | 'direct';

/** P1 of F.1.4 for a key identifier. */
export function keyIdOctets(id: string): Uint8Array {
  const hex = /^(?:0x)?([0-9a-fA-F]{8})$/.exec(id.trim());
  if (hex) return fromHex(hex[1])!;
  return new TextEncoder().encode(id);
}

/** The key that encrypts (use 'confidentiality', XPK = TrK) or signs (use 'integrity', XPK = InK or TrK). */
export function xmlKey(shared: SharedKey, use: 'confidentiality' | 'integrity', userUri: string, derivation: KeyDerivation = 'f1.4'): Uint8Array {
  if (derivation === 'direct') return shared.key;
  return xmlProtectionKey(shared.key, use, userUri, keyIdOctets(shared.id));
}
