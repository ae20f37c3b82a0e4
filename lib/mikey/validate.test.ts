import { test, expect } from '@playwright/test';
import { encodeIMessage, parseIMessage } from './codec.ts';
import { composeIMessage } from './compose.ts';
import { KeyTypeValue, STATUS_NOT_REVOKED } from './constants.ts';
import { encodeKeyParameters, parseKeyParameters, protectPayload, type KeyParameters } from './key-params.ts';
import { MUTATIONS } from './mutate.ts';
import { KEY_PARAMETER_RULES, RULES, checkKeyParameters, requirementOf, validateIMessage, type RuleId } from './validate.ts';
import { loadCatalog } from '../requirements/catalog.ts';
import { KEY_KINDS } from './constants.ts';

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
    const missing = (Object.keys(RULES) as RuleId[]).flatMap((rule) => KEY_KINDS.map((kind) => [rule, kind, requirementOf(rule, kind)] as const))
      .filter(([, , id]) => id !== undefined && !catalog.byId.has(id));
    expect(missing).toEqual([]);
  });

  test('every rule has a mutation', () => {
    expect(Object.keys(MUTATIONS).sort()).toEqual(Object.keys(RULES).sort());
  });

  for (const rule of Object.keys(RULES) as RuleId[]) {
    test(`rule ${rule} fires on its mutation: ${MUTATIONS[rule].description}`, () => {
      const mutation = MUTATIONS[rule];
      let findings;
      if (mutation.target === 'message') {
        const out = mutation.apply(baseMessage());
        const bytes = out instanceof Uint8Array ? out : encodeIMessage(out);
        findings = validateIMessage(bytes, { kind: 'gmk' }).findings;
      } else {
        expect(KEY_PARAMETER_RULES).toContain(rule);
        const out = mutation.apply(params);
        const plain = out instanceof Uint8Array ? out : encodeKeyParameters(out);
        const decoded = parseKeyParameters(plain);
        findings = decoded.ok ? checkKeyParameters(decoded.value, 'gmk') : [{ rule: 'kp.decode', offset: decoded.offset, reason: decoded.reason }];
      }
      const hit = findings.find((f) => f.rule === rule);
      expect(hit, JSON.stringify(findings, null, 1)).toBeTruthy();
      if (hit && 'clause' in hit) {
        expect(hit.clause.length).toBeGreaterThan(0);
        expect(hit.expected.length).toBeGreaterThan(0);
      }
    });
  }

  test('findings carry offsets of the offending octets', () => {
    const m = baseMessage();
    m.hdr.dataType = 2;
    const r = validateIMessage(encodeIMessage(m));
    expect(r.findings[0]).toMatchObject({ rule: 'hdr.data-type', offset: 1, expected: '26', found: '2', severity: 'error', requirement: 'MCXSEC-E.1.2-02' });
  });

  test('validator accepts a parsed tree too', () => {
    const p = parseIMessage(encodeIMessage(baseMessage()));
    expect(p.ok && validateIMessage(p.message).findings).toEqual([]);
  });
});
