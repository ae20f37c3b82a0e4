import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/**
 * A scan of the TS 33.180 text for normative statements, as a self-test of the
 * requirement catalog: every sentence (or table row) of a clause in scope that
 * carries a normative keyword is a *hit*; the reviewed mapping data in
 * `scan/*.yaml` maps each hit to catalog IDs or excludes it with a reason.
 *
 * A hit is named by its clause, a short hash of its normalised text and its
 * first words (at most six): a fingerprint, never the sentence itself.
 */

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCAN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'scan');

/** The spec text: `<project>/../shared/spec/ts-33.180.txt`, or MCX_SPEC_TEXT. */
export function specTextPath(root = PROJECT_ROOT): string {
  return process.env.MCX_SPEC_TEXT ?? resolve(root, '..', 'shared', 'spec', 'ts-33.180.txt');
}

/**
 * The clause groups in scope, in document order. A clause belongs to the
 * group whose prefix is the longest that matches it (5.3.1.2 -> 5.3).
 */
export const SCOPE_GROUPS = [
  '5.1', '5.2', '5.3', '5.4', '5.5', '5.6', '5.7', '5.8', '5.11',
  '6.1', '7.2', '7.3', '7.4', '7.5', '8.5',
  '9.2', '9.3', '9.4', '9.5', '9.6', '11.2.3',
  'B', 'C', 'D', 'E', 'F', 'G', 'J', 'L',
] as const;
export type ScopeGroup = (typeof SCOPE_GROUPS)[number];

export function groupOfClause(clause: string): ScopeGroup | undefined {
  let best: ScopeGroup | undefined;
  for (const g of SCOPE_GROUPS) if ((clause === g || clause.startsWith(g + '.')) && (!best || g.length > best.length)) best = g;
  return best;
}

export type HitKind = 'sentence' | 'table-row' | 'table-text';

export interface Hit {
  clause: string;
  group: ScopeGroup;
  kind: HitKind;
  /** 8 hex digits of the SHA-256 of the normalised text. */
  hash: string;
  /** `<clause> <hash>`: what mapping files name. */
  key: string;
  /** The first words of the text (at most six): a fingerprint for reviewers. */
  words: string;
  /** The normative keywords found (lower case; `M` / `O` for presence columns). */
  keywords: string[];
  /** Line of the spec text where the hit starts. */
  line: number;
  /** True when the hit is, or sits in, a NOTE. */
  note: boolean;
  /** The text itself: in memory only, never written into the project. */
  text: string;
}

const KEYWORDS = /\b(shall not|shall|should not|should|may|need not|must|required|mandatory|recommended|optional|optionally)\b/gi;
/** A presence column value in a table: a lone M or O. */
const PRESENCE = /(?<![\w'.\\-])([MO])(?![\w'.-])/g;

export function normalise(text: string): string {
  return text
    .replace(/â€[\u0080-\u00ff‘’“”•–—™œ\u0090-\u009f]?/g, '-')
    .replace(/\\/g, '')
    .replace(/[‘’'`"“”]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

export function hashText(text: string): string {
  return createHash('sha256').update(normalise(text)).digest('hex').slice(0, 8);
}

export function firstWords(text: string, n = 6): string {
  return normalise(text).replace(/[|+]/g, ' ').split(' ').filter(Boolean).slice(0, n).join(' ');
}

interface Unit {
  clause: string;
  kind: HitKind;
  text: string;
  line: number;
  note: boolean;
}

/** `###### ## Annex B (normative): ...` -> B; `### 5.3.1.1 General` -> 5.3.1.1. */
export function headingClause(line: string): string | undefined {
  const m = /^#+\s+(?:#+\s+)?(?:Annex\s+([A-Z])\b|((?:[0-9]+|[A-Z])(?:\.[0-9]+)*)\s)/.exec(line);
  if (!m) return undefined;
  return m[1] ?? m[2];
}

const SENTENCE_END = /(?<=[.?!][*_]*)(?<!\b(?:e\.g|i\.e|etc|cf|vs|No|Fig|approx|Ref)\.)\s+(?=[A-Z\\"'(\[_*])/;
const UNIT_START = /^(\\-|-|•|NOTE\b|NOTE\s*\d*:|EXAMPLE\b|Table\s|Figure\s|Step\s*\d|>\s*\d|\d{1,2}(?:[,-]\d{1,2})*:\s|[0-9]{1,2}[a-z]?\\?[.)]\s|[a-z]\\?[.)]\s|\[[0-9a-z]+\]\s)/;

/** Splits the spec into units (sentences, list items, table rows) with their clause. */
export function splitUnits(spec: string): Unit[] {
  const lines = spec.split(/\r?\n/);
  const units: Unit[] = [];
  let clause = '';
  let buf: string[] = [];
  let bufLines: number[] = [];
  let bufLine = 0;
  let bufNote = false;
  let inTable = false;
  const flush = () => {
    if (!buf.length) return;
    const joined = buf.join(' ');
    if (inTable && /^[D](\.|$)/.test(clause) && /^Name Description\b/.test(joined)) {
      for (const row of annexDFieldRows(joined)) units.push({ clause, kind: 'table-row', text: row, line: bufLines[0] ?? bufLine, note: false });
      buf = [];
      bufLines = [];
      return;
    }
    const starts: number[] = [];
    let pos = 0;
    for (const l of buf) {
      starts.push(pos);
      pos += l.length + 1;
    }
    const kind: HitKind = inTable ? 'table-text' : 'sentence';
    let at = 0;
    for (const s of joined.split(SENTENCE_END)) {
      const idx = joined.indexOf(s, at);
      at = idx + s.length;
      let li = 0;
      while (li + 1 < starts.length && starts[li + 1]! <= idx) li++;
      if (s.trim()) units.push({ clause, kind, text: s.trim(), line: bufLines[li] ?? bufLine, note: bufNote });
    }
    buf = [];
    bufLines = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.trim();
    const heading = raw.startsWith('#') ? headingClause(raw) : undefined;
    if (raw.startsWith('#')) {
      flush();
      inTable = false;
      if (heading) clause = heading;
      bufNote = false;
      continue;
    }
    if (/^\*\s*\*\s*\*/.test(line)) {
      flush();
      inTable = !inTable;
      continue;
    }
    if (line.startsWith('+-') || line.startsWith('+=')) {
      flush();
      for (const row of gridRows(line)) units.push({ clause, kind: 'table-row', text: row, line: i + 1, note: false });
      continue;
    }
    if (!line) {
      flush();
      bufNote = false;
      continue;
    }
    if (UNIT_START.test(line) || /^Table\s+[A-Z0-9.-]+:/.test(line)) {
      flush();
      bufNote = /^NOTE\b/.test(line);
      bufLine = i + 1;
    } else if (!buf.length) {
      bufLine = i + 1;
    } else if (bufNote && /^[A-Z*]/.test(line) && endsParagraph(buf[buf.length - 1]!)) {
      // the text has no blank lines: a short line ending a sentence closes the NOTE's paragraph
      flush();
      bufNote = false;
      bufLine = i + 1;
    }
    buf.push(line);
    bufLines.push(i + 1);
  }
  flush();
  return units;
}

/**
 * Field names of the flattened 'Name Description' tables of Annex D (D.2.2-1,
 * D.3.1-1, D.3.2.2-1, D.3.3.2-1): the conversion joined their rows into running
 * text, so rows are cut again before each field name. A field without
 * '(Optional' is mandatory: the row is a hit with presence M, else O.
 */
export const ANNEX_D_FIELDS = [
  'Version', 'UserUri', 'KmsUri', 'ClientId', 'DeviceId', 'Time', 'ClientReqUrl', 'KrrList', 'ClientError', 'TrK-ID', 'Signature-ID',
  'KmsId', 'KmsMessage', 'Role', 'CertUri', 'Issuer', 'ValidFrom', 'ValidTo', 'Revoked', 'UserIDFormat', 'UserKeyPeriod', 'UserKeyOffset',
  'PubEncKey', 'PubAuthKey', 'ParameterSet', 'KmsDomainList', 'IsSecurityGateway', 'UserID', 'KeyPeriodNo', 'UserDecryptKey',
  'UserSigningKeySSK', 'UserPubTokenPVT',
] as const;
const D_FIELD_START = new RegExp(`(?<=^|[\\s.)])(?<!\\b(?:the|a|an|of|to|by|in|for|and|or) )(?=(?:${ANNEX_D_FIELDS.map((f) => f.replace('-', '\\-')).join('|')})(?![\\w-]))`, 'g');

/** Rows of a flattened Annex D field table ('Name Description f1 desc f2 (Optional) desc ...'). */
export function annexDFieldRows(text: string): string[] {
  const body = text.replace(/^Name Description\s*/, '');
  return body.split(D_FIELD_START).map((r) => r.trim()).filter(Boolean);
}

/** A wrapped line that ends its paragraph: a sentence end well short of the wrap width. */
function endsParagraph(line: string): boolean {
  if (/^NOTE\s*\d*:\s*Void\.?$/.test(line)) return true;
  return line.length < 70 && /[.:]$/.test(line) && !/\b(?:e\.g|i\.e|etc)\.$/.test(line);
}

/** Rows of a grid table written on one line (`+---+---+ | a | b | ... +---+`), cells joined by ' | '. */
export function gridRows(line: string): string[] {
  const parts = line.split(/\+(?:[-=]+\+)+/);
  const sep = /\+((?:[-=]+\+)+)/.exec(line);
  const ncols = sep ? sep[1]!.split('+').filter(Boolean).length : 1;
  const rows: string[] = [];
  for (const part of parts) {
    const body = part.trim();
    if (!body.startsWith('|')) continue;
    const cells = body.replace(/^\|/, '').replace(/\|\s*$/, '').split('|');
    const cols: string[][] = Array.from({ length: ncols }, () => []);
    // physical lines of a row were joined: '| a | b | | c | d |' has one empty gap cell between lines
    cells.forEach((c, i) => {
      const t = c.trim();
      const col = i % (ncols + 1);
      if (t && col < ncols) cols[col]!.push(t);
    });
    const row = cols.map((c) => c.join(' ')).join(' | ');
    if (row.replace(/[|\s]/g, '')) rows.push(row);
  }
  return rows.length > 1 ? rows.slice(1) : rows; // the first row is the header, unless it is the only one
}

function keywordsOf(u: Unit): string[] {
  const found = [...u.text.matchAll(KEYWORDS)].map((m) => m[1]!.toLowerCase());
  if (u.kind === 'table-row' && /^D(\.|$)/.test(u.clause) && !u.text.includes(' | ')) {
    // a field row of a flattened Annex D table: presence from the '(Optional' marker
    found.push(/\(Optional/.test(u.text) ? 'O' : 'M');
    return [...new Set(found)];
  }
  if (u.kind !== 'sentence') {
    const cells = u.kind === 'table-row' ? u.text.split(' | ') : [u.text];
    for (const c of cells) for (const m of c.matchAll(PRESENCE)) found.push(m[1]!);
  }
  return [...new Set(found)];
}

/** Every hit of the spec text in the clauses in scope, in document order. */
export function scanSpec(spec: string): Hit[] {
  const hits: Hit[] = [];
  const seen = new Map<string, number>();
  for (const u of splitUnits(spec)) {
    const group = groupOfClause(u.clause);
    if (!group) continue;
    const keywords = keywordsOf(u);
    if (!keywords.length) continue;
    let hash = hashText(u.text);
    // the same sentence twice in one clause: number the repeats
    const base = `${u.clause} ${hash}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    if (n > 1) hash = `${hash}.${n}`;
    const note = u.note || /^NOTE\b/.test(u.text);
    hits.push({ clause: u.clause, group, kind: u.kind, hash, key: `${u.clause} ${hash}`, words: firstWords(u.text), keywords, line: u.line, note, text: u.text });
  }
  return hits;
}

export function scanSpecFile(path = specTextPath()): Hit[] {
  return scanSpec(readFileSync(path, 'utf8'));
}

export function specAvailable(path = specTextPath()): boolean {
  return existsSync(path);
}

// ---------------------------------------------------------------------------
// The mapping data

/** Why a hit is not a catalog entry: a closed list. */
export const EXCLUSION_KINDS = {
  note: 'an informative NOTE',
  restates: "restates a requirement catalogued elsewhere (ref names that ID)",
  'no-option': "a 'may' (or 'optional') that grants no option an interface could show",
  editorial: "editor's text, a definition or description: the keyword is not used normatively",
  example: 'part of an example (example XML, example identities, example values)',
  informative: 'in an informative annex or clause (Annex C)',
  'other-spec': 'an obligation of another specification, only referenced here',
  'ics-option': 'declares a feature optional: the ICS feature named in why gates the requirements that follow',
  'out-of-model': 'binds an entity that is none of the roles (user, operator, deployment, SIP core, GMC-internal policy)',
} as const;
export type ExclusionKind = keyof typeof EXCLUSION_KINDS;

export interface MappedHit {
  /** `<clause> <hash>` of the hit. */
  at: string;
  /** The hit's first words, for reviewers (checked against the scan). */
  words?: string;
  ids?: string[];
  exclude?: ExclusionKind;
  /** For `restates`: the ID(s) that hold the requirement. */
  ref?: string[];
  why?: string;
}

export interface MappingFile {
  group: ScopeGroup;
  /** `done`: every hit of the group must be mapped; `pending`: counts only. */
  status: 'done' | 'pending';
  hits: MappedHit[];
}

export interface LoadedMapping {
  files: Map<string, MappingFile>;
  problems: string[];
}

export function loadMappings(dir = SCAN_DIR): LoadedMapping {
  const files = new Map<string, MappingFile>();
  const problems: string[] = [];
  if (!existsSync(dir)) return { files, problems };
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    let doc: MappingFile;
    try {
      doc = parseYaml(readFileSync(join(dir, name), 'utf8')) as MappingFile;
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    if (!doc || typeof doc !== 'object') {
      problems.push(`${name}: expected a mapping with group, status and hits`);
      continue;
    }
    if (!SCOPE_GROUPS.includes(doc.group)) problems.push(`${name}: group '${doc.group}' is not a clause group in scope (${SCOPE_GROUPS.join(', ')})`);
    if (doc.status !== 'done' && doc.status !== 'pending') problems.push(`${name}: status must be done or pending, not '${doc.status}'`);
    doc.hits ??= [];
    if (!Array.isArray(doc.hits)) {
      problems.push(`${name}: hits must be a list`);
      doc.hits = [];
    }
    files.set(name, doc);
  }
  return { files, problems };
}

export interface GroupReport {
  group: ScopeGroup;
  status: 'done' | 'pending' | 'missing';
  hits: number;
  mapped: number;
  excluded: number;
  unmapped: Hit[];
}

export interface ScanCheck {
  /** Problems that fail the self-test. */
  problems: string[];
  groups: GroupReport[];
  exclusionsByKind: Record<string, number>;
}

/**
 * Checks the mapping data against a scan and the catalog's IDs. Fails on: an
 * unmapped hit of a group marked done, an exclusion without a known kind or a
 * reason, a restatement without a known ref, an ID the catalog lacks, a
 * mapping of a hit that no longer exists, a hit mapped twice.
 */
export function checkMappings(hits: Hit[], mapping: LoadedMapping, catalogIds: Set<string>): ScanCheck {
  const problems = [...mapping.problems];
  const byKey = new Map(hits.map((h) => [h.key, h]));
  const mappedKeys = new Map<string, string>();
  const exclusionsByKind: Record<string, number> = {};
  const statusOf = new Map<string, 'done' | 'pending'>();
  for (const [name, file] of mapping.files) {
    if (statusOf.has(file.group)) problems.push(`${name}: a second mapping file for group ${file.group}`);
    statusOf.set(file.group, file.status);
    for (const [i, m] of file.hits.entries()) {
      const where = `${name}: hit ${i} (${m?.at})`;
      if (!m || typeof m.at !== 'string') {
        problems.push(`${name}: hit ${i}: 'at' (clause and hash) is required`);
        continue;
      }
      const hit = byKey.get(m.at);
      if (!hit) problems.push(`${where}: no such hit in the spec text any more (re-run scripts/scan-skeleton.ts and review)`);
      else {
        if (hit.group !== file.group) problems.push(`${where}: the hit belongs to group ${hit.group}, not ${file.group}`);
        if (m.words !== undefined && m.words !== hit.words) problems.push(`${where}: words '${m.words}' do not match the hit's '${hit.words}'`);
      }
      const prior = mappedKeys.get(m.at);
      if (prior) problems.push(`${where}: mapped twice (also in ${prior})`);
      mappedKeys.set(m.at, name);
      const hasIds = Array.isArray(m.ids) && m.ids.length > 0;
      if (!hasIds && !m.exclude) problems.push(`${where}: neither ids nor exclude`);
      if (hasIds && m.exclude) problems.push(`${where}: both ids and exclude`);
      for (const id of m.ids ?? []) if (!catalogIds.has(id)) problems.push(`${where}: ${id} is not in the catalog`);
      if (m.exclude !== undefined) {
        if (!Object.hasOwn(EXCLUSION_KINDS, m.exclude)) problems.push(`${where}: exclusion kind '${m.exclude}' is not one of ${Object.keys(EXCLUSION_KINDS).join(', ')}`);
        if (typeof m.why !== 'string' || m.why.trim().length < 5) problems.push(`${where}: the exclusion has no reason (why)`);
        if (m.exclude === 'restates' && !(m.ref ?? []).length) problems.push(`${where}: a restatement must name the ID it restates (ref)`);
        exclusionsByKind[m.exclude] = (exclusionsByKind[m.exclude] ?? 0) + 1;
      }
      for (const id of m.ref ?? []) if (!catalogIds.has(id)) problems.push(`${where}: ref ${id} is not in the catalog`);
    }
  }
  const groups: GroupReport[] = SCOPE_GROUPS.map((group) => {
    const own = hits.filter((h) => h.group === group);
    const status = statusOf.get(group) ?? 'missing';
    let mapped = 0;
    let excluded = 0;
    const unmapped: Hit[] = [];
    for (const h of own) {
      const name = mappedKeys.get(h.key);
      if (!name) {
        unmapped.push(h);
        continue;
      }
      const m = mapping.files.get(name)!.hits.find((x) => x.at === h.key)!;
      if (m.exclude) excluded++;
      else mapped++;
    }
    if (status === 'done') for (const h of unmapped) problems.push(`group ${group} is marked done but hit ${h.key} ('${h.words}', line ${h.line}) is not mapped`);
    return { group, status, hits: own.length, mapped, excluded, unmapped };
  });
  return { problems, groups, exclusionsByKind };
}
