import type { TestInfo } from '@playwright/test';
import { EVIDENCE_ATTACHMENT_PREFIX } from './finding.ts';
import type { Redactor } from './redactor.ts';

/** Kinds of evidence the HTML report knows how to render. */
export type EvidenceKind = 'http' | 'sip' | 'jwt' | 'xml' | 'mikey' | 'srtcp' | 'ear' | 'tls' | 'text' | 'json';

/**
 * Attaches what the suite saw to the running test, redacted. Each item is a
 * Playwright attachment named `mcx-evidence:<kind>:<label>` holding JSON, so
 * the reporter and Playwright's own HTML report both show it.
 *
 * Items are redacted and attached when the test ends (flush), not when
 * recorded: a suite registers a secret it received (a refresh token, a key)
 * after the exchange that carried it has been recorded.
 */
export class Evidence {
  private readonly pending: { kind: EvidenceKind; label: string; data: unknown; afterRedaction?: (redacted: any) => unknown }[] = [];

  constructor(
    private readonly testInfo: TestInfo,
    readonly redactor: Redactor,
  ) {}

  /**
   * `afterRedaction` shapes the redacted value before it is attached (e.g.
   * caps long texts): cutting before redaction could split a secret and
   * leave half of it unrecognised.
   */
  record(kind: EvidenceKind, label: string, data: unknown, afterRedaction?: (redacted: any) => unknown): void {
    // Copy now: the caller may mutate the object after recording it.
    this.pending.push({ kind, label, data: snapshot(data), afterRedaction });
  }

  /** Attach everything recorded, redacted with every secret known by now. Called by the fixture at teardown. */
  async flush(): Promise<void> {
    for (const item of this.pending.splice(0)) {
      const redacted = this.redactor.redactValue(item.data);
      const body = JSON.stringify(item.afterRedaction ? item.afterRedaction(redacted) : redacted, null, 2) ?? 'null';
      await this.testInfo.attach(`${EVIDENCE_ATTACHMENT_PREFIX}${item.kind}:${this.redactor.redactText(item.label)}`, { body, contentType: 'application/json' });
    }
  }
}

function snapshot(data: unknown): unknown {
  if (data === undefined || data === null || typeof data !== 'object') return data;
  try {
    return structuredClone(data);
  } catch {
    try {
      return JSON.parse(JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
    } catch (err) {
      // A value too deep to copy (a hostile document): recorded as a marker, never a crash.
      return `<not recordable: ${(err as Error).message}>`;
    }
  }
}
