import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { compileSchema, describeAjvErrors } from '../target/schema.ts';
import { isIcsFeature } from '../target/ics.ts';
import type { Requirement } from './types.ts';
import catalogSchema from './catalog.schema.json' with { type: 'json' };

/**
 * The requirement catalog: every `catalog/*.yaml` file, schema-checked, with
 * IDs unique across files and consistent with their clause.
 */
export const CATALOG_DIR = join(dirname(fileURLToPath(import.meta.url)), 'catalog');

export class CatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(`requirement catalog is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CatalogError';
  }
}

export interface Catalog {
  requirements: Requirement[];
  byId: Map<string, Requirement>;
  /** Which file each requirement came from (relative to the catalog folder). */
  fileOf: Map<string, string>;
}

const validateFile = compileSchema(catalogSchema);

/** Problems of one parsed catalog file, each prefixed with the file and entry. */
export function checkCatalogFile(name: string, doc: unknown): string[] {
  if (doc === null || doc === undefined) return [];
  if (!validateFile(doc)) return describeAjvErrors(validateFile.errors).map((p) => `${name}: ${p.replace(/^\[(\d+)\]/, 'entry $1')}`);
  const problems: string[] = [];
  for (const [i, r] of (doc as Requirement[]).entries()) {
    const clauseOfId = r.id.replace(/^MCXSEC-/, '').replace(/-[0-9]{2}$/, '');
    if (clauseOfId !== r.clause) problems.push(`${name}: entry ${i} (${r.id}): clause is ${r.clause} but the ID names ${clauseOfId}`);
    if (r.ics !== undefined && !isIcsFeature(r.ics)) problems.push(`${name}: entry ${i} (${r.id}): ics '${r.ics}' is not a feature of lib/target/ics.ts`);
  }
  return problems;
}

export function loadCatalog(dir = CATALOG_DIR): Catalog {
  const problems: string[] = [];
  const requirements: Requirement[] = [];
  const byId = new Map<string, Requirement>();
  const fileOf = new Map<string, string>();
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(join(dir, file), 'utf8'));
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    problems.push(...checkCatalogFile(file, doc));
    if (!Array.isArray(doc) || !validateFile(doc)) continue;
    for (const r of doc as Requirement[]) {
      const seen = fileOf.get(r.id);
      if (seen) {
        problems.push(`${file}: duplicate ID ${r.id} (also in ${seen})`);
        continue;
      }
      byId.set(r.id, r);
      fileOf.set(r.id, file);
      requirements.push(r);
    }
  }
  if (problems.length) throw new CatalogError(problems);
  return { requirements, byId, fileOf };
}

/** A requirement ID written in source code, with where. */
export interface IdUse {
  id: string;
  file: string;
  line: number;
}

const ID_LITERAL = /['"`](MCXSEC-[0-9A-Z][0-9A-Za-z.]*-[0-9]{2})['"`]/g;

/** Every quoted `MCXSEC-...` literal in the files under `root` whose names pass `accept`. */
export function scanIdLiterals(root: string, accept: (path: string) => boolean, projectRoot = root): IdUse[] {
  const out: IdUse[] = [];
  for (const path of walk(root)) {
    if (!accept(path)) continue;
    const text = readFileSync(path, 'utf8');
    for (const m of text.matchAll(ID_LITERAL)) out.push({ id: m[1]!, file: relative(projectRoot, path), line: lineOf(text, m.index!) });
  }
  return out;
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function* walk(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}
