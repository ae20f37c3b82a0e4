/**
 * A signed EAR (9.6.4.2, J.1.2): the EAR PAYLOAD inside an 8.5.5
 * authenticated payload, ECCSI-signed (RFC 6507) under the signer's UID
 * (F.2.1) with the KMS URI beside it. This is the body of an
 * application/vnd.3gpp.mc-signalling-ear MIME part (9.6.5.2.1).
 */
import { buildAuthenticatedPayload, authenticatedPayloadSigningInput, parseAuthenticatedPayload } from '../crypto/mcdata-payload.ts';
import { eccsiSign, eccsiVerify } from '../crypto/eccsi.ts';
import { equalBytes } from '../crypto/bytes.ts';
import { mikeySakkeUid } from '../crypto/uid.ts';
import { decodeEarPayload, DEFAULT_EAR_CODES, encodeEarPayload, type EarCodes, type EarPayload } from './payload.ts';

export const EAR_CONTENT_TYPE = 'application/vnd.3gpp.mc-signalling-ear';

/** ECCSI signatures are r || s || PVT. */
const ECCSI_SIGNATURE_BYTES = 129;

/** Who signs: an identity's key set of one key period. */
export interface EarSigner {
  /** The identity the UID is made of (the Origin ID an honest signer writes). */
  uri: string;
  kmsUri: string;
  keyPeriod: number;
  keyPeriodOffset: number;
  keyPeriodNo: number;
  ssk: Uint8Array;
  pvt: Uint8Array;
  kpak: Uint8Array;
}

export function signerUid(s: Pick<EarSigner, 'uri' | 'kmsUri' | 'keyPeriod' | 'keyPeriodOffset' | 'keyPeriodNo'>): Uint8Array {
  return mikeySakkeUid({ userUri: s.uri, kmsUri: s.kmsUri, keyPeriod: s.keyPeriod, keyPeriodOffset: s.keyPeriodOffset, keyPeriodNo: s.keyPeriodNo });
}

/** The signed EAR of `payload`. */
export function signEar(payload: EarPayload, signer: EarSigner, codes: EarCodes = DEFAULT_EAR_CODES): Uint8Array {
  const uid = signerUid(signer);
  const parts = { originalPayload: encodeEarPayload(payload, codes), signingUid: uid, signingKms: signer.kmsUri, signatureLength: ECCSI_SIGNATURE_BYTES };
  return buildAuthenticatedPayload(parts, eccsiSign(authenticatedPayloadSigningInput(parts), uid, signer.ssk, signer.pvt, signer.kpak));
}

export type OpenedEar =
  | { ok: true; payload: EarPayload; signingUid: Uint8Array; signingKms: string; algorithm: number; signature: { ok: true } | { ok: false; reason: string } }
  | { ok: false; reason: string };

/** Splits and decodes a signed EAR and verifies its signature under the Signing UID with `kpak`; never throws. */
export function openEar(bytes: Uint8Array, kpak: Uint8Array, codes: EarCodes = DEFAULT_EAR_CODES): OpenedEar {
  const split = parseAuthenticatedPayload(bytes);
  if (!split.ok) return { ok: false, reason: `not an 8.5.5 authenticated payload: ${split.reason}` };
  const f = split.fields;
  const decoded = decodeEarPayload(f.originalPayload, codes);
  if (!decoded.ok) return { ok: false, reason: `the Original Payload is no EAR PAYLOAD: ${decoded.reason}` };
  const signature = eccsiVerify(f.signedData, f.signature, f.signingUid, kpak);
  return { ok: true, payload: decoded.payload, signingUid: f.signingUid, signingKms: f.signingKms, algorithm: f.algorithm, signature: signature.ok ? { ok: true } : { ok: false, reason: signature.reason } };
}

/** 9.6.5.4 step 4: whether the UID of `originId` in the period of `period` is the Signing UID. */
export function originMatchesUid(originId: string, signingUid: Uint8Array, signingKms: string, period: Pick<EarSigner, 'keyPeriod' | 'keyPeriodOffset' | 'keyPeriodNo'>): boolean {
  return equalBytes(signerUid({ uri: originId, kmsUri: signingKms, ...period }), signingUid);
}
