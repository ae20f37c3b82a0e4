/**
 * Model -> element tree for the KMS interface documents, in the element
 * order of schemas/kms-interface.xsd. The KMS namespace is the default
 * namespace; ds, xenc and xsi are declared on the root.
 */
import {
  KMS_CERT_VERSION,
  KMS_KEYSET_VERSION,
  KMS_REQUEST_VERSION,
  KMS_RESPONSE_VERSION,
  type KeyContent,
  type KmsCertificate,
  type KmsErrorInfo,
  type KmsKeySet,
  type KmsMessage,
  type KmsRequest,
  type KmsResponse,
} from './model.ts';
import { NS_DS, NS_KMS, NS_XENC, NS_XSI } from './namespaces.ts';
import { el, linkParents, serializeXml, textEl, type XmlElement } from './xml.ts';

/** Sets parent links so namespace lookups work on a built tree (call again after editing it). */
function linked(root: XmlElement): XmlElement {
  linkParents(root);
  return root;
}

const ROOT_NAMESPACES = { xmlns: NS_KMS, 'xmlns:xsi': NS_XSI, 'xmlns:ds': NS_DS, 'xmlns:xenc': NS_XENC };

function errorEl(name: string, error: KmsErrorInfo | undefined): XmlElement | undefined {
  if (!error) return undefined;
  return el(name, {}, textEl('ErrorCode', error.code)!, textEl('ErrorMsg', error.message)!);
}

/** KmsRequest element (not a document root unless `root`). */
export function kmsRequestElement(req: KmsRequest, root = true): XmlElement {
  return linked(el(
    'KmsRequest',
    { ...(root ? ROOT_NAMESPACES : {}), Version: req.version ?? KMS_REQUEST_VERSION, Id: req.id },
    textEl('UserUri', req.userUri),
    textEl('KmsUri', req.kmsUri),
    textEl('Time', req.time),
    textEl('ClientId', req.clientId),
    textEl('DeviceId', req.deviceId),
    textEl('ClientReqUrl', req.clientReqUrl),
    req.krrList ? el('KrrList', {}, ...req.krrList) : undefined,
    errorEl('ClientError', req.clientError),
    textEl('TrK-ID', req.trkId),
    textEl('Signature-ID', req.signatureId),
  ));
}

/** KmsResponse element (not a document root unless `root`). */
export function kmsResponseElement(res: KmsResponse, root = true): XmlElement {
  return linked(el(
    'KmsResponse',
    { ...(root ? ROOT_NAMESPACES : {}), Version: res.version ?? KMS_RESPONSE_VERSION, Id: res.id },
    textEl('UserUri', res.userUri),
    textEl('KmsUri', res.kmsUri),
    textEl('Time', res.time),
    textEl('KmsId', res.kmsId),
    textEl('ClientReqUrl', res.clientReqUrl),
    res.message ? kmsMessageElement(res.message) : undefined,
    errorEl('KmsError', res.error),
    textEl('TrK-ID', res.trkId),
    textEl('Signature-ID', res.signatureId),
  ));
}

export function kmsMessageElement(message: KmsMessage): XmlElement {
  if (message.encrypted) return el('KmsMessage', {}, message.encrypted);
  const { init, keyProv, certCache, lookup } = message;
  if (init) {
    return el(
      'KmsMessage',
      {},
      el(
        'KmsInit',
        { Version: init.version },
        certificateElement(init.certificate),
        init.newTransportKey ? el('NewTransportKey', {}, init.newTransportKey) : undefined,
        init.newIntegrityKey ? el('NewIntegrityKey', {}, init.newIntegrityKey) : undefined,
      ),
    );
  }
  if (keyProv) {
    return el(
      'KmsMessage',
      {},
      el(
        'KmsKeyProv',
        { Version: keyProv.version },
        ...keyProv.keySets.map(keySetElement),
        keyProv.newTransportKey ? el('NewTransportKey', {}, keyProv.newTransportKey) : undefined,
        keyProv.newIntegrityKey ? el('NewIntegrityKey', {}, keyProv.newIntegrityKey) : undefined,
      ),
    );
  }
  if (certCache) {
    return el('KmsMessage', {}, el('KmsCertCache', { Version: certCache.version, CacheNum: certCache.cacheNum }, ...certCache.certificates.map(certificateElement)));
  }
  if (lookup) {
    return el('KmsMessage', {}, el('KmsLookup', { Version: lookup.version }, textEl('UserUri', lookup.userUri), ...lookup.kmsUris.map((u) => textEl('KmsUri', u))));
  }
  return el('KmsMessage');
}

/** KmsCertificate (table D.3.2.2-1). */
export function certificateElement(cert: KmsCertificate): XmlElement {
  return el(
    'KmsCertificate',
    { Version: cert.version ?? KMS_CERT_VERSION, Role: cert.role, IsSecurityGateway: cert.isSecurityGateway },
    textEl('CertUri', cert.certUri),
    textEl('KmsUri', cert.kmsUri),
    textEl('Issuer', cert.issuer),
    textEl('ValidFrom', cert.validFrom),
    textEl('ValidTo', cert.validTo),
    textEl('Revoked', cert.revoked),
    textEl('UserIdFormat', cert.userIdFormat),
    textEl('UserKeyPeriod', cert.userKeyPeriod),
    textEl('UserKeyOffset', cert.userKeyOffset),
    textEl('PubEncKey', cert.pubEncKey),
    textEl('PubAuthKey', cert.pubAuthKey),
    textEl('ParameterSet', cert.parameterSet),
    cert.kmsDomains ? el('KmsDomainList', {}, ...cert.kmsDomains.map((d) => textEl('KmsDomain', d))) : undefined,
  );
}

function keyContentElement(name: string, key: KeyContent): XmlElement {
  if ('hex' in key) return el(name, { 'xsi:type': 'KeyContentType' }, key.hex);
  return el(name, { 'xsi:type': 'EncKeyContentType' }, key.encrypted);
}

/** KmsKeySet (table D.3.3.2-1). */
export function keySetElement(set: KmsKeySet): XmlElement {
  return el(
    'KmsKeySet',
    { Version: set.version ?? KMS_KEYSET_VERSION },
    textEl('KmsUri', set.kmsUri),
    textEl('CertUri', set.certUri),
    textEl('Issuer', set.issuer),
    textEl('UserUri', set.userUri),
    textEl('UserID', set.userId),
    textEl('ValidFrom', set.validFrom),
    textEl('ValidTo', set.validTo),
    textEl('KeyPeriodNo', set.keyPeriodNo),
    textEl('Revoked', set.revoked),
    keyContentElement('UserDecryptKey', set.userDecryptKey),
    keyContentElement('UserSigningKeySSK', set.userSigningKeySsk),
    keyContentElement('UserPubTokenPVT', set.userPubTokenPvt),
  );
}

/**
 * SignedKmsRequest / SignedKmsResponse wrapper: the inner document plus an
 * optional ds:Signature (added by signature.ts). The namespaces are declared
 * on the wrapper.
 */
export function signedWrapper(kind: 'request' | 'response', inner: XmlElement, signature?: XmlElement): XmlElement {
  const wrapper = el(kind === 'request' ? 'SignedKmsRequest' : 'SignedKmsResponse', ROOT_NAMESPACES, stripRootNamespaces(inner), signature);
  linkParents(wrapper);
  return wrapper;
}

function stripRootNamespaces(inner: XmlElement): XmlElement {
  const keys = new Set(Object.keys(ROOT_NAMESPACES));
  return { ...inner, attrs: inner.attrs.filter(([k, v]) => !(keys.has(k) && (ROOT_NAMESPACES as Record<string, string>)[k] === v)) };
}

/** Serializes a document with the XML declaration. */
export function toXml(root: XmlElement, options: { pretty?: boolean } = {}): string {
  return serializeXml(root, { declaration: true, indent: options.pretty ? '  ' : undefined });
}

/** Convenience: a complete unsigned KmsRequest / KmsResponse document. */
export function kmsRequestXml(req: KmsRequest): string {
  return toXml(kmsRequestElement(req));
}
export function kmsResponseXml(res: KmsResponse, options: { pretty?: boolean } = {}): string {
  return toXml(kmsResponseElement(res), options);
}
