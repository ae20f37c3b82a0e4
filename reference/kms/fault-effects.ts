import { fromBase64, toHex } from '../../lib/crypto/bytes.ts';
import type { KmsCertificate, KmsKeySet } from '../../lib/kms-xml/model.ts';
import { el, localName, type XmlElement } from '../../lib/kms-xml/xml.ts';
import type { FaultSet } from '../fault.ts';

/**
 * What the KMS fault switches of faults.ts do to certificates, key sets and
 * response trees: each function applies the switches of one kind, so the
 * conforming code paths stay free of them. Faults that change a decision
 * (refuse or not, which keys) sit where the decision is made.
 */

/** Certificate faults (D.3.2.2). `where` says which message carries it. */
export function applyCertificateFaults(cert: KmsCertificate, where: 'init' | 'cache' | 'cert', faults: FaultSet): KmsCertificate {
  const out = { ...cert };
  const root = cert.role === 'Root';
  if (faults.has('kms.cert-wrong-version')) out.version = '1.0.0';
  if (root && where === 'init' && faults.has('kms.root-cert-role-external')) out.role = 'External';
  if (!root && where === 'cache' && faults.has('kms.external-cert-role-root')) out.role = 'Root';
  if (root) {
    if (faults.has('kms.cert-user-id-format')) out.userIdFormat = '1';
    if (faults.has('kms.zt-not-on-curve')) out.pubEncKey = flipLastByte(out.pubEncKey);
    if (faults.has('kms.kpak-not-on-curve')) out.pubAuthKey = flipLastByte(out.pubAuthKey);
    if (faults.has('kms.gateway-wrong-version')) out.isSecurityGateway = 'true';
    if (faults.has('kms.cert-expired')) out.validTo = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    if (faults.has('kms.cert-parameter-set')) out.parameterSet = '2';
    // The UID conversion loses its format element (the KMS keeps computing UIDs the F.2.1 way).
    if (faults.has('kms.cert-omits-user-id-format')) delete (out as Partial<KmsCertificate>).userIdFormat;
  }
  return out;
}

/** Key set presentation faults (D.3.3.2, F.2.1); `uidForNextPeriod` gives the UID of KeyPeriodNo+1. */
export function applyKeySetFaults(set: KmsKeySet, faults: FaultSet, uidForNextPeriod: () => Uint8Array, periodSeconds: number): KmsKeySet {
  const out = { ...set };
  if (faults.has('kms.wrong-uid')) out.userId = Buffer.from(uidForNextPeriod()).toString('base64');
  if (faults.has('kms.uid-hex-encoded')) out.userId = toHex(fromBase64(out.userId) ?? new Uint8Array()).toUpperCase();
  if (faults.has('kms.keyset-wrong-user-uri')) out.userUri = out.userUri.replace(/^sip:/i, 'SIP:');
  if (faults.has('kms.keyset-foreign-kms-uri')) out.kmsUri = 'kms.other.example.invalid';
  if (faults.has('kms.keyset-validity-outside-period') && out.validFrom && out.validTo) {
    out.validFrom = shiftIso(out.validFrom, periodSeconds);
    out.validTo = shiftIso(out.validTo, periodSeconds);
  }
  return out;
}

/** SSK + 1 (kms.bad-ssk): still 32 octets, no longer the KMS's SSK for that UID. */
export function sskPlusOne(ssk: Uint8Array): Uint8Array {
  const out = Uint8Array.from(ssk);
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = (out[i] + 1) & 0xff;
    if (out[i] !== 0) break;
  }
  return out;
}

/** Envelope faults (D.3.5.1, D.1), applied to the KmsResponse element before signing. */
export function applyEnvelopeFaults(response: XmlElement, faults: FaultSet): void {
  if (faults.has('kms.invalid-xml')) {
    const i = response.children.findIndex((c) => typeof c !== 'string' && localName(c.name) === 'UserUri');
    const j = response.children.findIndex((c) => typeof c !== 'string' && localName(c.name) === 'KmsUri');
    if (i >= 0 && j >= 0) [response.children[i], response.children[j]] = [response.children[j], response.children[i]];
  }
  if (faults.has('kms.extension-in-3gpp-namespace')) response.children.push(el('VendorInfo', {}, 'reference KMS build 1'));
}

/** KmsMessage content faults (D.3.1, 5.3.4), applied to the KmsMessage element before it is encrypted. */
export function applyMessageFaults(message: XmlElement, faults: FaultSet, extras: { keySetForLookup?: () => XmlElement }): void {
  const init = findChild(message, 'KmsInit');
  if (init && faults.has('kms.init-without-certificate')) init.children = init.children.filter((c) => typeof c === 'string' || localName(c.name) !== 'KmsCertificate');
  const lookup = findChild(message, 'KmsLookup');
  if (lookup) {
    if (faults.has('kms.lookup-empty')) lookup.children = lookup.children.filter((c) => typeof c === 'string' || localName(c.name) !== 'KmsUri');
    if (faults.has('kms.lookup-carries-key-set') && extras.keySetForLookup) {
      lookup.children.push(el('vendor:KeyMaterial', { 'xmlns:vendor': 'urn:example:mcx-reference:vendor' }, extras.keySetForLookup()));
    }
  }
}

/** Authorisation field names with underscores (kms.authorised-identity-bad-hname). */
export function underscoreFieldNames(identity: string): string {
  const q = identity.indexOf('?');
  if (q < 0) return identity;
  return identity.slice(0, q + 1) + identity.slice(q + 1).replace(/mc-[a-z-]+(?==)/g, (name) => name.replace(/-/g, '_'));
}

function findChild(parent: XmlElement, local: string): XmlElement | undefined {
  for (const c of parent.children) if (typeof c !== 'string' && localName(c.name) === local) return c;
  return undefined;
}

function flipLastByte(hex: string): string {
  const last = parseInt(hex.slice(-2), 16) ^ 0x01;
  return hex.slice(0, -2) + last.toString(16).padStart(2, '0').toUpperCase();
}

function shiftIso(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}
