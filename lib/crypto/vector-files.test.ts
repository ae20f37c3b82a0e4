import { test, expect } from '@playwright/test';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadVectors } from '../../vectors/load.ts';

/** Every vectors/<source>/*.json names its source and holds a non-empty vector list. */
const root = fileURLToPath(new URL('../../vectors/', import.meta.url));

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

test('vector files: each has a source and at least one vector', () => {
  const files = jsonFiles(root);
  expect(files.length).toBeGreaterThanOrEqual(8);
  for (const path of files) {
    const rel = relative(root, path);
    const file = loadVectors(rel);
    expect(file.source.length, rel).toBeGreaterThan(5);
    expect(file.vectors.length, rel).toBeGreaterThan(0);
  }
});
