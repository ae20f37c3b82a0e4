import type { KmsCertificate, KmsMessage } from '../../lib/kms-xml/model.ts';
import type { XmlElement } from '../../lib/kms-xml/xml.ts';
import type { FaultSet } from '../fault.ts';
import type { TokenGrant } from './access-token.ts';
import { authorisedIdentity } from './authorised-identity.ts';
import { CERT_CACHE_NUMBER, EXTERNAL_KMSS, HOME_SIP_DOMAIN, KMS_URI, MAX_KEY_PERIOD_DISTANCE } from './config.ts';
import { certificateModel, keySetModel, type ProtectKey } from './documents.ts';
import { applyCertificateFaults, applyKeySetFaults, underscoreFieldNames } from './fault-effects.ts';
import type { KeyStore, KmsCertificateData } from './key-store.ts';
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
  /** How many KmsInit answers this KMS has given (kms.init-rotates-root-certificate). */
  initCount: number;
}

/** The identities whose keys the token entitles the client to: its MC service IDs and their Authorised Identities (9.6.3.2). */
export function entitledIdentities(grant: TokenGrant, faults: FaultSet): string[] {
  const plain = [...grant.identities];
  if (grant.authorisationScopes.length === 0 || faults.has('kms.authorised-identity-missing')) return plain;
  const extra = faults.has('kms.authorised-identity-extra-bits') ? { header: 'mc-role-client', bit: 7 } : undefined;
  const authorised: string[] = [];
  for (const id of plain) {
    let identity = authorisedIdentity(id, grant.authorisationScopes, extra);
    if (identity && faults.has('kms.authorised-identity-bad-hname')) identity = underscoreFieldNames(identity);
    if (identity && faults.has('kms.authorised-identity-long-field')) identity = identity.replace(/(mc-role-client=[0-9a-f]+)/, `$1${'00'.repeat(130)}`);
    if (identity && !plain.includes(identity) && !authorised.includes(identity)) authorised.push(identity);
  }
  return [...plain, ...authorised];
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
      return lookup(c, c.route.uri);
    case 'redirect':
      return redirect(c);
  }
}

function certificate(c: ResourceContext, data: KmsCertificateData, where: 'init' | 'cache' | 'cert'): KmsCertificate {
  return applyCertificateFaults(certificateModel(data), where, c.faults);
}

/** D.3.1: KmsInit carries the Root certificate and, to a client that named its TrK, a new TrK (D.3.4.1). */
function init(c: ResourceContext): ResourceResult {
  if (c.faults.has('kms.init-answers-keyprov')) return keyProv(c, { kind: 'keyprov' });
  const root = c.faults.has('kms.init-rotates-root-certificate') ? c.keyStore.rootCertificate(`cert${c.initCount + 2}.${KMS_URI}`) : c.keyStore.rootCertificate();
  const newTrk = c.wrapNewKey ? c.keys.create('TrK') : undefined;
  return {
    ok: true,
    message: { init: { certificate: certificate(c, root, 'init'), newTransportKey: newTrk && c.wrapNewKey?.(newTrk) } },
  };
}

/** D.2.4, D.3.3: one key set per entitled identity for the current key period, or the named identity and time. */
function keyProv(c: ResourceContext, route: Extract<KmsRoute, { kind: 'keyprov' }>): ResourceResult {
  const { faults, keyStore } = c;
  // kms.keyprov-answers-init: a plain KeyProvision (no identity or time in the path) gets what KMS Initialize gets.
  if (faults.has('kms.keyprov-answers-init') && route.identity === undefined && !faults.has('kms.init-answers-keyprov')) return init(c);
  const entitled = entitledIdentities(c.grant, faults);
  // kms.keyprov-omits-identity drops the plain identities after the first; Authorised Identities stay (9.6.3.2 is not its fault).
  let identities = faults.has('kms.keyprov-omits-identity') ? entitled.filter((id, i) => i === 0 || !c.grant.identities.includes(id)) : entitled;
  // The plain identities stay entitled (the request's UserUri is still accepted); only their key sets are left out.
  if (faults.has('kms.authorised-identity-replaces-plain') && identities.length > c.grant.identities.length) {
    identities = identities.filter((id) => !c.grant.identities.includes(id));
  }
  if (route.identity !== undefined) {
    // kms.keyprov-other-uri-answers-requester: a URI the token does not entitle (a group's, a server's) gets the requester's own key sets.
    if (!entitled.includes(route.identity) && faults.has('kms.keyprov-other-uri-answers-requester')) route = { ...route, identity: undefined };
    else if (!entitled.includes(route.identity) && !faults.has('kms.keyprov-issues-foreign-identity')) {
      return { ok: false, status: 403, code: 'identity-not-authorised', reason: `the access token does not entitle the client to keys for '${clip(route.identity)}'` };
    }
    if (route.identity !== undefined) identities = faults.has('kms.keyprov-ignores-named-identity') ? [] : [route.identity];
  }
  const current = keyStore.currentKeyPeriod();
  let period = faults.has('kms.stale-key-period') ? current - 1 : current;
  if (route.ntpSeconds !== undefined && !faults.has('kms.keyprov-ignores-requested-time')) {
    try {
      period = keyStore.currentKeyPeriod(route.ntpSeconds);
    } catch {
      return { ok: false, status: 400, code: 'bad-time', reason: 'the requested time is before the first key period' };
    }
    if (Math.abs(period - current) > MAX_KEY_PERIOD_DISTANCE) {
      return { ok: false, status: 403, code: 'period-out-of-range', reason: `key period ${period} is more than ${MAX_KEY_PERIOD_DISTANCE} periods from the current one (${current})` };
    }
  }
  const keySets = identities.map((id) =>
    applyKeySetFaults(keySetModel(keyStore.keySet(id, period), c.protectKey), faults, () => keyStore.uid(id, period + 1), keyStore.keyPeriod),
  );
  return { ok: true, message: { keyProv: { keySets } } };
}

/** D.2.5: the Root and External certificates with the cache number; nothing repeated to a client that has this number. */
function certCache(c: ResourceContext, clientCacheNum: number | undefined): ResourceResult {
  const { faults, keyStore } = c;
  if (clientCacheNum === undefined && faults.has('kms.certcache-wrong-container')) {
    return { ok: true, message: { lookup: { kmsUris: [KMS_URI, ...EXTERNAL_KMSS.map((e) => e.kmsUri)] } } };
  }
  const upToDate = clientCacheNum === CERT_CACHE_NUMBER && !faults.has('kms.certcache-repeats-current');
  const certificates: KmsCertificate[] = [];
  if (!upToDate) {
    certificates.push(certificate(c, keyStore.rootCertificate(), 'cache'));
    if (faults.has('kms.certcache-duplicate-kms-uri')) certificates.push(certificate(c, keyStore.rootCertificate(`cert2.${KMS_URI}`), 'cache'));
    if (!faults.has('kms.certcache-omits-external')) certificates.push(...keyStore.externalCertificates().map((e) => certificate(c, e, 'cache')));
  }
  return { ok: true, message: { certCache: { cacheNum: String(CERT_CACHE_NUMBER), certificates } } };
}

/** D.2.6: one certificate by KMS URI, in a KmsCertCache; an error when the KMS has none for it. */
function cert(c: ResourceContext, kmsUri: string): ResourceResult {
  const { faults, keyStore } = c;
  let found = kmsUri === KMS_URI ? keyStore.rootCertificate() : keyStore.externalCertificate(kmsUri);
  if (!found) {
    if (faults.has('kms.cert-unknown-no-error')) return { ok: true, message: { certCache: { cacheNum: String(CERT_CACHE_NUMBER), certificates: [] } } };
    return { ok: false, status: 404, code: 'unknown-kms', reason: `no certificate for KMS '${clip(kmsUri)}'` };
  }
  if (faults.has('kms.cert-returns-wrong-certificate')) found = keyStore.rootCertificate();
  const certificates = [certificate(c, found, 'cert')];
  if (faults.has('kms.cert-returns-two-certificates')) certificates.push(certificate(c, keyStore.rootCertificate(), 'cert'));
  return { ok: true, message: { certCache: { cacheNum: String(CERT_CACHE_NUMBER), certificates } } };
}

/** D.2.7: the KMS URI(s) permitted for a SIP URI, by its domain. */
function lookup(c: ResourceContext, uri: string): ResourceResult {
  const domain = /@([^;?>\s]+)/.exec(uri)?.[1]?.toLowerCase();
  if (!domain) return { ok: false, status: 400, code: 'bad-uri', reason: `'${clip(uri)}' is not a SIP URI with a domain` };
  let kmsUris: string[] | undefined;
  if (domain === HOME_SIP_DOMAIN) kmsUris = [KMS_URI];
  else {
    const external = EXTERNAL_KMSS.find((e) => e.sipDomain === domain);
    if (external) kmsUris = [external.kmsUri];
  }
  if (!kmsUris) return { ok: false, status: 404, code: 'unknown-domain', reason: `no KMS is known for domain '${clip(domain)}'` };
  if (c.faults.has('kms.lookup-wrong-container')) {
    const found = kmsUris[0] === KMS_URI ? c.keyStore.rootCertificate() : c.keyStore.externalCertificate(kmsUris[0])!;
    return { ok: true, message: { certCache: { cacheNum: String(CERT_CACHE_NUMBER), certificates: [certificate(c, found, 'cert')] } } };
  }
  return { ok: true, message: { lookup: { userUri: uri, kmsUris } } };
}

/** D.2.8: KRRs uploaded for audit; no answer unless something is wrong. */
function redirect(c: ResourceContext): ResourceResult {
  const { faults } = c;
  if (faults.has('kms.redirect-refuses-valid-krr')) return { ok: false, status: 400, code: 'redirect-refused', reason: 'redirect uploads are not accepted' };
  if (!faults.has('kms.redirect-accepts-malformed-krr')) {
    const krrs = c.request?.request.krrList ?? [];
    if (krrs.length === 0) return { ok: false, status: 400, code: 'no-krr', reason: 'a redirect upload must carry a KmsRequest with one or more KRRs (D.2.8)' };
    for (const [i, krr] of krrs.entries()) {
      const problem = c.krrProblem(krr);
      if (problem) return { ok: false, status: 400, code: 'bad-krr', reason: `KRR ${i + 1}: ${problem}` };
    }
  }
  if (faults.has('kms.redirect-answers-with-message')) return { ok: true, message: { certCache: { cacheNum: String(CERT_CACHE_NUMBER), certificates: [] } } };
  return { ok: true, noContent: true };
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}
