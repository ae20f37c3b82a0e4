import type { KmsMessage } from '../../lib/kms-xml/model.ts';
import type { XmlElement } from '../../lib/kms-xml/xml.ts';
import type { FaultSet } from '../fault.ts';
import type { TokenGrant } from './access-token.ts';
import { authorisedIdentity } from './authorised-identity.ts';
import { CERT_CACHE_NUMBER, EXTERNAL_KMSS, HOME_SIP_DOMAIN, KMS_URI, MAX_KEY_PERIOD_DISTANCE } from './config.ts';
import { certificateModel, keySetModel, type ProtectKey } from './documents.ts';
import type { KeyStore } from './key-store.ts';
import type { KmsRoute } from './routes.ts';
import type { TransportKey, TransportKeyRing } from './transport-keys.ts';
import type { ReceivedRequest } from './request-checks.ts';

/** What each KMS resource (D.2.3 to D.2.8) answers, before the response envelope is built. */
export type ResourceResult =
  | { ok: true; message?: KmsMessage; noContent?: boolean }
  | { ok: false; status: 400 | 403 | 404 | 500; code: string; reason: string };

export interface ResourceContext {
  route: KmsRoute;
  grant: TokenGrant;
  request?: ReceivedRequest;
  keyStore: KeyStore;
  keys: TransportKeyRing;
  faults: FaultSet;
  /** Key material in clear or wrapped under the client's TrK. */
  protectKey: ProtectKey;
  /** Wraps a newly issued TrK/InK under the client's current TrK; undefined when the client named none. */
  wrapNewKey?: (key: TransportKey) => XmlElement;
  /** Validates one KRR element (D.4); undefined when it is acceptable. */
  krrProblem: (krr: XmlElement) => string | undefined;
}

/** The identities whose keys the token entitles the client to: its MC service IDs and their Authorised Identities (9.6.3.2). */
export function entitledIdentities(grant: TokenGrant, faults: FaultSet): string[] {
  const out = [...grant.identities];
  if (grant.authorisationScopes.length > 0 && !faults.has('kms.omits-authorised-identity')) {
    const extra = faults.has('kms.authorised-identity-extra-bits') ? { header: 'mc-priv-mcptt', bit: 1 } : undefined;
    for (const id of grant.identities) {
      const authorised = authorisedIdentity(id, grant.authorisationScopes, extra);
      if (authorised && !out.includes(authorised)) out.push(authorised);
    }
  }
  return out;
}

export function serveResource(c: ResourceContext): ResourceResult {
  switch (c.route.kind) {
    case 'init':
      return init(c);
    case 'keyprov':
      return keyProv(c, c.route);
    case 'certcache':
      return certCache(c, c.route.cacheNum);
    case 'cert':
      return cert(c, c.route.kmsUri);
    case 'lookup':
      return lookup(c.route.uri, c.faults);
    case 'redirect':
      return redirect(c);
  }
}

/** D.3.1: KmsInit carries the Root certificate and, to a client that named its TrK, a new TrK (D.3.4.1). */
function init(c: ResourceContext): ResourceResult {
  const newTrk = c.wrapNewKey ? c.keys.create('TrK') : undefined;
  return {
    ok: true,
    message: {
      init: {
        certificate: certificateModel(c.keyStore.rootCertificate()),
        newTransportKey: newTrk && c.wrapNewKey?.(newTrk),
      },
    },
  };
}

/** D.2.4, D.3.3: one key set per entitled identity for the current key period, or the named identity and time. */
function keyProv(c: ResourceContext, route: Extract<KmsRoute, { kind: 'keyprov' }>): ResourceResult {
  const entitled = entitledIdentities(c.grant, c.faults);
  let identities = entitled;
  if (route.identity !== undefined) {
    if (!entitled.includes(route.identity) && !c.faults.has('kms.issues-keys-for-any-identity')) {
      return { ok: false, status: 403, code: 'identity-not-authorised', reason: `the access token does not entitle the client to keys for '${clip(route.identity)}'` };
    }
    identities = [route.identity];
  }
  const current = c.keyStore.currentKeyPeriod();
  let period = current;
  if (route.ntpSeconds !== undefined) {
    try {
      period = c.keyStore.currentKeyPeriod(route.ntpSeconds);
    } catch {
      return { ok: false, status: 400, code: 'bad-time', reason: 'the requested time is before the first key period' };
    }
    if (Math.abs(period - current) > MAX_KEY_PERIOD_DISTANCE) {
      return { ok: false, status: 403, code: 'period-out-of-range', reason: `key period ${period} is more than ${MAX_KEY_PERIOD_DISTANCE} periods from the current one (${current})` };
    }
  }
  const keySets = identities.map((id) => keySetModel(c.keyStore.keySet(id, period), c.protectKey));
  return { ok: true, message: { keyProv: { keySets } } };
}

/** D.2.5: the Root and External certificates with the cache number; nothing repeated to a client that has this number. */
function certCache(c: ResourceContext, clientCacheNum: number | undefined): ResourceResult {
  const upToDate = clientCacheNum === CERT_CACHE_NUMBER && !c.faults.has('kms.certcache-repeats-current');
  const certificates = upToDate ? [] : [c.keyStore.rootCertificate(), ...c.keyStore.externalCertificates()].map(certificateModel);
  return { ok: true, message: { certCache: { cacheNum: String(CERT_CACHE_NUMBER), certificates } } };
}

/** D.2.6: one certificate by KMS URI, in a KmsCertCache; an error when the KMS has none for it. */
function cert(c: ResourceContext, kmsUri: string): ResourceResult {
  const found = kmsUri === KMS_URI ? c.keyStore.rootCertificate() : c.keyStore.externalCertificate(kmsUri);
  if (!found) return { ok: false, status: 404, code: 'unknown-kms', reason: `no certificate for KMS '${clip(kmsUri)}'` };
  return { ok: true, message: { certCache: { cacheNum: String(CERT_CACHE_NUMBER), certificates: [certificateModel(found)] } } };
}

/** D.2.7: the KMS URI(s) permitted for a SIP URI, by its domain. */
function lookup(uri: string, faults: FaultSet): ResourceResult {
  const domain = /@([^;?>\s]+)/.exec(uri)?.[1]?.toLowerCase();
  if (!domain) return { ok: false, status: 400, code: 'bad-uri', reason: `'${clip(uri)}' is not a SIP URI with a domain` };
  let kmsUris: string[] | undefined;
  if (domain === HOME_SIP_DOMAIN) kmsUris = [KMS_URI];
  else {
    const external = EXTERNAL_KMSS.find((e) => e.sipDomain === domain);
    if (external) kmsUris = [external.kmsUri];
  }
  if (!kmsUris) return { ok: false, status: 404, code: 'unknown-domain', reason: `no KMS is known for domain '${clip(domain)}'` };
  if (faults.has('kms.lookup-wrong-kms')) kmsUris = ['kms.wrong.example.invalid'];
  return { ok: true, message: { lookup: { userUri: uri, kmsUris } } };
}

/** D.2.8: KRRs uploaded for audit; no answer unless something is wrong. */
function redirect(c: ResourceContext): ResourceResult {
  const krrs = c.request?.request.krrList ?? [];
  if (krrs.length === 0) return { ok: false, status: 400, code: 'no-krr', reason: 'a redirect upload must carry a KmsRequest with one or more KRRs (D.2.8)' };
  if (!c.faults.has('kms.accepts-malformed-krr')) {
    for (const [i, krr] of krrs.entries()) {
      const problem = c.krrProblem(krr);
      if (problem) return { ok: false, status: 400, code: 'bad-krr', reason: `KRR ${i + 1}: ${problem}` };
    }
  }
  return { ok: true, noContent: true };
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}
