import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * Prints one closing line, `self-test: N passed, N failed, N skipped`, which
 * CI reads as the plain test-count line. Retries count once, by final outcome.
 */
export default class SummaryLineReporter implements Reporter {
  private readonly outcomes = new Map<string, string>();

  onTestEnd(test: TestCase, _result: TestResult): void {
    this.outcomes.set(test.id, test.outcome());
  }

  onEnd(): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const o of this.outcomes.values()) {
      if (o === 'expected' || o === 'flaky') passed += 1;
      else if (o === 'skipped') skipped += 1;
      else failed += 1;
    }
    process.stdout.write(`\nself-test: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
