import { test, expect } from '@playwright/test';
import { BLOCKS } from './fault-blocks.ts';
import { FAULTS } from './faults.ts';
import { loadCatalog } from '../lib/requirements/catalog.ts';

/** What a fault may block names a known fault and known requirements, never one the fault breaks. */
test('every blocked requirement belongs to a known fault, is catalogued, and is not also in its breaks', () => {
  const catalog = loadCatalog();
  const problems: string[] = [];
  for (const [name, ids] of Object.entries(BLOCKS)) {
    const fault = FAULTS.find((f) => f.name === name);
    if (!fault) problems.push(`${name}: no such fault`);
    for (const id of ids) {
      if (!catalog.byId.has(id)) problems.push(`${name}: ${id} is not in the catalog`);
      if (fault?.breaks.includes(id)) problems.push(`${name}: ${id} is both broken and blocked`);
    }
  }
  expect(problems).toEqual([]);
});
