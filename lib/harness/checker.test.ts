import { test, expect, type TestInfo } from '@playwright/test';
import { checkTable, fail, inconclusive, notApplicable, pass, unmet, type Outcome } from './check.ts';
import { Checker } from './checker.ts';
import { declare, pick } from './requirements.ts';
import { CHECK_ANNOTATION, InconclusiveError, REQUIREMENT_ANNOTATION, STOP_ATTACHMENT, CheckFailedError } from './finding.ts';
import { Redactor } from './redactor.ts';

/** The harness side of the check contract: exactly one finding per check, whatever the check does. */
interface Input {
  value?: string;
}
const A = 'MCXSEC-D.2.2-01';
const B = 'MCXSEC-D.2.2-02';
const TABLE = checkTable<Input>('a test exchange', [
  { id: 'kms.test.present', requirement: A, title: 'value present', run: (i) => (i.value ? pass('value', i.value) : fail('value', 'present', undefined, 'missing')) },
  { id: 'kms.test.upper', requirement: B, title: 'value upper case', after: ['kms.test.present'], run: (i) => (i.value === i.value!.toUpperCase() ? pass('value', i.value) : fail('value', 'upper case', i.value)) },
  { id: 'kms.test.needs', requirement: B, title: 'needs a long value', needs: (i) => ((i.value?.length ?? 0) < 3 ? unmet('the value is too short to judge', 'target') : undefined), run: (i) => pass('value', i.value) },
]);

function harness(tables = [TABLE], notJudged: (r: string) => string | undefined = () => undefined) {
  const annotations = declare(...(tables as never[]));
  const info = { attach: async () => undefined, annotations: [...annotations] } as unknown as TestInfo;
  return { checker: new Checker(info, new Redactor(), { scope: { notJudged } }), info };
}

test('declare gives one check annotation per check and one requirement annotation per requirement', () => {
  const a = declare(TABLE as never);
  expect(a.filter((x) => x.type === CHECK_ANNOTATION).map((x) => x.description)).toEqual(['kms.test.present MCXSEC-D.2.2-01', 'kms.test.upper MCXSEC-D.2.2-02', 'kms.test.needs MCXSEC-D.2.2-02']);
  expect(a.filter((x) => x.type === REQUIREMENT_ANNOTATION).map((x) => x.description)).toEqual([A, B]);
  expect(() => declare()).toThrow(/at least one check/);
});

test('run records exactly one finding per check, with its id, on good and bad input', async () => {
  const { checker } = harness();
  const good = await checker.run(TABLE, { value: 'ABC' }, { label: 'x' });
  expect(good.ok).toBe(true);
  expect(checker.findings.map((f) => [f.checkId, f.verdict])).toEqual([['kms.test.present', 'pass'], ['kms.test.upper', 'pass'], ['kms.test.needs', 'pass']]);
  expect(checker.findings[0]!.check).toBe('x: value present');
  expect(checker.findings.every((f) => !('reason' in f) && !f.undeclared)).toBe(true);
  const bad = await checker.run(TABLE, {});
  expect(bad.ok).toBe(false);
  expect(checker.findings.slice(3).map((f) => [f.checkId, f.verdict, f.blame ?? f.reason])).toEqual([
    ['kms.test.present', 'fail', 'missing'],
    ['kms.test.upper', 'inconclusive', 'precondition'],
    ['kms.test.needs', 'inconclusive', 'target'],
  ]);
});

test('a check that throws or returns no outcome records a suite error, and the others still run', async () => {
  const broken = checkTable<Input>('broken', [
    { id: 'kms.broken.throws', requirement: A, title: 'throws', run: () => { throw new RangeError('too deep'); } },
    { id: 'kms.broken.nothing', requirement: A, title: 'returns nothing', run: () => undefined as unknown as Outcome },
    { id: 'kms.broken.fine', requirement: B, title: 'fine', run: () => pass('v', 1) },
  ]);
  const { checker } = harness([broken as never]);
  await checker.run(broken, {});
  expect(checker.findings.map((f) => [f.checkId, f.verdict])).toEqual([['kms.broken.throws', 'error'], ['kms.broken.nothing', 'error'], ['kms.broken.fine', 'pass']]);
  expect(checker.findings[0]!.thrown?.message).toBe('RangeError: too deep');
  expect(checker.findings[0]!.thrown?.at).toContain('checker.test.ts');
});

test('checks outside the scope (role not under test, ICS not claimed) are not run and record nothing', async () => {
  const { checker } = harness([TABLE], (r) => (r === B ? 'role not under test' : undefined));
  await checker.run(TABLE, { value: 'ABC' });
  expect(checker.findings.map((f) => f.checkId)).toEqual(['kms.test.present']);
});

test('a check the test did not declare is recorded as undeclared', async () => {
  const other = checkTable<Input>('other', [{ id: 'kms.other.one', requirement: A, title: 'one', run: () => notApplicable('nothing to see') }]);
  const { checker } = harness();
  await checker.run(other, {});
  expect(checker.findings[0]).toMatchObject({ checkId: 'kms.other.one', verdict: 'not-applicable', undeclared: true, detail: 'nothing to see' });
});

test('stop and stopOnFailure record a typed stop before throwing', async () => {
  const { checker, info } = harness();
  await expect(checker.run(TABLE, {}, { stopOnFailure: true })).rejects.toBeInstanceOf(CheckFailedError);
  expect(JSON.parse(info.annotations.find((a) => a.type === STOP_ATTACHMENT)!.description!)).toMatchObject({ kind: 'fatal', checkId: 'kms.test.present' });
  const second = harness();
  expect(() => second.checker.stop('no token', 'precondition')).toThrow(InconclusiveError);
  expect(JSON.parse(second.info.annotations.find((a) => a.type === STOP_ATTACHMENT)!.description!)).toEqual({ kind: 'inconclusive', reason: 'no token', blame: 'precondition' });
});

test('tables refuse malformed ids, repeated ids and forward dependencies; pick keeps a subset', () => {
  const ok = { requirement: A, title: 't', run: () => inconclusive('x', 'target') };
  expect(() => checkTable('e', [{ ...ok, id: 'Bad Id' }])).toThrow(/expected <role>/);
  expect(() => checkTable('e', [{ ...ok, id: 'kms.e.one' }, { ...ok, id: 'kms.e.one' }])).toThrow(/twice/);
  expect(() => checkTable('e', [{ ...ok, id: 'kms.e.one', after: ['kms.e.two'] }, { ...ok, id: 'kms.e.two' }])).toThrow(/not an earlier check/);
  expect(() => checkTable('e', [{ ...ok, id: 'kms.e.one', requirement: 'D.2.2-01' }])).toThrow(/not an MCXSEC ID/);
  expect(pick(TABLE, 'kms.test.upper').checks.map((c) => [c.id, c.after])).toEqual([['kms.test.upper', []]]);
});
