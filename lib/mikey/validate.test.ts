import { test, expect } from '@playwright/test';
import { encodeIMessage, parseIMessage } from './codec.ts';
import { composeIMessage } from './compose.ts';
import { KeyTypeValue, STATUS_NOT_REVOKED } from './constants.ts';
import { encodeKeyParameters, parseKeyParameters, protectPayload, type KeyParameters } from './key-params.ts';
import { MUTATIONS } from './mutate.ts';
import {
  KEY_PARAMETER_RULES, RULES, allTables, checkIdOf, checkKeyParameterTable, checkKeyParameters, keyParameterTable, messageTable, requirementOf, severityOfLevel,
  validateIMessage, type RuleId,
} from './validate.ts';
import { isOutcome } from '../harness/check.ts';
import { loadCatalog } from '../requirements/catalog.ts';
import { KEY_KINDS } from './constants.ts';
import type { MikeyCheckResult } from './findings.ts';
import type { MikeyMessage } from './types.ts';

const GMK = new Uint8Array(16).fill(0x11);
const CSB = 0x0abcdef1; // purpose tag 0: GMK (here standing for its GUK-ID)
const params: KeyParameters = { keyType: KeyTypeValue.GMK, status: STATUS_NOT_REVOKED, activationTime: 0, expiryTime: 0, text: 'group key', groupIds: ['sip:group1@example.org'] };

function baseMessage() {
  const sakke = new Uint8Array(273).fill(0x33);
  sakke[0] = 0x04;
  return composeIMessage({
    kind: 'gmk', csbId: CSB, timestamp: Uint8Array.of(0xeb, 1, 2, 3, 0, 0, 0, 0), rand: new Uint8Array(16).fill(7),
    initiator: { uri: 'sip:gms@example.org' }, receiver: { uri: 'sip:alice@example.org' },
    initiatorKms: 'kms.example.org', receiverKms: 'kms.example.org', sakkeData: sakke, sakkeToSelfData: sakke,
    keyParameters: protectPayload(encodeKeyParameters(params), { key: GMK, dppkId: CSB, iv: new Uint8Array(16).fill(9), dateTime: 1_700_000_000 }),
    cryptoSessions: [4],
    signature: new Uint8Array(129).fill(0x5a),
  });
}

/** The base message with the (message-level) mutation of a rule. */
function mutated(rule: RuleId): MikeyMessage {
  const mutation = MUTATIONS[rule];
  if (mutation.target !== 'message') throw new Error(`${rule} mutates key parameters`);
  const out = mutation.apply(baseMessage());
  if (out instanceof Uint8Array) throw new Error(`${rule} gives raw octets`);
  return out;
}

test.describe('MIKEY profile validator (TS 33.180 Annex E)', () => {
  test('a conforming GMK message has no findings', () => {
    const r = validateIMessage(encodeIMessage(baseMessage()));
    expect(r.findings).toEqual([]);
    expect(r.kind).toBe('gmk');
    expect(r.kindSource).toBe('structure');
    expect(r.kindResolved).toBe(true);
  });

  test('the key parameters of the base message decrypt and pass', () => {
    expect(checkKeyParameters(params, 'gmk')).toEqual([]);
  });

  test('every rule names a requirement of the catalog for every key kind', () => {
    const catalog = loadCatalog();
    const named = (Object.keys(RULES) as RuleId[]).flatMap((rule) => {
      const r = RULES[rule].requirement as string | Record<string, string>;
      return (typeof r === 'string' ? [r] : Object.values(r)).map((id) => [rule, id] as const);
    });
    expect(named.filter(([, id]) => !catalog.byId.has(id))).toEqual([]);
    const missing = (Object.keys(RULES) as RuleId[]).flatMap((rule) => KEY_KINDS.map((kind) => [rule, kind, requirementOf(rule, kind)] as const))
      .filter(([, , id]) => id !== undefined && !catalog.byId.has(id));
    expect(missing).toEqual([]);
  });

  test('every check of every table serves one catalog requirement, and its severity is the level of that requirement', () => {
    const catalog = loadCatalog();
    const base = encodeIMessage(baseMessage());
    for (const kind of KEY_KINDS) {
      const results: MikeyCheckResult[] = [...validateIMessage(base, { kind }).results, ...checkKeyParameterTable({ decoded: { ok: true, value: params }, kind, kindSource: 'option', at: null }).results];
      for (const r of results) {
        const req = catalog.byId.get(r.requirement);
        expect(req, `${kind} ${r.id} names ${r.requirement}, which the catalog lacks`).toBeTruthy();
        expect(r.severity, `${kind} ${r.id} (${r.requirement}, ${req?.level})`).toBe(severityOfLevel(req!.level));
        if (['shall', 'MUST', 'REQUIRED'].includes(req!.level)) expect(r.severity).toBe('error');
      }
    }
    for (const t of allTables()) for (const c of t.checks) expect(catalog.byId.has(c.requirement), `${t.exchange} ${c.id}: ${c.requirement}`).toBe(true);
  });

  test('each table has one check per rule (with a requirement for its kind), id mikey.<rule>', () => {
    for (const kind of KEY_KINDS) {
      const ids = [...messageTable(kind).checks, ...keyParameterTable(kind).checks].map((c) => c.id);
      const want = (Object.keys(RULES) as RuleId[]).filter((r) => requirementOf(r, kind) !== undefined).map(checkIdOf);
      expect(ids.sort()).toEqual(want.sort());
    }
    // E.4 says nothing on session data: that rule has no check for CSK and MuSiK.
    expect(messageTable('csk-upload').checks.map((c) => c.id)).not.toContain('mikey.cs.session-data');
    expect(messageTable('gmk').checks.find((c) => c.id === 'mikey.cs.count')?.requirement).toBe('MCXSEC-E.2.2-03');
    expect(messageTable('pck').checks.find((c) => c.id === 'mikey.cs.count')?.requirement).toBe('MCXSEC-E.3.3-01');
  });

  test('every check returns exactly one outcome, on a conforming message and on octets that do not decode', () => {
    const bytes = encodeIMessage(baseMessage());
    for (const input of [bytes, bytes.slice(0, 40), new Uint8Array(0)]) {
      for (const kind of KEY_KINDS) {
        const r = validateIMessage(input, { kind });
        expect(r.results.map((x) => x.id)).toEqual(messageTable(kind).checks.map((c) => c.id));
        for (const x of r.results) expect(isOutcome(x), JSON.stringify(x)).toBe(true);
        for (const c of messageTable(kind).checks) expect(isOutcome(c.run({ message: r.message, kind, kindSource: 'option', decodeError: { field: 'm', offset: 0, reason: 'test' } }))).toBe(true);
      }
    }
    const ok = validateIMessage(bytes, { kind: 'gmk' });
    expect(ok.results.filter((x) => x.verdict !== 'pass' && x.verdict !== 'not-applicable')).toEqual([]);
    const cut = validateIMessage(bytes.slice(0, 40), { kind: 'gmk' });
    expect(cut.results.filter((x) => x.verdict === 'fail').map((x) => x.id)).toEqual(['mikey.message.decode']);
    expect(cut.results.filter((x) => x.verdict === 'inconclusive').length).toBe(cut.results.length - 1);
  });

  test('every rule has a mutation', () => {
    expect(Object.keys(MUTATIONS).sort()).toEqual(Object.keys(RULES).sort());
  });

  /**
   * Checks that a mutation cannot help failing besides its own: three crypto
   * sessions of a GMK must repeat a CS-ID; a new CSB-ID no longer matches the
   * DPPK-ID the key parameters were protected with; MC Group IDs on a
   * non-group key type need a Key Type other than that of the GMK message.
   */
  const COMPANIONS: Partial<Record<RuleId, RuleId[]>> = { 'cs.count': ['cs.id'], 'csb.purpose-tag': ['kp.dppk-id'], 'kp.group-ids': ['kp.key-type'] };

  for (const rule of Object.keys(RULES) as RuleId[]) {
    test(`check ${checkIdOf(rule)} and only it fails on its mutation: ${MUTATIONS[rule].description}`, () => {
      const mutation = MUTATIONS[rule];
      let run: { results: MikeyCheckResult[]; findings: { rule: string; clause: string; expected: string; severity: string; requirement?: string }[] };
      if (mutation.target === 'message') {
        const out = mutation.apply(baseMessage());
        const bytes = out instanceof Uint8Array ? out : encodeIMessage(out);
        run = validateIMessage(bytes, { kind: 'gmk' });
      } else {
        expect(KEY_PARAMETER_RULES).toContain(rule);
        const out = mutation.apply(params);
        const plain = out instanceof Uint8Array ? out : encodeKeyParameters(out);
        const decoded = parseKeyParameters(plain);
        run = checkKeyParameterTable({ decoded: decoded.ok ? { ok: true, value: decoded.value } : decoded, kind: 'gmk', kindSource: 'option', at: null });
      }
      const failed = run.results.filter((r) => r.verdict === 'fail').map((r) => r.id);
      expect(failed.sort(), JSON.stringify(run.findings, null, 1)).toEqual([rule, ...(COMPANIONS[rule] ?? [])].map(checkIdOf).sort());
      const hit = run.findings.find((f) => f.rule === rule);
      expect(hit, JSON.stringify(run.findings, null, 1)).toBeTruthy();
      expect(hit!.clause.length).toBeGreaterThan(0);
      expect(hit!.expected.length).toBeGreaterThan(0);
      expect(hit!.severity).toBe(run.results.find((r) => r.id === checkIdOf(rule))!.severity);
    });
  }

  test('severity follows the catalog: a may (PRF func) is info, a should (PCK session data) a warning, a shall an error', () => {
    const prf = validateIMessage(encodeIMessage(mutated('hdr.prf-func')), { kind: 'gmk' });
    expect(prf.findings.map((f) => [f.rule, f.severity])).toEqual([['hdr.prf-func', 'info']]);
    const m = baseMessage();
    m.hdr.genericIds![0]!.csId = 0;
    m.hdr.genericIds![0]!.sessionData = Uint8Array.of(0, 0, 0x12, 0x34);
    const pck = validateIMessage(encodeIMessage(m), { kind: 'pck' });
    expect(pck.findings.filter((f) => f.rule === 'cs.session-data').map((f) => f.severity)).toEqual(['warning']);
    const gmk = validateIMessage(encodeIMessage(mutated('cs.session-data')), { kind: 'gmk' });
    expect(gmk.findings.filter((f) => f.rule === 'cs.session-data').map((f) => f.severity)).toEqual(['error']);
    // Formerly warnings, now errors: their requirements are shalls.
    const idType = validateIMessage(encodeIMessage(mutated('idr.id-type')));
    expect(idType.findings.map((f) => [f.rule, f.severity])).toEqual([['idr.id-type', 'error']]);
  });

  test('kind: without a kind, a GMK message carrying a PCK purpose tag fails the purpose-tag check (kind from the CS-ID map)', () => {
    const bytes = encodeIMessage(mutated('csb.purpose-tag'));
    const r = validateIMessage(bytes);
    expect(r).toMatchObject({ kind: 'gmk', kindSource: 'structure', kindResolved: true });
    expect(r.results.find((x) => x.id === 'mikey.csb.purpose-tag')).toMatchObject({ verdict: 'fail', severity: 'error', requirement: 'MCXSEC-E.2.1-01' });
    expect(r.findings.map((f) => f.rule)).toContain('csb.purpose-tag');
  });

  test('kind: without a kind and without CS-IDs the kind is ambiguous and the purpose-tag check is inconclusive, never a pass', () => {
    const m = mutated('csb.purpose-tag');
    m.hdr.csCount = 0;
    m.hdr.csIdMapType = 1;
    m.hdr.genericIds = undefined;
    m.payloads = m.payloads.filter((p) => p.kind !== 'SP');
    const r = validateIMessage(encodeIMessage(m));
    expect(r).toMatchObject({ kind: 'pck', kindSource: 'purpose-tag', kindResolved: false });
    expect(r.kindNote).toMatch(/ambiguous/);
    expect(r.results.find((x) => x.id === 'mikey.csb.purpose-tag')).toMatchObject({ verdict: 'inconclusive', blame: 'configuration' });
    expect(r.inconclusive.map((x) => x.id)).toEqual(['mikey.csb.purpose-tag']);
    // A conforming GMK with CS# 0 is ambiguous too: its purpose tag is not passed on its own say-so.
    const plain = baseMessage();
    plain.hdr.csCount = 0;
    plain.hdr.csIdMapType = 1;
    plain.hdr.genericIds = undefined;
    plain.payloads = plain.payloads.filter((p) => p.kind !== 'SP');
    const g = validateIMessage(encodeIMessage(plain));
    expect(g.results.find((x) => x.id === 'mikey.csb.purpose-tag')?.verdict).toBe('inconclusive');
    expect(validateIMessage(encodeIMessage(plain), { kind: 'gmk' }).results.find((x) => x.id === 'mikey.csb.purpose-tag')?.verdict).toBe('pass');
    expect(validateIMessage(encodeIMessage(m), { kind: 'gmk' }).results.find((x) => x.id === 'mikey.csb.purpose-tag')?.verdict).toBe('fail');
  });

  test('findings carry offsets of the offending octets', () => {
    const m = baseMessage();
    m.hdr.dataType = 2;
    const r = validateIMessage(encodeIMessage(m));
    expect(r.findings[0]).toMatchObject({ rule: 'hdr.data-type', checkId: 'mikey.hdr.data-type', offset: 1, expected: '26', found: '2', severity: 'error', requirement: 'MCXSEC-E.1.2-02' });
  });

  test('validator accepts a parsed tree too', () => {
    const p = parseIMessage(encodeIMessage(baseMessage()));
    expect(p.ok && validateIMessage(p.message).findings).toEqual([]);
  });
});
