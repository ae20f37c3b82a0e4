import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { compileSchema, describeAjvErrors } from '../target/schema.ts';
import { ICS_FEATURES, isIcsFeature } from '../target/ics.ts';
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

let compiled: ReturnType<typeof compileSchema> | undefined;
const validateFile = (doc: unknown) => (compiled ??= compileSchema(catalogSchema))(doc);

/** Problems of one parsed catalog file, each prefixed with the file and entry. */
export function checkCatalogFile(name: string, doc: unknown): string[] {
  if (doc === null || doc === undefined) return [];
  if (!validateFile(doc)) return describeAjvErrors(compiled!.errors).map((p) => `${name}: ${p.replace(/^\[(\d+)\]/, 'entry $1')}`);
  const problems: string[] = [];
  for (const [i, r] of (doc as Requirement[]).entries()) {
    const clauseOfId = r.id.replace(/^MCXSEC-/, '').replace(/-[0-9]{2}$/, '');
    if (clauseOfId !== r.clause) problems.push(`${name}: entry ${i} (${r.id}): clause is ${r.clause} but the ID names ${clauseOfId}`);
    if (r.ics !== undefined && !isIcsFeature(r.ics)) problems.push(`${name}: entry ${i} (${r.id}): ics '${r.ics}' is not a feature of lib/target/ics.ts`);
  }
  return problems;
}

/**
 * Where a checked catalog is kept as JSON, by the hash of its YAML: every
 * test worker loads the catalog, and parsing and checking the YAML costs
 * it a fifth of a second (the negative-control matrix starts hundreds).
 */
const CACHE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', '.cache', 'mcx-conformance');

export function loadCatalog(dir = CATALOG_DIR): Catalog {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
  // What the check reads besides the YAML: the schema and the ICS features an entry may name.
  const hash = createHash('sha256').update(JSON.stringify(catalogSchema)).update(Object.keys(ICS_FEATURES).join(' '));
  files.forEach((f, i) => hash.update(`${f}\u0000${texts[i]}\u0000`));
  const cacheFile = join(CACHE_DIR, `catalog-${hash.digest('hex').slice(0, 32)}.json`);
  let cached: Array<[string, Requirement[]]> | undefined;
  try {
    cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
  } catch {
    // not cached yet (or unreadable): parse and check the YAML
  }
  if (cached) return assemble(cached);
  const parsed = parseCatalog(files, texts);
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${cacheFile}.${process.pid}`;
    writeFileSync(partial, JSON.stringify(parsed));
    renameSync(partial, cacheFile);
  } catch {
    // a read-only tree: no cache, the next load parses again
  }
  return assemble(parsed);
}

function assemble(parsed: Array<[string, Requirement[]]>): Catalog {
  const requirements: Requirement[] = [];
  const byId = new Map<string, Requirement>();
  const fileOf = new Map<string, string>();
  for (const [file, entries] of parsed) {
    for (const r of entries) {
      byId.set(r.id, r);
      fileOf.set(r.id, file);
      requirements.push(r);
    }
  }
  return { requirements, byId, fileOf };
}

/** Each file's checked entries; throws CatalogError with every problem. */
function parseCatalog(files: string[], texts: string[]): Array<[string, Requirement[]]> {
  const problems: string[] = [];
  const out: Array<[string, Requirement[]]> = [];
  const fileOf = new Map<string, string>();
  for (const [i, file] of files.entries()) {
    let doc: unknown;
    try {
      doc = parseYaml(texts[i]!);
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    problems.push(...checkCatalogFile(file, doc));
    if (!Array.isArray(doc) || !validateFile(doc)) continue;
    const entries: Requirement[] = [];
    for (const r of doc as Requirement[]) {
      const seen = fileOf.get(r.id);
      if (seen) {
        problems.push(`${file}: duplicate ID ${r.id} (also in ${seen})`);
        continue;
      }
      fileOf.set(r.id, file);
      entries.push(r);
    }
    out.push([file, entries]);
  }
  if (problems.length) throw new CatalogError(problems);
  return out;
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
