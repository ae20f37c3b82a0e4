import { headerValue, parseMultipart, type SipMessage } from '../../lib/sip/index.ts';
import { verifyMimeSignatures } from '../../lib/kms-xml/mime-signature.ts';
import type { FaultSet } from '../fault.ts';
import type { UploadedCsk } from './csk-upload.ts';

/**
 * The reference MCX server's check of 9.3.5 signatures: when a multipart
 * body carries a signature part (application/vnd.3gpp.<service>-signed+xml),
 * every signature in it must verify under the F.1.4 integrity key of the
 * CSK against the part its cid: URL names. Integrity protection is not
 * required by the reference (unsigned bodies are taken), only honoured.
 */
const SIGNED_TYPE = /^application\/vnd\.3gpp\.(mcptt|mcvideo|mcdata)-signed\+xml\b/i;

/** Why the message's signed XML bodies are refused, or undefined (none signed, or all verify). */
export function integrityProblem(m: SipMessage, csk: UploadedCsk | undefined, faults: FaultSet): string | undefined {
  const type = headerValue(m, 'content-type') ?? '';
  if (!/^multipart\//i.test(type)) return undefined;
  const parts = parseMultipart(m.body, type).parts;
  const signatures = parts.filter((p) => SIGNED_TYPE.test(p.contentType));
  if (signatures.length === 0) return undefined;
  if (!csk) return 'signed XML bodies and no CSK to verify them';
  const bodies = new Map<string, Uint8Array>();
  for (const p of parts) {
    const id = p.headers.find((h) => h.name.toLowerCase() === 'content-id')?.value.trim().replace(/^<|>$/g, '');
    if (id) bodies.set(id, p.body);
  }
  const xpk = { key: csk.key, id: csk.id };
  const key = faults.has('mcx-server.xml-integrity-key-not-derived') ? { key: csk.key } : {};
  for (const s of signatures) {
    for (const r of verifyMimeSignatures(Buffer.from(s.body).toString('utf8'), bodies, xpk, csk.userId, key)) {
      if (r.ok) continue;
      // The faults: one of the two comparisons not made.
      if (faults.has('mcx-server.skips-signature-value') && r.digest === true) continue;
      if (faults.has('mcx-server.skips-signature-digest') && r.value === true) continue;
      return `a signature does not verify: ${r.reason}`;
    }
  }
  return undefined;
}
