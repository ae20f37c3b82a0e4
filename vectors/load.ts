import { readFileSync } from 'node:fs';

/**
 * The one loader for published test vectors. Each file is
 * `{ "source": "<RFC section or TS 33.180 clause>", "vectors": [...] }`;
 * tests assert how many vectors they ran so a shrinking set fails.
 */
export interface VectorFile<V = Record<string, unknown>> {
  source: string;
  note?: string;
  vectors: V[];
}

export function loadVectors<V = Record<string, any>>(relPath: string): VectorFile<V> {
  const file = JSON.parse(readFileSync(new URL(relPath, import.meta.url), 'utf8')) as VectorFile<V>;
  if (typeof file.source !== 'string' || !file.source) throw new Error(`vector file ${relPath} has no 'source'`);
  if (!Array.isArray(file.vectors)) throw new Error(`vector file ${relPath} has no 'vectors' array`);
  return file;
}
