/**
 * The check contract. A check is a declared value: a stable id, the one
 * requirement it serves, an optional precondition, and a `run` that returns
 * exactly one outcome for the exchange it is given. The checks of one
 * exchange form a table (`suites/<role>/checks/<exchange>.ts`); a test
 * declares the tables it runs (`declare(...)`, which also gives its
 * requirement annotations) and runs each through `verify.run(table, input)`,
 * which records one finding per check. A check cannot pass by saying
 * nothing: `run` has no way to return "no result".
 *
 * Modelled on the OIDF conformance suite's conditions: one job each, a
 * missing input is reported as such, a condition that logs nothing is a
 * suite bug.
 */
import type { FailReason } from './finding.ts';

/** Who or what left a check without a result. */
export type Blame =
  /** The target's answer made the check impossible (it answered, but not with what the check reads). */
  | 'target'
  /** The target did not answer (connection refused, timeout, TLS failure). */
  | 'unreachable'
  /** The target file lacks an input the check needs; the reason names the field. */
  | 'configuration'
  /** An earlier step of the test (graded elsewhere) did not give what this one needs. */
  | 'precondition';

export type Outcome =
  | { verdict: 'pass'; field: string; expected?: unknown; actual: unknown; detail?: string }
  | { verdict: 'fail'; field: string; expected: unknown; actual: unknown; reason: FailReason; detail?: string }
  | { verdict: 'not-applicable'; reason: string }
  | { verdict: 'inconclusive'; reason: string; blame: Blame };

export interface Unmet {
  reason: string;
  blame: Blame;
}

export interface Check<I> {
  /** Stable, dotted, lower case: `<role>.<exchange>.<what>`, e.g. `kms.keyset.rsk-validates`. */
  readonly id: string;
  /** The one requirement ID it serves (MCXSEC-...). */
  readonly requirement: string;
  /** What is checked, in the spec's nouns; the finding's title. */
  readonly title: string;
  /** Ids of checks of the same table that must pass first (else: inconclusive, naming them). */
  readonly after?: readonly string[];
  /** Precondition on the input: unmet gives INCONCLUSIVE with this reason and blame. */
  readonly needs?: (input: I) => Unmet | undefined;
  readonly run: (input: I) => Outcome | Promise<Outcome>;
}

export interface CheckTable<I> {
  /** The exchange the table checks, e.g. `kms keyprov response`. */
  readonly exchange: string;
  readonly checks: readonly Check<I>[];
}

const CHECK_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*){2,}$/;
const REQUIREMENT_ID = /^MCXSEC-[A-Z0-9]+(?:\.[A-Z0-9]+)*-[0-9]{2}$/;

/** Builds a table; throws at module load on a malformed or repeated id, so a bad table never runs. */
export function checkTable<I>(exchange: string, checks: readonly Check<I>[]): CheckTable<I> {
  const seen = new Set<string>();
  for (const c of checks) {
    if (!CHECK_ID.test(c.id)) throw new TypeError(`check id '${c.id}' (${exchange}): expected <role>.<exchange>.<what>, lower case, dotted`);
    if (!REQUIREMENT_ID.test(c.requirement)) throw new TypeError(`check ${c.id}: requirement '${c.requirement}' is not an MCXSEC ID`);
    if (seen.has(c.id)) throw new TypeError(`check ${c.id} appears twice in the table of ${exchange}`);
    for (const a of c.after ?? []) if (!seen.has(a)) throw new TypeError(`check ${c.id}: 'after' names ${a}, which is not an earlier check of the table of ${exchange}`);
    seen.add(c.id);
  }
  return Object.freeze({ exchange, checks: Object.freeze([...checks]) });
}

// Outcome constructors: the only ways a check says what it found.

export function pass(field: string, actual: unknown, expected?: unknown, detail?: string): Outcome {
  return { verdict: 'pass', field, actual, ...(expected !== undefined ? { expected } : {}), ...(detail ? { detail } : {}) };
}

export function fail(field: string, expected: unknown, actual: unknown, reason: FailReason = 'mismatch', detail?: string): Outcome {
  return { verdict: 'fail', field, expected, actual, reason, ...(detail ? { detail } : {}) };
}

/** pass or fail on one condition, with the same field, expectation and observation. */
export function verdictOf(ok: boolean, field: string, expected: unknown, actual: unknown, reason: FailReason = 'mismatch', detail?: string): Outcome {
  return ok ? pass(field, actual, expected, detail) : fail(field, expected, actual, reason, detail);
}

export function notApplicable(reason: string): Outcome {
  return { verdict: 'not-applicable', reason };
}

export function inconclusive(reason: string, blame: Blame): Outcome {
  return { verdict: 'inconclusive', reason, blame };
}

export function unmet(reason: string, blame: Blame): Unmet {
  return { reason, blame };
}

const VERDICTS = new Set(['pass', 'fail', 'not-applicable', 'inconclusive']);

/** Whether a value returned by `run` is an outcome (a check that returns anything else is a suite error). */
export function isOutcome(v: unknown): v is Outcome {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  if (!VERDICTS.has(o.verdict as string)) return false;
  if (o.verdict === 'pass' || o.verdict === 'fail') return typeof o.field === 'string' && 'actual' in o;
  return typeof o.reason === 'string' && o.reason.length > 0;
}
