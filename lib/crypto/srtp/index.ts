/** SRTP / SRTCP for TS 33.180 7.5 and 9.4: AES-CM PRF, AEAD_AES_128_GCM, MKI, RCCm3, ROC estimation, replay. */
export { aesCmPrf, deriveSessionKeys, SRTP_LABEL, type AeadSessionKeys, type SrtpSessionKeys } from './kdf.ts';
export { parseRtpHeader, parseRtcpHeader, type RtpHeader, type RtcpHeader } from './rtp.ts';
export {
  protectRtp,
  unprotectRtp,
  unprotectParsedRtp,
  protectRtcp,
  unprotectRtcp,
  srtpIv,
  srtcpIv,
  carriesRoc,
  GCM_TAG_BYTES,
  type SrtpPolicy,
  type SrtpFailure,
  type SrtpFailureCode,
  type SrtpUnprotected,
  type SrtpUnprotectResult,
  type SrtcpUnprotected,
  type SrtcpUnprotectResult,
} from './aead.ts';
export { estimateRoc, packetIndex, ReplayWindow } from './replay.ts';
export { SrtpReceiver, SrtcpReceiver, type SrtpReceiverOptions, type SrtcpReceiverOptions } from './receiver.ts';
export { describeMki, PURPOSE_TAG_NAMES, type MkiFields } from './mki.ts';
export { SrtpSender, type SrtpSenderOptions } from './sender.ts';
export { SrtpKeyRing, type SrtpKeyRingEntry, type SrtpKeyRingOptions } from './keyring.ts';
export { GcmKey, gcmKey } from './gcm.ts';
export { DEFAULT_PROFILES } from './profiles.ts';
export { srtcpFromKfc, SRTCP_CS_ID, type KfcInput, type KfcSrtcp } from './kfc.ts';
