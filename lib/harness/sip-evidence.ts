import type { WireRecord } from '../sip/index.ts';
import type { Evidence } from './evidence.ts';

/**
 * One SIP dialogue as evidence (kind `sip`): every message the suite sent or
 * received on its channels, in time order, as the exact octets plus the
 * start line, so a certifier sees what crossed the wire and report.html can
 * draw it as a ladder between the parties.
 */
export interface SipDialogueEvidence {
  parties: { address: string; name: string }[];
  messages: SipWireMessage[];
}

export interface SipWireMessage {
  /** Milliseconds since the dialogue's first message. */
  atMs: number;
  direction: 'sent' | 'received';
  transport: string;
  from: string;
  to: string;
  startLine: string;
  /** The octets as text (latin1, so every octet survives); redacted at flush like all evidence, then capped (SIP_TEXT_CAP). */
  text: string;
  /** Octets of the whole message, also when `text` was cut. */
  octets: number;
  /** Set when `text` was cut at SIP_TEXT_CAP characters (the marker line says so too). */
  truncated?: boolean;
  /** Set on the message a failing check points at. */
  highlight?: { field?: string; reason: string };
}

export interface SipHighlight {
  /** Index into the records as given. */
  index: number;
  field?: string;
  reason: string;
}

const address = (e: { address: string; port: number }) => `${e.address}:${e.port}`;

/** Builds the evidence value from wire records; `names` maps `address:port` to a party name (e.g. "suite (UE)", "MCX server"). */
export function sipDialogue(records: readonly WireRecord[], names: Record<string, string> = {}, highlights: readonly SipHighlight[] = []): SipDialogueEvidence {
  const ordered = records.map((r, i) => ({ r, i })).sort((a, b) => a.r.at - b.r.at);
  const t0 = ordered[0]?.r.at ?? 0;
  const parties = new Map<string, string>();
  const messages = ordered.map(({ r, i }) => {
    const local = address(r.local);
    const remote = address(r.remote);
    for (const a of [local, remote]) if (!parties.has(a)) parties.set(a, names[a] ?? a);
    const text = Buffer.from(r.octets).toString('latin1');
    const h = highlights.find((x) => x.index === i);
    const m: SipWireMessage = {
      atMs: Math.round((r.at - t0) * 1000) / 1000,
      direction: r.direction,
      transport: r.transport,
      from: r.direction === 'sent' ? local : remote,
      to: r.direction === 'sent' ? remote : local,
      startLine: text.slice(0, Math.min(200, text.indexOf('\r\n') >= 0 ? text.indexOf('\r\n') : text.length)),
      text,
      octets: r.octets.length,
    };
    if (h) m.highlight = { ...(h.field !== undefined ? { field: h.field } : {}), reason: h.reason };
    return m;
  });
  return { parties: [...parties].map(([addr, name]) => ({ address: addr, name })), messages };
}

/**
 * Characters of one message's text kept in the evidence: a 64 KiB message
 * (a hostile target's, or a fuzz case) must not make results.json and
 * report.html grow by its size times the messages of a run.
 */
export const SIP_TEXT_CAP = 16 * 1024;

/** Marker line ending a cut text; `octets` keeps the full count. */
export const truncationMarker = (kept: number, octets: number) => `\r\n[truncated by the suite: ${kept} of ${octets} octets shown]`;

/** The redacted dialogue with each text cut at SIP_TEXT_CAP (applied after redaction: a cut secret would no longer be recognised). */
export function capSipTexts(d: SipDialogueEvidence, cap = SIP_TEXT_CAP): SipDialogueEvidence {
  return {
    ...d,
    messages: d.messages.map((m) => (m.text.length <= cap ? m : { ...m, text: m.text.slice(0, cap) + truncationMarker(cap, m.octets), truncated: true })),
  };
}

/** Records one SIP dialogue in the test's evidence (redacted when the test ends, then capped). */
export function recordSipDialogue(evidence: Evidence, label: string, records: readonly WireRecord[], names?: Record<string, string>, highlights?: readonly SipHighlight[]): void {
  evidence.record('sip', label, sipDialogue(records, names, highlights), (redacted: SipDialogueEvidence) => capSipTexts(redacted));
}
