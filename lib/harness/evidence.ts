import type { TestInfo } from '@playwright/test';
import { EVIDENCE_ATTACHMENT_PREFIX } from './finding.ts';
import type { Redactor } from './redactor.ts';

/** Kinds of evidence the HTML report knows how to render. */
export type EvidenceKind = 'http' | 'sip' | 'jwt' | 'xml' | 'mikey' | 'tls' | 'text' | 'json';

/**
 * Attaches what the suite saw to the running test, redacted. Each item is a
 * Playwright attachment named `mcx-evidence:<kind>:<label>` holding JSON, so
 * the reporter and Playwright's own HTML report both show it.
 */
export class Evidence {
  constructor(
    private readonly testInfo: TestInfo,
    readonly redactor: Redactor,
  ) {}

  record(kind: EvidenceKind, label: string, data: unknown): void {
    const body = JSON.stringify(this.redactor.redactValue(data), null, 2);
    void this.testInfo.attach(`${EVIDENCE_ATTACHMENT_PREFIX}${kind}:${label}`, { body, contentType: 'application/json' });
  }
}
