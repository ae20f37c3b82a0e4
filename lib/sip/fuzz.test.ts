import { test, expect } from '@playwright/test';
import { runFuzz } from './fuzz.ts';

test('fuzz: 100,000 seeded random and mutated SIP inputs through parser, framer and body decoders; nothing escapes', () => {
  test.setTimeout(180_000);
  const { parsed, rejected, ms, slowestMs } = runFuzz(100_000);
  test.info().annotations.push({ type: 'fuzz', description: `100,000 inputs in ${Math.round(ms)} ms: ${parsed} parsed, ${rejected} not messages, slowest input ${slowestMs.toFixed(1)} ms` });
  expect(parsed).toBeGreaterThan(10_000);
  expect(rejected).toBeGreaterThan(1_000);
  expect(ms).toBeLessThan(150_000);
  // No input may be pathological (regex backtracking, quadratic buffering): a generous bound for a loaded machine.
  expect(slowestMs).toBeLessThan(1000);
});
