/**
 * Element tree -> model for received KMS documents. Lenient on order (the
 * schema check reports order); strict on what must be there: a missing
 * required element is listed in `problems`, never thrown.
 */
import type {
  KeyContent,
  KmsCertificate,
  KmsErrorInfo,
  KmsKeySet,
  KmsMessage,
  KmsRequest,
  KmsResponse,
} from './model.ts';
import { NS_DS, NS_KMS, NS_XENC, NS_XSI } from './namespaces.ts';
import { attr, child, childElements, children, isNamed, localName, lookupNamespace, namespaceOf, prefixOf, textOf, type XmlElement } from './xml.ts';

export interface ReadKmsDocument<T> {
  ok: true;
  doc: T;
  /** The KmsResponse / KmsRequest element (inside the Signed* wrapper when there is one). */
  element: XmlElement;
  /** The document root (the wrapper when signed). */
  root: XmlElement;
  /** ds:Signature, when present. */
  signature?: XmlElement;
  /** Required parts that were missing or unreadable. */
  problems: string[];
}
export type ReadResult<T> = ReadKmsDocument<T> | { ok: false; reason: string };

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly ns: string) {}
  opt(parent: XmlElement, name: string): string | undefined {
    const c = child(parent, this.ns, name);
    return c ? textOf(c).trim() : undefined;
  }
  req(parent: XmlElement, name: string, where: string): string {
    const v = this.opt(parent, name);
    if (v === undefined) this.problems.push(`${where} has no ${name}`);
    return v ?? '';
  }
}

function readError(r: Reader, el: XmlElement | undefined, where: string): KmsErrorInfo | undefined {
  if (!el) return undefined;
  return { code: r.req(el, 'ErrorCode', where), message: r.opt(el, 'ErrorMsg') ?? '' };
}

/** Reads a KmsResponse or SignedKmsResponse document. */
export function readKmsResponse(root: XmlElement): ReadResult<KmsResponse> {
  const located = locate(root, 'KmsResponse', 'SignedKmsResponse');
  if (!located.ok) return located;
  const { element, signature } = located;
  const r = new Reader(NS_KMS);
  const messageEl = child(element, NS_KMS, 'KmsMessage');
  const doc: KmsResponse = {
    version: attr(element, 'Version'),
    id: attr(element, 'Id'),
    userUri: r.req(element, 'UserUri', 'KmsResponse'),
    kmsUri: r.req(element, 'KmsUri', 'KmsResponse'),
    time: r.req(element, 'Time', 'KmsResponse'),
    kmsId: r.opt(element, 'KmsId'),
    clientReqUrl: r.req(element, 'ClientReqUrl', 'KmsResponse'),
    message: messageEl ? readMessage(r, messageEl) : undefined,
    error: readError(r, child(element, NS_KMS, 'KmsError'), 'KmsError'),
    trkId: r.opt(element, 'TrK-ID'),
    signatureId: r.opt(element, 'Signature-ID'),
  };
  return { ok: true, doc, element, root, signature, problems: r.problems };
}

/** Reads a KmsRequest or SignedKmsRequest document (what a KMS receives). */
export function readKmsRequest(root: XmlElement): ReadResult<KmsRequest> {
  const located = locate(root, 'KmsRequest', 'SignedKmsRequest');
  if (!located.ok) return located;
  const { element, signature } = located;
  const r = new Reader(NS_KMS);
  const krrList = child(element, NS_KMS, 'KrrList');
  const doc: KmsRequest = {
    version: attr(element, 'Version'),
    id: attr(element, 'Id'),
    userUri: r.req(element, 'UserUri', 'KmsRequest'),
    kmsUri: r.req(element, 'KmsUri', 'KmsRequest'),
    time: r.req(element, 'Time', 'KmsRequest'),
    clientId: r.opt(element, 'ClientId'),
    deviceId: r.opt(element, 'DeviceId'),
    clientReqUrl: r.req(element, 'ClientReqUrl', 'KmsRequest'),
    krrList: krrList ? childElements(krrList) : undefined,
    clientError: readError(r, child(element, NS_KMS, 'ClientError'), 'ClientError'),
    trkId: r.opt(element, 'TrK-ID'),
    signatureId: r.opt(element, 'Signature-ID'),
  };
  return { ok: true, doc, element, root, signature, problems: r.problems };
}

function locate(root: XmlElement, plain: string, signed: string): { ok: true; element: XmlElement; signature?: XmlElement } | { ok: false; reason: string } {
  const ns = namespaceOf(root);
  const found = `{${ns ?? '?'}}${localName(root.name)}`;
  if (ns !== NS_KMS) return { ok: false, reason: `root element is ${found}, not in the KMS namespace ${NS_KMS}` };
  if (isNamed(root, NS_KMS, plain)) return { ok: true, element: root, signature: child(root, NS_DS, 'Signature') };
  if (isNamed(root, NS_KMS, signed)) {
    const element = child(root, NS_KMS, plain);
    if (!element) return { ok: false, reason: `${signed} holds no ${plain}` };
    return { ok: true, element, signature: child(root, NS_DS, 'Signature') ?? child(element, NS_DS, 'Signature') };
  }
  return { ok: false, reason: `root element is ${localName(root.name)}, expected ${plain} or ${signed}` };
}

/** KmsMessage: the body it holds, or the EncryptedData that replaced it. */
export function readMessage(r: Reader | undefined, messageEl: XmlElement): KmsMessage {
  const reader = r ?? new Reader(NS_KMS);
  const encrypted = child(messageEl, NS_XENC, 'EncryptedData');
  if (encrypted) return { encrypted };
  const init = child(messageEl, NS_KMS, 'KmsInit');
  if (init) {
    const certEl = child(init, NS_KMS, 'KmsCertificate') ?? signedCertificate(init);
    if (!certEl) reader.problems.push('KmsInit has no KmsCertificate');
    return {
      init: {
        version: attr(init, 'Version'),
        certificate: certEl ? readCertificate(reader, certEl) : emptyCertificate(),
        newTransportKey: encryptedKeyIn(child(init, NS_KMS, 'NewTransportKey')),
        newIntegrityKey: encryptedKeyIn(child(init, NS_KMS, 'NewIntegrityKey')),
      },
    };
  }
  const keyProv = child(messageEl, NS_KMS, 'KmsKeyProv');
  if (keyProv) {
    return {
      keyProv: {
        version: attr(keyProv, 'Version'),
        keySets: children(keyProv, NS_KMS, 'KmsKeySet').map((k) => readKeySet(reader, k)),
        newTransportKey: encryptedKeyIn(child(keyProv, NS_KMS, 'NewTransportKey')),
        newIntegrityKey: encryptedKeyIn(child(keyProv, NS_KMS, 'NewIntegrityKey')),
      },
    };
  }
  const certCache = child(messageEl, NS_KMS, 'KmsCertCache');
  if (certCache) {
    const certs = [...children(certCache, NS_KMS, 'KmsCertificate'), ...children(certCache, NS_KMS, 'SignedKmsCertificate').map((s) => child(s, NS_KMS, 'KmsCertificate')).filter((c): c is XmlElement => !!c)];
    return { certCache: { version: attr(certCache, 'Version'), cacheNum: attr(certCache, 'CacheNum'), certificates: certs.map((c) => readCertificate(reader, c)) } };
  }
  const lookup = child(messageEl, NS_KMS, 'KmsLookup');
  if (lookup) {
    return { lookup: { version: attr(lookup, 'Version'), userUri: reader.opt(lookup, 'UserUri'), kmsUris: children(lookup, NS_KMS, 'KmsUri').map((k) => textOf(k).trim()) } };
  }
  reader.problems.push('KmsMessage holds none of KmsInit, KmsKeyProv, KmsCertCache, KmsLookup');
  return {};
}

function signedCertificate(parent: XmlElement): XmlElement | undefined {
  const s = child(parent, NS_KMS, 'SignedKmsCertificate');
  return s ? child(s, NS_KMS, 'KmsCertificate') : undefined;
}

function encryptedKeyIn(holder: XmlElement | undefined): XmlElement | undefined {
  return holder ? child(holder, NS_XENC, 'EncryptedKey') : undefined;
}

function emptyCertificate(): KmsCertificate {
  return { version: '', role: '', kmsUri: '', userIdFormat: '', userKeyPeriod: '', userKeyOffset: '', pubEncKey: '', pubAuthKey: '' };
}

export function readCertificate(r: Reader, c: XmlElement): KmsCertificate {
  const where = 'KmsCertificate';
  const domains = child(c, NS_KMS, 'KmsDomainList');
  return {
    version: attr(c, 'Version') ?? '',
    role: attr(c, 'Role') ?? '',
    isSecurityGateway: attr(c, 'IsSecurityGateway'),
    certUri: r.opt(c, 'CertUri'),
    kmsUri: r.req(c, 'KmsUri', where),
    issuer: r.opt(c, 'Issuer'),
    validFrom: r.opt(c, 'ValidFrom'),
    validTo: r.opt(c, 'ValidTo'),
    revoked: r.opt(c, 'Revoked'),
    // The schema spells it UserIdFormat; the table says UserIDFormat. Accept both, report the schema check separately.
    userIdFormat: r.opt(c, 'UserIdFormat') ?? r.req(c, 'UserIDFormat', where),
    userKeyPeriod: r.req(c, 'UserKeyPeriod', where),
    userKeyOffset: r.req(c, 'UserKeyOffset', where),
    pubEncKey: r.req(c, 'PubEncKey', where),
    pubAuthKey: r.req(c, 'PubAuthKey', where),
    parameterSet: r.opt(c, 'ParameterSet'),
    kmsDomains: domains ? children(domains, NS_KMS, 'KmsDomain').map((d) => textOf(d).trim()) : undefined,
  };
}

/** A key field: EncKeyContentType when it holds an xenc:EncryptedKey (or says so in xsi:type), else hex content. */
function readKey(r: Reader, set: XmlElement, name: string): KeyContent {
  const k = child(set, NS_KMS, name);
  if (!k) {
    r.problems.push(`KmsKeySet has no ${name}`);
    return { hex: '' };
  }
  const encrypted = child(k, NS_XENC, 'EncryptedKey') ?? child(k, NS_XENC, 'EncryptedData');
  if (encrypted) return { encrypted };
  return { hex: textOf(k).trim() };
}

/** The xsi:type local name on a key field ('KeyContentType', 'EncKeyContentType'), if any. */
export function keyContentType(element: XmlElement): string | undefined {
  for (const [k, v] of element.attrs) {
    if (localName(k) === 'type' && lookupNamespace(element, prefixOf(k)) === NS_XSI) return localName(v);
  }
  return undefined;
}

export function readKeySet(r: Reader, k: XmlElement): KmsKeySet {
  const where = 'KmsKeySet';
  return {
    version: attr(k, 'Version'),
    kmsUri: r.req(k, 'KmsUri', where),
    certUri: r.opt(k, 'CertUri'),
    issuer: r.opt(k, 'Issuer'),
    userUri: r.req(k, 'UserUri', where),
    userId: r.req(k, 'UserID', where),
    validFrom: r.opt(k, 'ValidFrom'),
    validTo: r.opt(k, 'ValidTo'),
    keyPeriodNo: r.req(k, 'KeyPeriodNo', where),
    revoked: r.opt(k, 'Revoked'),
    userDecryptKey: readKey(r, k, 'UserDecryptKey'),
    userSigningKeySsk: readKey(r, k, 'UserSigningKeySSK'),
    userPubTokenPvt: readKey(r, k, 'UserPubTokenPVT'),
  };
}

export { Reader };
