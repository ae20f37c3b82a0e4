import { randomBytes } from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { kmsResponseElement, toXml } from '../../lib/kms-xml/build.ts';
import { canonicalize } from '../../lib/kms-xml/c14n.ts';
import { encryptElementContent, encryptKeyMaterial } from '../../lib/kms-xml/encryption.ts';
import { xmlKey, type KeyDerivation } from '../../lib/kms-xml/keys.ts';
import type { KmsMessage } from '../../lib/kms-xml/model.ts';
import { ALG_AES256_GCM, NS_DS } from '../../lib/kms-xml/namespaces.ts';
import { parseXml } from '../../lib/kms-xml/parse.ts';
import { formatSchemaErrors, validateKmsXml } from '../../lib/kms-xml/schema.ts';
import { readKmsRequest } from '../../lib/kms-xml/read.ts';
import { readKrr } from '../../lib/kms-xml/krr.ts';
import { signKmsDocument, verifyKmsSignature } from '../../lib/kms-xml/signature.ts';
import { kmsMessageElement } from '../../lib/kms-xml/build.ts';
import { child, childElements, el, linkParents, localName, setAttr, type XmlElement } from '../../lib/kms-xml/xml.ts';
import { wrapKey } from '../../lib/crypto/keywrap.ts';
import { toBase64 } from '../../lib/crypto/bytes.ts';
import type { FaultSet } from '../fault.ts';
import { MAX_BODY_BYTES } from './config.ts';
import { applyEnvelopeFaults, applyMessageFaults } from './fault-effects.ts';
import type { KmsXmlCodec } from './handler.ts';
import type { TransportKey } from './transport-keys.ts';

/**
 * The KMS's XML, all through lib/kms-xml: parsing requests (no DTDs, no
 * entity expansion, bounded depth), serializing, HMAC-SHA256 signing with
 * the F.1.4 integrity key (9.3.3, D.3.1), encrypting KmsMessage content
 * (aes128-gcm) and key material (kw-aes256) with the F.1.4 confidentiality
 * key of the TrK (9.3.4.2). The crypto fault switches are applied here.
 */
const MAX_DEPTH = 32;
const ALG_HMAC_SHA1 = 'http://www.w3.org/2000/09/xmldsig#hmac-sha1';
const utf8 = (s: string) => new TextEncoder().encode(s);

export function kmsXmlCodec(faults: FaultSet): KmsXmlCodec {
  const derivation: KeyDerivation = faults.has('kms.direct-xml-keys') ? 'direct' : 'f1.4';
  const keyFor = (key: TransportKey, use: 'confidentiality' | 'integrity', userUri: string) => xmlKey({ id: key.id, key: key.key }, use, userUri, derivation);

  return {
    async parseRequest(text) {
      const parsed = parseXml(text, { maxBytes: MAX_BODY_BYTES, maxDepth: MAX_DEPTH });
      if (!parsed.ok) return { ok: false, reason: `the request is not acceptable XML: ${parsed.reason}` };
      const read = readKmsRequest(parsed.root);
      if (!read.ok) return { ok: false, reason: read.reason };
      if (read.problems.length && !faults.has('kms.accepts-invalid-request-xml')) {
        return { ok: false, reason: `the KmsRequest is not valid (D.2.2): ${read.problems.join('; ')}` };
      }
      const { signature, root } = read;
      // D.2.2 "the XML is valid": schema-checked for signed requests and KRR uploads (xmllint costs ~0.5 s a document).
      const skipSchema = faults.has('kms.accepts-invalid-request-xml') || (read.doc.krrList !== undefined && faults.has('kms.redirect-accepts-malformed-krr'));
      if ((signature || read.doc.krrList) && !skipSchema) {
        const schema = await validateKmsXml(text);
        if (!schema.valid) return { ok: false, reason: `the KmsRequest is not schema-valid: ${formatSchemaErrors(schema.errors, 3)}` };
      }
      return {
        ok: true,
        received: {
          request: read.doc,
          signature: signature && {
            // Requests are verified with the F.1.4 key even under kms.direct-xml-keys, so that switch breaks responses only.
            verify: (key: TransportKey) => {
              const v = verifyKmsSignature(root, signature, xmlKey({ id: key.id, key: key.key }, 'integrity', read.doc.userUri));
              return v.ok ? { ok: true as const } : { ok: false as const, reason: v.reason };
            },
          },
        },
      };
    },

    responseXml(response, signWith, extras = {}) {
      const element = kmsResponseElement(response);
      linkParents(element);
      const message = byLocalName(element, 'KmsMessage');
      if (message && !response.message?.encrypted) applyMessageFaults(message, faults, { keySetForLookup: extras.lookupKeySet });
      applyEnvelopeFaults(element, faults);
      if (!signWith) return toXml(element);
      const keyName = faults.has('kms.wrong-ink-key-name') ? otherKeyId(signWith.id) : signWith.id;
      const key = keyFor(signWith, 'integrity', response.userUri);
      const signed = signKmsDocument('response', element, key, keyName);
      applySignatureFaults(signed, key, faults);
      return toXml(signed);
    },

    encryptMessage(message, trk, userUri, extras = {}) {
      if (faults.has('kms.unencrypted-kms-message')) return message;
      const holder = kmsMessageElement(message);
      applyMessageFaults(holder, faults, { keySetForLookup: extras.lookupKeySet });
      encryptElementContent(holder, keyFor(trk, 'confidentiality', userUri), trk.id, {
        contentAlgorithm: faults.has('kms.kms-message-aes256-gcm') ? ALG_AES256_GCM : undefined,
      });
      const encrypted = byLocalName(holder, 'EncryptedData')!;
      applyEncryptionFaults(encrypted, keyFor(trk, 'confidentiality', userUri), faults);
      return { encrypted } satisfies KmsMessage;
    },

    wrapKey(trk, material, userUri, carriedKeyName) {
      const kek = faults.has('kms.key-wrap-wrong-kek') ? new Uint8Array(randomBytes(32)) : keyFor(trk, 'confidentiality', userUri);
      const keyName = faults.has('kms.wrong-trk-key-name') ? otherKeyId(trk.id) : trk.id;
      return encryptKeyMaterial(material, kek, keyName, { carriedKeyName });
    },

    krrProblem(krr) {
      const read = readKrr(krr);
      if (!read.ok) return read.reason;
      if (read.problems.length) return read.problems.join('; ');
      return read.krr.embedded ? this.krrProblem(read.krr.embedded) : undefined;
    },
  };
}

/** The XML Signature SHA-1 digest algorithm (RFC 3275), which a KMS must not declare. */
const ALG_SHA1_DIGEST = 'http://www.w3.org/2000/09/xmldsig#sha1';

/** Integrity fault switches, applied to a signed SignedKmsResponse tree. */
function applySignatureFaults(signed: XmlElement, key: Uint8Array, faults: FaultSet): void {
  const signature = child(signed, NS_DS, 'Signature');
  if (!signature) return;
  const signedInfo = child(signature, NS_DS, 'SignedInfo');
  const valueEl = child(signature, NS_DS, 'SignatureValue');
  if (!signedInfo || !valueEl) return;
  if (faults.has('kms.signature-wrong-algorithm')) {
    const method = child(signedInfo, NS_DS, 'SignatureMethod');
    if (method) setAttr(method, 'Algorithm', ALG_HMAC_SHA1);
    valueEl.children = [toBase64(hmac(sha1, key, utf8(canonicalize(signedInfo, 'inclusive'))))];
  }
  if (faults.has('kms.signature-wrong-digest-method')) {
    // The digest stays SHA-256 and the HMAC is recomputed over the changed SignedInfo: only the declared DigestMethod is wrong.
    const reference = child(signedInfo, NS_DS, 'Reference');
    const digestMethod = reference && child(reference, NS_DS, 'DigestMethod');
    if (digestMethod) setAttr(digestMethod, 'Algorithm', ALG_SHA1_DIGEST);
    valueEl.children = [toBase64(hmac(sha256, key, utf8(canonicalize(signedInfo, 'inclusive'))))];
  }
  if (faults.has('kms.bad-response-signature')) {
    const value = Buffer.from(String(valueEl.children[0] ?? ''), 'base64');
    value[0] ^= 0x01;
    valueEl.children = [value.toString('base64')];
  }
  if (faults.has('kms.signature-missing-value')) valueEl.children = [];
}

/** Confidentiality fault switches, applied to the KmsMessage EncryptedData. */
function applyEncryptionFaults(encrypted: XmlElement, kek: Uint8Array, faults: FaultSet): void {
  // The EncryptedData is not yet inside a document declaring its prefixes: find children by local name.
  const keyInfo = byLocalName(encrypted, 'KeyInfo');
  const wrapped = keyInfo && byLocalName(keyInfo, 'EncryptedKey');
  if (faults.has('kms.undecryptable-kms-message') && wrapped) {
    const cipherData = byLocalName(wrapped, 'CipherData');
    const value = cipherData && byLocalName(cipherData, 'CipherValue');
    if (value) value.children = [toBase64(wrapKey(kek, new Uint8Array(randomBytes(16))))];
  }
  if (faults.has('kms.encrypted-data-missing-cipher-value')) {
    const cipherData = byLocalName(encrypted, 'CipherData');
    if (cipherData) cipherData.children = [el('xenc:CipherReference', { URI: 'https://kms.mcx.example.org/ciphertext/1' })];
  }
}

function byLocalName(parent: XmlElement, local: string): XmlElement | undefined {
  return childElements(parent).find((c) => localName(c.name) === local);
}

/** An identifier that is not `id` (for the KeyName fault switches). */
function otherKeyId(id: string): string {
  return id === 'ffffffff' ? 'fffffffe' : 'ffffffff';
}
