import { test, expect } from '@playwright/test';
import { replaceSecrets } from './secret-text.ts';
import { Redactor } from './redactor.ts';

/** Secrets of any length leave reports; unrelated text is never corrupted. */
const R = '<r>';

test('a long secret is replaced wherever it stands', () => {
  expect(replaceSecrets('aXhunter2-longX b', ['hunter2-long'], R)).toBe('aX<r>X b');
});

test('a short secret is replaced as a whole quoted, escaped or form value only', () => {
  const s = 'pass';
  expect(replaceSecrets('{"password":"pass"}', [s], R)).toBe('{"password":"<r>"}');
  expect(replaceSecrets('{"title":"Fill \\"pass\\""}', [s], R)).toBe('{"title":"Fill \\"<r>\\""}');
  expect(replaceSecrets("fill('pass')", [s], R)).toBe(`fill('${R}')`);
  expect(replaceSecrets('<input value=&quot;pass&quot;>', [s], R)).toBe(`<input value=&quot;${R}&quot;>`);
  expect(replaceSecrets('username=alice&password=pass&x=1', [s], R)).toBe(`username=alice&password=${R}&x=1`);
  expect(replaceSecrets('password=pass', [s], R)).toBe(`password=${R}`);
  // Prose and longer values keep their words.
  expect(replaceSecrets('1 pass, 0 fail; "passport" and =passive', [s], R)).toBe('1 pass, 0 fail; "passport" and =passive');
});

test('the redactor takes secrets of any length', () => {
  const r = new Redactor(['abc12']);
  expect(r.redactValue({ body: 'username=alice&password=abc12', note: 'abc123 is not it' })).toEqual({ body: 'username=alice&password=<redacted>', note: 'abc123 is not it' });
  expect(r.redactText('Fill "abc12"')).toBe('Fill "<redacted>"');
});
