import type { TestInfo } from '@playwright/test';
import {
  CHECK_ANNOTATION,
  CheckFailedError,
  FINDING_ATTACHMENT,
  InconclusiveError,
  STOP_ATTACHMENT,
  type Finding,
  type TestStop,
} from './finding.ts';
import { inconclusive as inconclusiveOutcome, isOutcome, type Blame, type CheckTable, type Outcome } from './check.ts';
import type { Redactor } from './redactor.ts';

/**
 * Which requirements this run judges: a check of a requirement whose role
 * is not under test, or whose ICS feature the target does not claim, is not
 * run at all (the verdict engine reports the requirement as not-tested or
 * not-applicable without looking for findings).
 */
export interface CheckScope {
  /** Why checks of this requirement are not run here, or undefined when they are. */
  notJudged(requirement: string): string | undefined;
}

export const JUDGE_EVERYTHING: CheckScope = { notJudged: () => undefined };

export interface TableRun {
  /** Every check that ran passed (skipped ones do not count either way). */
  ok: boolean;
  /** The outcome of each check that ran, by id (undefined: not run here, or it threw). */
  outcome(id: string): Outcome | undefined;
  passed(id: string): boolean;
}

export interface RunOptions {
  /** Prefix of each finding's title: which exchange, e.g. `keyprov/sip:alice@example.org`. */
  label?: string;
  /** Stop the test when a check of this table fails (later steps need what it checks). */
  stopOnFailure?: boolean;
}

export interface CheckerOptions {
  scope?: CheckScope;
  /**
   * Whether a failed check fails the Playwright test (the default). The
   * negative-control projects turn it off: their verdicts are read from the
   * findings and stop records alone, exactly as in any run, and a failed
   * Playwright test costs a new worker (module loading, a login), which
   * multiplied over the matrix's faults was most of its time.
   */
  failTests?: boolean;
}

/**
 * Records findings for the running test. `run` runs a declared table and
 * records exactly one finding per check; a failing check does not stop the
 * test unless asked, so one exchange is graded against every requirement it
 * serves; the fixture fails the test at teardown if any finding failed.
 */
export class Checker {
  readonly findings: Finding[] = [];
  private readonly declared: ReadonlySet<string>;

  private readonly scope: CheckScope;
  /** See CheckerOptions.failTests. */
  readonly failsTests: boolean;

  constructor(
    private readonly testInfo: TestInfo,
    private readonly redactor: Redactor,
    options: CheckerOptions = {},
  ) {
    this.scope = options.scope ?? JUDGE_EVERYTHING;
    this.failsTests = options.failTests ?? true;
    const annotations = (testInfo as { annotations?: TestInfo['annotations'] }).annotations ?? [];
    this.declared = new Set(annotations.filter((a) => a.type === CHECK_ANNOTATION && a.description).map((a) => a.description!.split(' ')[0]!));
  }

  /** Runs every check of `table` on `input`; one finding per check that this run judges. */
  async run<I>(table: CheckTable<I>, input: I, options: RunOptions = {}): Promise<TableRun> {
    const outcomes = new Map<string, Outcome | undefined>();
    const label = options.label ? `${options.label}: ` : '';
    for (const c of table.checks) {
      if (this.scope.notJudged(c.requirement) !== undefined) continue;
      const base = { requirement: c.requirement, check: `${label}${c.title}`, checkId: c.id, ...(this.declared.has(c.id) ? {} : { undeclared: true as const }) };
      const blockers = (c.after ?? []).filter((a) => outcomes.has(a) && outcomes.get(a)?.verdict !== 'pass');
      let outcome: Outcome;
      try {
        if (blockers.length) {
          outcome = inconclusiveOutcome(`not checked: ${blockers.map((b) => `${b} ${outcomes.get(b)?.verdict ?? 'raised an error'}`).join(', ')}`, 'precondition');
        } else {
          const u = c.needs?.(input);
          const result = u ? inconclusiveOutcome(u.reason, u.blame) : await c.run(input);
          if (!isOutcome(result)) throw new TypeError(`check ${c.id} returned ${JSON.stringify(result)?.slice(0, 100) ?? String(result)}, not an outcome`);
          outcome = result;
        }
      } catch (err) {
        outcomes.set(c.id, undefined);
        this.record({ ...base, verdict: 'error', detail: `the check raised an exception: ${errorText(err)}`, thrown: thrownOf(err) });
        continue;
      }
      outcomes.set(c.id, outcome);
      this.record({ ...base, ...findingOf(outcome) });
    }
    const ran = [...outcomes.values()];
    const result: TableRun = {
      ok: ran.every((o) => o?.verdict === 'pass' || o?.verdict === 'not-applicable'),
      outcome: (id) => outcomes.get(id),
      passed: (id) => outcomes.get(id)?.verdict === 'pass',
    };
    if (options.stopOnFailure) {
      const failed = table.checks.find((c) => outcomes.get(c.id)?.verdict === 'fail');
      if (failed) {
        const f = [...this.findings].reverse().find((x) => x.checkId === failed.id)!;
        this.markStop({ kind: 'fatal', reason: `${failed.id} failed`, checkId: failed.id });
        // The stop is on record: ending the test as skipped leaves its verdicts as they are (they come from the record).
        if (!this.failsTests && typeof this.testInfo.skip === 'function') this.testInfo.skip(true, `FAIL: ${failed.id} (negative control: the failure is in the findings)`);
        throw new CheckFailedError(f);
      }
    }
    return result;
  }

  /**
   * Stop the test: what it needs next is not there. Every declared check
   * that has not recorded a finding becomes INCONCLUSIVE with this reason.
   */
  stop(reason: string, blame: Blame): never {
    const text = this.redactor.redactText(reason);
    this.markStop({ kind: 'inconclusive', reason: text, blame });
    // Under Playwright the test ends as skipped, not failed: an inconclusive test did not find a fault.
    if (typeof this.testInfo.skip === 'function') this.testInfo.skip(true, `INCONCLUSIVE: ${text}`);
    throw new InconclusiveError(text);
  }

  failed(): Finding[] {
    return this.findings.filter((f) => f.verdict === 'fail');
  }

  /**
   * Attach the findings, redacted again with every secret known by now (a
   * suite may register a secret after a check recorded it). Called by the
   * fixture at teardown.
   */
  async flush(): Promise<void> {
    for (const finding of this.findings.slice(this.flushed)) {
      await this.testInfo.attach(FINDING_ATTACHMENT, { body: JSON.stringify(this.redactor.redactValue(finding)), contentType: 'application/json' });
    }
    this.flushed = this.findings.length;
  }

  private flushed = 0;

  private record(finding: Finding): void {
    this.findings.push(this.redactor.redactValue(finding) as Finding);
  }

  /** Synchronous, so the stop is on record even when the test ends with the exception thrown next. */
  private markStop(stop: TestStop): void {
    const annotations = (this.testInfo as { annotations?: TestInfo['annotations'] }).annotations;
    if (annotations && !annotations.some((a) => a.type === STOP_ATTACHMENT)) annotations.push({ type: STOP_ATTACHMENT, description: JSON.stringify(stop) });
  }
}

function findingOf(o: Outcome): Omit<Finding, 'requirement' | 'check'> {
  switch (o.verdict) {
    case 'pass':
      return { verdict: 'pass', field: o.field, ...('expected' in o ? { expected: o.expected } : {}), actual: o.actual, ...(o.detail ? { detail: o.detail } : {}) };
    case 'fail':
      return { verdict: 'fail', field: o.field, expected: o.expected, actual: o.actual, reason: o.reason, ...(o.detail ? { detail: o.detail } : {}) };
    case 'not-applicable':
      return { verdict: 'not-applicable', detail: o.reason };
    case 'inconclusive':
      return { verdict: 'inconclusive', blame: o.blame, detail: o.reason };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** The exception and the first stack frame outside node internals. */
export function thrownOf(err: unknown): { message: string; at?: string } {
  const message = errorText(err);
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  const frame = stack
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .find((l) => l.startsWith('at ') && !l.includes('node:') && !l.includes('/node_modules/'));
  return { message, ...(frame ? { at: frame.replace(/^at /, '').replace(/^.*\((.*)\)$/, '$1').replace(/^file:\/\//, '') } : {}) };
}
