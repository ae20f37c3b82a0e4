import { SrtpReceiver, type SrtpReceiverOptions } from './receiver.ts';
import { parseRtpHeader } from './rtp.ts';
import { carriesRoc, type SrtpUnprotectResult } from './aead.ts';
import type { AeadSessionKeys } from './kdf.ts';
import { toHex } from '../bytes.ts';

/**
 * A receiver holding several master keys, each named by its MKI, that picks
 * the key for every packet from the MKI the packet carries (RFC 3711 3.1,
 * as libsrtp does with srtp_unprotect_mki): the group's GMK-ID || GUK-ID
 * or the private call's PCK-ID of TS 33.180 7.4. All MKIs of a ring have
 * one length. Each key keeps its own ROC and replay state per SSRC (an
 * SrtpReceiver per key). Never throws for packet content.
 */
export interface SrtpKeyRingEntry {
  mki: Uint8Array;
  keys: AeadSessionKeys;
}

export type SrtpKeyRingOptions = Omit<SrtpReceiverOptions, 'expectedMki' | 'mkiLength'>;

export class SrtpKeyRing {
  readonly mkiLength: number;
  private readonly entries: { mki: Uint8Array; receiver: SrtpReceiver }[] = [];
  private readonly rocRate: number;

  constructor(entries: SrtpKeyRingEntry[], opts: SrtpKeyRingOptions = {}) {
    if (entries.length === 0) throw new RangeError('a key ring needs at least one MKI and key');
    this.mkiLength = entries[0].mki.length;
    if (this.mkiLength === 0) throw new RangeError('key ring MKIs must not be empty');
    this.rocRate = opts.rocRate ?? 0;
    const seen = new Set<string>();
    for (const e of entries) {
      if (e.mki.length !== this.mkiLength) throw new RangeError(`MKI ${toHex(e.mki)} is ${e.mki.length} octets; the ring's MKIs are ${this.mkiLength}`);
      const name = toHex(e.mki);
      if (seen.has(name)) throw new RangeError(`MKI ${name} is in the key ring twice`);
      seen.add(name);
      this.entries.push({ mki: Uint8Array.from(e.mki), receiver: new SrtpReceiver(e.keys, { ...opts, mkiLength: this.mkiLength, expectedMki: e.mki }) });
    }
  }

  unprotect(packet: Uint8Array): SrtpUnprotectResult {
    const parsed = parseRtpHeader(packet);
    if (!parsed.ok) return { ok: false, code: 'malformed', reason: parsed.reason };
    const trailer = this.mkiLength + (carriesRoc(parsed.header.sequenceNumber, this.rocRate) ? 4 : 0);
    const at = packet.length - trailer;
    if (at < parsed.header.headerLength + 16) {
      return { ok: false, code: 'malformed', reason: `SRTP packet of ${packet.length} octets cannot hold a ${parsed.header.headerLength}-octet header, 16-octet GCM tag and ${trailer}-octet MKI/ROC trailer`, header: parsed.header };
    }
    const n = this.mkiLength;
    // A ring has a handful of keys: a linear scan beats building a string key per packet.
    for (const e of this.entries) {
      const mki = e.mki;
      let k = 0;
      while (k < n && mki[k] === packet[at + k]) k++;
      if (k === n) return e.receiver.unprotectParsed(packet, parsed.header);
    }
    const mki = packet.slice(at, at + n);
    return { ok: false, code: 'mki-mismatch', reason: `MKI ${toHex(mki)} names no key in the ring`, header: parsed.header, mki };
  }
}
