/**
 * How a KMS answered one request, in the terms the checks need: a
 * KmsMessage, a refusal, or no usable answer (with the exact reason).
 */
import type { Checker } from '../../../lib/harness/checker.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import type { KmsResponse } from '../../../lib/kms-xml/model.ts';

export type Refusal = { refused: true; detail: string } | { refused: false; detail: string } | { refused: undefined; detail: string };

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

/** A request the KMS must refuse: refused = 4xx, or a KmsError without KmsMessage. */
export function refusalOf(ex: KmsExchange): Refusal {
  const res = ex.http;
  if (!res.ok) return { refused: undefined, detail: `no answer: ${res.error}` };
  const doc = ex.opened?.doc ?? ex.opened?.received?.doc;
  if (res.status >= 400 && res.status < 500) return { refused: true, detail: `HTTP ${res.status}${doc?.error ? ` KmsError ${doc.error.code} ${doc.error.message}` : ''}` };
  if (res.status >= 200 && res.status < 300) {
    if (doc?.error && !doc.message) return { refused: true, detail: `HTTP ${res.status} with KmsError ${doc.error.code} ${doc.error.message}` };
    if (doc?.message) return { refused: false, detail: `HTTP ${res.status} with a KmsMessage (${messageKind(doc)})` };
    if (res.bodyText.trim() === '') return { refused: false, detail: `HTTP ${res.status} with an empty body (accepted)` };
    return { refused: false, detail: `HTTP ${res.status} without KmsError: ${unusableReason(ex) ?? 'a KmsResponse without KmsMessage'}` };
  }
  return { refused: undefined, detail: `HTTP ${res.status}: neither a refusal (4xx, KmsError) nor an answer` };
}

export function messageKind(doc: KmsResponse): string {
  const m = doc.message;
  if (!m) return 'none';
  if (m.encrypted) return 'encrypted';
  return m.init ? 'KmsInit' : m.keyProv ? 'KmsKeyProv' : m.certCache ? 'KmsCertCache' : m.lookup ? 'KmsLookup' : 'empty';
}

/**
 * The decrypted KmsResponse of a request that must succeed. A KMS that does
 * not answer makes the test INCONCLUSIVE; one that answers something else
 * (HTML, broken XML, an error) fails `requirement` with the exact reason.
 */
export function expectKmsResponse(verify: Checker, ex: KmsExchange, requirement: string, what: string): KmsResponse {
  const res = ex.http;
  if (!res.ok) return verify.inconclusive([requirement], `${what}: ${ex.method} ${ex.url}: no answer: ${res.error}`, 'unreachable');
  const unusable = unusableReason(ex);
  if (unusable) {
    verify.check(requirement, `${what} answered with a KmsResponse`, false, { field: 'body', expected: 'HTTP 200 with a KmsResponse', actual: unusable, reason: 'invalid', fatal: true });
  }
  const doc = ex.opened!.doc!;
  if (res.status < 200 || res.status >= 300 || (doc.error && !doc.message)) {
    verify.check(requirement, `${what} was served`, false, {
      field: 'status',
      expected: 'HTTP 2xx with a KmsMessage',
      actual: `HTTP ${res.status}${doc.error ? `, KmsError ${doc.error.code}: ${doc.error.message}` : ''}`,
      fatal: true,
    });
  }
  const enc = ex.opened!.messageEncryption;
  if (enc && !enc.ok) return verify.inconclusive([requirement], `${what}: the KmsMessage could not be decrypted with the TrK (${enc.problem}); graded under 9.3.4.2`, 'precondition');
  return doc;
}
