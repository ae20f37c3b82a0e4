import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULTS } from '../reference/faults.ts';
import { listSuiteTests, type ListedTest } from '../cli/commands/list-tests.ts';
import { loadCatalog } from '../lib/requirements/catalog.ts';
import { SUITE_ROLES } from '../lib/target/sections.ts';
import type { FaultSwitch } from '../reference/fault.ts';
import { compareControl } from './support/control-compare.ts';
import { baselineProblems, runControlMatrix } from './support/control-matrix.ts';
import { VARIANTS } from './support/target-variants.ts';

/**
 * Negative controls, the complete matrix: every fault switch against every
 * suite that can see it (its own role's suite whole, and the tests of other
 * suites that declare checks of its role's requirements), each compared
 * test by test with a baseline run of the same suite (tests/support/
 * control-compare.ts says what must hold). One Playwright run per fault
 * role; each fault and suite is a project of that run (MCX_CONTROL_PROJECTS)
 * testing a reference domain that this process starts with the fault on.
 * Every project judges every role, so a cross-role check runs.
 *
 * MCX_NC_SAMPLE=n checks n faults per role (picked by MCX_NC_SEED), and
 * MCX_NC_FAULTS=<name,...> only the faults named, for a quick local loop; CI
 * runs them all.
 */
const catalog = loadCatalog();

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/**
 * Where the reference domain's topology is narrower than "everything can
 * reach everything" (the IdMS and the KMS every suite leans on, for tokens
 * and key sets): the suites whose traffic reaches a role's server. A fault
 * of that role cannot touch any other suite, whatever roles the catalog
 * gives a requirement both declare (5.2.8 names MCX servers and proxies
 * alike; B.10 every resource server). The proxy suites play both ends
 * around their proxy; the MCX server is reached by the mcx-server suite
 * and by the gms suite's REGISTERs (the SIP core relays them to it); only
 * the gms suite talks to the GMS.
 */
const REACHED_BY: Record<string, readonly string[]> = {
  'cs-proxy': ['cs-proxy'],
  'is-proxy': ['is-proxy'],
  'mcx-server': ['mcx-server', 'gms'],
  gms: ['gms'],
};
/** Suites with nothing on their path but their own role's server: no fault elsewhere reaches them. */
const ISOLATED = new Set(['cs-proxy', 'is-proxy']);

/** The tests of `suite` a fault of `role` can affect: all of its own suite, else those (on its path) declaring a check of one of its requirements. */
function testsFor(role: string, suite: string, listed: ListedTest[]): ListedTest[] {
  const mine = listed.filter((t) => t.project === suite);
  if (role === suite) return mine;
  if (ISOLATED.has(suite) || (REACHED_BY[role] && !REACHED_BY[role]!.includes(suite))) return [];
  return mine.filter((t) => t.checks.some((c) => catalog.byId.get(c.requirement)?.roles.includes(role as never)));
}

const titleOf = (t: ListedTest) => t.title.split(' › ').at(-1)!;

/**
 * The roles' matrices, longest first: `npm test` runs two tests at a time,
 * and a long matrix started last would run on alone at the end.
 */
const BY_COST = ['kms', 'idms', 'mcx-server', 'gms', 'cs-proxy', 'is-proxy', 'partner-idms'];
const MATRIX_ORDER = [...SUITE_ROLES].sort((a, b) => (BY_COST.indexOf(a) + 1 || 99) - (BY_COST.indexOf(b) + 1 || 99));

for (const role of MATRIX_ORDER) {
  test(`negative controls: faults of ${role}`, async () => {
    // The complete matrix on a quiet 2-core machine took minutes per role; with the roles' matrices running side by
    // side (and the idms one seeing more suites) it took 40 minutes on a loaded one: this bound is for a loaded one.
    test.setTimeout(4_500_000);
    const listed = await listSuiteTests(SUITE_ROLES);
    expect(listed.errors, 'the suites could not be listed').toEqual([]);
    const suites = SUITE_ROLES.filter((s) => testsFor(role, s, listed.tests).length > 0);
    // A fault proven under a target variant is checked there (below), where its requirement is claimed.
    const faults = FAULTS.filter((f) => f.role === role && !f.variant);
    const elsewhere = FAULTS.filter((f) => f.role === role && f.variant && !VARIANTS.some((v) => v.name === f.variant && v.faults?.includes(f.name)));
    expect(elsewhere.map((f) => f.name), 'faults whose variant does not run them').toEqual([]);
    if (!suites.includes(role)) {
      test.info().annotations.push({ type: 'warning', description: `suites/${role} has no tests yet; ${faults.length} fault(s) unchecked` });
      test.skip(true, `suites/${role} has no tests yet`);
    }
    const covered = new Set(suites.flatMap((s) => testsFor(role, s, listed.tests)).flatMap((t) => t.requirements));
    const limit = Number(process.env.MCX_NC_SAMPLE) || Infinity;
    const named = process.env.MCX_NC_FAULTS?.split(',').map((s) => s.trim()).filter(Boolean);
    const sampled = limit >= faults.length ? faults : [...faults].sort((a, b) => hash(`${process.env.MCX_NC_SEED ?? ''}${a.name}`) - hash(`${process.env.MCX_NC_SEED ?? ''}${b.name}`)).slice(0, limit);
    const checked = named ? sampled.filter((f) => named.includes(f.name)) : sampled;
    if (checked.length === 0) test.skip(true, `MCX_NC_FAULTS names no fault of ${role}`);
    const uncovered = faults.filter((f) => !f.breaks.some((id) => covered.has(id)));
    if (uncovered.length) test.info().annotations.push({ type: 'warning', description: `no test names the requirements of: ${uncovered.map((f) => f.name).join(', ')}` });
    test.info().annotations.push({ type: 'checked', description: `${checked.length} of ${faults.length} fault switch(es) of ${role}, against ${suites.join(', ')}` });

    const titles = [...new Set(suites.flatMap((s) => testsFor(role, s, listed.tests).map(titleOf)))];
    // One project per fault over every suite that can see it (one worker per fault, not per suite).
    const m = await runControlMatrix({ label: `nc:${role}`, suites, titles, faults: checked.map((f) => f.name) });
    await test.info().attach('timings.txt', { body: m.timings, contentType: 'text/plain' });
    // MCX_NC_TIMINGS=<dir>: also keep the timings there, for a benchmark of the matrix.
    if (process.env.MCX_NC_TIMINGS) writeFileSync(join(process.env.MCX_NC_TIMINGS, `nc-timings-${role}.txt`), m.timings);

    const problems = baselineProblems(m.baseline);
    // A precondition a fault removes without declaring it in reference/fault-blocks.ts fails the matrix (a pass-to-nothing
    // nobody reviewed); MCX_NC_STRICT_BLOCKS=0 only reports it, for a local loop while a new fault's blocks are collected.
    const strictBlocks = process.env.MCX_NC_STRICT_BLOCKS !== '0';
    const undeclaredBlocks: string[] = [];
    for (const f of checked) {
      const c = compareControl(f, m.baseline, m.runs.get(f.name)!, covered, { strictBlocks });
      problems.push(...c.problems, ...undeclared(f));
      undeclaredBlocks.push(...c.undeclaredBlocks);
    }
    if (undeclaredBlocks.length) {
      test.info().annotations.push({ type: 'undeclared blocks', description: `${undeclaredBlocks.length} result(s) lost to a removed precondition that reference/fault-blocks.ts does not declare yet:\n${undeclaredBlocks.join('\n')}` });
      await test.info().attach('undeclared-blocks.txt', { body: undeclaredBlocks.join('\n') + '\n', contentType: 'text/plain' });
    }
    expect(problems, `negative-control problems for the faults of ${role} (${checked.length} fault(s) against ${suites.join(', ')}):\n${problems.join('\n')}`).toEqual([]);
  });
}

/**
 * The faults of each target variant (tests/support/target-variants.ts) under
 * that variant, against every suite it runs: a requirement the variant's ICS
 * does not claim must stay not-applicable (never FAIL); every other one the
 * fault breaks must FAIL with its named checks, those the variant keeps from
 * passing (`notPass`) too: a configuration that hides a pass must not hide a
 * visible defect. Nothing else changes.
 */
for (const variant of VARIANTS.filter((v) => v.faults?.length)) {
  test(`negative controls under target variant: ${variant.name}`, async () => {
    test.setTimeout(1_200_000);
    const listed = await listSuiteTests(SUITE_ROLES);
    expect(listed.errors, 'the suites could not be listed').toEqual([]);
    const faults = variant.faults!.map((name) => FAULTS.find((f) => f.name === name) ?? name);
    const unknown = faults.filter((f): f is string => typeof f === 'string');
    // An isolated suite runs only when one of the variant's faults is of its role (see ISOLATED).
    const reached = (s: string) => !ISOLATED.has(s) || faults.some((f) => typeof f !== 'string' && f.role === s);
    const suites = SUITE_ROLES.filter((s) => (!variant.roles || variant.roles.includes(s)) && reached(s) && listed.tests.some((t) => t.project === s));
    expect(unknown, `variant '${variant.name}' names unknown faults`).toEqual([]);
    const mine = listed.tests.filter((t) => suites.includes(t.project as (typeof SUITE_ROLES)[number]));
    const covered = new Set(mine.flatMap((t) => t.requirements));
    const requirementOfCheck = new Map(mine.flatMap((t) => t.checks.map((c) => [c.id, c.requirement] as const)));
    const m = await runControlMatrix({ label: `ncv:${variant.name.replace(/[^a-z0-9]+/gi, '-')}`, suites, titles: [...new Set(mine.map(titleOf))], faults: variant.faults!, changeDoc: variant.change, ...(variant.behaviour ? { behaviour: variant.behaviour } : {}) });
    const ics = (m.baselineDoc.ics ?? {}) as Record<string, boolean>;
    const gated = (id: string) => {
      const feature = catalog.byId.get(id)?.ics;
      return feature !== undefined && ics[feature] !== true;
    };
    const problems: string[] = [];
    for (const f of faults as FaultSwitch[]) {
      // What the fault must show here: gated requirements drop out (compared with the baseline, so they must stay not-applicable).
      const expected = (id: string) => !gated(id);
      const underVariant = { ...f, breaks: f.breaks.filter(expected), checks: (f.checks ?? []).filter((c) => expected(requirementOfCheck.get(c) ?? '')) };
      if (!underVariant.breaks.some((id) => covered.has(id)) && !f.breaks.some(gated)) problems.push(`${f.name}: breaks nothing this variant can see (${f.breaks.join(', ')}): pick another fault`);
      problems.push(...compareControl(underVariant, m.baseline, m.runs.get(f.name)!, covered).problems);
    }
    expect(problems, `negative-control problems under '${variant.name}':\n${problems.join('\n')}`).toEqual([]);
  });
}

/** A fault must name the checks it breaks (the first check of the contract: each fault proves a check). */
function undeclared(f: FaultSwitch): string[] {
  if ((f.checks ?? []).length || (f.blocks ?? []).length) return [];
  return [`${f.name}: names no check in 'checks' (which declared check does it make fail?)`];
}
