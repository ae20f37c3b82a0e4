import { createHash } from 'node:crypto';
import { parseMultipart, headerValue, type SipMessage } from '../../lib/sip/index.ts';
import { verifyIMessage } from '../../lib/mikey/verify.ts';
import { parseIMessage } from '../../lib/mikey/codec.ts';
import type { FaultSet } from '../fault.ts';
import type { Mdsi } from './mcx-server.ts';

/**
 * The reference MCX server's side of CSK upload (5.4, 9.2.1.3, E.4): the
 * application/mikey part of a REGISTER or PUBLISH is verified with the MDSI's
 * key material (lib/mikey/verify.ts) and its CSK kept only when nothing is
 * wrong with it. Each fault waives exactly one of the verifier's findings,
 * so the CSK of a message broken in that one way is used.
 */
export interface UploadedCsk {
  key: Uint8Array;
  id: number;
  /** IDRi: the MC service user ID of the uploading user (P0 of F.1.4). */
  userId: string;
  /** The I_MESSAGE's RAND: the KFC-RAND of SRTCP keyed by this CSK (9.4.2). */
  rand: Uint8Array;
}

/** Timestamps further than this from our clock are replays or stale (RFC 3830 5.4). */
const MAX_SKEW_SECONDS = 300;

/** Verifier findings that forbid using the CSK, and the fault that waives each. */
const BLOCKING: Record<string, string | undefined> = {
  'verify.signature': 'mcx-server.accepts-bad-csk-signature',
  'verify.receiver-uri': 'mcx-server.ignores-csk-idrr',
  'csb.purpose-tag': 'mcx-server.ignores-csk-purpose-tag',
  'verify.timestamp': 'mcx-server.ignores-csk-timestamp',
  'verify.initiator-kms': 'mcx-server.ignores-csk-idrkmsi',
};

export type CskUploadOutcome = { kind: 'none' } | { kind: 'accepted'; csk: UploadedCsk } | { kind: 'refused'; reason: string };

/** The I_MESSAGE octets of the message's application/mikey body part (binary, or base64 when the part says so). */
export function mikeyPartOf(message: SipMessage): Uint8Array | undefined {
  const contentType = headerValue(message, 'content-type') ?? '';
  if (!/^multipart\//i.test(contentType)) return undefined;
  const part = parseMultipart(message.body ?? new Uint8Array(), contentType).parts?.find((p) => /^application\/mikey\b/i.test(p.contentType ?? ''));
  if (!part) return undefined;
  const cte = part.headers.find((h) => h.name.toLowerCase() === 'content-transfer-encoding')?.value.trim().toLowerCase();
  return cte === 'base64' ? Uint8Array.from(Buffer.from(Buffer.from(part.body).toString('latin1'), 'base64')) : part.body;
}

/**
 * I_MESSAGEs already accepted, by digest, until their timestamp leaves the
 * window: RFC 3830 5.4 keeps such a replay cache beside the timestamp check.
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  /** True when `bytes` was seen in the window; records it otherwise. */
  replayed(bytes: Uint8Array, now = Date.now()): boolean {
    for (const [k, until] of this.seen) if (until < now) this.seen.delete(k);
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (this.seen.has(digest)) return true;
    this.seen.set(digest, now + 2 * MAX_SKEW_SECONDS * 1000);
    return false;
  }
}

export function acceptCskUpload(message: SipMessage, mdsi: Mdsi, faults: FaultSet, replays: ReplayCache): CskUploadOutcome {
  const bytes = mikeyPartOf(message);
  if (!bytes) return { kind: 'none' };
  if (faults.has('mcx-server.ignores-uploaded-csk')) return { kind: 'refused', reason: 'fault: uploaded CSKs are dropped' };
  const { certificate: cert, keySet } = mdsi.keys();
  const period = { kmsUri: cert.kmsUri, keyPeriod: cert.userKeyPeriod, keyPeriodOffset: cert.userKeyOffset };
  const result = verifyIMessage(bytes, {
    kind: 'csk-upload',
    initiatorKms: { ...period, kpak: cert.pubAuthKey },
    receiver: { ...period, uri: mdsi.uri, rsk: keySet.rsk, zT: cert.pubEncKey, keyPeriodNo: keySet.keyPeriodNo },
    now: Date.now(),
    maxSkewSeconds: MAX_SKEW_SECONDS,
  });
  const waived = (rule: string) => BLOCKING[rule] !== undefined && faults.has(BLOCKING[rule]!);
  const blocking = result.findings.filter((f) => (f.severity === 'error' || f.rule in BLOCKING) && !waived(f.rule));
  if (!result.key || result.keyId === undefined || !result.initiatorUri) return { kind: 'refused', reason: `no CSK: ${result.decryption.reason ?? 'not decrypted'}` };
  if (blocking.length) return { kind: 'refused', reason: blocking.map((f) => `${f.rule}: ${f.found}`).join('; ') };
  if (replays.replayed(bytes) && !faults.has('mcx-server.accepts-replayed-csk-upload')) return { kind: 'refused', reason: 'a replay of an I_MESSAGE accepted before (RFC 3830 5.4)' };
  const parsed = parseIMessage(bytes);
  const rand = parsed.ok ? parsed.message.payloads.find((p) => p.kind === 'RAND') : undefined;
  return { kind: 'accepted', csk: { key: result.key, id: result.keyId, userId: result.initiatorUri, rand: rand?.kind === 'RAND' ? rand.rand : new Uint8Array(0) } };
}
