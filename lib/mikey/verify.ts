/**
 * Full verification of a received I_MESSAGE with the receiving user's key
 * material (5.2.2 to 5.2.6, E.1 to E.7): profile validation, initiator UID
 * (F.2.1 note 3), ECCSI signature, receiver UID and SAKKE decapsulation,
 * GUK-ID -> GMK-ID (5.2.3, F.1.3), key parameters (5.2.4, E.6) and the
 * identity-hiding checks of 5.2.6. Never throws.
 */
import { eccsiVerify } from '../crypto/eccsi.ts';
import { gmkIdFromGukId } from '../crypto/kdf.ts';
import { ntpFromBytes } from '../crypto/ntp.ts';
import { sakkeDecapsulate } from '../crypto/sakke.ts';
import { parseIMessage } from './codec.ts';
import { GenExtType, IdRole, KEY_LENGTH, STATUS_NOT_REVOKED, STATUS_SECURITY_GATEWAY, TsType, purposeTagOfKind, type KeyKind } from './constants.ts';
import type { MikeyCheckResult, MikeyFinding, Severity } from './findings.ts';
import { uidAt, type KeyPeriodInfo } from './identity.ts';
import { parseKeyParameters, parseProtectedPayload, unprotectPayload, type KeyParameters } from './key-params.ts';
import type { IdrPayload, MikeyMessage, SakkePayload } from './types.ts';
import { checkKeyParameterTable, kindFromKeyType, validateIMessage, type KeyParametersInput, type KindSource, type ValidateOptions } from './validate.ts';

export interface VerifyKeys {
  /** Initiator's KMS certificate: PubAuthKey (KPAK) and key periods; KmsUri checked against IDRkmsi. */
  initiatorKms: KeyPeriodInfo & { kpak: Uint8Array };
  /** Receiver's own key set and its KMS certificate. */
  receiver: KeyPeriodInfo & {
    uri: string;
    /** UserDecryptKey (RSK). */
    rsk: Uint8Array;
    /** PubEncKey (Z_T) of the receiver's KMS. */
    zT: Uint8Array;
    /** KeyPeriodNo of the key set, when known: checked against the period of the message timestamp. */
    keyPeriodNo?: number;
  };
  /**
   * The initiator's URI learned outside the MIKEY payload (E.7: e.g. from the
   * SIP message) when IDRi is hidden; used for the 5.2.6 recomputation.
   */
  initiatorUri?: string;
  /**
   * Expected kind. Without it the kind is read from the CS-ID map, else from
   * the Key Type of the decrypted key parameters; when neither tells, it is a
   * guess from the purpose tag and the purpose-tag check is inconclusive.
   */
  kind?: KeyKind;
  /** Who should have sent it (e.g. the GMS Server URI of the group, 5.7.2 step 2); checked against IDRi. */
  expectedInitiatorUri?: string;
  /** Reference time (Unix ms) and tolerated clock skew for the T payload; no check when absent. */
  now?: number;
  maxSkewSeconds?: number;
}

export interface Verdict {
  ok: boolean;
  reason?: string;
}

export interface VerifyResult {
  kind: KeyKind;
  /** How the kind was chosen (validate.ts). */
  kindSource: KindSource;
  /** False when the kind is only a guess (give keys.kind). */
  kindResolved: boolean;
  kindNote: string;
  findings: MikeyFinding[];
  /** One result per declared check: the message table of the kind, then its key-parameter table. */
  results: MikeyCheckResult[];
  /** Checks that could not be decided (results neither pass, fail nor not-applicable). */
  inconclusive: MikeyCheckResult[];
  /** Profile conforms: no error-level (shall) departure of any validator rule, message or key parameters, and no check left undecided. */
  conforms: boolean;
  signature: Verdict;
  decryption: Verdict;
  /** Everything verified (signature, decryption, identity checks, key parameters if present). */
  verified: boolean;
  key?: Uint8Array;
  /** K-ID (GMK-ID recovered from the GUK-ID for a GMK). */
  keyId?: number;
  csbId?: number;
  keyParameters?: KeyParameters;
  revoked?: boolean;
  securityGateway?: boolean;
  /** The key came from the SAKKE-to-self payload (we are the initiator, E.5). */
  sakkeToSelf?: boolean;
  initiatorUri?: string;
  initiatorUid?: Uint8Array;
  receiverUid?: Uint8Array;
  timestampNtpSeconds?: number;
}

function vf(rule: string, clause: string, field: string, offset: number | null, expected: string, found: string, severity: Severity = 'error', requirement?: string, message = ''): MikeyFinding {
  return { rule, clause, field, offset, expected, found, severity, message, ...(requirement ? { requirement } : {}) };
}

const utf8 = new TextDecoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export function verifyIMessage(bytes: Uint8Array, keys: VerifyKeys): VerifyResult {
  const first = verifyWith(bytes, keys, keys.kind ? { kind: keys.kind } : {});
  // Without a kind and without CS-IDs, the decrypted Key Type (E.6.11) says what the key is; re-run with it.
  if (!first.kindResolved && first.keyParameters) {
    const kind = kindFromKeyType(first.keyParameters.keyType);
    if (kind) return verifyWith(bytes, keys, { kind, kindSource: 'key-type' });
  }
  return first;
}

function verifyWith(bytes: Uint8Array, keys: VerifyKeys, options: ValidateOptions): VerifyResult {
  const validation = validateIMessage(bytes, options);
  const result: VerifyResult = {
    kind: validation.kind, kindSource: validation.kindSource, kindResolved: validation.kindResolved, kindNote: validation.kindNote,
    findings: [...validation.findings], results: [...validation.results], inconclusive: [], conforms: false,
    signature: { ok: false, reason: 'not checked' }, decryption: { ok: false, reason: 'not attempted' }, verified: false,
  };
  const kp: KpState = { input: { unavailable: { reason: 'the message does not decode', blame: 'target' } } };
  const parsed = parseIMessage(bytes);
  if (!parsed.ok) {
    result.signature.reason = result.decryption.reason = `message does not decode: ${parsed.error.reason}`;
  } else {
    const payload = parsed.message.payloads.find((p) => p.kind === 'GENERAL_EXT' && p.extType === GenExtType.KEY_PARAMETERS);
    kp.input = payload ? { unavailable: { reason: 'the key parameters were not decrypted: no key', blame: 'precondition' } } : { unavailable: { reason: 'no key parameters payload (E.6 is optional)' } };
    try {
      verifyParsed(parsed.message, keys, result, kp);
    } catch (e) {
      result.findings.push(vf('verify.defect', '5.2.2', 'message', null, 'verification completes', `verifier defect: ${String(e)}`));
    }
  }
  const kpRun = checkKeyParameterTable({ kind: result.kind, kindSource: result.kindSource, ...kp.input, at: kp.input.at ?? null });
  result.results.push(...kpRun.results);
  result.findings.push(...kpRun.findings);
  result.inconclusive = result.results.filter((r) => r.verdict === 'inconclusive' || r.verdict === 'error');
  result.conforms = !result.findings.some((f) => f.severity === 'error' && !f.rule.startsWith('verify.')) && result.inconclusive.length === 0;
  const errors = result.findings.some((f) => f.severity === 'error' && f.rule.startsWith('verify.'));
  result.verified = result.signature.ok && result.decryption.ok && !errors;
  return result;
}

/** What the key-parameter table will read, filled in as verification gets there. */
interface KpState {
  input: Pick<KeyParametersInput, 'decoded' | 'unavailable'> & { at?: number | null };
}

function verifyParsed(m: MikeyMessage, keys: VerifyKeys, out: VerifyResult, kpState: KpState): void {
  const kind = out.kind;
  out.csbId = m.hdr.csbId;
  const idr = (role: number) => m.payloads.find((p): p is IdrPayload => p.kind === 'IDR' && p.role === role);

  // Timestamp: key periods of both UIDs are taken at this time (F.2.1 notes 2, 3).
  const t = m.payloads.find((p) => p.kind === 'T');
  const ts = t && t.kind === 'T' && t.tsType === TsType.NTP_UTC ? ntpFromBytes(t.value) : undefined;
  if (!ts) {
    out.signature.reason = out.decryption.reason = 'no NTP-UTC timestamp to select the key period';
    return;
  }
  out.timestampNtpSeconds = ts.seconds;
  if (keys.now !== undefined) {
    const skew = ts.seconds - (Math.floor(keys.now / 1000) + 2_208_988_800);
    const limit = keys.maxSkewSeconds ?? 300;
    if (Math.abs(skew) > limit) {
      out.findings.push(vf('verify.timestamp', 'E.1.2', 'T.value', t && t.kind === 'T' ? t.fields?.value.offset ?? null : null, `within ${limit} s of the reference time`,
        `${skew > 0 ? '+' : ''}${skew} s`, 'warning', 'MCXSEC-E.1.2-08', 'RFC 3830 replay protection rejects timestamps outside the allowed clock skew'));
    }
  }

  // KMS identifiers must name the KMSs whose certificates we were given (5.2.7.3).
  const kmsi = idr(IdRole.IDRkmsi);
  const kmsr = idr(IdRole.IDRkmsr);
  if (kmsi && utf8.decode(kmsi.data) !== keys.initiatorKms.kmsUri) {
    out.findings.push(vf('verify.initiator-kms', '5.2.7.3', 'IDRkmsi.idData', kmsi.fields?.idData.offset ?? null, keys.initiatorKms.kmsUri, utf8.decode(kmsi.data), 'error', 'MCXSEC-5.2.7.3-02'));
  }
  if (kmsr && utf8.decode(kmsr.data) !== keys.receiver.kmsUri) {
    out.findings.push(vf('verify.receiver-kms', '5.2.7.3', 'IDRkmsr.idData', kmsr.fields?.idData.offset ?? null, keys.receiver.kmsUri, utf8.decode(kmsr.data), 'error', 'MCXSEC-5.2.7.3-02'));
  }

  // Initiator UID: from IDRi (URI) or IDRuidi (hidden, E.7).
  const idri = idr(IdRole.IDRi);
  const uidi = idr(IdRole.IDRuidi);
  let initiatorUid: Uint8Array | undefined;
  try {
    if (idri) {
      out.initiatorUri = utf8.decode(idri.data);
      initiatorUid = uidAt(out.initiatorUri, keys.initiatorKms, ts.seconds);
    } else if (uidi) {
      initiatorUid = uidi.data;
    }
  } catch (e) {
    out.findings.push(vf('verify.initiator-uid', 'F.2.1', 'IDRi', idri?.offset ?? null, 'a UID computable from IDRi, IDRkmsi and T', String((e as Error).message)));
  }
  out.initiatorUid = initiatorUid;
  if (keys.expectedInitiatorUri !== undefined && out.initiatorUri !== undefined && out.initiatorUri !== keys.expectedInitiatorUri) {
    const req = out.kind === 'gmk' ? 'MCXSEC-5.7.2-04' : out.kind === 'pck' ? 'MCXSEC-E.3.1-04' : 'MCXSEC-E.4.1-04';
    out.findings.push(vf('verify.initiator-identity', out.kind === 'gmk' ? '5.7.2' : 'E.4.1', 'IDRi.idData', idri?.fields?.idData.offset ?? null, keys.expectedInitiatorUri, out.initiatorUri, 'error', req));
  }

  // Signature (E.1.2, RFC 3830 5.2) over everything before the signature value.
  const sign = m.payloads.find((p) => p.kind === 'SIGN');
  if (!sign || sign.kind !== 'SIGN' || m.signedLength === undefined || !m.bytes) {
    out.signature = { ok: false, reason: 'no SIGN payload' };
  } else if (!initiatorUid) {
    out.signature = { ok: false, reason: 'no initiator identity (IDRi / IDRuidi)' };
  } else {
    const check = eccsiVerify(m.bytes.subarray(0, m.signedLength), sign.signature, initiatorUid, keys.initiatorKms.kpak);
    out.signature = check.ok ? { ok: true } : { ok: false, reason: check.reason };
    if (!check.ok) out.findings.push(vf('verify.signature', '5.2.2', 'SIGN.signature', sign.fields?.signature.offset ?? null, 'a valid ECCSI signature by the initiator UID', check.reason, 'error', 'MCXSEC-5.2.2-05'));
  }

  // Receiver: our own UID for this period; with identity hiding it must be the one in IDRuidr (5.2.6).
  let receiverUid: Uint8Array;
  try {
    receiverUid = uidAt(keys.receiver.uri, keys.receiver, ts.seconds);
  } catch (e) {
    out.decryption = { ok: false, reason: `receiver UID: ${(e as Error).message}` };
    return;
  }
  out.receiverUid = receiverUid;
  if (keys.receiver.keyPeriodNo !== undefined) {
    const period = Math.floor((ts.seconds - keys.receiver.keyPeriodOffset) / keys.receiver.keyPeriod);
    if (period !== keys.receiver.keyPeriodNo) {
      out.findings.push(vf('verify.key-period', 'F.2.1', 'T.value', t && t.kind === 'T' ? t.fields?.value.offset ?? null : null, `key period ${keys.receiver.keyPeriodNo} (the receiver key set)`,
        `key period ${period} at the message timestamp`, 'error', 'MCXSEC-5.2.2-03', 'the RSK given is for another key period; decryption will fail'));
    }
  }
  const idrr = idr(IdRole.IDRr);
  const uidr = idr(IdRole.IDRuidr);
  // E.5: another device of the initiator opens the SAKKE-to-self payload instead.
  const selfExt = m.payloads.find((p) => p.kind === 'GENERAL_EXT' && p.extType === GenExtType.SAKKE_TO_SELF && p.sakke);
  const weAreInitiator = out.initiatorUri === keys.receiver.uri || (initiatorUid !== undefined && eq(initiatorUid, receiverUid));
  if (weAreInitiator && selfExt && selfExt.kind === 'GENERAL_EXT' && selfExt.sakke) {
    out.sakkeToSelf = true;
    const d = sakkeDecapsulate(selfExt.sakke.data, receiverUid, keys.receiver.rsk, keys.receiver.zT);
    if (!d.ok) {
      out.decryption = { ok: false, reason: `SAKKE-to-self: ${d.reason}` };
      out.findings.push(vf('verify.self-decrypt', 'E.5', 'SAKKE-to-self.SAKKE.data', selfExt.sakke.fields?.data.offset ?? null, 'SAKKE data that decapsulates with the initiator RSK', d.reason, 'error', 'MCXSEC-E.5-01'));
      return;
    }
    finishWithKey(m, keys, out, d.ssv, selfExt.sakke, kpState);
    return;
  }
  if (uidr) {
    if (!eq(uidr.data, receiverUid)) {
      out.findings.push(vf('verify.receiver-uid', '5.2.6', 'IDRuidr.idData', uidr.fields?.idData.offset ?? null, `our UID ${hex(receiverUid)}`, hex(uidr.data), 'error', 'MCXSEC-5.2.6-01',
        'the receiver does not recognise its UID: the message shall be rejected'));
    }
  } else if (idrr && utf8.decode(idrr.data) !== keys.receiver.uri) {
    out.findings.push(vf('verify.receiver-uri', '5.2.2', 'IDRr.idData', idrr.fields?.idData.offset ?? null, keys.receiver.uri, utf8.decode(idrr.data), 'error', 'MCXSEC-5.2.2-03'));
  }

  // SAKKE decapsulation with our RSK (RFC 6508 via RFC 6509).
  const sakke = m.payloads.find((p): p is SakkePayload => p.kind === 'SAKKE');
  if (!sakke) {
    out.decryption = { ok: false, reason: 'no SAKKE payload' };
    return;
  }
  const d = sakkeDecapsulate(sakke.data, receiverUid, keys.receiver.rsk, keys.receiver.zT);
  if (!d.ok) {
    out.decryption = { ok: false, reason: d.reason };
    out.findings.push(vf('verify.sakke-decrypt', '5.2.2', 'SAKKE.data', sakke.fields?.data.offset ?? null, 'SAKKE data that decapsulates with our RSK', d.reason, 'error', 'MCXSEC-5.2.2-06'));
    return;
  }
  finishWithKey(m, keys, out, d.ssv, sakke, kpState);
}

/** Everything after the key is out: its length, K-ID, key parameters and the 5.2.6 initiator check. */
function finishWithKey(m: MikeyMessage, keys: VerifyKeys, out: VerifyResult, key: Uint8Array, sakke: SakkePayload, kpState: KpState): void {
  const kind = out.kind;
  const ts = { seconds: out.timestampNtpSeconds! };
  const uidi = m.payloads.find((p): p is IdrPayload => p.kind === 'IDR' && p.role === IdRole.IDRuidi);
  out.decryption = { ok: true };
  out.key = key;
  if (key.length !== KEY_LENGTH) out.findings.push(vf('verify.key-length', 'E.1.1', 'SAKKE.data', sakke.fields?.data.offset ?? null, `${KEY_LENGTH} octets`, `${key.length} octets`, 'error', 'MCXSEC-E.1.1-01'));

  // K-ID: for a GMK the CSB-ID is the GUK-ID; undo the user salt (5.2.3, F.1.3).
  const csbOffset = m.hdr.fields?.csbId.offset ?? 4;
  if (kind === 'gmk') {
    // The GUK-ID is diversified for the receiver named in IDRr; the initiator's own devices unmask with that URI.
    const idrr = m.payloads.find((p): p is IdrPayload => p.kind === 'IDR' && p.role === IdRole.IDRr);
    const target = out.sakkeToSelf && idrr ? utf8.decode(idrr.data) : keys.receiver.uri;
    const gmkId = gmkIdFromGukId(key, m.hdr.csbId, target);
    out.keyId = ((gmkId[0] << 24) | (gmkId[1] << 16) | (gmkId[2] << 8) | gmkId[3]) >>> 0;
    if (out.keyId >>> 28 !== purposeTagOfKind('gmk')) {
      out.findings.push(vf('verify.guk-id', '5.2.3', 'HDR.csbId', csbOffset, 'a GUK-ID that unmasks to a GMK-ID with purpose tag 0', `GMK-ID 0x${out.keyId.toString(16).padStart(8, '0')}`, 'error', 'MCXSEC-5.2.3-02'));
    }
  } else {
    out.keyId = m.hdr.csbId;
  }

  // Key parameters (5.2.4, E.6): decrypt with the distributed key; failure rejects the key.
  const kp = m.payloads.find((p) => p.kind === 'GENERAL_EXT' && p.extType === GenExtType.KEY_PARAMETERS);
  if (kp && kp.kind === 'GENERAL_EXT') {
    const base = kp.fields?.data.offset ?? null;
    const structure = parseProtectedPayload(kp.data, base ?? 0);
    if (!structure.ok) {
      kpState.input = { unavailable: { reason: 'the key parameters payload is not an MCData protected payload (see mikey.kp.structure)', blame: 'target' } };
    } else {
      const at = structure.value.fields.payload.offset;
      const plain = unprotectPayload(kp.data, key);
      if (!plain.ok) {
        kpState.input = { unavailable: { reason: `the key parameters do not decrypt with the distributed key (see verify.kp-decrypt): ${plain.reason}`, blame: 'target' }, at };
        out.findings.push(vf('verify.kp-decrypt', '5.2.4', 'KeyParameters.payload', at, 'key parameters that decrypt with the distributed key', plain.reason, 'error', 'MCXSEC-5.2.4-03', 'the key shall be rejected'));
      } else {
        const decoded = parseKeyParameters(plain.plaintext);
        kpState.input = { decoded: decoded.ok ? { ok: true, value: decoded.value } : decoded, at };
        if (decoded.ok) {
          out.keyParameters = decoded.value;
          out.revoked = (decoded.value.status & STATUS_NOT_REVOKED) === 0;
          out.securityGateway = (decoded.value.status & STATUS_SECURITY_GATEWAY) !== 0;
          if (out.revoked) out.findings.push(vf('verify.revoked', '5.2.4', 'KeyParameters.status', at, 'status bit 0 = 1 (not revoked)', 'revoked', 'warning', 'MCXSEC-5.2.4-02', 'the key and K-ID shall not be used'));
          if (out.securityGateway) out.findings.push(vf('verify.security-gateway', 'E.6.9', 'KeyParameters.status', at, 'bit 1 reported', 'key shared with a security gateway', 'info', 'MCXSEC-E.6.9-01'));
        }
      }
    }
  }

  // 5.2.6: once the initiator URI is known, its UID must be the one in IDRuidi.
  if (uidi) {
    if (!keys.initiatorUri) {
      out.findings.push(vf('verify.initiator-hidden', '5.2.6', 'IDRuidi', uidi.offset ?? null, 'the initiator URI, learned outside MIKEY, to authenticate the hidden initiator', 'not supplied', 'warning', 'MCXSEC-5.2.6-03'));
    } else {
      out.initiatorUri = keys.initiatorUri;
      const recomputed = uidAt(keys.initiatorUri, keys.initiatorKms, ts.seconds);
      if (!eq(recomputed, uidi.data)) {
        out.findings.push(vf('verify.initiator-uid', '5.2.6', 'IDRuidi.idData', uidi.fields?.idData.offset ?? null, `UID of ${keys.initiatorUri}: ${hex(recomputed)}`, hex(uidi.data), 'error', 'MCXSEC-5.2.6-03',
          'the message shall be rejected'));
      }
    }
  }
}
