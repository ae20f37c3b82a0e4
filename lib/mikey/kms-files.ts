/**
 * The few fields of a KmsCertificate and a KmsKeySet (TS 33.180 D.3.2.2,
 * D.3.3.2) that MIKEY-SAKKE verification needs, read from XML files given to
 * `tool mikey-verify`. Namespace prefixes are ignored; the element may be the
 * root or nested in a KMS response. Entities are not processed and a DOCTYPE
 * is refused. Never throws: the result names the missing or malformed field.
 */
import { XMLParser } from 'fast-xml-parser';

export interface KmsCertificateFields {
  kmsUri: string;
  userKeyPeriod: number;
  userKeyOffset: number;
  /** PubEncKey: SAKKE Z_T, 257 octets. */
  pubEncKey: Uint8Array;
  /** PubAuthKey: ECCSI KPAK, 65 octets. */
  pubAuthKey: Uint8Array;
}

export interface KmsKeySetFields {
  kmsUri: string;
  userUri: string;
  keyPeriodNo?: number;
  /** UserDecryptKey (RSK). */
  userDecryptKey: Uint8Array;
  userSigningKeySSK?: Uint8Array;
  userPubTokenPVT?: Uint8Array;
}

export type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

const parser = new XMLParser({
  removeNSPrefix: true,
  processEntities: false,
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: true,
});

type Node = Record<string, unknown>;

function findElement(node: unknown, name: string, depth = 0): Node | undefined {
  if (!node || typeof node !== 'object' || depth > 32) return undefined;
  for (const [k, v] of Object.entries(node as Node)) {
    if (k === name) return (Array.isArray(v) ? v[0] : v) as Node;
    const inner = Array.isArray(v) ? v : [v];
    for (const item of inner) {
      const found = findElement(item, name, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function text(node: Node, name: string): string | undefined {
  const v = node[name];
  const one = Array.isArray(v) ? v[0] : v;
  if (typeof one === 'string') return one;
  if (typeof one === 'number') return String(one);
  if (one && typeof one === 'object' && typeof (one as Node)['#text'] === 'string') return (one as Node)['#text'] as string;
  return undefined;
}

function parseDoc(xml: string): Read<unknown> {
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, reason: 'DOCTYPE declarations are refused' };
  try {
    return { ok: true, value: parser.parse(xml) };
  } catch (e) {
    return { ok: false, reason: `not well-formed XML: ${(e as Error).message.split('\n')[0]}` };
  }
}

function hexField(node: Node, name: string, element: string, required: true): Read<Uint8Array>;
function hexField(node: Node, name: string, element: string, required: false): Read<Uint8Array | undefined>;
function hexField(node: Node, name: string, element: string, required: boolean): Read<Uint8Array | undefined> {
  const raw = text(node, name);
  if (raw === undefined) {
    if (node[name] !== undefined) return { ok: false, reason: `${element}/${name} is not plain hex content (encrypted keys are not supported here)` };
    return required ? { ok: false, reason: `${element} has no ${name}` } : { ok: true, value: undefined };
  }
  const clean = raw.replace(/\s+/g, '').replace(/^0x/i, '');
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(clean)) return { ok: false, reason: `${element}/${name} is not hex` };
  return { ok: true, value: Uint8Array.from(Buffer.from(clean, 'hex')) };
}

function intField(node: Node, name: string, element: string): Read<number> {
  const raw = text(node, name)?.trim();
  if (raw === undefined) return { ok: false, reason: `${element} has no ${name}` };
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) return { ok: false, reason: `${element}/${name} is not a non-negative integer: '${raw.slice(0, 40)}'` };
  return { ok: true, value: Number(raw) };
}

export function readKmsCertificate(xml: string): Read<KmsCertificateFields> {
  const doc = parseDoc(xml);
  if (!doc.ok) return doc;
  const cert = findElement(doc.value, 'KmsCertificate');
  if (!cert) return { ok: false, reason: 'no KmsCertificate element' };
  const kmsUri = text(cert, 'KmsUri');
  if (!kmsUri) return { ok: false, reason: 'KmsCertificate has no KmsUri' };
  const period = intField(cert, 'UserKeyPeriod', 'KmsCertificate');
  if (!period.ok) return period;
  const offset = intField(cert, 'UserKeyOffset', 'KmsCertificate');
  if (!offset.ok) return offset;
  const enc = hexField(cert, 'PubEncKey', 'KmsCertificate', true);
  if (!enc.ok) return enc;
  const auth = hexField(cert, 'PubAuthKey', 'KmsCertificate', true);
  if (!auth.ok) return auth;
  return { ok: true, value: { kmsUri: kmsUri.trim(), userKeyPeriod: period.value, userKeyOffset: offset.value, pubEncKey: enc.value, pubAuthKey: auth.value } };
}

export function readKmsKeySet(xml: string): Read<KmsKeySetFields> {
  const doc = parseDoc(xml);
  if (!doc.ok) return doc;
  const set = findElement(doc.value, 'KmsKeySet');
  if (!set) return { ok: false, reason: 'no KmsKeySet element' };
  const kmsUri = text(set, 'KmsUri');
  const userUri = text(set, 'UserUri');
  if (!kmsUri) return { ok: false, reason: 'KmsKeySet has no KmsUri' };
  if (!userUri) return { ok: false, reason: 'KmsKeySet has no UserUri' };
  const period = text(set, 'KeyPeriodNo') === undefined ? undefined : intField(set, 'KeyPeriodNo', 'KmsKeySet');
  if (period && !period.ok) return period;
  const rsk = hexField(set, 'UserDecryptKey', 'KmsKeySet', true);
  if (!rsk.ok) return rsk;
  const ssk = hexField(set, 'UserSigningKeySSK', 'KmsKeySet', false);
  if (!ssk.ok) return ssk;
  const pvt = hexField(set, 'UserPubTokenPVT', 'KmsKeySet', false);
  if (!pvt.ok) return pvt;
  return { ok: true, value: { kmsUri: kmsUri.trim(), userUri: userUri.trim(), keyPeriodNo: period?.value, userDecryptKey: rsk.value, userSigningKeySSK: ssk.value, userPubTokenPVT: pvt.value } };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const NS = 'urn:3gpp:ns:mcsecKMSInterface:1.0';

/** A minimal KmsCertificate document (D.3.2.2 element order) for test domains. */
export function writeKmsCertificate(c: KmsCertificateFields): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<KmsCertificate xmlns="${NS}" Version="1.1.0" Role="Root">
  <CertUri>${esc(c.kmsUri)}/cert</CertUri>
  <KmsUri>${esc(c.kmsUri)}</KmsUri>
  <UserIdFormat>2</UserIdFormat>
  <UserKeyPeriod>${c.userKeyPeriod}</UserKeyPeriod>
  <UserKeyOffset>${c.userKeyOffset}</UserKeyOffset>
  <PubEncKey>${hex(c.pubEncKey)}</PubEncKey>
  <PubAuthKey>${hex(c.pubAuthKey)}</PubAuthKey>
</KmsCertificate>
`;
}

/** A minimal KmsKeySet document (D.3.3.2 element order) with plain hex keys, for test domains. */
export function writeKmsKeySet(k: KmsKeySetFields & { userId: Uint8Array }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<KmsKeySet xmlns="${NS}">
  <KmsUri>${esc(k.kmsUri)}</KmsUri>
  <UserUri>${esc(k.userUri)}</UserUri>
  <UserID>${hex(k.userId)}</UserID>
  <KeyPeriodNo>${k.keyPeriodNo ?? 0}</KeyPeriodNo>
  <UserDecryptKey>${hex(k.userDecryptKey)}</UserDecryptKey>
  <UserSigningKeySSK>${hex(k.userSigningKeySSK ?? new Uint8Array(0))}</UserSigningKeySSK>
  <UserPubTokenPVT>${hex(k.userPubTokenPVT ?? new Uint8Array(0))}</UserPubTokenPVT>
</KmsKeySet>
`;
}
