import type { Results } from './types.ts';

/**
 * JUnit XML with one testcase per requirement, grouped in one testsuite per
 * role, so CI systems show requirement verdicts natively: fail -> failure,
 * inconclusive and suite error -> error, not-applicable / not-tested -> skipped.
 */
export function toJunitXml(results: Results): string {
  const byRole = new Map<string, Results['requirements']>();
  for (const r of results.requirements) {
    const role = r.roles[0] ?? 'unknown';
    byRole.set(role, [...(byRole.get(role) ?? []), r]);
  }
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const s = results.summary;
  const total = results.requirements.length;
  out.push(`<testsuites name="${esc(`mcx-conformance: ${results.target.name}`)}" tests="${total}" failures="${s.fail}" errors="${s.inconclusive + s.error}" skipped="${s.notApplicable + s.notTested}">`);
  for (const [role, reqs] of byRole) {
    const fail = reqs.filter((r) => r.verdict === 'fail').length;
    const err = reqs.filter((r) => r.verdict === 'inconclusive' || r.verdict === 'error').length;
    const skip = reqs.filter((r) => r.verdict === 'not-applicable' || r.verdict === 'not-tested').length;
    const time = reqs.reduce((a, r) => a + r.tests.reduce((b, t) => b + t.durationMs, 0), 0);
    out.push(`  <testsuite name="${esc(role)}" tests="${reqs.length}" failures="${fail}" errors="${err}" skipped="${skip}" time="${seconds(time)}" timestamp="${esc(results.startedAt)}">`);
    for (const r of reqs) {
      const time = r.tests.reduce((b, t) => b + t.durationMs, 0);
      out.push(`    <testcase classname="${esc(`${role}.${r.clause}`)}" name="${esc(`${r.id} (${r.level})${r.summary ? ` ${r.summary}` : ''}`)}" time="${seconds(time)}">`);
      const msg = esc(r.reason ?? r.verdict);
      if (r.verdict === 'fail') out.push(`      <failure message="${msg}" type="fail">${esc(detail(r))}</failure>`);
      else if (r.verdict === 'inconclusive' || r.verdict === 'error') out.push(`      <error message="${msg}" type="${r.verdict === 'error' ? 'suite-error' : 'inconclusive'}">${esc(detail(r))}</error>`);
      else if (r.verdict === 'not-applicable' || r.verdict === 'not-tested') out.push(`      <skipped message="${esc(`${r.verdict}: ${r.reason ?? ''}`)}"/>`);
      out.push(`      <system-out>${esc(r.tests.map((t) => `${t.verdict.toUpperCase()} ${t.title} (${t.file})${t.reason ? `: ${t.reason}` : ''}`).join('\n'))}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function detail(r: Results['requirements'][number]): string {
  return r.tests
    .filter((t) => t.verdict === r.verdict)
    .map((t) => `${t.title} (${t.file}): ${t.reason ?? ''}`)
    .join('\n');
}

/** XML-escapes text, dropping characters XML 1.0 cannot carry. */
export function esc(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
