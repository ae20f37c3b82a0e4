/** A synthetic RTP packet (version 2, PT 96, SSRC cafe0001) for the SRTP benches; the payload counts up. */
export function rtpPacket(seq: number, payloadBytes: number): Uint8Array {
  const p = new Uint8Array(12 + payloadBytes);
  p[0] = 0x80;
  p[1] = 96;
  p[2] = seq >> 8;
  p[3] = seq & 0xff;
  p.set([0xca, 0xfe, 0x00, 0x01], 8);
  for (let i = 12; i < p.length; i++) p[i] = i & 0xff;
  return p;
}
