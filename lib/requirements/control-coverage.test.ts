import { test, expect } from '@playwright/test';
import { listSuiteTests, requirementUses } from '../../cli/commands/list-tests.ts';
import { FAULTS } from '../../reference/faults.ts';
import { loadCatalog } from './catalog.ts';
import { computeCoverage } from './coverage.ts';

/**
 * Every requirement a conformance test covers has a negative control: a
 * fault switch of the reference domain whose `breaks` names it (the matrix
 * in tests/negative-controls.test.ts then proves the fault turns it FAIL).
 * A covered requirement may go without one only for a reason stated here,
 * and the list may hold nothing that has since gained a control.
 */
const WITHOUT_CONTROL: Record<string, string> = {};

test('every covered requirement of idms, partner-idms, kms, mcx-server, cs-proxy, is-proxy and gms has a negative control', async () => {
  test.setTimeout(120_000);
  const listed = await listSuiteTests();
  expect(listed.errors, 'the suites could not be listed').toEqual([]);
  const cov = computeCoverage(loadCatalog(), requirementUses(listed.tests), FAULTS.flatMap((f) => f.breaks));
  const excused = new Set(Object.keys(WITHOUT_CONTROL));
  const unexplained = cov.uncontrolled.filter((id) => !excused.has(id));
  expect(unexplained, 'covered requirements no fault switch breaks (add a fault to reference/<role>/faults.ts)').toEqual([]);
  expect([...excused].filter((id) => !cov.uncontrolled.includes(id)), 'stated exceptions that now have a control or lost their test').toEqual([]);
  for (const role of ['idms', 'partner-idms', 'kms', 'mcx-server', 'cs-proxy', 'is-proxy', 'gms'] as const) {
    const c = cov.byRole[role]!;
    const excusedHere = [...excused].filter((id) => loadCatalog().byId.get(id)?.roles.includes(role)).length;
    expect(c.withoutControl - excusedHere, `${role}: covered ${c.covered}, with a negative control ${c.negativeControl}`).toBe(0);
  }
});
