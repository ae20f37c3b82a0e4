import type { EvidenceItem, Results } from './types.ts';
import { sipEvidenceForReport } from './sip-view.ts';

/**
 * report.html: one self-contained file (no external resources) a certifier
 * can mail. The results are embedded as JSON and rendered by a small script;
 * everything that came from the target is inserted as text, never as markup,
 * because the target may be hostile.
 */
export function toHtml(results: Results): string {
  // Tests that cover several requirements carry their evidence once.
  const evidence: Record<string, EvidenceItem[]> = {};
  const requirements = results.requirements.map((r) => ({
    ...r,
    tests: r.tests.map((t) => {
      const key = `${t.file}::${t.title}`;
      // SIP dialogues get their parsed views and finding links here (lib/report/sip-view.ts).
      evidence[key] ??= sipEvidenceForReport(t.evidence, t.findings);
      const { evidence: _omit, ...rest } = t;
      return { ...rest, evidenceKey: key };
    }),
  }));
  const data = JSON.stringify({ ...results, requirements, evidence }).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MCX conformance report: ${escapeHtml(results.target.name)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>MCX security conformance report</h1><div id="meta"></div></header>
<div id="warnings"></div>
<section><h2>Summary</h2><div id="summary"></div><table id="by-role"></table></section>
<section>
<h2>Requirements</h2>
<div class="filters">
<label>Role <select id="f-role"><option value="">all</option></select></label>
<label>Verdict <select id="f-verdict"><option value="">all</option></select></label>
<label>Clause <input id="f-clause" placeholder="e.g. B.4 or D.3.1" size="12"></label>
<label>Search <input id="f-text" placeholder="ID, summary, reason" size="24"></label>
<span id="count"></span>
</div>
<table id="reqs"><thead><tr><th>Requirement</th><th>Clause</th><th>Level</th><th>Roles</th><th>Verdict</th><th>Reason</th></tr></thead><tbody></tbody></table>
</section>
<script type="application/json" id="results-data">${data}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 24px 48px;color:#1d1d1f}
h1{font-size:22px;margin:16px 0 4px}h2{font-size:17px;margin:24px 0 8px}
#meta{color:#555}
.warn{background:#fff4ce;border:1px solid #e0b400;padding:8px 12px;margin:12px 0;border-radius:4px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f5;position:sticky;top:0}
#by-role{width:auto;margin-top:8px}#by-role td,#by-role th{text-align:right}#by-role td:first-child,#by-role th:first-child{text-align:left}
.v{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;white-space:nowrap}
.v-pass{background:#d4f4dd;color:#0a5c24}.v-fail{background:#fbd5d5;color:#8a1010}.v-inconclusive{background:#fde7c2;color:#7a4a00}
.v-not-applicable{background:#e5e5ea;color:#444}.v-error{background:#e9d5fb;color:#4a0a7a}.v-not-tested{background:#eef;color:#334}
.badges .v{font-size:14px;margin-right:8px;padding:4px 12px}
.filters{display:flex;gap:16px;flex-wrap:wrap;align-items:center;margin-bottom:8px}
tr.req{cursor:pointer}tr.req:hover{background:#f7f7fb}
tr.detail>td{background:#fafafa;padding:8px 16px}
.test{border-left:3px solid #ccc;margin:8px 0;padding:4px 12px}
.test.t-fail{border-color:#d33}.test.t-pass{border-color:#2a2}.test.t-inconclusive{border-color:#e90}
pre{background:#f4f4f6;padding:8px;overflow:auto;max-height:420px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
details{margin:2px 0}summary{cursor:pointer}
.findings td{font-size:12px}.mono{font-family:ui-monospace,monospace;font-size:12px}
.tree{margin-left:16px}
.ladder{font-size:12px;overflow:auto;max-height:80vh;margin:4px 0;border:1px solid #eee}
.ladder .lhead{display:flex;position:sticky;top:0;background:#fff;z-index:1;border-bottom:1px solid #ddd}
.ladder .party{text-align:center;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;padding:2px 4px}
.ladder .party small{display:block;font-weight:400;color:#666;font-family:ui-monospace,monospace}
.ladder .gutter{flex:none;width:96px;text-align:right;padding-right:8px;color:#666;font-family:ui-monospace,monospace}
.ladder .row{display:flex;height:26px;cursor:pointer}.ladder .row:hover{background:#f3f3fa}
.ladder .row .gutter{line-height:26px}
.ladder .lane{position:relative;flex:none}
.ladder .lane svg{position:absolute;left:0;top:0}
.ladder .lbl{position:absolute;top:1px;font-family:ui-monospace,monospace;font-size:11px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;text-align:center}
.ladder .row.hl{background:#fdecec}.ladder .row.hl .lbl{color:#a00;font-weight:700}
.ladder .row.open{background:#eef}
.ladder .hlwhy{flex:1 1 0;min-width:120px;line-height:26px;padding-left:8px;color:#a00;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.jumps button{font:11px ui-monospace,monospace;margin:2px 6px 2px 0;color:#a00;background:#fdecec;border:1px solid #e7b4b4;border-radius:3px;cursor:pointer}
.ladder .msg{margin:0 0 8px 96px;border:1px solid #ccd;border-radius:4px;padding:6px 10px;background:#fbfbfe;cursor:auto}
.ladder .msg .why{color:#a00;font-weight:600}
.ladder .hline{background:#fbd5d5;display:block}
.ladder table.hdrs td{font-family:ui-monospace,monospace;font-size:12px;padding:1px 6px}
.ladder table.hdrs tr.hline td{background:#fbd5d5}
`;

// Plain browser JavaScript (no framework), kept as a string so the report has no dependencies.
const SCRIPT = String.raw`
(function () {
  var R = JSON.parse(document.getElementById('results-data').textContent);
  var VERDICTS = ['pass', 'fail', 'error', 'inconclusive', 'not-applicable', 'not-tested'];
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) { if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]); }
    (children || []).forEach(function (c) { if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function badge(v) { return el('span', { 'class': 'v v-' + v, text: v }); }
  function pretty(x) { if (typeof x === 'string') { try { return JSON.stringify(JSON.parse(x), null, 2); } catch (e) { return x; } } return JSON.stringify(x, null, 2); }
  function pre(text) { return el('pre', { text: text == null ? '' : String(text) }); }

  // Header and warnings.
  document.getElementById('meta').textContent = 'Target: ' + R.target.name + ' | roles: ' + (R.target.roles || []).join(', ') +
    ' | ' + R.tool.name + ' ' + R.tool.version + ' | started ' + R.startedAt + ' | finished ' + R.finishedAt;
  (R.target.warnings || []).forEach(function (w) { document.getElementById('warnings').appendChild(el('div', { 'class': 'warn', text: 'Warning: ' + w })); });
  // Suite defects: the suite's own faults, shown first so nobody reads a verdict past them.
  (R.defects || []).forEach(function (d) { document.getElementById('warnings').appendChild(el('div', { 'class': 'warn', text: 'Suite defect (' + d.kind + '): ' + (d.test ? d.test + ': ' : '') + d.detail })); });

  // Summary by verdict and by role.
  var sum = document.getElementById('summary'); sum.className = 'badges';
  var counts = {}; VERDICTS.forEach(function (v) { counts[v] = 0; });
  R.requirements.forEach(function (r) { counts[r.verdict]++; });
  VERDICTS.forEach(function (v) { var b = badge(v); b.textContent = v + ': ' + counts[v]; sum.appendChild(b); });
  var roles = []; R.requirements.forEach(function (r) { r.roles.forEach(function (x) { if (roles.indexOf(x) < 0) roles.push(x); }); });
  roles.sort();
  // The summary table shows the roles that were run (catalog entries may also name others).
  var runRoles = (R.target.roles && R.target.roles.length) ? R.target.roles.slice().sort() : roles;
  var byRole = document.getElementById('by-role');
  byRole.appendChild(el('tr', null, [el('th', { text: 'role' })].concat(VERDICTS.map(function (v) { return el('th', { text: v }); }))));
  runRoles.forEach(function (role) {
    var row = [el('td', { text: role })];
    VERDICTS.forEach(function (v) { row.push(el('td', { text: String(R.requirements.filter(function (r) { return r.verdict === v && r.roles.indexOf(role) >= 0; }).length) })); });
    byRole.appendChild(el('tr', null, row));
  });

  // Filters.
  var fRole = document.getElementById('f-role'), fVerdict = document.getElementById('f-verdict');
  runRoles.forEach(function (r) { fRole.appendChild(el('option', { value: r, text: r })); });
  VERDICTS.forEach(function (v) { fVerdict.appendChild(el('option', { value: v, text: v })); });

  // Evidence, rendered by kind.
  function renderHttp(d) {
    var q = d.request || {}, s = d.response || {};
    var req = (q.method || '') + ' ' + (q.url || '') + '\n' + Object.keys(q.headers || {}).map(function (k) { return k + ': ' + q.headers[k]; }).join('\n') + (q.body ? '\n\n' + q.body : '');
    var res = s.error ? 'no response: ' + s.error : 'HTTP ' + s.status + '\n' + Object.keys(s.headers || {}).map(function (k) { return k + ': ' + s.headers[k]; }).join('\n') + (s.body ? '\n\n' + pretty(s.body) : '') + (s.truncated ? '\n[body truncated]' : '');
    return el('div', null, [el('div', { 'class': 'mono', text: 'request' + (d.durationMs != null ? ' (' + d.durationMs + ' ms)' : '') }), pre(req), el('div', { 'class': 'mono', text: 'response' }), pre(res)]);
  }
  function renderJwt(d) {
    if (typeof d === 'string') return pre(d);
    var parts = [];
    ['header', 'protectedHeader', 'claims', 'payload'].forEach(function (k) { if (d[k] !== undefined) parts.push(el('div', { 'class': 'mono', text: k }), pre(pretty(d[k]))); });
    Object.keys(d).forEach(function (k) { if (['header', 'protectedHeader', 'claims', 'payload'].indexOf(k) < 0) parts.push(el('div', { 'class': 'mono', text: k }), pre(pretty(d[k]))); });
    return el('div', null, parts);
  }
  function formatXml(x) {
    var out = [], depth = 0;
    String(x).replace(/>\s*</g, '>\n<').split('\n').forEach(function (line) {
      if (/^<\/\w/.test(line)) depth = Math.max(0, depth - 1);
      out.push(new Array(depth + 1).join('  ') + line);
      if (/^<\w[^>]*[^\/]>.*$/.test(line) && !/<\/\w[^>]*>$/.test(line)) depth++;
    });
    return out.join('\n');
  }
  function renderXml(d) {
    if (typeof d === 'string') return pre(formatXml(d));
    var parts = [];
    Object.keys(d).forEach(function (k) { parts.push(el('div', { 'class': 'mono', text: k }), pre(typeof d[k] === 'string' && /^\s*</.test(d[k]) ? formatXml(d[k]) : pretty(d[k]))); });
    return el('div', null, parts);
  }
  function tree(v, label) {
    if (v === null || typeof v !== 'object') return el('div', { 'class': 'mono', text: (label != null ? label + ': ' : '') + JSON.stringify(v) });
    var keys = Object.keys(v);
    var d = el('details', { open: '' }, [el('summary', { 'class': 'mono', text: (label != null ? label : '') + (Array.isArray(v) ? ' [' + v.length + ']' : (v.type || v.name ? ' ' + (v.type || v.name) : '')) })]);
    var box = el('div', { 'class': 'tree' });
    keys.forEach(function (k) { box.appendChild(tree(v[k], k)); });
    d.appendChild(box);
    return d;
  }
  // A SIP dialogue as a ladder: one lane per party, one row per message in time order.
  var LANE = 300, ROW = 26, SVGNS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) { var e = document.createElementNS(SVGNS, tag); for (var k in attrs) e.setAttribute(k, attrs[k]); return e; }
  function canon(n) { n = String(n).trim().toLowerCase(); var c = { i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type', f: 'from', s: 'subject', k: 'supported', t: 'to', v: 'via', o: 'event', r: 'refer-to', u: 'allow-events', x: 'session-expires' }; return c[n] || n; }
  // The header or body part a highlight's field names: first word, as lib/report/sip-view.ts links them.
  function fieldWord(f) { var w = String(f || '').trim().split(/[\s;\[]/)[0].replace(/:$/, ''); return w; }
  function isFieldLine(line, word) {
    if (!word || word.indexOf('/') >= 0 || word.toLowerCase() === 'body') return false;
    var m = /^([^:\s]+)\s*:/.exec(line); return !!m && canon(m[1]) === canon(word);
  }
  function messageDetail(m) {
    var word = m.highlight ? fieldWord(m.highlight.field) : '';
    var box = el('div', { 'class': 'msg' });
    box.addEventListener('click', function (e) { e.stopPropagation(); });
    box.appendChild(el('div', { 'class': 'mono', text: m.direction + ' ' + m.transport + ' ' + m.from + ' -> ' + m.to + ' at +' + m.atMs + ' ms, ' + m.octets + ' octets' + (m.truncated ? ' (text cut)' : '') }));
    if (m.highlight) box.appendChild(el('div', { 'class': 'why', text: 'Highlighted' + (m.highlight.field ? ' field ' + m.highlight.field : '') + ': ' + m.highlight.reason }));
    // Exact text, line by line, the highlighted header's lines marked.
    var raw = el('pre', { 'class': 'raw' });
    var inHl = false;
    String(m.text).split('\n').forEach(function (line, i, all) {
      var hl = isFieldLine(line, word) || (inHl && /^[ \t]/.test(line));
      inHl = hl;
      raw.appendChild(el('span', hl ? { 'class': 'hline', text: line + (i < all.length - 1 ? '\n' : '') } : { text: line + (i < all.length - 1 ? '\n' : '') }));
    });
    box.appendChild(el('details', { open: '' }, [el('summary', { text: 'message text (exact, latin1)' }), raw]));
    if (m.parsed) {
      var t = el('table', { 'class': 'hdrs' });
      m.parsed.headers.forEach(function (h) { t.appendChild(el('tr', word && canon(h[0]) === canon(word) ? { 'class': 'hline' } : null, [el('td', { text: h[0] }), el('td', { text: h[1] })])); });
      var parsed = [el('summary', { text: 'parsed: ' + m.parsed.headers.length + ' headers, ' + m.parsed.parts.length + ' body parts' + (m.parsed.deviations.length ? ', ' + m.parsed.deviations.length + ' deviations' : '') }), t];
      m.parsed.parts.forEach(function (p) {
        var pw = word.toLowerCase(), hit = pw === 'body' || (pw.indexOf('/') >= 0 && p.contentType.toLowerCase().indexOf(pw) >= 0);
        parsed.push(el('div', { 'class': 'mono' + (hit ? ' hline' : ''), text: 'body part ' + p.contentType + (p.headers.length ? ' [' + p.headers.map(function (h) { return h[0] + ': ' + h[1]; }).join('; ') + ']' : '') + (p.hex ? ' (binary, hex)' : '') }));
        if (p.text) parsed.push(pre(/^\s*</.test(p.text) ? formatXml(p.text) : p.text));
      });
      if (m.parsed.note) parsed.push(el('div', { 'class': 'mono', text: m.parsed.note }));
      if (m.parsed.deviations.length) parsed.push(el('div', { 'class': 'mono', text: 'deviations: ' + m.parsed.deviations.join('; ') }));
      box.appendChild(el('details', null, parsed));
    } else if (m.unparsed) box.appendChild(el('div', { 'class': 'mono', text: 'parsed view: ' + m.unparsed }));
    return box;
  }
  function renderSip(d) {
    var parties = (d.parties || []).slice(), index = {};
    parties.forEach(function (p, i) { index[p.address] = i; });
    (d.messages || []).forEach(function (m) { [m.from, m.to].forEach(function (a) { if (!(a in index)) { index[a] = parties.length; parties.push({ address: a, name: a }); } }); });
    var width = parties.length * LANE;
    var box = el('div', { 'class': 'ladder' });
    box.appendChild(el('div', { 'class': 'lhead' }, [el('div', { 'class': 'gutter', text: 'time' })].concat(parties.map(function (p) {
      return el('div', { 'class': 'party', style: 'width:' + LANE + 'px', title: p.address }, [p.name, el('small', { text: p.address })]);
    }))));
    var hls = (d.messages || []).filter(function (m) { return m.highlight; }).length;
    (d.messages || []).forEach(function (m, k) {
      var a = index[m.from], b = index[m.to], x1 = a * LANE + LANE / 2, x2 = b * LANE + LANE / 2;
      var lane = el('div', { 'class': 'lane', style: 'width:' + width + 'px;height:' + ROW + 'px' });
      var s = svg('svg', { width: width, height: ROW });
      parties.forEach(function (_p, i) { s.appendChild(svg('line', { x1: i * LANE + LANE / 2, y1: 0, x2: i * LANE + LANE / 2, y2: ROW, stroke: '#aab', 'stroke-width': 1 })); });
      var color = m.highlight ? '#c00' : (m.direction === 'sent' ? '#2456a8' : '#3a7d2c'), y = ROW - 6;
      if (a === b) s.appendChild(svg('path', { d: 'M' + x1 + ' ' + (y - 6) + ' h30 v6 h-26', fill: 'none', stroke: color, 'stroke-width': 1.5 }));
      else {
        s.appendChild(svg('line', { x1: x1, y1: y, x2: x2, y2: y, stroke: color, 'stroke-width': m.highlight ? 2.5 : 1.5 }));
        var dir = x2 > x1 ? -1 : 1;
        s.appendChild(svg('path', { d: 'M' + x2 + ' ' + y + ' l' + (dir * 8) + ' -4 v8 z', fill: color }));
      }
      lane.appendChild(s);
      var left = Math.min(x1, x2) + 4, w = Math.max(Math.abs(x2 - x1) - 8, 120);
      lane.appendChild(el('div', { 'class': 'lbl', style: 'left:' + left + 'px;width:' + w + 'px', title: m.startLine, text: (m.highlight ? '\u26a0 ' : '') + m.startLine }));
      var why = m.highlight ? el('div', { 'class': 'hlwhy', title: m.highlight.reason, text: (m.highlight.field ? m.highlight.field + ': ' : '') + m.highlight.reason }) : null;
      var row = el('div', { 'class': 'row' + (m.highlight ? ' hl' : ''), 'data-index': String(k) }, [el('div', { 'class': 'gutter', text: '+' + Number(m.atMs).toFixed(1) + ' ms' }), lane, why]);
      var open = null;
      row.addEventListener('click', function () {
        if (open) { open.remove(); open = null; row.classList.remove('open'); return; }
        open = messageDetail(m); row.after(open); row.classList.add('open');
      });
      box.appendChild(row);
    });
    var note = (d.messages || []).length + ' messages between ' + parties.length + ' parties' + (hls ? ', ' + hls + ' highlighted' : '') + '; click a message for its text and parsed view.';
    // In a long dialogue the highlighted messages are one click away.
    var jumps = el('div', { 'class': 'jumps' });
    box.querySelectorAll('.row.hl').forEach(function (row) {
      var m = d.messages[Number(row.getAttribute('data-index'))];
      var b = el('button', { type: 'button', text: '\u2192 #' + (Number(row.getAttribute('data-index')) + 1) + ' ' + m.startLine });
      b.addEventListener('click', function () { box.scrollTop = row.offsetTop - box.firstChild.offsetHeight; row.scrollIntoView({ block: 'nearest' }); });
      jumps.appendChild(b);
    });
    return el('div', null, [el('div', { 'class': 'mono', text: note }), jumps, box]);
  }
  function renderEvidence(item) {
    var body;
    try {
      if (item.kind === 'http') body = renderHttp(item.data);
      else if (item.kind === 'jwt') body = renderJwt(item.data);
      else if (item.kind === 'xml') body = renderXml(item.data);
      else if (item.kind === 'mikey') body = tree(item.data, 'MIKEY');
      else if (item.kind === 'sip') body = renderSip(item.data);
      else body = pre(pretty(item.data));
    } catch (e) { body = pre(pretty(item.data)); }
    // A SIP ladder is the test's story: shown open.
    return el('details', item.kind === 'sip' ? { open: '' } : null, [el('summary', { text: '[' + item.kind + '] ' + item.label }), body]);
  }
  function renderFindings(fs) {
    if (!fs.length) return null;
    var t = el('table', { 'class': 'findings' }, [el('tr', null, ['check', 'verdict', 'field', 'expected', 'found', 'detail'].map(function (h) { return el('th', { text: h }); }))]);
    fs.forEach(function (f) {
      t.appendChild(el('tr', null, [el('td', { text: f.check }), el('td', null, [badge(f.verdict)]), el('td', { 'class': 'mono', text: f.field || '' }),
        el('td', { 'class': 'mono', text: f.expected === undefined ? '' : JSON.stringify(f.expected) }), el('td', { 'class': 'mono', text: 'actual' in f ? JSON.stringify(f.actual) : '' }),
        el('td', { text: (f.reason && f.verdict !== 'pass' ? f.reason + (f.detail ? ': ' : '') : '') + (f.detail || '') })]));
    });
    return t;
  }
  function renderDetail(r) {
    var box = el('div');
    if (r.summary) box.appendChild(el('p', { text: r.summary }));
    if (!r.tests.length) box.appendChild(el('p', { text: 'No test covers this requirement.' }));
    r.tests.forEach(function (t) {
      var div = el('div', { 'class': 'test t-' + t.verdict }, [
        el('div', null, [badge(t.verdict), ' ', el('strong', { text: t.title }), el('span', { 'class': 'mono', text: '  ' + t.file + ' (' + t.durationMs + ' ms)' })]),
        t.reason ? el('div', { text: t.reason }) : null,
        renderFindings(t.findings || []),
      ]);
      (R.evidence[t.evidenceKey] || []).forEach(function (e) { div.appendChild(renderEvidence(e)); });
      box.appendChild(div);
    });
    return box;
  }

  // Requirements table.
  var tbody = document.querySelector('#reqs tbody');
  var rows = R.requirements.map(function (r) {
    var tr = el('tr', { 'class': 'req', id: r.id }, [el('td', { 'class': 'mono', text: r.id }), el('td', { text: r.clause }), el('td', { text: r.level }),
      el('td', { text: r.roles.join(', ') }), el('td', null, [badge(r.verdict)]), el('td', { text: r.reason || '' })]);
    var detail = null;
    tr.addEventListener('click', function () {
      if (detail) { detail.remove(); detail = null; return; }
      detail = el('tr', { 'class': 'detail' }, [el('td', { colspan: '6' }, [renderDetail(r)])]);
      tr.after(detail);
    });
    tbody.appendChild(tr);
    return { r: r, tr: tr, close: function () { if (detail) { detail.remove(); detail = null; } } };
  });
  function apply() {
    var role = fRole.value, verdict = fVerdict.value, clause = document.getElementById('f-clause').value.trim(), text = document.getElementById('f-text').value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (x) {
      var r = x.r;
      var ok = (!role || r.roles.indexOf(role) >= 0) && (!verdict || r.verdict === verdict) &&
        (!clause || r.clause === clause || r.clause.indexOf(clause + '.') === 0) &&
        (!text || (r.id + ' ' + (r.summary || '') + ' ' + (r.reason || '')).toLowerCase().indexOf(text) >= 0);
      x.tr.style.display = ok ? '' : 'none';
      if (!ok) x.close();
      if (ok) n++;
    });
    document.getElementById('count').textContent = n + ' of ' + rows.length + ' requirements';
  }
  ['f-role', 'f-verdict', 'f-clause', 'f-text'].forEach(function (id) { document.getElementById(id).addEventListener('input', apply); });
  apply();
  if (location.hash) { var x = rows.filter(function (y) { return '#' + y.r.id === location.hash; })[0]; if (x) { x.tr.click(); x.tr.scrollIntoView(); } }
})();
`;
