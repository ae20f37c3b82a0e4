import { readU32be, toHex } from '../bytes.ts';

/**
 * The SRTP MKI as TS 33.180 uses it: 4 octets (PCK-ID 7.4.1, KFC/CSK-ID
 * 9.4.6) or 8 octets (GMK-ID || GUK-ID, 7.4.2). Annex G: the top four bits of
 * a key identifier are its purpose tag.
 */

export const PURPOSE_TAG_NAMES: Record<number, string> = {
  0: 'GMK',
  1: 'PCK',
  2: 'CSK',
  3: 'SPK',
  4: 'MKFC',
  5: 'MSCCK',
  6: 'MuSiK',
};

export interface MkiFields {
  /** The first (or only) key identifier: GMK-ID, PCK-ID, CSK-ID, KFC-ID ... */
  keyId: string;
  purposeTag: number;
  keyType: string;
  /** The GUK-ID when the MKI is GMK-ID || GUK-ID. */
  gukId?: string;
}

export type DescribeMkiResult = { ok: true; fields: MkiFields } | { ok: false; reason: string };

export function describeMki(mki: Uint8Array): DescribeMkiResult {
  if (mki.length !== 4 && mki.length !== 8) return { ok: false, reason: `MKI of ${mki.length} octets is neither a 4-octet key ID nor an 8-octet GMK-ID || GUK-ID` };
  const purposeTag = readU32be(mki) >>> 28;
  const fields: MkiFields = {
    keyId: toHex(mki.subarray(0, 4)),
    purposeTag,
    keyType: PURPOSE_TAG_NAMES[purposeTag] ?? `undefined purpose tag ${purposeTag}`,
  };
  if (mki.length === 8) fields.gukId = toHex(mki.subarray(4, 8));
  return { ok: true, fields };
}
