/**
 * MCPTT floor control between the MC client and the MCX server over SRTCP
 * (9.4.1, 9.4.2, 9.4.6 to 9.4.8; messages of TS 24.380 8.2). The suite's
 * Floor Requests are SRTCP under the keys 9.4.6 derives from the CSK it
 * uploaded; the server's answers are read octet by octet: the SRTCP
 * trailer (tag, E||index, MKI), then which derivation from that CSK opens
 * them (readAnswer), so a wrong CS-ID or RAND is named, not just "does not
 * open". A request that must not be acted on is followed by a valid one:
 * only when that one is answered does silence after the first mean
 * anything.
 */
import { checkTable, fail, pass, unmet, verdictOf, type Unmet } from '../../../lib/harness/check.ts';
import { parseRtcpHeader, srtcpFromKfc, unprotectRtcp } from '../../../lib/crypto/srtp/index.ts';
import { decodeFloorMessage, describeFloorMessage, type FloorDecode, type FloorMessage } from '../../../lib/floor-control/message.ts';

/** Octets of an SRTCP trailer without MKI: the AEAD_AES_128_GCM tag (16) and E||SRTCP index (4). */
const TRAILER_WITHOUT_MKI = 20;
/** The messages that answer a Floor Request (24.380 6.3.5): granted, denied or queued. */
const ANSWERS_TO_REQUEST = new Set<FloorMessage['name']>(['granted', 'deny', 'queuePositionInfo']);

export interface Kfc {
  key: Uint8Array;
  id: number;
  rand: Uint8Array;
}

/** One way of keying SRTCP from the CSK: 9.4.6's, or one input changed. */
export interface Derivation {
  label: string;
  csId: number;
  rand: 'i-message' | 'zeros' | 'none';
}

export interface AnswerReading {
  octets: Uint8Array;
  /** Why the octets are no RTCP packet at all, or undefined. */
  malformed?: string;
  /** Octets past the RTCP packet its length field describes: an SRTCP trailer, or none (plain RTCP). */
  trailer: number;
  encrypted?: boolean;
  mki?: Uint8Array;
  /** The first derivation under which the packet authenticates, and what it says. */
  opened?: { derivation: Derivation; index: number; floor: FloorDecode };
  /** The octets read as a plain floor control message (when there is no trailer). */
  plain?: FloorDecode;
}

/** 9.4.6's derivation first, then each single change the suite can name. */
export function derivations(csId: number): Derivation[] {
  const others = Array.from({ length: 10 }, (_, i) => i).filter((i) => i !== csId);
  return [
    { label: `9.4.6: CS-ID ${csId}, the I_MESSAGE RAND`, csId, rand: 'i-message' },
    ...others.map((i): Derivation => ({ label: `CS-ID ${i} instead of ${csId}`, csId: i, rand: 'i-message' })),
    { label: 'a RAND of 16 zero octets instead of the I_MESSAGE RAND', csId, rand: 'zeros' },
    { label: 'no RAND in the label', csId, rand: 'none' },
  ];
}

/** Reads one packet from the server: never throws. */
export function readAnswer(octets: Uint8Array, kfc: Kfc, csId: number): AnswerReading {
  const header = parseRtcpHeader(octets);
  if (!header.ok) return { octets, malformed: header.reason, trailer: 0 };
  const rtcpLength = (header.header.lengthWords + 1) * 4;
  const trailer = octets.length - rtcpLength;
  if (trailer < 0) return { octets, malformed: `the RTCP length field says ${rtcpLength} octets, the packet has ${octets.length}`, trailer: 0 };
  if (trailer === 0) return { octets, trailer, plain: decodeFloorMessage(octets) };
  const reading: AnswerReading = { octets, trailer };
  if (trailer < TRAILER_WITHOUT_MKI) return reading;
  const mkiLength = trailer - TRAILER_WITHOUT_MKI;
  const indexAt = octets.length - mkiLength - 4;
  reading.encrypted = (octets[indexAt]! & 0x80) !== 0;
  if (mkiLength) reading.mki = octets.slice(octets.length - mkiLength);
  for (const d of derivations(csId)) {
    const rand = d.rand === 'i-message' ? kfc.rand : d.rand === 'zeros' ? new Uint8Array(16) : new Uint8Array(0);
    const { keys } = srtcpFromKfc({ kfc: kfc.key, kfcId: kfc.id, kfcRand: rand, csId: d.csId });
    const result = unprotectRtcp(keys, octets, { mkiLength });
    if (result.ok) return { ...reading, opened: { derivation: d, index: result.index, floor: decodeFloorMessage(result.rtcp) } };
  }
  return reading;
}

/** The floor control message a reading holds, opened or plain. */
export function floorOf(r: AnswerReading): FloorMessage | undefined {
  const d = r.opened?.floor ?? r.plain;
  return d?.ok ? d.message : undefined;
}

export function describeReading(r: AnswerReading): string {
  if (r.malformed) return `${r.octets.length} octets, no RTCP packet: ${r.malformed}`;
  const m = floorOf(r);
  const what = m ? describeFloorMessage(m) : r.opened ? `opens, but ${(r.opened.floor as { reason: string }).reason}` : r.plain ? `plain RTCP, ${(r.plain as { reason: string }).reason}` : 'opens under no derivation tried';
  const how = r.opened ? ` (SRTCP index ${r.opened.index}, keys: ${r.opened.derivation.label})` : r.trailer ? ` (SRTCP trailer of ${r.trailer} octets)` : ' (plain RTCP)';
  return `${what}${how}`;
}

/** Whether a reading answers a Floor Request (granted, denied, queued). */
export const answersRequest = (r: AnswerReading | undefined): boolean => {
  const m = r && floorOf(r);
  return !!m && ANSWERS_TO_REQUEST.has(m.name);
};

export interface FloorAnswerInput {
  unobservable?: Unmet;
  withinMs: number;
  expectedCsId: number;
  kfc?: Kfc;
  answer?: AnswerReading;
}

const answered = ({ unobservable, answer, withinMs }: FloorAnswerInput): Unmet | undefined => {
  if (unobservable) return unobservable;
  if (!answer) return unmet(`no packet came to the floor control port within ${withinMs} ms of the Floor Request (mcxServer.floorControl.answerWithinMs)`, 'target');
  if (answer.malformed) return unmet(`the packet that came is no RTCP packet: ${answer.malformed}`, 'target');
  return undefined;
};

const mkiHex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : '(none)');

export const FLOOR_ANSWER = checkTable<FloorAnswerInput>("the server's answer to a Floor Request over SRTCP keyed by the uploaded CSK", [
  {
    id: 'mcx-server.floor-answer.srtcp',
    requirement: 'MCXSEC-9.4.7-02',
    title: 'the answer is an SRTCP packet (RFC 3711): the RTCP packet is followed by the 16-octet tag, E||SRTCP index and the MKI',
    needs: answered,
    run: ({ answer: a }) => {
      if (a!.trailer >= TRAILER_WITHOUT_MKI) return pass('SRTCP trailer', `${a!.trailer} octets after the ${a!.octets.length - a!.trailer}-octet RTCP packet`, 'tag (16) || E||index (4) || MKI');
      const m = floorOf(a!);
      return fail('SRTCP trailer', 'tag (16) || E||index (4) || MKI after the RTCP packet', a!.trailer === 0 ? `none: plain RTCP${m ? `, ${describeFloorMessage(m)}` : ''}` : `${a!.trailer} octets, too short for a tag and an index`);
    },
  },
  {
    id: 'mcx-server.floor-answer.encrypted',
    requirement: 'MCXSEC-9.4.1-01',
    title: 'the answer is encrypted: the E flag of the SRTCP index word is set',
    after: ['mcx-server.floor-answer.srtcp'],
    needs: answered,
    run: ({ answer: a }) => verdictOf(a!.encrypted === true, 'SRTCP E flag', 1, a!.encrypted ? 1 : '0: authenticated only, the floor control message travels in the clear'),
  },
  {
    id: 'mcx-server.floor-answer.mki-present',
    requirement: 'MCXSEC-9.4.7-03',
    title: 'the answer carries an MKI after E||SRTCP index',
    after: ['mcx-server.floor-answer.srtcp'],
    needs: answered,
    run: ({ answer: a }) => verdictOf(!!a!.mki, 'SRTCP MKI', 'present', a!.mki ? `${a!.mki.length} octets` : 'absent (the trailer is the tag and the index only)'),
  },
  {
    id: 'mcx-server.floor-answer.mki-is-csk-id',
    requirement: 'MCXSEC-9.4.6-05',
    title: 'the MKI is the 4-octet KFC-ID: the CSK-ID of the uploaded CSK',
    after: ['mcx-server.floor-answer.mki-present'],
    needs: answered,
    run: ({ answer: a, kfc }) => {
      const expected = kfc!.id.toString(16).padStart(8, '0');
      return verdictOf(mkiHex(a!.mki) === expected, 'SRTCP MKI', expected, mkiHex(a!.mki));
    },
  },
  {
    id: 'mcx-server.floor-answer.keyed-by-csk',
    requirement: 'MCXSEC-9.4.2-01',
    title: 'the answer authenticates under SRTCP keys derived from the uploaded CSK (KFC = CSK, KFC-ID = CSK-ID)',
    after: ['mcx-server.floor-answer.srtcp'],
    needs: answered,
    run: ({ answer: a, expectedCsId }) =>
      a!.opened
        ? pass('SRTCP authentication tag', `verifies (keys: ${a!.opened.derivation.label})`, 'verifies under a key derived from the CSK')
        : fail('SRTCP authentication tag', 'verifies under AEAD_AES_128_GCM keys derived from the uploaded CSK', `verifies under none of: ${derivations(expectedCsId).map((d) => d.label).join('; ')}`),
  },
  {
    id: 'mcx-server.floor-answer.kfc-rand',
    requirement: 'MCXSEC-9.4.2-02',
    title: 'the KFC-RAND of the derivation is the RAND of the I_MESSAGE that carried the CSK',
    after: ['mcx-server.floor-answer.keyed-by-csk'],
    needs: answered,
    run: ({ answer: a }) => verdictOf(a!.opened!.derivation.rand === 'i-message', 'KFC-RAND', 'the I_MESSAGE RAND', a!.opened!.derivation.rand === 'i-message' ? 'the I_MESSAGE RAND' : a!.opened!.derivation.label),
  },
  {
    id: 'mcx-server.floor-answer.cs-id',
    requirement: 'MCXSEC-9.4.6-03',
    title: 'the CS-ID of the derivation is the one table E.1.3-1 gives CSK SRTCP protection of the service',
    after: ['mcx-server.floor-answer.keyed-by-csk'],
    needs: answered,
    run: ({ answer: a, expectedCsId }) => verdictOf(a!.opened!.derivation.csId === expectedCsId, 'CS-ID', expectedCsId, a!.opened!.derivation.csId),
  },
  {
    id: 'mcx-server.floor-answer.acted-on',
    requirement: 'MCXSEC-9.4.7-04',
    title: 'the server opened the Floor Request by its MKI and acted on it: the answer is a Floor Granted, Floor Deny or Floor Queue Position Info',
    after: ['mcx-server.floor-answer.keyed-by-csk'],
    needs: answered,
    run: ({ answer: a }) => {
      const m = floorOf(a!);
      return answersRequest(a) ? pass('floor control message', describeFloorMessage(m!), 'Floor Granted, Deny or Queue Position Info') : fail('floor control message', 'Floor Granted, Deny or Queue Position Info', describeReading(a!));
    },
  },
]);

export interface NotActedOnInput {
  unobservable?: Unmet;
  /** How long the suite watched after the request under test. */
  withinMs: number;
  /** How long it waited for the control's answer. */
  controlWithinMs?: number;
  /** The packets that came while the suite watched after the request under test. */
  watched: AnswerReading[];
  /** The answer to the valid request sent right after (the control). */
  control?: AnswerReading;
  /** Replay only: the answer to the first sending of the replayed packet. */
  original?: AnswerReading;
}

const controlled = ({ unobservable, control, original, withinMs: watchedMs, controlWithinMs }: NotActedOnInput): Unmet | undefined => {
  const withinMs = controlWithinMs ?? watchedMs;
  if (unobservable) return unobservable;
  if (original !== undefined && !answersRequest(original)) return unmet(`the first sending of the packet was not answered as a Floor Request (${describeReading(original)}): replaying it proves nothing`, 'precondition');
  if (!control) return unmet(`the valid Floor Request sent afterwards got no answer within ${withinMs} ms: silence before it proves nothing`, 'target');
  if (!answersRequest(control)) return unmet(`the valid Floor Request sent afterwards was answered, but not as one (${describeReading(control)}): silence before it proves nothing`, 'precondition');
  return undefined;
};

const notActedOn = (what: string) => ({ watched, withinMs }: NotActedOnInput) => {
  const acted = watched.filter(answersRequest);
  const others = watched.filter((r) => !answersRequest(r));
  const seen = others.length ? `; other packets meanwhile: ${others.map(describeReading).join(' | ')}` : '';
  return acted.length
    ? fail('answer', `no answer to ${what}`, `${acted.map(describeReading).join(' | ')}${seen}`)
    : pass('answer', `none within ${withinMs} ms, while the valid request after it was answered${seen}`, `no answer to ${what}`);
};

export const FLOOR_TAMPERED = checkTable<NotActedOnInput>('a Floor Request whose SRTCP authentication tag does not verify', [
  {
    id: 'mcx-server.floor-tampered.not-acted-on',
    requirement: 'MCXSEC-9.4.7-04',
    title: 'a Floor Request whose tag does not verify is not acted on: no Floor Granted, Deny or Queue Position Info answers it',
    needs: controlled,
    run: notActedOn('the Floor Request with the broken tag'),
  },
]);

export const FLOOR_REPLAYED = checkTable<NotActedOnInput>('a Floor Request sent again with the same SRTCP index', [
  {
    id: 'mcx-server.floor-replayed.not-acted-on',
    requirement: 'MCXSEC-9.4.8-04',
    title: 'a replayed SRTCP Floor Request (an index received before) is not acted on again',
    needs: controlled,
    run: notActedOn('the replayed Floor Request'),
  },
]);
