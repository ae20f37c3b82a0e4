import { srtpMasterFromTgk } from '../mikey-prf.ts';
import { u32be } from '../bytes.ts';
import { deriveSessionKeys, type AeadSessionKeys } from './kdf.ts';

/**
 * SRTCP keys from a key for floor control (TS 33.180 9.4.6): the KFC is the
 * MIKEY TGK, the KFC-ID the CSB ID and the KFC-RAND the MIKEY RAND; RFC 3830
 * 4.1.3 with PRF-HMAC-SHA-256 gives master key and salt under the CS-ID of
 * table E.1.3-1, and the AES-CM PRF at key derivation rate 0 the session
 * key and salt (9.4.8). The MKI is the 4-octet KFC-ID.
 */
export interface KfcInput {
  /** CSK, MuSiK, SPK ... (16 octets). */
  kfc: Uint8Array;
  kfcId: number;
  /** The RAND of the I_MESSAGE that carried the KFC. */
  kfcRand: Uint8Array;
  csId: number;
}

/** Table E.1.3-1: the CS-IDs of SRTCP protection. */
export const SRTCP_CS_ID = { mcpttCsk: 6, mcpttMusik: 7, mcvideoCsk: 8, mcvideoMusik: 9 } as const;

export interface KfcSrtcp {
  keys: AeadSessionKeys;
  mki: Uint8Array;
}

export function srtcpFromKfc(input: KfcInput): KfcSrtcp {
  const mki = u32be(input.kfcId >>> 0);
  const master = srtpMasterFromTgk({ tgk: input.kfc, csId: input.csId, csbId: mki, rand: input.kfcRand });
  return { keys: deriveSessionKeys(master.masterKey, master.masterSalt).srtcp, mki };
}
