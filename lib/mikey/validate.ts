/**
 * Profile validator for MIKEY-SAKKE I_MESSAGEs against TS 33.180 Annex E
 * (and the RFC 6509 / RFC 6043 rules it points to). Returns findings; never
 * throws. Checks that need key material (signature, decryption, GUK-ID) are
 * in verify.ts; `checkKeyParameters` is shared with it.
 */
import { parseIMessage } from './codec.ts';
import {
  CS_IDS_FOR_KIND, CsIdMapType, DATA_TYPE_SAKKE, ECCSI_SIGNATURE_LENGTH, GenExtType, ID_ROLE_NAMES, ID_SCHEME_3GPP_HASHED_UID,
  IdRole, IdType, KEY_LENGTH, KeyTypeValue, MAX_CS_FOR_KIND, MIKEY_VERSION, PRF_HMAC_SHA_256, PROT_TYPE_SRTP, PurposeTag,
  SAKKE_PARAMS_SET_1, SIGN_TYPE_ECCSI, TsType, defaultProfileOfKind, keyTypeOfKind, purposeTagOfKind, type KeyKind,
} from './constants.ts';
import type { MikeyFinding, Severity } from './findings.ts';
import { KEY_PARAMS_CODES, parseProtectedPayload, type KeyParameters } from './key-params.ts';
import type { GeneralExtPayload, IdrPayload, MikeyMessage, Payload, SakkePayload, Span } from './types.ts';

export interface RuleInfo {
  clause: string;
  summary: string;
  /** Requirement IDs served, by key kind where they differ. */
  requirement: string | Partial<Record<KeyKind | 'default', string>>;
}

/** Every rule the validator knows; mutate.ts has one mutation per rule. */
export const RULES = {
  'message.decode': { clause: 'E.1.2', summary: 'the octets decode as a MIKEY message', requirement: 'MCXSEC-E.1.2-01' },
  'message.mandatory-payload': { clause: 'E.1.2', summary: 'HDR, T, RAND, IDRi, IDRr, IDRkmsi, IDRkmsr, SAKKE and SIGN are present', requirement: 'MCXSEC-E.1.2-01' },
  'message.duplicate-payload': { clause: 'E.1.2', summary: 'each mandatory payload appears once', requirement: 'MCXSEC-E.1.2-01' },
  'message.id-payload': { clause: 'E.2.1', summary: 'identities use IDR payloads (RFC 6043 6.6), not ID payloads', requirement: { gmk: 'MCXSEC-E.2.1-04', pck: 'MCXSEC-E.3.1-03', default: 'MCXSEC-E.4.1-04' } },
  'hdr.version': { clause: 'E.1.2', summary: 'MIKEY version 1 (RFC 3830)', requirement: 'MCXSEC-E.1.2-01' },
  'hdr.data-type': { clause: 'E.1.2', summary: 'data type 26 (MIKEY-SAKKE)', requirement: 'MCXSEC-E.1.2-02' },
  'hdr.v-bit': { clause: 'E.1.2', summary: 'V bit 0', requirement: 'MCXSEC-E.1.2-03' },
  'hdr.prf-func': { clause: 'E.1.2', summary: 'PRF func 1 (PRF-HMAC-SHA-256, the only one mandatory to support)', requirement: 'MCXSEC-E.1.2-04' },
  'hdr.cs-map-empty': { clause: 'E.1.2', summary: 'CS# 0 goes with CS ID map type 1 and empty map info', requirement: 'MCXSEC-E.1.2-05' },
  'hdr.cs-map-generic': { clause: 'E.1.2', summary: 'CS# above 0 goes with CS ID map type 2 (GENERIC-ID)', requirement: 'MCXSEC-E.1.2-07' },
  'cs.count': { clause: 'E.2.2', summary: 'CS# within the range of the key kind profile', requirement: { gmk: 'MCXSEC-E.2.2-03', pck: 'MCXSEC-E.3.3-01', default: 'MCXSEC-E.4.3-01' } },
  'cs.id': { clause: 'E.1.3', summary: 'CS-IDs from table E.1.3-1 for the key kind, each once', requirement: 'MCXSEC-E.1.3-01' },
  'cs.prot-type': { clause: 'E.2.2', summary: 'crypto session Prot type 0 (SRTP)', requirement: { gmk: 'MCXSEC-E.2.2-03', pck: 'MCXSEC-E.3.3-01', default: 'MCXSEC-E.4.2-01' } },
  'cs.policy-count': { clause: 'E.2.2', summary: '#P 1 in each GENERIC-ID crypto session', requirement: { gmk: 'MCXSEC-E.2.2-04', pck: 'MCXSEC-E.3.3-02', default: 'MCXSEC-E.4.3-02' } },
  'cs.session-data': { clause: 'E.2.2', summary: 'Session Data length 0 (GMK: shall; PCK: recommended)', requirement: { gmk: 'MCXSEC-E.2.2-04', pck: 'MCXSEC-E.3.3-03' } },
  'cs.policy-ref': { clause: 'E.2.2', summary: 'a referenced policy number has its SP payload', requirement: { gmk: 'MCXSEC-E.2.2-03', pck: 'MCXSEC-E.3.3-01', default: 'MCXSEC-E.4.3-01' } },
  'csb.purpose-tag': { clause: 'G', summary: 'CSB-ID purpose tag matches the kind of key distributed', requirement: { gmk: 'MCXSEC-E.2.1-01', pck: 'MCXSEC-E.3.1-01', default: 'MCXSEC-E.4.1-02' } },
  'ts.type': { clause: 'E.1.2', summary: 'TS type 0 (NTP-UTC, 64-bit)', requirement: 'MCXSEC-E.1.2-08' },
  'rand.length': { clause: 'E.1.2', summary: 'RAND of at least 16 octets (RFC 3830 6.11)', requirement: 'MCXSEC-E.1.2-01' },
  'idr.id-type': { clause: 'E.2.1', summary: 'URI identities in IDRi/IDRr/IDRkmsi/IDRkmsr carry ID type 1 (URI)', requirement: { gmk: 'MCXSEC-E.2.1-04', pck: 'MCXSEC-E.3.1-03', default: 'MCXSEC-E.4.1-04' } },
  'idr.uri-text': { clause: 'E.2.1', summary: 'IDRi / IDRr / IDRkmsi / IDRkmsr of ID type URI hold URI text (no binary, no NUL); hashed identities use the E.7 roles', requirement: { gmk: 'MCXSEC-E.2.1-05', pck: 'MCXSEC-E.3.1-04', default: 'MCXSEC-E.4.1-04' } },
  'idr.empty': { clause: 'E.2.1', summary: 'identity payloads are not empty', requirement: { gmk: 'MCXSEC-E.2.1-05', pck: 'MCXSEC-E.3.1-04', default: 'MCXSEC-E.4.1-04' } },
  'idr.hidden-uid': { clause: 'E.7', summary: 'IDRuidi / IDRuidr carry a 32-octet UID', requirement: 'MCXSEC-E.7-01' },
  'idr.role': { clause: 'E.7', summary: 'ID roles of RFC 6043 / RFC 6509 / E.7 (1, 2, 6, 7, 8, 9)', requirement: 'MCXSEC-E.7-02' },
  'sakke.count': { clause: 'E.2.1', summary: 'exactly one SAKKE payload (one key)', requirement: { gmk: 'MCXSEC-E.2.1-07', default: 'MCXSEC-E.1.2-01' } },
  'sakke.params': { clause: 'E.1.2', summary: 'SAKKE params 1 (parameter set 1, RFC 6509)', requirement: 'MCXSEC-E.1.2-09' },
  'sakke.id-scheme': { clause: 'E.1.2', summary: "ID scheme 2 ('3GPP MCX hashed UID')", requirement: 'MCXSEC-E.1.2-09' },
  'sakke.data': { clause: 'E.1.2', summary: 'SAKKE data is R (04 || x || y, 257 octets) || H', requirement: 'MCXSEC-E.1.2-09' },
  'key.length': { clause: 'E.1.1', summary: 'the distributed key is 16 octets (SAKKE H of 16 octets)', requirement: 'MCXSEC-E.1.1-01' },
  'sign.type': { clause: 'E.1.2', summary: 'S type 2 (ECCSI)', requirement: 'MCXSEC-E.1.2-10' },
  'sign.length': { clause: 'E.1.2', summary: 'Signature len matches the 129-octet ECCSI signature (RFC 6507 / RFC 6509)', requirement: 'MCXSEC-E.1.2-11' },
  'sp.prot-type': { clause: 'E.2.2', summary: 'SP Prot type 0 (SRTP)', requirement: { gmk: 'MCXSEC-E.2.2-01', pck: 'MCXSEC-E.3.3-01', default: 'MCXSEC-E.4.2-01' } },
  'sp.default-profile': { clause: 'E.2.2', summary: 'SP values match the default profile of the key kind', requirement: { gmk: 'MCXSEC-E.2.2-02', pck: 'MCXSEC-E.3.2-02', default: 'MCXSEC-E.4.2-02' } },
  'sp.unreferenced': { clause: 'E.2.1', summary: 'with CS# 0 no SP payload is needed', requirement: { gmk: 'MCXSEC-E.2.1-02', pck: 'MCXSEC-E.3.1-02', default: 'MCXSEC-E.4.1-03' } },
  'ext.duplicate': { clause: 'E.1.2', summary: 'at most one SAKKE-to-self and one key parameters payload', requirement: 'MCXSEC-E.1.2-01' },
  'self.next-payload': { clause: 'E.5', summary: 'next payload of the encapsulated SAKKE payload is 0', requirement: 'MCXSEC-E.5-04' },
  'self.sakke': { clause: 'E.5', summary: 'SAKKE-to-self carries params 1, ID scheme 2 and a 273-octet SAKKE data', requirement: 'MCXSEC-E.5-02' },
  'kp.structure': { clause: 'E.6.1', summary: 'key parameters payload is an MCData protected payload (8.5.4.1)', requirement: 'MCXSEC-E.6.1-02' },
  'kp.payload-id': { clause: 'E.6.1', summary: "protected payload 'Payload ID' 0", requirement: 'MCXSEC-E.6.1-03' },
  'kp.sequence': { clause: 'E.6.1', summary: "protected payload 'Payload sequence number' 0", requirement: 'MCXSEC-E.6.1-03' },
  'kp.dppk-id': { clause: 'E.6.1', summary: 'DPPK-ID equals the CSB-ID', requirement: 'MCXSEC-E.6.1-04' },
  'kp.algorithm': { clause: '8.5.4.2', summary: 'a known payload algorithm', requirement: 'MCXSEC-E.6.1-05' },
  // Rules below need the decrypted key parameters (verify.ts).
  'kp.decode': { clause: 'E.6.1', summary: 'decrypted key parameters decode per Table E.6.1-1', requirement: 'MCXSEC-E.6.1-02' },
  'kp.key-type': { clause: 'E.6.11', summary: 'Key Type matches the kind of key distributed', requirement: 'MCXSEC-E.6.11-01' },
  'kp.group-ids': { clause: 'E.6.3', summary: 'MC Group IDs only for GMK, MKFC and MuSiK keys', requirement: 'MCXSEC-E.6.1-06' },
  'kp.group-ids-absent': { clause: 'E.6.3', summary: 'GMK, MKFC and MuSiK key parameters carry the MC Group IDs IE (count 0 when no group)', requirement: 'MCXSEC-E.6.3-01' },
  'kp.times': { clause: 'E.6.10', summary: 'a non-zero expiry time is later than a non-zero activation time', requirement: 'MCXSEC-E.6.10-01' },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

/** Rules that need decrypted key parameters; validateIMessage never emits them. */
export const KEY_PARAMETER_RULES: readonly RuleId[] = ['kp.decode', 'kp.key-type', 'kp.group-ids', 'kp.group-ids-absent', 'kp.times'];

export function requirementOf(rule: RuleId, kind: KeyKind): string | undefined {
  const r = RULES[rule].requirement as RuleInfo['requirement'];
  if (typeof r === 'string') return r;
  return r[kind] ?? (kind.startsWith('csk') || kind === 'musik-download' ? r.default : undefined) ?? r.default;
}

export interface ValidateOptions {
  /** The key kind the message should distribute; inferred from the CSB-ID purpose tag when absent. */
  kind?: KeyKind;
}

export interface ValidationResult {
  message?: MikeyMessage;
  kind: KeyKind;
  /** How the kind was chosen. */
  kindSource: 'option' | 'purpose-tag' | 'default';
  findings: MikeyFinding[];
}

/** Kind suggested by the Annex G purpose tag of a CSB-ID (CSK direction cannot be told from the tag). */
export function kindFromCsbId(csbId: number): KeyKind | undefined {
  switch (csbId >>> 28) {
    case PurposeTag.GMK: return 'gmk';
    case PurposeTag.PCK: return 'pck';
    case PurposeTag.CSK: return 'csk-download';
    case PurposeTag.MUSIK: return 'musik-download';
    default: return undefined;
  }
}

const hex = (b: Uint8Array, max = 16) => Buffer.from(b.subarray(0, max)).toString('hex') + (b.length > max ? '…' : '');

class Collector {
  readonly findings: MikeyFinding[] = [];
  constructor(readonly kind: KeyKind) {}
  add(rule: RuleId, field: string, at: Span | number | null | undefined, expected: string, found: string, severity: Severity = 'error', message = ''): void {
    const offset = at === null || at === undefined ? null : typeof at === 'number' ? at : at.offset;
    const info = RULES[rule];
    const requirement = requirementOf(rule, this.kind);
    // Rules whose clause depends on the key kind (E.2 / E.3 / E.4) take it from the requirement they serve.
    const clause = typeof info.requirement === 'object' && rule !== 'csb.purpose-tag' && requirement ? requirement.replace(/^MCXSEC-/, '').replace(/-\d\d$/, '') : info.clause;
    this.findings.push({ rule, clause, field, offset, expected, found, severity, message, requirement });
  }
}


/** Validate octets or an already parsed message. */
export function validateIMessage(input: Uint8Array | MikeyMessage, options: ValidateOptions = {}): ValidationResult {
  let message: MikeyMessage;
  if (input instanceof Uint8Array) {
    const parsed = parseIMessage(input);
    if (!parsed.ok) {
      const kind = options.kind ?? 'gmk';
      const c = new Collector(kind);
      c.add('message.decode', parsed.error.field, parsed.error.offset, 'a decodable MIKEY-SAKKE I_MESSAGE', parsed.error.reason);
      return { kind, kindSource: options.kind ? 'option' : 'default', findings: c.findings };
    }
    message = parsed.message;
  } else {
    message = input;
  }
  const inferred = kindFromCsbId(message.hdr.csbId);
  const kind = options.kind ?? inferred ?? 'gmk';
  const kindSource = options.kind ? 'option' : inferred ? 'purpose-tag' : 'default';
  const c = new Collector(kind);
  try {
    checkHeader(message, c);
    checkPayloadSet(message, c);
    for (const p of message.payloads) checkPayload(p, message, c);
  } catch (e) {
    c.add('message.decode', 'message', null, 'a validator that completes', `validator defect: ${String(e)}`);
  }
  return { message, kind, kindSource, findings: c.findings };
}

function checkHeader(m: MikeyMessage, c: Collector): void {
  const h = m.hdr;
  const f = (name: string) => h.fields?.[name] ?? null;
  if (h.version !== MIKEY_VERSION) c.add('hdr.version', 'HDR.version', f('version'), String(MIKEY_VERSION), String(h.version));
  if (h.dataType !== DATA_TYPE_SAKKE) c.add('hdr.data-type', 'HDR.dataType', f('dataType'), String(DATA_TYPE_SAKKE), String(h.dataType));
  if (h.vFlag) c.add('hdr.v-bit', 'HDR.V', f('vFlag'), '0', '1');
  if (h.prfFunc !== PRF_HMAC_SHA_256) c.add('hdr.prf-func', 'HDR.prfFunc', f('prfFunc'), `${PRF_HMAC_SHA_256} (PRF-HMAC-SHA-256)`, String(h.prfFunc), 'warning', 'only PRF-HMAC-SHA-256 is mandatory to support');
  const mapInfoLength = h.fields?.csIdMapInfo?.length ?? (h.genericIds?.length ?? 0) + (h.srtpIds?.length ?? 0) + (h.rawMapInfo?.length ?? 0);
  if (h.csCount === 0) {
    if (h.csIdMapType !== CsIdMapType.EMPTY || mapInfoLength !== 0) {
      c.add('hdr.cs-map-empty', 'HDR.csIdMapType', f('csIdMapType'), 'map type 1 (empty) with 0 octets of map info', `map type ${h.csIdMapType} with ${mapInfoLength} octet(s)`);
    }
  } else {
    if (h.csIdMapType !== CsIdMapType.GENERIC_ID) c.add('hdr.cs-map-generic', 'HDR.csIdMapType', f('csIdMapType'), '2 (GENERIC-ID)', String(h.csIdMapType));
    const max = MAX_CS_FOR_KIND[c.kind];
    if (h.csCount > max) c.add('cs.count', 'HDR.csCount', f('csCount'), `1..${max} for ${c.kind}`, String(h.csCount));
  }
  const tag = h.csbId >>> 28;
  const want = purposeTagOfKind(c.kind);
  if (tag !== want) c.add('csb.purpose-tag', 'HDR.csbId', f('csbId'), `purpose tag ${want} (${c.kind})`, `purpose tag ${tag} (CSB-ID 0x${h.csbId.toString(16).padStart(8, '0')})`);
  const allowed = CS_IDS_FOR_KIND[c.kind];
  const seen = new Set<number>();
  const spPolicies = new Set(m.payloads.filter((p) => p.kind === 'SP').map((p) => (p.kind === 'SP' ? p.policyNo : -1)));
  for (const [i, g] of (h.genericIds ?? []).entries()) {
    const gf = (name: string) => g.fields?.[name] ?? null;
    const field = `HDR.genericId[${i}]`;
    if (!allowed.includes(g.csId) || seen.has(g.csId)) {
      c.add('cs.id', `${field}.csId`, gf('csId'), `one of ${allowed.join(', ')} (table E.1.3-1, ${c.kind}), each once`, seen.has(g.csId) ? `${g.csId} repeated` : String(g.csId));
    }
    seen.add(g.csId);
    if (g.protType !== PROT_TYPE_SRTP) c.add('cs.prot-type', `${field}.protType`, gf('protType'), '0 (SRTP)', String(g.protType));
    if (g.policies.length !== 1) c.add('cs.policy-count', `${field}.#P`, gf('policyCount'), '1', String(g.policies.length));
    if (g.sessionData.length !== 0 && (c.kind === 'gmk' || c.kind === 'pck')) {
      c.add('cs.session-data', `${field}.sessionDataLength`, gf('sessionDataLength'), '0', String(g.sessionData.length), c.kind === 'gmk' ? 'error' : 'warning');
    }
    for (const p of g.policies) {
      if (!spPolicies.has(p)) c.add('cs.policy-ref', `${field}.policies`, gf('policies'), `an SP payload with policy number ${p}`, 'none', 'error');
    }
  }
}

interface PayloadSlot {
  label: string;
  match: (p: Payload) => boolean;
}

const MANDATORY: PayloadSlot[] = [
  { label: 'T', match: (p) => p.kind === 'T' },
  { label: 'RAND', match: (p) => p.kind === 'RAND' },
  { label: 'IDRi (or IDRuidi)', match: (p) => p.kind === 'IDR' && (p.role === IdRole.IDRi || p.role === IdRole.IDRuidi) },
  { label: 'IDRr (or IDRuidr)', match: (p) => p.kind === 'IDR' && (p.role === IdRole.IDRr || p.role === IdRole.IDRuidr) },
  { label: 'IDRkmsi', match: (p) => p.kind === 'IDR' && p.role === IdRole.IDRkmsi },
  { label: 'IDRkmsr', match: (p) => p.kind === 'IDR' && p.role === IdRole.IDRkmsr },
  { label: 'SAKKE', match: (p) => p.kind === 'SAKKE' },
  { label: 'SIGN', match: (p) => p.kind === 'SIGN' },
];

function checkPayloadSet(m: MikeyMessage, c: Collector): void {
  for (const slot of MANDATORY) {
    const found = m.payloads.filter(slot.match);
    if (found.length === 0) {
      c.add('message.mandatory-payload', slot.label, null, `a ${slot.label} payload`, 'none');
    } else if (found.length > 1) {
      if (slot.label === 'SAKKE') c.add('sakke.count', 'SAKKE', found[1].offset, 'exactly one SAKKE payload', `${found.length}`);
      else c.add('message.duplicate-payload', slot.label, found[1].offset, `one ${slot.label} payload`, `${found.length}`);
    }
  }
  for (const extType of [GenExtType.SAKKE_TO_SELF, GenExtType.KEY_PARAMETERS]) {
    const found = m.payloads.filter((p) => p.kind === 'GENERAL_EXT' && p.extType === extType);
    if (found.length > 1) c.add('ext.duplicate', `GeneralExt(type ${extType})`, found[1].offset, 'at most one', String(found.length));
  }
  const sps = m.payloads.filter((p) => p.kind === 'SP');
  if (m.hdr.csCount === 0 && sps.length > 0) {
    c.add('sp.unreferenced', 'SP', sps[0].offset, 'no SP payload when CS# is 0 (default profile applies)', `${sps.length} SP payload(s)`, 'info');
  }
}

function checkPayload(p: Payload, m: MikeyMessage, c: Collector): void {
  const f = (name: string) => p.fields?.[name] ?? p.offset ?? null;
  switch (p.kind) {
    case 'T':
      if (p.tsType !== TsType.NTP_UTC) c.add('ts.type', 'T.tsType', f('tsType'), '0 (NTP-UTC)', String(p.tsType));
      return;
    case 'RAND':
      if (p.rand.length < 16) c.add('rand.length', 'RAND.length', f('randLength'), 'at least 16', String(p.rand.length));
      return;
    case 'ID':
      c.add('message.id-payload', 'ID', p.offset, 'IDR payload (type 14) with a role', 'ID payload (type 6)');
      return;
    case 'IDR':
      checkIdr(p, c);
      return;
    case 'SAKKE':
      checkSakke(p, c, 'SAKKE');
      return;
    case 'GENERAL_EXT':
      checkExtension(p, m, c);
      return;
    case 'SIGN':
      if (p.sType !== SIGN_TYPE_ECCSI) c.add('sign.type', 'SIGN.sType', f('sType'), '2 (ECCSI)', String(p.sType));
      if ((p.declaredLength ?? p.signature.length) !== ECCSI_SIGNATURE_LENGTH) {
        c.add('sign.length', 'SIGN.signatureLength', f('signatureLength'), String(ECCSI_SIGNATURE_LENGTH), String(p.declaredLength ?? p.signature.length),
          'error', 'E.1.2 states 32 but an ECCSI signature (r || s || PVT) is 129 octets; real implementations send 129');
      }
      return;
    case 'SP': {
      if (p.protType !== PROT_TYPE_SRTP) c.add('sp.prot-type', 'SP.protType', f('protType'), '0 (SRTP)', String(p.protType));
      const profile = defaultProfileOfKind(c.kind);
      for (const [type, want] of profile.params) {
        const param = p.params.find((q) => q.type === type);
        if (!param) continue;
        const got = param.value.length === 1 ? param.value[0] : NaN;
        if (got !== want) {
          c.add('sp.default-profile', `SP.param[type ${type}]`, param.fields?.value ?? param.offset ?? null, `${want} (${profile.clause})`, param.value.length === 1 ? String(got) : `0x${hex(param.value)}`, 'warning',
            `differs from the default profile of ${profile.clause}`);
        }
      }
      return;
    }
  }
}

const KNOWN_ROLES = new Set<number>([IdRole.IDRi, IdRole.IDRr, IdRole.IDRkmsi, IdRole.IDRkmsr, IdRole.IDRuidi, IdRole.IDRuidr]);

function checkIdr(p: IdrPayload, c: Collector): void {
  const f = (name: string) => p.fields?.[name] ?? p.offset ?? null;
  const roleName = ID_ROLE_NAMES[p.role] ?? `role ${p.role}`;
  if (!KNOWN_ROLES.has(p.role)) {
    c.add('idr.role', 'IDR.role', f('role'), '1 (IDRi), 2 (IDRr), 6 (IDRkmsi), 7 (IDRkmsr), 8 (IDRuidi) or 9 (IDRuidr)', String(p.role));
    return;
  }
  if (p.data.length === 0) {
    c.add('idr.empty', `${roleName}.idData`, f('idLength'), 'an identity', 'empty');
    return;
  }
  if (p.role === IdRole.IDRuidi || p.role === IdRole.IDRuidr) {
    if (p.data.length !== 32) c.add('idr.hidden-uid', `${roleName}.idData`, f('idLength'), '32 octets (SHA-256 UID of F.2.1)', `${p.data.length} octets`);
  } else if (p.idType !== IdType.URI) {
    c.add('idr.id-type', `${roleName}.idType`, f('idType'), '1 (URI)', String(p.idType), 'warning');
  } else if (!isUriText(p.data)) {
    const hashed = p.data.length === 32 && (p.role === IdRole.IDRi || p.role === IdRole.IDRr);
    c.add('idr.uri-text', `${roleName}.idData`, f('idData'), hashed ? `a URI, or role ${p.role === IdRole.IDRi ? '8 (IDRuidi)' : '9 (IDRuidr)'} for a hashed identity (E.7)` : 'URI text (printable UTF-8, no NUL)',
      `${p.data.length} octets 0x${hex(p.data)}`);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUriText(b: Uint8Array): boolean {
  try {
    return !/[\u0000-\u001f\u007f]/.test(strictUtf8.decode(b));
  } catch {
    return false;
  }
}

function checkSakke(p: SakkePayload, c: Collector, label: string): void {
  const self = label !== 'SAKKE';
  const f = (name: string) => p.fields?.[name] ?? p.offset ?? null;
  if (p.sakkeParams !== SAKKE_PARAMS_SET_1) c.add(self ? 'self.sakke' : 'sakke.params', `${label}.sakkeParams`, f('sakkeParams'), '1 (parameter set 1)', String(p.sakkeParams));
  if (p.idScheme !== ID_SCHEME_3GPP_HASHED_UID) c.add(self ? 'self.sakke' : 'sakke.id-scheme', `${label}.idScheme`, f('idScheme'), "2 ('3GPP MCX hashed UID')", String(p.idScheme));
  if (p.data.length < 257 || p.data[0] !== 0x04) {
    c.add(self ? 'self.sakke' : 'sakke.data', `${label}.data`, f('data'), 'R as an uncompressed point (04 || x || y, 257 octets) followed by H',
      `${p.data.length} octet(s) starting 0x${hex(p.data, 1)}`);
  } else if (p.data.length - 257 !== KEY_LENGTH) {
    c.add(self ? 'self.sakke' : 'key.length', `${label}.data`, f('dataLength'), `H of ${KEY_LENGTH} octets (SAKKE data 273)`, `H of ${p.data.length - 257} octets`);
  }
}

function checkExtension(p: GeneralExtPayload, m: MikeyMessage, c: Collector): void {
  if (p.extType === GenExtType.SAKKE_TO_SELF) {
    if (!p.sakke) {
      c.add('self.sakke', 'SAKKE-to-self.data', p.fields?.data ?? p.offset ?? null, 'an encapsulated SAKKE payload', 'none');
      return;
    }
    if ((p.sakke.nextPayload ?? 0) !== 0) c.add('self.next-payload', 'SAKKE-to-self.SAKKE.nextPayload', p.sakke.fields?.nextPayload ?? null, '0', String(p.sakke.nextPayload));
    checkSakke(p.sakke, c, 'SAKKE-to-self.SAKKE');
    return;
  }
  if (p.extType === GenExtType.KEY_PARAMETERS) {
    const base = p.fields?.data.offset ?? 0;
    const parsed = parseProtectedPayload(p.data, base);
    if (!parsed.ok) {
      c.add('kp.structure', 'KeyParameters', parsed.offset, 'an MCData protected payload (8.5.4.1)', parsed.reason);
      return;
    }
    const v = parsed.value;
    if (v.payloadId !== 0) c.add('kp.payload-id', 'KeyParameters.payloadId', v.fields.payloadId, '0', String(v.payloadId));
    if (v.sequenceNumber !== 0) c.add('kp.sequence', 'KeyParameters.sequenceNumber', v.fields.sequenceNumber, '0', String(v.sequenceNumber));
    if (v.dppkId !== m.hdr.csbId) {
      c.add('kp.dppk-id', 'KeyParameters.dppkId', v.fields.dppkId, `0x${m.hdr.csbId.toString(16).padStart(8, '0')} (the CSB-ID)`, `0x${v.dppkId.toString(16).padStart(8, '0')}`);
    }
    if (!Object.values(KEY_PARAMS_CODES.algorithm).includes(v.payloadAlgorithm)) {
      c.add('kp.algorithm', 'KeyParameters.payloadAlgorithm', v.fields.payloadAlgorithm, 'DP_AES_128_GCM or DP_AES_256_GCM', String(v.payloadAlgorithm));
    }
  }
}

/** Rules on decrypted key parameters (E.6); used by verify.ts. `at` is the offset of the Payload IE in the message. */
export function checkKeyParameters(k: KeyParameters, kind: KeyKind, at: number | null = null): MikeyFinding[] {
  const c = new Collector(kind);
  const want = keyTypeOfKind(kind);
  if (k.keyType !== want) c.add('kp.key-type', 'KeyParameters.keyType', at, `${want} (${kind})`, String(k.keyType));
  const groupKind = k.keyType === KeyTypeValue.GMK || k.keyType === KeyTypeValue.MKFC || k.keyType === KeyTypeValue.MUSIK;
  if (!groupKind && k.groupIds && k.groupIds.length > 0) {
    c.add('kp.group-ids', 'KeyParameters.groupIds', at, 'no MC Group IDs for this key type', `${k.groupIds.length} group ID(s)`);
  }
  if (groupKind && k.groupIds === undefined) {
    c.add('kp.group-ids-absent', 'KeyParameters.groupIds', at, 'an MC Group IDs IE (length 1, count 0 when the key has no group)', 'absent', 'warning');
  }
  if (k.activationTime !== 0 && k.expiryTime !== 0 && k.expiryTime <= k.activationTime) {
    c.add('kp.times', 'KeyParameters.expiryTime', at, `later than the activation time ${k.activationTime}`, String(k.expiryTime), 'warning');
  }
  return c.findings;
}
