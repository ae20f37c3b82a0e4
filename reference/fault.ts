/**
 * A fault switch makes the reference domain break exactly one conformance
 * check, so that check can be shown to fail (its negative control).
 */
export type ReferenceRole = 'idms' | 'partner-idms' | 'kms' | 'mcx-server' | 'cs-proxy' | 'is-proxy' | 'gms';

export interface FaultSwitch {
  /** `<role>.<what-it-does>`, e.g. `idms.accepts-plain-pkce`. */
  name: string;
  role: ReferenceRole;
  /** Requirement IDs whose verdict must turn to fail with the switch on, and only those. */
  breaks: string[];
  /**
   * Ids of the declared checks (lib/harness/check.ts) that must fail with the
   * switch on, each serving one of `breaks`. Filled in as the suites move to
   * declared checks.
   */
  checks?: string[];
  /**
   * Requirement IDs the fault leaves without a result by design (it removes
   * their precondition): they may turn INCONCLUSIVE, never FAIL.
   */
  blocks?: string[];
  /**
   * The fault breaks what only a reference domain configured otherwise
   * claims (e.g. a consent page): it is proven under the target variant of
   * this name (tests/support/target-variants.ts), not in the default matrix.
   */
  variant?: string;
  /** One line: what the reference does wrong with the switch on. */
  description: string;
}

/** The set of switches turned on for one start of the domain. */
export class FaultSet {
  private readonly on: ReadonlySet<string>;
  constructor(names: Iterable<string> = []) {
    this.on = new Set(names);
  }
  has(name: string): boolean {
    return this.on.has(name);
  }
  names(): string[] {
    return [...this.on];
  }
}
