/**
 * Profile validator for MIKEY-SAKKE I_MESSAGEs against TS 33.180 Annex E
 * (and the RFC 6509 / RFC 6043 rules it points to). Every rule of RULES is a
 * declared check (lib/harness/check.ts): id `mikey.<rule>`, the one
 * requirement it serves for the key kind of the table, a title and a `run`
 * that returns exactly one outcome. `messageTable(kind)` holds the rules read
 * from the octets, `keyParameterTable(kind)` the E.6 rules on decrypted key
 * parameters (run by verify.ts). The severity of a departure is the level of
 * its requirement in the catalog (shall -> error, should -> warning, may ->
 * info). Never throws. Checks that need key material (signature,
 * decryption, GUK-ID) are in verify.ts.
 */
import { checkTable, fail, inconclusive, isOutcome, notApplicable, pass, type Blame, type Check, type CheckTable, type Outcome } from '../harness/check.ts';
import { loadCatalog } from '../requirements/catalog.ts';
import type { RequirementLevel } from '../requirements/types.ts';
import { parseIMessage } from './codec.ts';
import {
  CS_IDS_FOR_KIND, CsIdMapType, DATA_TYPE_SAKKE, ECCSI_SIGNATURE_LENGTH, GenExtType, ID_ROLE_NAMES, ID_SCHEME_3GPP_HASHED_UID,
  IdRole, IdType, KEY_KINDS, KEY_LENGTH, KeyTypeValue, MAX_CS_FOR_KIND, MIKEY_VERSION, PRF_HMAC_SHA_256, PROT_TYPE_SRTP, PurposeTag,
  SAKKE_PARAMS_SET_1, SIGN_TYPE_ECCSI, TsType, defaultProfileOfKind, keyTypeOfKind, purposeTagOfKind, type KeyKind,
} from './constants.ts';
import type { MikeyCheckResult, MikeyFinding, Severity } from './findings.ts';
import { KEY_PARAMS_CODES, parseProtectedPayload, type KeyParameters, type ProtectedPayload } from './key-params.ts';
import type { GeneralExtPayload, IdrPayload, MikeyMessage, Payload, SakkePayload, Span } from './types.ts';

export interface RuleInfo {
  clause: string;
  /** What is checked, in the spec's nouns: the check's title. */
  summary: string;
  /** Requirement IDs served, by key kind where they differ (`default`: the kinds not named). */
  requirement: string | Partial<Record<KeyKind | 'default', string>>;
}

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
  'idr.hidden-uid': { clause: 'E.7', summary: 'IDRuidi / IDRuidr carry a 32-octet UID', requirement: 'MCXSEC-E.7-04' },
  'idr.role': { clause: 'E.7', summary: 'ID roles of RFC 6043 / RFC 6509 / E.7 (1, 2, 6, 7, 8, 9)', requirement: 'MCXSEC-E.7-02' },
  'sakke.count': { clause: 'E.2.1', summary: 'exactly one SAKKE payload (one key)', requirement: { gmk: 'MCXSEC-E.2.1-07', default: 'MCXSEC-E.1.2-01' } },
  'sakke.params': { clause: 'E.1.2', summary: 'SAKKE params 1 (parameter set 1, RFC 6509)', requirement: 'MCXSEC-E.1.2-09' },
  'sakke.id-scheme': { clause: 'E.1.2', summary: "ID scheme 2 ('3GPP MCX hashed UID')", requirement: 'MCXSEC-E.1.2-09' },
  'sakke.data': { clause: 'E.1.2', summary: 'SAKKE data is R (04 || x || y, 257 octets) || H', requirement: 'MCXSEC-E.1.2-09' },
  'key.length': { clause: 'E.1.1', summary: 'the distributed key is 16 octets (SAKKE H of 16 octets)', requirement: 'MCXSEC-E.1.1-01' },
  'sign.type': { clause: 'E.1.2', summary: 'S type 2 (ECCSI)', requirement: 'MCXSEC-E.1.2-10' },
  'sign.length': { clause: 'E.1.2', summary: 'Signature len matches the 129-octet ECCSI signature (RFC 6507 / RFC 6509)', requirement: 'MCXSEC-E.1.2-11' },
  'sp.prot-type': { clause: 'E.2.2', summary: 'SP Prot type 0 (SRTP)', requirement: { gmk: 'MCXSEC-E.2.2-01', pck: 'MCXSEC-E.3.3-01', default: 'MCXSEC-E.4.2-01' } },
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

/** Rules that need decrypted key parameters: the key-parameter table, run by verify.ts. */
export type KeyParameterRuleId = 'kp.decode' | 'kp.key-type' | 'kp.group-ids' | 'kp.group-ids-absent' | 'kp.times';
export const KEY_PARAMETER_RULES: readonly KeyParameterRuleId[] = ['kp.decode', 'kp.key-type', 'kp.group-ids', 'kp.group-ids-absent', 'kp.times'];
type MessageRuleId = Exclude<RuleId, KeyParameterRuleId>;

/** The stable id of a rule's declared check. */
export const checkIdOf = (rule: RuleId): string => `mikey.${rule}`;

/** The requirement a rule serves for a key kind; undefined when the rule has none for that kind (it is then not in the kind's table). */
export function requirementOf(rule: RuleId, kind: KeyKind): string | undefined {
  const r = RULES[rule].requirement as RuleInfo['requirement'];
  if (typeof r === 'string') return r;
  return r[kind] ?? r.default;
}

/** Clause of a rule for a key kind: rules whose clause depends on the kind (E.2 / E.3 / E.4) take it from their requirement. */
function clauseOf(rule: RuleId, requirement: string): string {
  const info = RULES[rule] as RuleInfo;
  return typeof info.requirement === 'object' && rule !== 'csb.purpose-tag' ? requirement.replace(/^MCXSEC-/, '').replace(/-\d\d$/, '') : info.clause;
}

// ---------------------------------------------------------------------------
// Severity: the level of the requirement in the catalog.

export function severityOfLevel(level: RequirementLevel): Severity {
  switch (level) {
    case 'shall': case 'MUST': case 'REQUIRED': return 'error';
    case 'should': case 'SHOULD': case 'RECOMMENDED': return 'warning';
    case 'may': case 'OPTIONAL': return 'info';
  }
}

let levels: Map<string, RequirementLevel> | undefined;

/** Level of a requirement in the catalog (loaded once); undefined when the catalog has no such ID. */
export function levelOf(requirement: string): RequirementLevel | undefined {
  if (!levels) {
    try {
      levels = new Map(loadCatalog().requirements.map((r) => [r.id, r.level]));
    } catch {
      levels = new Map();
    }
  }
  return levels.get(requirement);
}

/** Severity of a departure from a requirement; a requirement the catalog lacks counts as mandatory (and fails validate.test.ts). */
export function severityOf(requirement: string): Severity {
  const level = levelOf(requirement);
  return level ? severityOfLevel(level) : 'error';
}

// ---------------------------------------------------------------------------
// Inputs and kind inference.

export type KindSource =
  /** --kind / options.kind. */
  | 'option'
  /** The CS-IDs of the GENERIC-ID map (table E.1.3-1). */
  | 'structure'
  /** The Key Type of the decrypted key parameters (E.6.11; verify.ts). */
  | 'key-type'
  /** Nothing but the CSB-ID purpose tag: a guess, the purpose-tag check is inconclusive. */
  | 'purpose-tag'
  /** Nothing at all: a guess, the purpose-tag check is inconclusive. */
  | 'default';

export interface MessageInput {
  message?: MikeyMessage;
  /** Why the octets do not decode, when they do not. */
  decodeError?: { field: string; offset: number; reason: string };
  kind: KeyKind;
  kindSource: KindSource;
}

export interface KeyParametersInput {
  kind: KeyKind;
  kindSource: KindSource;
  /** Offset of the Payload IE in the message. */
  at: number | null;
  /** The decoded plaintext of the key parameters payload. */
  decoded?: { ok: true; value: KeyParameters } | { ok: false; offset: number; reason: string };
  /** Why there is nothing to decode: with a blame the checks are inconclusive (e.g. not decrypted), without one not applicable (no payload). */
  unavailable?: { reason: string; blame?: Blame };
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

/** Kind named by an E.6.11 Key Type (CSK direction cannot be told; the Annex E rules of both directions are the same). */
export function kindFromKeyType(keyType: number): KeyKind | undefined {
  switch (keyType) {
    case KeyTypeValue.GMK: return 'gmk';
    case KeyTypeValue.PCK: return 'pck';
    case KeyTypeValue.CSK: return 'csk-download';
    case KeyTypeValue.MUSIK: return 'musik-download';
    default: return undefined;
  }
}

const FAMILY_OF_CS_ID = new Map<number, KeyKind>();
for (const kind of ['pck', 'gmk', 'csk-download', 'musik-download'] as const) for (const cs of CS_IDS_FOR_KIND[kind]) FAMILY_OF_CS_ID.set(cs, kind);

/**
 * The key kind the structure of the message shows, independently of the
 * purpose tag: the CS-IDs of its GENERIC-ID crypto sessions (table E.1.3-1).
 * `kind` is undefined when the structure does not tell (CS# 0, or CS-IDs of
 * several kinds); `reason` says why, for the report.
 */
export function kindFromStructure(m: MikeyMessage): { kind?: KeyKind; reason: string } {
  const ids = (m.hdr.genericIds ?? []).map((g) => g.csId);
  if (ids.length === 0) return { reason: 'no GENERIC-ID crypto session (CS# 0 or another map type) names a CS-ID of table E.1.3-1' };
  const kinds = new Set(ids.map((cs) => FAMILY_OF_CS_ID.get(cs)));
  if (kinds.size === 1 && !kinds.has(undefined)) {
    const kind = [...kinds][0]!;
    return { kind, reason: `CS-ID(s) ${ids.join(', ')} of table E.1.3-1 are those of ${kind === 'csk-download' ? 'a CSK (direction not told; same rules)' : kind}` };
  }
  return { reason: `CS-IDs ${ids.join(', ')} do not belong to a single key kind of table E.1.3-1` };
}

/** Whether the kind was established from something other than the purpose tag. */
export const kindResolved = (source: KindSource): boolean => source === 'option' || source === 'structure' || source === 'key-type';

// ---------------------------------------------------------------------------
// Rules as inspections: what the check read, and every departure found.

interface Violation {
  field: string;
  at: Span | number | null | undefined;
  expected: string;
  found: string;
  message?: string;
  reason?: 'missing' | 'mismatch' | 'invalid';
}

export type Inspection =
  | { kind: 'na'; reason: string }
  | { kind: 'inconclusive'; reason: string; blame: Blame }
  /** `field`/`expected`/`observed` describe the pass; violations, when any, make it a fail. */
  | { kind: 'read'; field: string; expected: string; observed: unknown; violations: Violation[] };

const na = (reason: string): Inspection => ({ kind: 'na', reason });
const undecided = (reason: string, blame: Blame): Inspection => ({ kind: 'inconclusive', reason, blame });
const read = (field: string, expected: string, observed: unknown, violations: Violation[] = []): Inspection => ({ kind: 'read', field, expected, observed, violations });

function outcomeOf(i: Inspection): Outcome {
  if (i.kind === 'na') return notApplicable(i.reason);
  if (i.kind === 'inconclusive') return inconclusive(i.reason, i.blame);
  if (i.violations.length === 0) return pass(i.field, i.observed, i.expected);
  const [v] = i.violations;
  const detail = i.violations.length === 1 ? v!.message : i.violations.map((x) => `${x.field}: expected ${x.expected}, found ${x.found}`).join('; ');
  return fail(v!.field, v!.expected, i.violations.length === 1 ? v!.found : i.violations.map((x) => x.found), v!.reason ?? 'mismatch', detail || undefined);
}

const hex = (b: Uint8Array, max = 16) => Buffer.from(b.subarray(0, max)).toString('hex') + (b.length > max ? '…' : '');
const hex8 = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
const hdrAt = (m: MikeyMessage, name: string) => m.hdr.fields?.[name] ?? null;
const at = (p: Payload, name: string) => p.fields?.[name] ?? p.offset ?? null;
const ofKind = <K extends Payload['kind']>(m: MikeyMessage, kind: K) => m.payloads.filter((p): p is Extract<Payload, { kind: K }> => p.kind === kind);
const exts = (m: MikeyMessage, type: number) => ofKind(m, 'GENERAL_EXT').filter((p) => p.extType === type);

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

const KNOWN_ROLES = new Set<number>([IdRole.IDRi, IdRole.IDRr, IdRole.IDRkmsi, IdRole.IDRkmsr, IdRole.IDRuidi, IdRole.IDRuidr]);
const roleName = (p: IdrPayload) => ID_ROLE_NAMES[p.role] ?? `role ${p.role}`;
/** IDR payloads the later identity rules read: a known role and some identity (idr.role and idr.empty grade the others). */
const readableIdrs = (m: MikeyMessage) => ofKind(m, 'IDR').filter((p) => KNOWN_ROLES.has(p.role) && p.data.length > 0);
const isHiddenRole = (p: IdrPayload) => p.role === IdRole.IDRuidi || p.role === IdRole.IDRuidr;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUriText(b: Uint8Array): boolean {
  try {
    return !/[\u0000-\u001f\u007f]/.test(strictUtf8.decode(b));
  } catch {
    return false;
  }
}

/** The SAKKE payloads a rule reads: the SAKKE payload(s), or for self.* the encapsulated one. */
const sakkes = (m: MikeyMessage) => ofKind(m, 'SAKKE');
const wellFormedR = (p: SakkePayload) => p.data.length >= 257 && p.data[0] === 0x04;

/** The protected key parameters payload (first one; ext.duplicate grades repeats), parsed. */
function keyParams(m: MikeyMessage): { payload: GeneralExtPayload; parsed: ReturnType<typeof parseProtectedPayload> } | undefined {
  const p = exts(m, GenExtType.KEY_PARAMETERS)[0];
  return p ? { payload: p, parsed: parseProtectedPayload(p.data, p.fields?.data.offset ?? 0) } : undefined;
}

function onKeyParams(m: MikeyMessage, f: (v: ProtectedPayload) => Inspection): Inspection {
  const kp = keyParams(m);
  if (!kp) return na('no key parameters payload (E.6 is optional)');
  if (!kp.parsed.ok) return undecided(`the key parameters payload is not an MCData protected payload (${kp.parsed.reason}); see mikey.kp.structure`, 'target');
  return f(kp.parsed.value);
}

function eachGenericId(m: MikeyMessage, f: (g: NonNullable<MikeyMessage['hdr']['genericIds']>[number], field: string, gat: (n: string) => Span | null) => Violation | Violation[] | undefined): Violation[] | undefined {
  const ids = m.hdr.genericIds ?? [];
  if (ids.length === 0) return undefined;
  return ids.flatMap((g, i) => {
    const v = f(g, `HDR.genericId[${i}]`, (n) => g.fields?.[n] ?? null);
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  });
}

const NO_GENERIC_ID = 'no GENERIC-ID crypto session (CS# 0 or another map type)';

type MessageRule = (m: MikeyMessage, input: MessageInput) => Inspection;

const MESSAGE_RULES: Record<Exclude<MessageRuleId, 'message.decode'>, MessageRule> = {
  'message.mandatory-payload': (m) => {
    const v = MANDATORY.filter((s) => !m.payloads.some(s.match)).map((s): Violation => ({ field: s.label, at: null, expected: `a ${s.label} payload`, found: 'none', reason: 'missing' }));
    return read('payloads', MANDATORY.map((s) => s.label).join(', '), m.payloads.map((p) => p.kind), v);
  },
  'message.duplicate-payload': (m) => {
    const v = MANDATORY.filter((s) => s.label !== 'SAKKE').flatMap((s): Violation[] => {
      const found = m.payloads.filter(s.match);
      return found.length > 1 ? [{ field: s.label, at: found[1]!.offset, expected: `one ${s.label} payload`, found: `${found.length}` }] : [];
    });
    return read('payloads', 'each mandatory payload once', m.payloads.map((p) => p.kind), v);
  },
  'message.id-payload': (m) => read('payloads', 'no ID payload (type 6)', ofKind(m, 'ID').length,
    ofKind(m, 'ID').map((p) => ({ field: 'ID', at: p.offset, expected: 'IDR payload (type 14) with a role', found: 'ID payload (type 6)' }))),
  'hdr.version': (m) => read('HDR.version', String(MIKEY_VERSION), m.hdr.version,
    m.hdr.version === MIKEY_VERSION ? [] : [{ field: 'HDR.version', at: hdrAt(m, 'version'), expected: String(MIKEY_VERSION), found: String(m.hdr.version) }]),
  'hdr.data-type': (m) => read('HDR.dataType', String(DATA_TYPE_SAKKE), m.hdr.dataType,
    m.hdr.dataType === DATA_TYPE_SAKKE ? [] : [{ field: 'HDR.dataType', at: hdrAt(m, 'dataType'), expected: String(DATA_TYPE_SAKKE), found: String(m.hdr.dataType) }]),
  'hdr.v-bit': (m) => read('HDR.V', '0', m.hdr.vFlag ? 1 : 0, m.hdr.vFlag ? [{ field: 'HDR.V', at: hdrAt(m, 'vFlag'), expected: '0', found: '1' }] : []),
  'hdr.prf-func': (m) => read('HDR.prfFunc', `${PRF_HMAC_SHA_256} (PRF-HMAC-SHA-256)`, m.hdr.prfFunc, m.hdr.prfFunc === PRF_HMAC_SHA_256 ? []
    : [{ field: 'HDR.prfFunc', at: hdrAt(m, 'prfFunc'), expected: `${PRF_HMAC_SHA_256} (PRF-HMAC-SHA-256)`, found: String(m.hdr.prfFunc), message: 'only PRF-HMAC-SHA-256 is mandatory to support' }]),
  'hdr.cs-map-empty': (m) => {
    const h = m.hdr;
    if (h.csCount !== 0) return na(`CS# is ${h.csCount}, not 0`);
    const mapInfoLength = h.fields?.csIdMapInfo?.length ?? (h.genericIds?.length ?? 0) + (h.srtpIds?.length ?? 0) + (h.rawMapInfo?.length ?? 0);
    const ok = h.csIdMapType === CsIdMapType.EMPTY && mapInfoLength === 0;
    return read('HDR.csIdMapType', 'map type 1 (empty) with 0 octets of map info', `map type ${h.csIdMapType} with ${mapInfoLength} octet(s)`, ok ? []
      : [{ field: 'HDR.csIdMapType', at: hdrAt(m, 'csIdMapType'), expected: 'map type 1 (empty) with 0 octets of map info', found: `map type ${h.csIdMapType} with ${mapInfoLength} octet(s)` }]);
  },
  'hdr.cs-map-generic': (m) => {
    const h = m.hdr;
    if (h.csCount === 0) return na('CS# is 0');
    return read('HDR.csIdMapType', '2 (GENERIC-ID)', h.csIdMapType, h.csIdMapType === CsIdMapType.GENERIC_ID ? []
      : [{ field: 'HDR.csIdMapType', at: hdrAt(m, 'csIdMapType'), expected: '2 (GENERIC-ID)', found: String(h.csIdMapType) }]);
  },
  'cs.count': (m, { kind }) => {
    if (m.hdr.csCount === 0) return na('CS# is 0 (default profile)');
    const max = MAX_CS_FOR_KIND[kind];
    return read('HDR.csCount', `1..${max} for ${kind}`, m.hdr.csCount, m.hdr.csCount <= max ? []
      : [{ field: 'HDR.csCount', at: hdrAt(m, 'csCount'), expected: `1..${max} for ${kind}`, found: String(m.hdr.csCount) }]);
  },
  'cs.id': (m, { kind }) => {
    const allowed = CS_IDS_FOR_KIND[kind];
    const expected = `one of ${allowed.join(', ')} (table E.1.3-1, ${kind}), each once`;
    const seen = new Set<number>();
    const v = eachGenericId(m, (g, field, gat) => {
      const repeated = seen.has(g.csId);
      seen.add(g.csId);
      if (allowed.includes(g.csId) && !repeated) return undefined;
      return { field: `${field}.csId`, at: gat('csId'), expected, found: repeated ? `${g.csId} repeated` : String(g.csId) };
    });
    return v ? read('HDR.genericId[].csId', expected, (m.hdr.genericIds ?? []).map((g) => g.csId), v) : na(NO_GENERIC_ID);
  },
  'cs.prot-type': (m) => {
    const v = eachGenericId(m, (g, field, gat) => (g.protType === PROT_TYPE_SRTP ? undefined : { field: `${field}.protType`, at: gat('protType'), expected: '0 (SRTP)', found: String(g.protType) }));
    return v ? read('HDR.genericId[].protType', '0 (SRTP)', (m.hdr.genericIds ?? []).map((g) => g.protType), v) : na(NO_GENERIC_ID);
  },
  'cs.policy-count': (m) => {
    const v = eachGenericId(m, (g, field, gat) => (g.policies.length === 1 ? undefined : { field: `${field}.#P`, at: gat('policyCount'), expected: '1', found: String(g.policies.length) }));
    return v ? read('HDR.genericId[].#P', '1', (m.hdr.genericIds ?? []).map((g) => g.policies.length), v) : na(NO_GENERIC_ID);
  },
  'cs.session-data': (m) => {
    const v = eachGenericId(m, (g, field, gat) => (g.sessionData.length === 0 ? undefined
      : { field: `${field}.sessionDataLength`, at: gat('sessionDataLength'), expected: '0', found: String(g.sessionData.length) }));
    return v ? read('HDR.genericId[].sessionDataLength', '0', (m.hdr.genericIds ?? []).map((g) => g.sessionData.length), v) : na(NO_GENERIC_ID);
  },
  'cs.policy-ref': (m) => {
    const spPolicies = new Set(ofKind(m, 'SP').map((p) => p.policyNo));
    const v = eachGenericId(m, (g, field, gat) => g.policies.filter((p) => !spPolicies.has(p))
      .map((p) => ({ field: `${field}.policies`, at: gat('policies'), expected: `an SP payload with policy number ${p}`, found: 'none', reason: 'missing' as const })));
    return v ? read('HDR.genericId[].policies', 'an SP payload for every policy referenced', (m.hdr.genericIds ?? []).map((g) => g.policies), v) : na(NO_GENERIC_ID);
  },
  'csb.purpose-tag': (m, { kind, kindSource }) => {
    const tag = m.hdr.csbId >>> 28;
    if (!kindResolved(kindSource)) {
      return undecided(`the key kind is not known apart from the purpose tag itself (${kindSource === 'purpose-tag' ? `${kind}, read from purpose tag ${tag}` : 'no hint'}): give the kind (--kind) to check the purpose tag`, 'configuration');
    }
    const want = purposeTagOfKind(kind);
    const found = `purpose tag ${tag} (CSB-ID ${hex8(m.hdr.csbId)})`;
    return read('HDR.csbId', `purpose tag ${want} (${kind})`, found, tag === want ? [] : [{ field: 'HDR.csbId', at: hdrAt(m, 'csbId'), expected: `purpose tag ${want} (${kind})`, found }]);
  },
  'ts.type': (m) => {
    const ts = ofKind(m, 'T');
    if (ts.length === 0) return na('no T payload (see mikey.message.mandatory-payload)');
    return read('T.tsType', '0 (NTP-UTC)', ts.map((t) => t.tsType), ts.filter((t) => t.tsType !== TsType.NTP_UTC)
      .map((t) => ({ field: 'T.tsType', at: at(t, 'tsType'), expected: '0 (NTP-UTC)', found: String(t.tsType) })));
  },
  'rand.length': (m) => {
    const rs = ofKind(m, 'RAND');
    if (rs.length === 0) return na('no RAND payload (see mikey.message.mandatory-payload)');
    return read('RAND.length', 'at least 16', rs.map((r) => r.rand.length), rs.filter((r) => r.rand.length < 16)
      .map((r) => ({ field: 'RAND.length', at: at(r, 'randLength'), expected: 'at least 16', found: String(r.rand.length) })));
  },
  'idr.id-type': (m) => {
    const uriRoles = readableIdrs(m).filter((p) => !isHiddenRole(p));
    if (uriRoles.length === 0) return na('no IDRi / IDRr / IDRkmsi / IDRkmsr with an identity');
    return read('IDR.idType', '1 (URI)', uriRoles.map((p) => `${roleName(p)}: ${p.idType}`), uriRoles.filter((p) => p.idType !== IdType.URI)
      .map((p) => ({ field: `${roleName(p)}.idType`, at: at(p, 'idType'), expected: '1 (URI)', found: String(p.idType) })));
  },
  'idr.uri-text': (m) => {
    const uris = readableIdrs(m).filter((p) => !isHiddenRole(p) && p.idType === IdType.URI);
    if (uris.length === 0) return na('no IDR payload of ID type URI');
    return read('IDR.idData', 'URI text (printable UTF-8, no NUL)', uris.map((p) => roleName(p)), uris.filter((p) => !isUriText(p.data)).map((p) => {
      const hashed = p.data.length === 32 && (p.role === IdRole.IDRi || p.role === IdRole.IDRr);
      return {
        field: `${roleName(p)}.idData`, at: at(p, 'idData'),
        expected: hashed ? `a URI, or role ${p.role === IdRole.IDRi ? '8 (IDRuidi)' : '9 (IDRuidr)'} for a hashed identity (E.7)` : 'URI text (printable UTF-8, no NUL)',
        found: `${p.data.length} octets 0x${hex(p.data)}`, reason: 'invalid' as const,
      };
    }));
  },
  'idr.empty': (m) => {
    const known = ofKind(m, 'IDR').filter((p) => KNOWN_ROLES.has(p.role));
    if (known.length === 0) return na('no IDR payload of a known role');
    return read('IDR.idData', 'an identity', known.map((p) => `${roleName(p)}: ${p.data.length} octets`), known.filter((p) => p.data.length === 0)
      .map((p) => ({ field: `${roleName(p)}.idData`, at: at(p, 'idLength'), expected: 'an identity', found: 'empty', reason: 'missing' as const })));
  },
  'idr.hidden-uid': (m) => {
    const hidden = readableIdrs(m).filter(isHiddenRole);
    if (hidden.length === 0) return na('no hidden identity (IDRuidi / IDRuidr)');
    return read('IDR.idData', '32 octets (SHA-256 UID of F.2.1)', hidden.map((p) => `${roleName(p)}: ${p.data.length} octets`), hidden.filter((p) => p.data.length !== 32)
      .map((p) => ({ field: `${roleName(p)}.idData`, at: at(p, 'idLength'), expected: '32 octets (SHA-256 UID of F.2.1)', found: `${p.data.length} octets`, reason: 'invalid' as const })));
  },
  'idr.role': (m) => {
    const idrs = ofKind(m, 'IDR');
    if (idrs.length === 0) return na('no IDR payload (see mikey.message.mandatory-payload)');
    const expected = '1 (IDRi), 2 (IDRr), 6 (IDRkmsi), 7 (IDRkmsr), 8 (IDRuidi) or 9 (IDRuidr)';
    return read('IDR.role', expected, idrs.map((p) => p.role), idrs.filter((p) => !KNOWN_ROLES.has(p.role)).map((p) => ({ field: 'IDR.role', at: at(p, 'role'), expected, found: String(p.role) })));
  },
  'sakke.count': (m) => {
    const s = sakkes(m);
    if (s.length === 0) return na('no SAKKE payload (see mikey.message.mandatory-payload)');
    return read('SAKKE', 'exactly one SAKKE payload', s.length, s.length === 1 ? [] : [{ field: 'SAKKE', at: s[1]!.offset, expected: 'exactly one SAKKE payload', found: `${s.length}` }]);
  },
  'sakke.params': (m) => {
    const s = sakkes(m);
    if (s.length === 0) return na('no SAKKE payload (see mikey.message.mandatory-payload)');
    return read('SAKKE.sakkeParams', '1 (parameter set 1)', s.map((p) => p.sakkeParams), s.filter((p) => p.sakkeParams !== SAKKE_PARAMS_SET_1)
      .map((p) => ({ field: 'SAKKE.sakkeParams', at: at(p, 'sakkeParams'), expected: '1 (parameter set 1)', found: String(p.sakkeParams) })));
  },
  'sakke.id-scheme': (m) => {
    const s = sakkes(m);
    if (s.length === 0) return na('no SAKKE payload (see mikey.message.mandatory-payload)');
    return read('SAKKE.idScheme', "2 ('3GPP MCX hashed UID')", s.map((p) => p.idScheme), s.filter((p) => p.idScheme !== ID_SCHEME_3GPP_HASHED_UID)
      .map((p) => ({ field: 'SAKKE.idScheme', at: at(p, 'idScheme'), expected: "2 ('3GPP MCX hashed UID')", found: String(p.idScheme) })));
  },
  'sakke.data': (m) => {
    const s = sakkes(m);
    if (s.length === 0) return na('no SAKKE payload (see mikey.message.mandatory-payload)');
    const expected = 'R as an uncompressed point (04 || x || y, 257 octets) followed by H';
    return read('SAKKE.data', expected, s.map((p) => `${p.data.length} octets`), s.filter((p) => !wellFormedR(p))
      .map((p) => ({ field: 'SAKKE.data', at: at(p, 'data'), expected, found: `${p.data.length} octet(s) starting 0x${hex(p.data, 1)}`, reason: 'invalid' as const })));
  },
  'key.length': (m) => {
    const s = sakkes(m);
    if (s.length === 0) return na('no SAKKE payload (see mikey.message.mandatory-payload)');
    const readable = s.filter(wellFormedR);
    if (readable.length === 0) return undecided('the SAKKE data has no well-formed R, so H cannot be delimited (see mikey.sakke.data)', 'target');
    const expected = `H of ${KEY_LENGTH} octets (SAKKE data 273)`;
    return read('SAKKE.data', expected, readable.map((p) => `H of ${p.data.length - 257} octets`), readable.filter((p) => p.data.length - 257 !== KEY_LENGTH)
      .map((p) => ({ field: 'SAKKE.data', at: at(p, 'dataLength'), expected, found: `H of ${p.data.length - 257} octets` })));
  },
  'sign.type': (m) => {
    const s = ofKind(m, 'SIGN');
    if (s.length === 0) return na('no SIGN payload (see mikey.message.mandatory-payload)');
    return read('SIGN.sType', '2 (ECCSI)', s.map((p) => p.sType), s.filter((p) => p.sType !== SIGN_TYPE_ECCSI)
      .map((p) => ({ field: 'SIGN.sType', at: at(p, 'sType'), expected: '2 (ECCSI)', found: String(p.sType) })));
  },
  'sign.length': (m) => {
    const s = ofKind(m, 'SIGN');
    if (s.length === 0) return na('no SIGN payload (see mikey.message.mandatory-payload)');
    const len = (p: (typeof s)[number]) => p.declaredLength ?? p.signature.length;
    return read('SIGN.signatureLength', String(ECCSI_SIGNATURE_LENGTH), s.map(len), s.filter((p) => len(p) !== ECCSI_SIGNATURE_LENGTH).map((p) => ({
      field: 'SIGN.signatureLength', at: at(p, 'signatureLength'), expected: String(ECCSI_SIGNATURE_LENGTH), found: String(len(p)),
      message: 'E.1.2 states 32 but an ECCSI signature (r || s || PVT) is 129 octets; real implementations send 129',
    })));
  },
  'sp.prot-type': (m) => {
    const sps = ofKind(m, 'SP');
    if (sps.length === 0) return na('no SP payload');
    return read('SP.protType', '0 (SRTP)', sps.map((p) => p.protType), sps.filter((p) => p.protType !== PROT_TYPE_SRTP)
      .map((p) => ({ field: 'SP.protType', at: at(p, 'protType'), expected: '0 (SRTP)', found: String(p.protType) })));
  },
  'ext.duplicate': (m) => {
    const v = [GenExtType.SAKKE_TO_SELF, GenExtType.KEY_PARAMETERS].flatMap((t): Violation[] => {
      const found = exts(m, t);
      return found.length > 1 ? [{ field: `GeneralExt(type ${t})`, at: found[1]!.offset, expected: 'at most one', found: String(found.length) }] : [];
    });
    return read('GeneralExt', 'at most one SAKKE-to-self and one key parameters payload', ofKind(m, 'GENERAL_EXT').map((p) => p.extType), v);
  },
  'self.next-payload': (m) => {
    const selfs = exts(m, GenExtType.SAKKE_TO_SELF);
    if (selfs.length === 0) return na('no SAKKE-to-self payload (E.5 is optional)');
    const inner = selfs.filter((p) => p.sakke);
    if (inner.length === 0) return undecided('the SAKKE-to-self payload holds no SAKKE payload (see mikey.self.sakke)', 'target');
    return read('SAKKE-to-self.SAKKE.nextPayload', '0', inner.map((p) => p.sakke!.nextPayload ?? 0), inner.filter((p) => (p.sakke!.nextPayload ?? 0) !== 0)
      .map((p) => ({ field: 'SAKKE-to-self.SAKKE.nextPayload', at: p.sakke!.fields?.nextPayload ?? null, expected: '0', found: String(p.sakke!.nextPayload) })));
  },
  'self.sakke': (m) => {
    const selfs = exts(m, GenExtType.SAKKE_TO_SELF);
    if (selfs.length === 0) return na('no SAKKE-to-self payload (E.5 is optional)');
    const label = 'SAKKE-to-self.SAKKE';
    const v = selfs.flatMap((e): Violation[] => {
      const p = e.sakke;
      if (!p) return [{ field: 'SAKKE-to-self.data', at: e.fields?.data ?? e.offset ?? null, expected: 'an encapsulated SAKKE payload', found: 'none', reason: 'missing' }];
      const out: Violation[] = [];
      if (p.sakkeParams !== SAKKE_PARAMS_SET_1) out.push({ field: `${label}.sakkeParams`, at: at(p, 'sakkeParams'), expected: '1 (parameter set 1)', found: String(p.sakkeParams) });
      if (p.idScheme !== ID_SCHEME_3GPP_HASHED_UID) out.push({ field: `${label}.idScheme`, at: at(p, 'idScheme'), expected: "2 ('3GPP MCX hashed UID')", found: String(p.idScheme) });
      if (!wellFormedR(p)) {
        out.push({ field: `${label}.data`, at: at(p, 'data'), expected: 'R as an uncompressed point (04 || x || y, 257 octets) followed by H', found: `${p.data.length} octet(s) starting 0x${hex(p.data, 1)}`, reason: 'invalid' });
      } else if (p.data.length - 257 !== KEY_LENGTH) {
        out.push({ field: `${label}.data`, at: at(p, 'dataLength'), expected: `H of ${KEY_LENGTH} octets (SAKKE data 273)`, found: `H of ${p.data.length - 257} octets` });
      }
      return out;
    });
    return read(label, "params 1, ID scheme 2 and 273 octets of SAKKE data", selfs.length, v);
  },
  'kp.structure': (m) => {
    const kp = keyParams(m);
    if (!kp) return na('no key parameters payload (E.6 is optional)');
    return read('KeyParameters', 'an MCData protected payload (8.5.4.1)', `${kp.payload.data.length} octets`, kp.parsed.ok ? []
      : [{ field: 'KeyParameters', at: kp.parsed.offset, expected: 'an MCData protected payload (8.5.4.1)', found: kp.parsed.reason, reason: 'invalid' }]);
  },
  'kp.payload-id': (m) => onKeyParams(m, (v) => read('KeyParameters.payloadId', '0', v.payloadId, v.payloadId === 0 ? []
    : [{ field: 'KeyParameters.payloadId', at: v.fields.payloadId, expected: '0', found: String(v.payloadId) }])),
  'kp.sequence': (m) => onKeyParams(m, (v) => read('KeyParameters.sequenceNumber', '0', v.sequenceNumber, v.sequenceNumber === 0 ? []
    : [{ field: 'KeyParameters.sequenceNumber', at: v.fields.sequenceNumber, expected: '0', found: String(v.sequenceNumber) }])),
  'kp.dppk-id': (m) => onKeyParams(m, (v) => {
    const expected = `${hex8(m.hdr.csbId)} (the CSB-ID)`;
    return read('KeyParameters.dppkId', expected, hex8(v.dppkId), v.dppkId === m.hdr.csbId ? [] : [{ field: 'KeyParameters.dppkId', at: v.fields.dppkId, expected, found: hex8(v.dppkId) }]);
  }),
  'kp.algorithm': (m) => onKeyParams(m, (v) => {
    const ok = (Object.values(KEY_PARAMS_CODES.algorithm) as number[]).includes(v.payloadAlgorithm);
    return read('KeyParameters.payloadAlgorithm', 'DP_AES_128_GCM or DP_AES_256_GCM', v.payloadAlgorithm, ok ? []
      : [{ field: 'KeyParameters.payloadAlgorithm', at: v.fields.payloadAlgorithm, expected: 'DP_AES_128_GCM or DP_AES_256_GCM', found: String(v.payloadAlgorithm) }]);
  }),
};


function inspectMessage(rule: MessageRuleId, input: MessageInput): Inspection {
  if (rule === 'message.decode') {
    if (input.message) return read('message', 'a decodable MIKEY-SAKKE I_MESSAGE', `${input.message.payloads.length + 1} payloads`);
    const e = input.decodeError ?? { field: 'message', offset: 0, reason: 'no message' };
    return read('message', 'a decodable MIKEY-SAKKE I_MESSAGE', e.reason, [{ field: e.field, at: e.offset, expected: 'a decodable MIKEY-SAKKE I_MESSAGE', found: e.reason, reason: 'invalid' }]);
  }
  if (!input.message) return undecided('the message does not decode (see mikey.message.decode)', 'target');
  return MESSAGE_RULES[rule](input.message, input);
}

/** The decoded key parameters a key-parameter rule reads, or why there are none. */
function withParams(input: KeyParametersInput, f: (k: KeyParameters) => Inspection): Inspection {
  if (input.unavailable) return input.unavailable.blame ? undecided(input.unavailable.reason, input.unavailable.blame) : na(input.unavailable.reason);
  const d = input.decoded;
  if (!d) return undecided('no key parameters given to check', 'precondition');
  if (!d.ok) return undecided('the key parameters do not decode (see mikey.kp.decode)', 'target');
  return f(d.value);
}

const KEY_PARAMETER_CHECKS: Record<KeyParameterRuleId, (input: KeyParametersInput) => Inspection> = {
  'kp.decode': (input) => {
    const { decoded, at: pos } = input;
    if (input.unavailable || !decoded) return withParams(input, () => na(''));
    return read('KeyParameters.payload', 'Key Parameters per Table E.6.1-1', decoded.ok ? 'decoded' : decoded.reason, decoded.ok ? []
      : [{ field: 'KeyParameters.payload', at: pos, expected: 'Key Parameters per Table E.6.1-1', found: `${decoded.reason} (plaintext offset ${decoded.offset})`, reason: 'invalid' }]);
  },
  'kp.key-type': (input) => withParams(input, (k) => {
    const { kind, kindSource, at: pos } = input;
    if (kindSource === 'key-type') return undecided(`the key kind (${kind}) was read from this Key Type itself: give the kind (--kind) to check it`, 'configuration');
    const want = keyTypeOfKind(kind);
    return read('KeyParameters.keyType', `${want} (${kind})`, k.keyType, k.keyType === want ? [] : [{ field: 'KeyParameters.keyType', at: pos, expected: `${want} (${kind})`, found: String(k.keyType) }]);
  }),
  'kp.group-ids': (input) => withParams(input, (k) => {
    const groupKind = isGroupKeyType(k.keyType);
    const n = k.groupIds?.length ?? 0;
    return read('KeyParameters.groupIds', groupKind ? 'MC Group IDs allowed (GMK, MKFC, MuSiK)' : 'no MC Group IDs for this key type', `${n} group ID(s), key type ${k.keyType}`,
      groupKind || n === 0 ? [] : [{ field: 'KeyParameters.groupIds', at: input.at, expected: 'no MC Group IDs for this key type', found: `${n} group ID(s)` }]);
  }),
  'kp.group-ids-absent': (input) => withParams(input, (k) => {
    if (!isGroupKeyType(k.keyType)) return na(`key type ${k.keyType} is not GMK, MKFC or MuSiK`);
    const expected = 'an MC Group IDs IE (length 1, count 0 when the key has no group)';
    return read('KeyParameters.groupIds', expected, k.groupIds === undefined ? 'absent' : `${k.groupIds.length} group ID(s)`, k.groupIds !== undefined ? []
      : [{ field: 'KeyParameters.groupIds', at: input.at, expected, found: 'absent', reason: 'missing' }]);
  }),
  'kp.times': (input) => withParams(input, (k) => {
    if (k.activationTime === 0 || k.expiryTime === 0) return na('activation or expiry time is 0 (message timestamp / no expiry)');
    const expected = `later than the activation time ${k.activationTime}`;
    return read('KeyParameters.expiryTime', expected, k.expiryTime, k.expiryTime > k.activationTime ? [] : [{ field: 'KeyParameters.expiryTime', at: input.at, expected, found: String(k.expiryTime) }]);
  }),
};

const isGroupKeyType = (t: number) => t === KeyTypeValue.GMK || t === KeyTypeValue.MKFC || t === KeyTypeValue.MUSIK;

// ---------------------------------------------------------------------------
// Tables.

/** A declared check of the validator, with what the findings-style API needs besides the contract. */
export interface MikeyCheck<I> extends Check<I> {
  readonly rule: RuleId;
  readonly clause: string;
  /** What the check read and every departure it found; `run` is `outcomeOf(inspect(input))`. */
  readonly inspect: (input: I) => Inspection;
}

export interface MikeyCheckTable<I> extends CheckTable<I> {
  readonly kind: KeyKind;
  readonly checks: readonly MikeyCheck<I>[];
}

function makeCheck<I>(rule: RuleId, kind: KeyKind, inspect: (input: I) => Inspection): MikeyCheck<I> | undefined {
  const requirement = requirementOf(rule, kind);
  if (!requirement) return undefined;
  return { id: checkIdOf(rule), rule, requirement, clause: clauseOf(rule, requirement), title: RULES[rule].summary, inspect, run: (input: I) => outcomeOf(inspect(input)) };
}

function table<I>(exchange: string, kind: KeyKind, checks: (MikeyCheck<I> | undefined)[]): MikeyCheckTable<I> {
  const present = checks.filter((c): c is MikeyCheck<I> => c !== undefined);
  const t = checkTable<I>(exchange, present);
  return Object.freeze({ ...t, kind, checks: t.checks as readonly MikeyCheck<I>[] });
}

const MESSAGE_RULE_IDS = (Object.keys(RULES) as RuleId[]).filter((r): r is MessageRuleId => !(KEY_PARAMETER_RULES as readonly string[]).includes(r));

const messageTables = new Map<KeyKind, MikeyCheckTable<MessageInput>>();
const keyParameterTables = new Map<KeyKind, MikeyCheckTable<KeyParametersInput>>();

/**
 * The checks of an I_MESSAGE distributing `kind`, one per rule that has a
 * requirement for that kind (cs.session-data has none for CSK and MuSiK).
 */
export function messageTable(kind: KeyKind): MikeyCheckTable<MessageInput> {
  let t = messageTables.get(kind);
  if (!t) {
    t = table(`MIKEY-SAKKE I_MESSAGE (${kind})`, kind, MESSAGE_RULE_IDS.map((rule) => makeCheck<MessageInput>(rule, kind, (input) => inspectMessage(rule, input))));
    messageTables.set(kind, t);
  }
  return t;
}

/** The E.6 checks of the decrypted key parameters of an I_MESSAGE distributing `kind`. */
export function keyParameterTable(kind: KeyKind): MikeyCheckTable<KeyParametersInput> {
  let t = keyParameterTables.get(kind);
  if (!t) {
    t = table(`MIKEY-SAKKE key parameters (${kind})`, kind, KEY_PARAMETER_RULES.map((rule) =>
      makeCheck<KeyParametersInput>(rule, kind, KEY_PARAMETER_CHECKS[rule])));
    keyParameterTables.set(kind, t);
  }
  return t;
}

/** Every table of every kind (for tests and listings). */
export function allTables(): (MikeyCheckTable<MessageInput> | MikeyCheckTable<KeyParametersInput>)[] {
  return KEY_KINDS.flatMap((k) => [messageTable(k), keyParameterTable(k)]);
}

/** Runs a table: one result per check, in table order; findings for each departure of a failed check. */
export function runTable<I>(t: MikeyCheckTable<I>, input: I): { results: MikeyCheckResult[]; findings: MikeyFinding[] } {
  const results: MikeyCheckResult[] = [];
  const findings: MikeyFinding[] = [];
  const verdicts = new Map<string, string>();
  for (const c of t.checks) {
    const severity = severityOf(c.requirement);
    const base = { id: c.id, rule: c.rule, requirement: c.requirement, clause: c.clause, title: c.title, severity };
    const blockers = (c.after ?? []).filter((a) => verdicts.get(a) !== 'pass');
    let outcome: Outcome;
    let inspection: Inspection | undefined;
    try {
      if (blockers.length) {
        outcome = inconclusive(`not checked: ${blockers.map((b) => `${b} ${verdicts.get(b) ?? 'not run'}`).join(', ')}`, 'precondition');
      } else {
        const u = c.needs?.(input);
        if (u) outcome = inconclusive(u.reason, u.blame);
        else {
          inspection = c.inspect(input);
          outcome = outcomeOf(inspection);
          if (!isOutcome(outcome)) throw new TypeError(`check ${c.id} gave no outcome`);
        }
      }
    } catch (e) {
      const reason = `validator defect: ${String(e)}`;
      verdicts.set(c.id, 'error');
      results.push({ ...base, verdict: 'error', reason });
      findings.push({ rule: c.rule, checkId: c.id, clause: c.clause, field: 'message', offset: null, expected: 'a validator that completes', found: reason, severity: 'error', message: '', requirement: c.requirement });
      continue;
    }
    verdicts.set(c.id, outcome.verdict);
    results.push({ ...base, ...outcome });
    if (outcome.verdict === 'fail' && inspection?.kind === 'read') {
      for (const v of inspection.violations) {
        const offset = v.at === null || v.at === undefined ? null : typeof v.at === 'number' ? v.at : v.at.offset;
        findings.push({ rule: c.rule, checkId: c.id, clause: c.clause, field: v.field, offset, expected: v.expected, found: v.found, severity, message: v.message ?? '', requirement: c.requirement });
      }
    }
  }
  return { results, findings };
}

// ---------------------------------------------------------------------------
// The validator.

export interface ValidateOptions {
  /** The key kind the message should distribute. Without it the kind is read from the CS-ID map, else guessed from the purpose tag (and the purpose-tag check is inconclusive). */
  kind?: KeyKind;
  /** Where `kind` came from when not from the user (verify.ts: 'key-type'). */
  kindSource?: 'option' | 'key-type';
}

export interface ValidationResult {
  message?: MikeyMessage;
  kind: KeyKind;
  /** How the kind was chosen. */
  kindSource: KindSource;
  /** False when the kind is a guess (purpose tag or default): give --kind. */
  kindResolved: boolean;
  /** Why the kind is what it is, for the report. */
  kindNote: string;
  /** One result per check of the kind's message table. */
  results: MikeyCheckResult[];
  /** Each departure of a failed check (fails only; see `results` for pass, not-applicable and inconclusive). */
  findings: MikeyFinding[];
  /** Results that are neither pass, fail nor not-applicable. */
  inconclusive: MikeyCheckResult[];
}

function chooseKind(message: MikeyMessage | undefined, options: ValidateOptions): { kind: KeyKind; kindSource: KindSource; kindNote: string } {
  if (options.kind) {
    const kindSource = options.kindSource ?? 'option';
    return { kind: options.kind, kindSource, kindNote: kindSource === 'key-type' ? `from the Key Type of the key parameters (E.6.11)` : 'given' };
  }
  if (!message) return { kind: 'gmk', kindSource: 'default', kindNote: 'not given and the message does not decode; rules read as for a GMK' };
  const s = kindFromStructure(message);
  if (s.kind) return { kind: s.kind, kindSource: 'structure', kindNote: s.reason };
  const tagged = kindFromCsbId(message.hdr.csbId);
  return tagged
    ? { kind: tagged, kindSource: 'purpose-tag', kindNote: `ambiguous: ${s.reason}; read as ${tagged} from the purpose tag, which therefore is not checked (give --kind)` }
    : { kind: 'gmk', kindSource: 'default', kindNote: `ambiguous: ${s.reason} and purpose tag ${message.hdr.csbId >>> 28} names no kind; rules read as for a GMK (give --kind)` };
}

/** Validate octets or an already parsed message against the table of its kind. */
export function validateIMessage(input: Uint8Array | MikeyMessage, options: ValidateOptions = {}): ValidationResult {
  let message: MikeyMessage | undefined;
  let decodeError: MessageInput['decodeError'];
  if (input instanceof Uint8Array) {
    const parsed = parseIMessage(input);
    if (parsed.ok) message = parsed.message;
    else decodeError = parsed.error;
  } else {
    message = input;
  }
  const k = chooseKind(message, options);
  const { results, findings } = runTable(messageTable(k.kind), { message, decodeError, kind: k.kind, kindSource: k.kindSource });
  return {
    ...(message ? { message } : {}), ...k, kindResolved: kindResolved(k.kindSource), results, findings,
    inconclusive: results.filter((r) => r.verdict === 'inconclusive' || r.verdict === 'error'),
  };
}

/** Rules on decrypted key parameters (E.6); used by verify.ts. `at` is the offset of the Payload IE in the message. */
export function checkKeyParameterTable(input: KeyParametersInput): { results: MikeyCheckResult[]; findings: MikeyFinding[] } {
  return runTable(keyParameterTable(input.kind), input);
}

/** Findings of the key parameter rules for decoded key parameters (the findings-style API). */
export function checkKeyParameters(k: KeyParameters, kind: KeyKind, at: number | null = null): MikeyFinding[] {
  return checkKeyParameterTable({ decoded: { ok: true, value: k }, kind, kindSource: 'option', at }).findings;
}
