import { test, expect } from '@playwright/test';
import { runFuzz } from './fuzz.ts';

test('fuzz: 100,000 seeded random and mutated inputs through parse + validate; nothing escapes, every rejection has a reason', () => {
  test.setTimeout(180_000);
  const { accepted, rejected } = runFuzz(100_000);
  // Both paths are exercised.
  expect(accepted).toBeGreaterThan(1000);
  expect(rejected).toBeGreaterThan(10_000);
});
