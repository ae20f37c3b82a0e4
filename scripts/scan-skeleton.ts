/**
 * Proposes mapping skeletons for the spec scan (lib/requirements/scan.ts).
 *
 *   npx tsx scripts/scan-skeleton.ts <group> [--text]
 *
 * Prints, as YAML, one entry per hit of the clause group that no mapping file
 * maps yet: `at` and `words`, with `exclude: note` proposed for NOTEs. Paste
 * what you have reviewed into lib/requirements/scan/<group>.yaml and fill in
 * `ids` or an exclusion with its reason. `--text` adds the hit's text and
 * line as YAML comments, for review only: never commit the spec's sentences.
 */
import { loadMappings, scanSpecFile, SCOPE_GROUPS, type ScopeGroup } from '../lib/requirements/scan.ts';

const [group, ...flags] = process.argv.slice(2);
if (!group || !SCOPE_GROUPS.includes(group as ScopeGroup)) {
  process.stderr.write(`usage: scan-skeleton.ts <group> [--text]\ngroups: ${SCOPE_GROUPS.join(', ')}\n`);
  process.exit(2);
}
const withText = flags.includes('--text');
const mapped = new Set([...loadMappings().files.values()].flatMap((f) => f.hits.map((h) => h.at)));
const out: string[] = [];
for (const h of scanSpecFile().filter((x) => x.group === group && !mapped.has(x.key))) {
  if (withText) out.push(`  # line ${h.line} [${h.kind}${h.note ? ', note' : ''}] {${h.keywords.join(',')}} ${h.text.replace(/\s+/g, ' ')}`);
  out.push(`  - at: '${h.key}'`, `    words: '${h.words.replace(/'/g, "''")}'`);
  if (h.note) out.push('    exclude: note', '    why: informative NOTE');
  else out.push('    ids: []');
}
if (out.length) process.stdout.write(out.join('\n') + '\n');
else process.stderr.write(`every hit of group ${group} is mapped\n`);
