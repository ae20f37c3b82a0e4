import { test, expect } from '@playwright/test';
import { loadCatalog } from './catalog.ts';
import {
  annexDFieldRows,
  checkMappings,
  EXCLUSION_KINDS,
  gridRows,
  groupOfClause,
  headingClause,
  loadMappings,
  scanSpec,
  scanSpecFile,
  specAvailable,
  specTextPath,
  type LoadedMapping,
  type MappingFile,
} from './scan.ts';

const SAMPLE = [
  '# 5 Common mission critical security framework',
  '## 5.11 UE key storage',
  '### 5.11.1 Key storage',
  'The UE shall keep keys (e.g. CSK and GMK) protected. This sentence has',
  'no keyword. Keys may be deleted.',
  'NOTE: A note that may be ignored.',
  '\\- a list item that shall count.',
  '# 6 Other',
  '## 6.2 SIP',
  'Out of scope text that shall not be scanned.',
  '###### ## Annex E (normative): MIKEY',
  '## E.6.1 General',
  'Table E.6.1-1: Key Parameters',
  '+-----+-----+ | IE | Presence | +-----+-----+ | Key | M | | Type | | +-----+-----+ | Text | O | +-----+-----+',
  '* * *',
  'Name Description KmsUri the URI. CertUri (Optional) the URI.',
  '* * *',
].join('\n');

test.describe('spec scan: the scanner', () => {
  test('headings give clauses, annex headings included; groups by longest prefix', () => {
    expect(headingClause('###### ## Annex B (normative): OpenID connect profile')).toBe('B');
    expect(headingClause('### 11.2.3 Interworking key management')).toBe('11.2.3');
    expect(headingClause('## D.3.2 KMS certificates')).toBe('D.3.2');
    expect(groupOfClause('11.2.3')).toBe('11.2.3');
    expect(groupOfClause('5.3.1.2')).toBe('5.3');
    expect(groupOfClause('5.10.1')).toBeUndefined();
    expect(groupOfClause('6.2.1')).toBeUndefined();
    expect(groupOfClause('E')).toBe('E');
  });

  test('grid tables split into rows, header dropped, wrapped cells joined', () => {
    const rows = gridRows('+-----+-----+ | IE | Presence | +-----+-----+ | Key | M | | Type | | +-----+-----+ | Text | O | +-----+-----+');
    expect(rows).toEqual(['Key Type | M', 'Text | O']);
  });

  test('flattened Annex D field tables are cut into rows; presence M unless (Optional)', () => {
    expect(annexDFieldRows('Name Description UserUri URI of the user. KmsUri The URI of the KMS. ClientId (Optional) A string for the client DeviceId (Optional) A string TrK-ID (Optional) The ID used to protect the KmsMessage.')).toEqual([
      'UserUri URI of the user.',
      'KmsUri The URI of the KMS.',
      'ClientId (Optional) A string for the client',
      'DeviceId (Optional) A string',
      'TrK-ID (Optional) The ID used to protect the KmsMessage.',
    ]);
    const hits = scanSpec('## D.3.1 General\n* * *\nName Description UserUri URI of the user. KmsId (Optional) The ID.\n* * *\n');
    expect(hits.map((h) => [h.kind, h.words, h.keywords.join(',')])).toEqual([
      ['table-row', 'useruri uri of the user.', 'M'],
      ['table-row', 'kmsid (optional) the id.', 'optional,O'],
    ]);
  });

  test('finds keyword sentences, list items, NOTEs and M/O table rows of in-scope clauses only', () => {
    const hits = scanSpec(SAMPLE);
    expect(hits.map((h) => [h.clause, h.kind, h.words, h.keywords.join(','), h.note])).toEqual([
      ['5.11.1', 'sentence', 'the ue shall keep keys (e.g.', 'shall', false],
      ['5.11.1', 'sentence', 'keys may be deleted.', 'may', false],
      ['5.11.1', 'sentence', 'note: a note that may be', 'may', true],
      ['5.11.1', 'sentence', '- a list item that shall', 'shall', false],
      ['E.6.1', 'table-row', 'key type m', 'M', false],
      ['E.6.1', 'table-row', 'text o', 'O', false],
      ['E.6.1', 'table-text', 'certuri (optional) the uri.', 'optional', false],
    ]);
    for (const h of hits) expect(h.key).toMatch(/^[0-9A-Z.]+ [0-9a-f]{8}$/);
  });

  test('fingerprints survive re-wrapping and mis-decoded characters', () => {
    const a = scanSpec('## 5.4 CSK\nThe client shall upload\nthe CSK.');
    const b = scanSpec('## 5.4 CSK\nThe client shall upload the CSK.');
    expect(a[0]!.hash).toBe(b[0]!.hash);
  });
});

test.describe('spec scan: the mapping check', () => {
  const hits = scanSpec(SAMPLE);
  const ids = new Set(['MCXSEC-5.11.1-01', 'MCXSEC-5.11.1-02', 'MCXSEC-E.6.1-01']);
  const file = (group: MappingFile['group'], status: MappingFile['status'], list: MappingFile['hits']): LoadedMapping => ({
    files: new Map([[`${group}.yaml`, { group, status, hits: list }]]),
    problems: [],
  });

  test('a group marked done fails on every unmapped hit; pending only counts', () => {
    const done = checkMappings(hits, file('5.11', 'done', [{ at: hits[0]!.key, ids: ['MCXSEC-5.11.1-01'] }]), ids);
    expect(done.problems.filter((p) => p.includes('is not mapped'))).toHaveLength(3);
    const pending = checkMappings(hits, file('5.11', 'pending', [{ at: hits[0]!.key, ids: ['MCXSEC-5.11.1-01'] }]), ids);
    expect(pending.problems).toEqual([]);
    expect(pending.groups.find((g) => g.group === '5.11')).toMatchObject({ status: 'pending', hits: 4, mapped: 1, excluded: 0 });
    expect(pending.groups.find((g) => g.group === 'E')).toMatchObject({ status: 'missing', hits: 3 });
  });

  test('fails on unknown IDs, stale hits, exclusions without kind or reason, restatements without ref, double mappings', () => {
    const r = checkMappings(
      hits,
      file('5.11', 'pending', [
        { at: hits[0]!.key, ids: ['MCXSEC-5.11.1-09'] },
        { at: '5.11.1 00000000', ids: ['MCXSEC-5.11.1-01'] },
        { at: hits[1]!.key, exclude: 'note' },
        { at: hits[2]!.key, exclude: 'whatever' as never, why: 'some reason' },
        { at: hits[3]!.key, exclude: 'restates', why: 'said in 5.4' },
        { at: hits[3]!.key, ids: ['MCXSEC-5.11.1-02'], words: 'other words' },
      ]),
      ids,
    );
    const text = r.problems.join('\n');
    expect(text).toContain('MCXSEC-5.11.1-09 is not in the catalog');
    expect(text).toContain('(5.11.1 00000000): no such hit in the spec text any more');
    expect(text).toContain('the exclusion has no reason (why)');
    expect(text).toContain("exclusion kind 'whatever' is not one of");
    expect(text).toContain('a restatement must name the ID it restates (ref)');
    expect(text).toContain('mapped twice');
    expect(text).toContain("words 'other words' do not match");
  });

  test('a hit mapped in the wrong group file is a problem', () => {
    const r = checkMappings(hits, file('E', 'pending', [{ at: hits[0]!.key, ids: ['MCXSEC-5.11.1-01'] }]), ids);
    expect(r.problems.join('\n')).toContain('the hit belongs to group 5.11, not E');
  });
});

test.describe('spec scan: TS 33.180 against the catalog', () => {
  test('every hit of a group marked done is mapped; mappings name catalog IDs and live hits', () => {
    test.skip(!specAvailable(), `the spec text is not at ${specTextPath()} (set MCX_SPEC_TEXT)`);
    const hits = scanSpecFile();
    const catalogIds = new Set(loadCatalog().byId.keys());
    const result = checkMappings(hits, loadMappings(), catalogIds);
    const pending = result.groups.filter((g) => g.status !== 'done');
    const done = result.groups.filter((g) => g.status === 'done');
    const line = (g: (typeof result.groups)[number]) => `${g.group}: ${g.hits} hits, ${g.mapped} mapped, ${g.excluded} excluded, ${g.unmapped.length} unmapped${g.status === 'missing' ? ' (no mapping file)' : ''}`;
    test.info().annotations.push(
      { type: 'scan-done', description: `${done.length} groups fully mapped: ${done.map((g) => g.group).join(', ') || 'none'}` },
      { type: 'scan-pending', description: `${pending.length} groups pending: ${pending.map(line).join('; ') || 'none'}` },
      { type: 'scan-exclusions', description: Object.entries(result.exclusionsByKind).map(([k, n]) => `${k} ${n}`).join(', ') || 'none' },
    );
    const totalHits = hits.length;
    const open = pending.reduce((n, g) => n + g.unmapped.length, 0);
    console.log(`spec scan: ${totalHits} hits in ${result.groups.length} groups; ${done.length} groups done; ${pending.length} pending with ${open} unmapped hits${pending.length ? ` (${pending.map((g) => `${g.group} ${g.unmapped.length}`).join(', ')})` : ''}`);
    expect(result.problems, `spec scan problems:\n${result.problems.join('\n')}`).toEqual([]);
  });

  test('the exclusion kinds are a closed list with a description each', () => {
    for (const [k, d] of Object.entries(EXCLUSION_KINDS)) expect(d.length, k).toBeGreaterThan(10);
  });
});
