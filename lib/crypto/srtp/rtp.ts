/**
 * RTP (RFC 3550 5.1) and RTCP (RFC 3550 6.4) fixed headers, as far as SRTP
 * needs them. Parsers never throw: a bad packet gives a reason.
 */

export interface RtpHeader {
  version: number;
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcs: number[];
  /** Header extension profile (RFC 3550 5.3.1), if X is set. */
  extensionProfile?: number;
  /** Header extension length in 32-bit words, if X is set. */
  extensionWords?: number;
  /** Octets up to the payload: 12 + 4*CC + extension. */
  headerLength: number;
}

export type ParseRtpResult = { ok: true; header: RtpHeader } | { ok: false; reason: string };

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/** Parses the RTP header at the start of `packet` (which may continue with ciphertext). */
export function parseRtpHeader(packet: Uint8Array): ParseRtpResult {
  if (!(packet instanceof Uint8Array)) return { ok: false, reason: 'packet is not bytes' };
  if (packet.length < 12) return { ok: false, reason: `RTP packet of ${packet.length} octets is shorter than the 12-octet fixed header` };
  const version = packet[0] >> 6;
  if (version !== 2) return { ok: false, reason: `RTP version is ${version}, expected 2` };
  const csrcCount = packet[0] & 0x0f;
  const extension = (packet[0] & 0x10) !== 0;
  let headerLength = 12 + 4 * csrcCount;
  if (packet.length < headerLength) return { ok: false, reason: `RTP header announces ${csrcCount} CSRCs but the packet has ${packet.length} octets` };
  const csrcs: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrcs.push(u32(packet, 12 + 4 * i));
  let extensionProfile: number | undefined;
  let extensionWords: number | undefined;
  if (extension) {
    if (packet.length < headerLength + 4) return { ok: false, reason: 'RTP header extension bit set but no extension header fits' };
    extensionProfile = u16(packet, headerLength);
    extensionWords = u16(packet, headerLength + 2);
    headerLength += 4 + 4 * extensionWords;
    if (packet.length < headerLength) return { ok: false, reason: `RTP header extension of ${extensionWords} words runs past the packet end` };
  }
  return {
    ok: true,
    header: {
      version,
      padding: (packet[0] & 0x20) !== 0,
      extension,
      csrcCount,
      marker: (packet[1] & 0x80) !== 0,
      payloadType: packet[1] & 0x7f,
      sequenceNumber: u16(packet, 2),
      timestamp: u32(packet, 4),
      ssrc: u32(packet, 8),
      csrcs,
      extensionProfile,
      extensionWords,
      headerLength,
    },
  };
}

export interface RtcpHeader {
  version: number;
  padding: boolean;
  /** Report count / subtype (5 bits). */
  count: number;
  packetType: number;
  /** Length field: 32-bit words minus one. */
  lengthWords: number;
  /** Sender SSRC. */
  ssrc: number;
}

export type ParseRtcpResult = { ok: true; header: RtcpHeader } | { ok: false; reason: string };

/** Parses the first 8 octets of an RTCP (compound) packet. */
export function parseRtcpHeader(packet: Uint8Array): ParseRtcpResult {
  if (!(packet instanceof Uint8Array)) return { ok: false, reason: 'packet is not bytes' };
  if (packet.length < 8) return { ok: false, reason: `RTCP packet of ${packet.length} octets is shorter than the 8-octet header` };
  const version = packet[0] >> 6;
  if (version !== 2) return { ok: false, reason: `RTCP version is ${version}, expected 2` };
  return {
    ok: true,
    header: {
      version,
      padding: (packet[0] & 0x20) !== 0,
      count: packet[0] & 0x1f,
      packetType: packet[1],
      lengthWords: u16(packet, 2),
      ssrc: u32(packet, 4),
    },
  };
}
