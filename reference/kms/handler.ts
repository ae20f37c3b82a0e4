import type { KmsMessage, KmsRequest, KmsResponse } from '../../lib/kms-xml/model.ts';
import { xsdDateTime } from '../../lib/kms-xml/model.ts';
import type { XmlElement } from '../../lib/kms-xml/xml.ts';
import type { FaultSet } from '../fault.ts';
import type { TokenVerifier, TokenGrant } from './access-token.ts';
import { KMS_URI } from './config.ts';
import { clearKey, keySetModel, type ProtectKey } from './documents.ts';
import { keySetElement } from '../../lib/kms-xml/build.ts';
import type { KmsHttpHandler, KmsHttpRequest, KmsHttpResponse } from './http-server.ts';
import type { KeyStore } from './key-store.ts';
import { checkKmsRequest, type CheckedRequest, type ReceivedRequest } from './request-checks.ts';
import { entitledIdentities, serveResource } from './resources.ts';
import { parseRoute, type KmsRoute } from './routes.ts';
import type { TransportKey, TransportKeyRing } from './transport-keys.ts';

/**
 * The KMS request pipeline (Annex D): method, resource, content type,
 * access token (5.1.3.1), payload checks (D.2.2), the resource's answer,
 * then the KmsResponse envelope with TrK encryption and HMAC signature
 * (D.3.1, 9.3.3). Every refusal is an HTTP error with a KmsError body.
 */
export interface KmsXmlCodec {
  /** Parses a KmsRequest / SignedKmsRequest body without expanding entities. */
  parseRequest(text: string): Promise<{ ok: true; received: ReceivedRequest } | { ok: false; reason: string }>;
  /**
   * Serializes the response, signed with `signWith` (Signature-ID already set)
   * when given; `lookupKeySet` feeds kms.lookup-carries-key-set.
   */
  responseXml(response: KmsResponse, signWith?: TransportKey, extras?: { lookupKeySet?: () => XmlElement }): string;
  /** Replaces the KmsMessage content with an xenc:EncryptedData under the TrK (D.3.1). */
  encryptMessage(message: KmsMessage, trk: TransportKey, userUri: string, extras?: { lookupKeySet?: () => XmlElement }): KmsMessage;
  /** Key material as an xenc:EncryptedKey wrapped (kw-aes256) under the TrK's F.1.4 key for `userUri` (9.3.4.2). */
  wrapKey(trk: TransportKey, key: Uint8Array, userUri: string, carriedKeyName?: string): XmlElement;
  /** Why a KRR element is not acceptable (D.4), or undefined. */
  krrProblem(krr: XmlElement): string | undefined;
}

export interface HandlerDeps {
  codec: KmsXmlCodec;
  verifyToken: TokenVerifier;
  keyStore: KeyStore;
  keys: TransportKeyRing;
  faults: FaultSet;
}

const XML_CONTENT_TYPE = /^\s*(application|text)\/([A-Za-z0-9.+-]+\+)?xml\s*(;.*)?$/i;
const RESPONSE_CONTENT_TYPE = 'application/xml; charset=utf-8';

/** Whose keys an unauthenticated request gets (kms.accepts-missing-token without a KmsRequest). */
const ANONYMOUS_USER = 'sip:anonymous@mcx.example.org';

export function createKmsHandler(deps: HandlerDeps): KmsHttpHandler {
  let initCount = 0;
  return async (http) => {
    const refuse = (status: number, code: string, reason: string, extra: Partial<KmsResponse> = {}, headers: Record<string, string> = {}) =>
      errorResponse(deps.codec, status, code, reason, { clientReqUrl: http.url, ...extra }, headers);

    const method = http.method === 'GET' && deps.faults.has('kms.serves-get') ? 'POST' : http.method;
    if (method !== 'POST') return refuse(405, 'method-not-allowed', `${clipMethod(http.method)} is not allowed: KMS requests are POSTs (D.2.1)`, {}, { allow: 'POST' });
    const path = http.rawPath.split('?')[0];
    const routed = parseRoute(path);
    if (!routed.ok) return refuse(routed.status, routed.status === 404 ? 'not-found' : 'bad-path', routed.reason);

    if (http.body.length === 0 && deps.faults.has('kms.requires-request-body')) return refuse(400, 'malformed-request', 'a KmsRequest payload is required');
    const text = http.body.length > 0 ? decodeUtf8(http.body) : '';
    if (http.body.length > 0) {
      if (!XML_CONTENT_TYPE.test(String(http.headers['content-type'] ?? ''))) {
        return refuse(415, 'unsupported-media-type', 'a KMS request payload must be XML (D.2.2)');
      }
      if (text === undefined) return refuse(400, 'bad-encoding', 'the request body is not UTF-8');
    }

    const asserted = deps.faults.has('kms.trusts-asserted-identity-header') ? assertedIdentity(http) : undefined;
    const token = asserted ? assertedGrant(asserted) : await deps.verifyToken(header(http, 'authorization'));
    if (!token.ok) {
      if (token.status === 401 && deps.faults.has('kms.refuses-with-403-plain')) return plainRefusal(403, token.reason);
      const challenge = `Bearer error="${token.error}", error_description="${token.reason.replace(/["\\]/g, '')}"`;
      return refuse(token.status, token.error, token.reason, {}, { 'www-authenticate': challenge });
    }
    let grant = token.grant;

    let received: ReceivedRequest | undefined;
    let checked: CheckedRequest = {};
    if (text) {
      const parsed = await deps.codec.parseRequest(text);
      if (!parsed.ok) return refuse(400, 'malformed-request', parsed.reason, { userUri: grant.identities[0] });
      received = parsed.received;
      if (deps.faults.has('kms.accepts-invalid-request-xml')) received = { ...received, request: fillMissing(received.request, http.url, grant) };
      if (grant.unauthenticated) grant = { ...grant, identities: [received.request.userUri] };
      const check = checkKmsRequest(received, { postedUrl: http.url, identities: entitledIdentities(grant, deps.faults), keys: deps.keys, faults: deps.faults });
      if (!check.ok && deps.faults.has('kms.refuses-with-400-plain')) return plainRefusal(400, check.reason);
      if (!check.ok) return refuse(check.status, check.code, check.reason, { userUri: received.request.userUri, clientReqUrl: received.request.clientReqUrl });
      checked = check.checked;
    }
    if (grant.identities.length === 0) grant = { ...grant, identities: [ANONYMOUS_USER] };

    const trk = checked.trk;
    const userUri = received?.request.userUri ?? userUriOf(routed.route, grant);
    const protectKey: ProtectKey = trk && !deps.faults.has('kms.clear-key-material') ? (_name, key) => ({ encrypted: deps.codec.wrapKey(trk, key, userUri) }) : clearKey;
    let result;
    try {
      result = serveResource({
        route: routed.route,
        grant,
        request: received,
        keyStore: deps.keyStore,
        keys: deps.keys,
        faults: deps.faults,
        protectKey,
        wrapNewKey: trk ? (key) => deps.codec.wrapKey(trk, key.key, userUri, key.id) : undefined,
        krrProblem: deps.codec.krrProblem,
        initCount: routed.route.kind === 'init' ? initCount++ : initCount,
      });
    } catch (err) {
      return refuse(500, 'internal-error', `the KMS could not build the answer (${err instanceof Error ? err.message : 'error'})`);
    }
    if (!result.ok) return refuse(result.status, result.code, result.reason, { userUri: received?.request.userUri ?? grant.identities[0] });
    if (result.noContent) return { status: 204 };

    const signWith = signingKey(checked, deps.faults);
    const lookupKeySet = () => keySetElement(keySetModel(deps.keyStore.keySet(userUri, deps.keyStore.currentKeyPeriod()), protectKey));
    let message = result.message;
    if (message && trk) message = deps.codec.encryptMessage(message, trk, userUri, { lookupKeySet });
    const response: KmsResponse = {
      userUri,
      kmsUri: KMS_URI,
      time: xsdDateTime(),
      kmsId: KMS_URI,
      clientReqUrl: echoedClientReqUrl(http, received?.request.clientReqUrl, deps.faults),
      message,
      trkId: trk?.id,
      signatureId: signWith && !(signWith.kind === 'TrK' && deps.faults.has('kms.signature-id-missing')) ? signWith.id : undefined,
    };
    const contentType = deps.faults.has('kms.answers-text-plain') ? 'text/plain; charset=utf-8' : RESPONSE_CONTENT_TYPE;
    return { status: 200, headers: { 'content-type': contentType }, body: deps.codec.responseXml(response, signWith, { lookupKeySet }) };
  };
}

/**
 * 5.3.2, D.3.1: responses to a client that shares keys with the KMS are
 * signed, with the InK when the request used one, else with the TrK.
 */
function signingKey(checked: CheckedRequest, faults: FaultSet): TransportKey | undefined {
  if (checked.signingKey?.kind === 'InK' && !faults.has('kms.signs-with-trk-despite-ink')) return checked.signingKey;
  return checked.trk ?? (checked.signingKey?.kind === 'TrK' ? checked.signingKey : undefined);
}

/** A KmsResponse carrying a KmsError (D.3.5.1): the body of every refusal. */
export function errorResponse(
  codec: Pick<KmsXmlCodec, 'responseXml'>,
  status: number,
  code: string,
  reason: string,
  fields: Partial<KmsResponse> = {},
  headers: Record<string, string> = {},
): KmsHttpResponse {
  const response: KmsResponse = {
    userUri: fields.userUri ?? '',
    kmsUri: KMS_URI,
    time: xsdDateTime(),
    kmsId: KMS_URI,
    clientReqUrl: fields.clientReqUrl ?? '',
    error: { code: String(status), message: `${code}: ${reason}` },
  };
  return { status, headers: { 'content-type': RESPONSE_CONTENT_TYPE, ...headers }, body: codec.responseXml(response) };
}

/** kms.refuses-with-403-plain, kms.refuses-with-400-plain: a refusal as bare text, no KmsError, no challenge. */
function plainRefusal(status: number, reason: string): KmsHttpResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `refused: ${reason}` };
}

/** kms.accepts-invalid-request-xml: required fields the request lacks are taken as if they were right. */
function fillMissing(request: KmsRequest, url: string, grant: TokenGrant): KmsRequest {
  return {
    ...request,
    userUri: request.userUri || grant.identities[0] || ANONYMOUS_USER,
    kmsUri: request.kmsUri || KMS_URI,
    time: request.time || xsdDateTime(),
    clientReqUrl: request.clientReqUrl || url,
  };
}

function userUriOf(route: KmsRoute, grant: TokenGrant): string {
  if (route.kind === 'keyprov' && route.identity) return route.identity;
  return grant.identities[0] ?? '';
}

/**
 * kms.trusts-asserted-identity-header: the identity a proxy would assert
 * (X-3GPP-Asserted-Identity, P-Asserted-Identity), taken from any client.
 */
function assertedIdentity(http: KmsHttpRequest): string | undefined {
  const value = header(http, 'x-3gpp-asserted-identity') ?? header(http, 'p-asserted-identity');
  const uri = value?.trim().replace(/^"(.*)"$/, '$1').replace(/^<(.*)>$/, '$1');
  return uri || undefined;
}

function assertedGrant(identity: string): { ok: true; grant: TokenGrant } {
  return { ok: true, grant: { identities: [identity], scopes: ['3gpp:mc:ptt_key_management_service'], authorisationScopes: [] } };
}

function header(http: KmsHttpRequest, name: string): string | undefined {
  const v = http.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function decodeUtf8(body: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

function clipMethod(method: string): string {
  return method.replace(/[^A-Z]/gi, '').slice(0, 16) || 'this method';
}

/** The ClientReqUrl a KmsResponse echoes (D.3.1): the absolute URI the client requested, unless a fault says otherwise. */
function echoedClientReqUrl(http: KmsHttpRequest, requested: string | undefined, faults: HandlerDeps['faults']): string {
  if (faults.has('kms.response-echo-mismatch')) return `${KMS_URI}/mismatch`;
  if (faults.has('kms.echoes-relative-client-req-url')) {
    const path = http.rawPath.split('?')[0]!;
    try {
      return decodeURIComponent(path);
    } catch {
      return path;
    }
  }
  return requested ?? http.url;
}
