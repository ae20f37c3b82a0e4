/**
 * How a KMS answered one request, in the terms the checks need: a
 * KmsMessage, a refusal, or no usable answer (with the exact reason). The
 * helpers here return outcomes and preconditions for the check tables; they
 * record nothing themselves.
 */
import { fail, inconclusive, pass, unmet, type Outcome, type Unmet } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import type { KmsResponse } from '../../../lib/kms-xml/model.ts';

export type Refusal =
  | { refused: true; detail: string }
  | { refused: false; detail: string }
  /** No evidence either way: no answer (blame unreachable) or an answer that is neither (blame target). */
  | { refused: undefined; detail: string; blame: 'unreachable' | 'target' };

/** Why the exchange gave no readable KmsResponse, or undefined when it did. */
export function unusableReason(ex: KmsExchange): string | undefined {
  const res = ex.http;
  if (!res.ok) return `no answer: ${res.error}`;
  const type = res.headers['content-type'] ?? '(no content-type)';
  if (res.truncated) return `HTTP ${res.status} ${type}: the body exceeds the 1 MiB limit and was cut; not parsed`;
  if (res.bodyText.trim() === '') return `HTTP ${res.status} with an empty body`;
  const o = ex.opened;
  if (!o) return `HTTP ${res.status} ${type}: body not parsed`;
  if (!o.parse.ok) return `HTTP ${res.status} ${type}: ${o.parse.reason}${o.parse.line !== undefined ? ` (line ${o.parse.line})` : ''}`;
  if (o.readFailure) return `HTTP ${res.status}: ${o.readFailure}`;
  return undefined;
}

/** Key material anywhere in the (decrypted) answer: key sets, new TrK/InK. */
export function carriesKeyMaterial(ex: KmsExchange): string[] {
  const o = ex.opened;
  if (!o) return [];
  const found = o.keySets.map((s) => `KmsKeySet ${s.set.userUri}`);
  if (o.newTransportKey) found.push('NewTransportKey');
  if (o.newIntegrityKey) found.push('NewIntegrityKey');
  return found;
}

/**
 * A request the KMS must refuse. Refused: a 4xx without key material, or a
 * KmsError without KmsMessage. No answer, a 5xx or a 1xx/3xx are no evidence.
 */
export function refusalOf(ex: KmsExchange): Refusal {
  const res = ex.http;
  if (!res.ok) return { refused: undefined, detail: `no answer: ${res.error}`, blame: 'unreachable' };
  const doc = ex.opened?.doc ?? ex.opened?.received?.doc;
  const keys = carriesKeyMaterial(ex);
  if (res.status >= 400 && res.status < 500) {
    if (keys.length) return { refused: false, detail: `HTTP ${res.status} but the body carries key material (${keys.join(', ')})` };
    return { refused: true, detail: `HTTP ${res.status}${doc?.error ? ` KmsError ${doc.error.code} ${doc.error.message}` : ''}` };
  }
  if (res.status >= 200 && res.status < 300) {
    if (doc?.error && !doc.message) return { refused: true, detail: `HTTP ${res.status} with KmsError ${doc.error.code} ${doc.error.message}` };
    if (doc?.message) return { refused: false, detail: `HTTP ${res.status} with a KmsMessage (${messageKind(doc)})` };
    if (res.bodyText.trim() === '') return { refused: false, detail: `HTTP ${res.status} with an empty body (accepted)` };
    return { refused: false, detail: `HTTP ${res.status} without KmsError: ${unusableReason(ex) ?? 'a KmsResponse without KmsMessage'}` };
  }
  return { refused: undefined, detail: `HTTP ${res.status}: neither a refusal (4xx, KmsError) nor an answer`, blame: 'target' };
}

/** The outcome of a check that the request is refused. */
export function refusedOutcome(ex: KmsExchange): Outcome {
  const r = refusalOf(ex);
  if (r.refused === undefined) return inconclusive(`${ex.label}: ${r.detail}`, r.blame);
  return r.refused ? pass('response', r.detail, 'HTTP 4xx or KmsError') : fail('response', 'HTTP 4xx or KmsError', r.detail, 'not_refused');
}

export function messageKind(doc: KmsResponse): string {
  const m = doc.message;
  if (!m) return 'none';
  if (m.encrypted) return 'encrypted';
  return m.init ? 'KmsInit' : m.keyProv ? 'KmsKeyProv' : m.certCache ? 'KmsCertCache' : m.lookup ? 'KmsLookup' : 'empty';
}

/**
 * Whether `ex` is a served request: a readable 2xx KmsResponse with a
 * KmsMessage, decrypted. Undefined when it is; else the fail outcome (the
 * target answered something else) or the inconclusive one (no answer, or
 * the KmsMessage could not be decrypted: graded under 9.3.4.2).
 */
export function servedProblem(ex: KmsExchange): Outcome | undefined {
  const res = ex.http;
  if (!res.ok) return inconclusive(`${ex.method} ${ex.url}: no answer: ${res.error}`, 'unreachable');
  const unusable = unusableReason(ex);
  if (unusable) return fail('body', 'HTTP 200 with a KmsResponse', unusable, 'invalid');
  const doc = ex.opened!.doc ?? ex.opened!.received?.doc;
  if (!doc || res.status < 200 || res.status >= 300 || (doc.error && !doc.message)) {
    return fail('status', 'HTTP 2xx with a KmsMessage', `HTTP ${res.status}${doc?.error ? `, KmsError ${doc.error.code}: ${doc.error.message}` : ''}`, 'mismatch');
  }
  const enc = ex.opened!.messageEncryption;
  if (enc && !enc.ok) return inconclusive(`the KmsMessage could not be decrypted with the TrK (${enc.problem}); graded under 9.3.4.2`, 'precondition');
  return undefined;
}

/** The decrypted KmsResponse of a served request, or undefined. */
export function servedDoc(ex: KmsExchange | undefined): KmsResponse | undefined {
  if (!ex || servedProblem(ex)) return undefined;
  return ex.opened!.doc;
}

/** A precondition for checks that read a served answer: the answer check grades its absence. */
export function needsServed(ex: KmsExchange | undefined, gradedBy: string): Unmet | undefined {
  if (!ex) return unmet(`no request was sent (graded by ${gradedBy})`, 'precondition');
  const p = servedProblem(ex);
  if (!p) return undefined;
  if (p.verdict === 'inconclusive') return unmet(p.reason, p.blame);
  return unmet(`${ex.label}: no KmsMessage to read (graded by ${gradedBy})`, 'precondition');
}

/** Outcome of an "answered with <container>" check: the served problem, or whether `container` is there. */
export function containerOutcome(ex: KmsExchange, container: 'init' | 'keyProv' | 'certCache' | 'lookup', name: string): Outcome {
  const p = servedProblem(ex);
  if (p) return p;
  const doc = ex.opened!.doc!;
  const have = doc.message ? Object.keys(doc.message).filter((k) => (doc.message as Record<string, unknown>)[k] !== undefined).join(', ') || 'empty' : '(absent)';
  return doc.message?.[container] ? pass('KmsResponse/KmsMessage', name, name) : fail('KmsResponse/KmsMessage', name, have, 'mismatch');
}
