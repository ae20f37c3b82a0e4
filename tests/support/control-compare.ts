import type { Finding } from '../../lib/harness/finding.ts';
import type { Results, Verdict } from '../../lib/report/types.ts';
import type { FaultSwitch } from '../../reference/fault.ts';

/**
 * What a negative control must show, fault run against baseline run of the
 * same suite, on the same tests: the fault's requirements FAIL, its named
 * checks record failed findings, and nothing else changes. For every other
 * (test, requirement) the fault run ran, the verdict is the baseline's and
 * every check that passed in the baseline passes again (no pass-to-fail, no
 * pass-to-nothing), unless the fault declares the requirement in `blocks`
 * (it removes that requirement's precondition: the result may be lost, but
 * never turn FAIL).
 * A suite defect in either run is a problem.
 */
interface Cell {
  verdict: Verdict;
  reason?: string;
  findings: Finding[];
}

function cells(r: Results): Map<string, Cell> {
  const out = new Map<string, Cell>();
  for (const req of r.requirements) for (const t of req.tests) out.set(`${t.file} › ${t.title}\u0000${req.id}`, { verdict: t.verdict, ...(t.reason ? { reason: t.reason } : {}), findings: t.findings ?? [] });
  return out;
}

const passedChecks = (c: Cell) => new Set(c.findings.filter((f) => f.verdict === 'pass' && f.checkId).map((f) => f.checkId!));
const failedChecks = (c: Cell) => new Set(c.findings.filter((f) => f.verdict === 'fail' && f.checkId).map((f) => f.checkId!));

export interface ControlComparison {
  /** What the fault must not do: each one fails the matrix. */
  problems: string[];
  /**
   * A requirement the fault left INCONCLUSIVE (or a check it left without a
   * pass) that it does not declare in `blocks`: a removed precondition that
   * is not yet reviewed into reference/fault-blocks.ts. Reported, and a
   * failure only when `strictBlocks` is set.
   */
  undeclaredBlocks: string[];
}

export function compareControl(fault: Pick<FaultSwitch, 'name' | 'breaks' | 'checks' | 'blocks'>, baseline: Results, run: Results, covered: ReadonlySet<string>, options: { strictBlocks?: boolean } = {}): ControlComparison {
  const problems: string[] = [];
  const undeclaredBlocks: string[] = [];
  const p = (text: string) => problems.push(`${fault.name}: ${text}`);
  const blocked = (text: string) => (options.strictBlocks ? problems : undeclaredBlocks).push(`${fault.name}: ${text}`);
  for (const d of run.defects ?? []) p(`suite defect ${d.kind}${d.check ? ` ${d.check}` : ''}${d.test ? ` in '${d.test}'` : ''}: ${d.detail}`);
  const byId = new Map(run.requirements.map((r) => [r.id, r]));
  for (const id of fault.breaks) {
    if (!covered.has(id)) continue;
    const v = byId.get(id);
    if (v?.verdict !== 'fail') p(`${id} should FAIL, got ${v?.verdict ?? 'no verdict'}${v?.reason ? ` (${v.reason})` : ''}`);
  }
  const runFailed = new Set(run.requirements.flatMap((r) => r.tests.flatMap((t) => (t.findings ?? []).filter((f) => f.verdict === 'fail' && f.checkId).map((f) => f.checkId!))));
  for (const check of fault.checks ?? []) if (!runFailed.has(check)) p(`check ${check} should FAIL, but recorded no failed finding`);

  const breaks = new Set(fault.breaks);
  const blocks = new Set(fault.blocks ?? []);
  const declaredChecks = new Set(fault.checks ?? []);
  const before = cells(baseline);
  for (const [key, after] of cells(run)) {
    const [title, id] = key.split('\u0000') as [string, string];
    if (breaks.has(id)) continue;
    const was = before.get(key);
    if (!was) continue;
    // A declared block may lose its result, never turn into a failure: that would be a break the fault does not name.
    if (blocks.has(id)) {
      if (was.verdict !== after.verdict && (after.verdict === 'fail' || after.verdict === 'error')) p(`${id} in '${title}' is declared a block but turned ${after.verdict.toUpperCase()} (baseline ${was.verdict})${after.reason ? `: ${after.reason}` : ''}`);
      else for (const check of passedChecks(was)) if (!declaredChecks.has(check) && failedChecks(after).has(check)) p(`check ${check} (${id}) in '${title}' is declared a block but failed, and passed in the baseline`);
      continue;
    }
    if (was.verdict !== after.verdict) {
      const text = `${id} in '${title}' turned ${after.verdict.toUpperCase()} (baseline ${was.verdict})${after.reason ? `: ${after.reason}` : ''}`;
      // A result lost or changed because the fault changed the answer a check reads (pass, not-applicable and
      // inconclusive trading places) is a block to review; a FAIL or a suite error is damage.
      if (after.verdict === 'fail' || after.verdict === 'error') p(text);
      else blocked(text);
      continue;
    }
    const now = passedChecks(after);
    const failedNow = failedChecks(after);
    for (const check of passedChecks(was)) {
      if (declaredChecks.has(check)) continue;
      if (failedNow.has(check)) p(`check ${check} (${id}) in '${title}' failed, but passed in the baseline`);
      else if (!now.has(check)) blocked(`check ${check} (${id}) in '${title}' passed in the baseline and recorded no pass now`);
    }
  }
  return { problems, undeclaredBlocks };
}
