import { test, expect } from '@playwright/test';
import { readJson } from './json.ts';
import { Redactor } from '../harness/redactor.ts';

test('a document nested 100,000 levels deep is refused by name of the limit, without a stack overflow', () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const r = readJson(deep, 'discovery document');
  expect(r).toMatchObject({ ok: false, limit: 'depth' });
  expect(!r.ok && r.reason).toBe('discovery document nests deeper than the limit of 64 levels');
});

test('an object with more members than the limit is refused naming the limit and where', () => {
  const keys = JSON.stringify({ keys: Array.from({ length: 2000 }, (_, i) => ({ kid: `k${i}` })) });
  const r = readJson(keys, 'JWKS', { maxMembers: 1000 });
  expect(!r.ok && r.reason).toBe('JWKS has an array (keys) with more than the limit of 1000 elements');
});

test('duplicate member names are reported with their path; JSON.parse keeps the last', () => {
  const r = readJson('{"a":1,"b":{"c":1,"c":2},"a":3,"d":[{"e":1,"e":2}]}', 'doc');
  expect(r).toMatchObject({ ok: true, value: { a: 3, b: { c: 2 } }, duplicates: ['b.c', 'a', 'd[0].e'] });
  expect(readJson('{"a":"x\\"y","b":"a"}', 'doc')).toMatchObject({ ok: true, duplicates: [] });
});

test('bytes that are not UTF-8 are refused naming the offset (RFC 8259 section 8.1); too many bytes name the limit', () => {
  const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff]), Buffer.from('"}')]);
  const r = readJson(bad, 'JWT header');
  expect(!r.ok && r.reason).toBe('JWT header is not valid UTF-8 (RFC 8259 section 8.1): invalid byte 0xff at offset 6');
  const big = readJson(Buffer.alloc(5 * 1024 * 1024, 0x20), 'JWT header', { maxBytes: 16 * 1024 });
  expect(!big.ok && big.reason).toBe('JWT header (5 MiB) exceeds the 16 KiB limit');
});

test('the redactor replaces values deeper than its bound with a marker instead of recursing', () => {
  let v: unknown = 'leaf';
  for (let i = 0; i < 50_000; i++) v = [v];
  const out = JSON.stringify(new Redactor().redactValue(v));
  expect(out).toContain('nested deeper than 100 levels: not recorded');
});
