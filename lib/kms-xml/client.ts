/**
 * A KM client (5.3.3, Annex D) for the suites: builds the KmsRequest
 * (KmsUri, Time, ClientReqUrl, UserUri, TrK-ID, optional HMAC signature),
 * POSTs it with the bearer token over lib/http/client.ts, and opens the
 * answer (parse, verify, decrypt). It never throws for what the KMS does.
 * Exchanges are handed to `onExchange` only after decrypted secrets have
 * been passed to `onSecret`, so evidence can be redacted first.
 */
import { HttpClient, type HttpResult } from '../http/client.ts';
import { xsdDateTime, type KmsRequest } from './model.ts';
import { KMS_ROOT_PATH, type KmsRequestType } from './namespaces.ts';
import { openKmsResponse, redactKeyMaterialXml, type OpenedResponse } from './open.ts';
import { protectedRequestXml } from './protect.ts';
import type { KeyDerivation, SharedKey } from './keys.ts';
import type { Target } from '../target/types.ts';

export const KMS_CONTENT_TYPE = 'application/xml';
export const DEFAULT_KMS_MAX_BODY = 1024 * 1024;
export const DEFAULT_KMS_TIMEOUT_MS = 30_000;

export interface KmClientOptions {
  /** Base URL ending in /keymanagement/identity/v1. */
  baseUrl: string;
  kmsUri: string;
  caPem?: string;
  verifyTls: boolean;
  trk?: SharedKey;
  ink?: SharedKey;
  /** Sign requests (SignedKmsRequest) with the InK, else the TrK. */
  signRequests: boolean;
  derivation?: KeyDerivation;
  maxBodyBytes?: number;
  timeoutMs?: number;
  onSecret?: (value: string) => void;
  onExchange?: (exchange: KmsExchange) => void;
}

export interface KmsCall {
  type: KmsRequestType;
  /** Path segments after the type (each percent-encoded by the client unless `rawPath`). */
  path?: string[];
  rawPath?: string;
  /** The user the request is made for (UserUri). */
  userUri: string;
  accessToken?: string;
  method?: 'POST' | 'GET';
  /** Field overrides for negative tests (KmsUri, Time, ClientReqUrl, ...). */
  overrides?: Partial<KmsRequest>;
  /** Leave the TrK-ID out (default: sent when the client has a TrK). */
  omitTrkId?: boolean;
  /** null: send unsigned; a key: sign with it instead of the default. */
  signWith?: SharedKey | null;
  /** Flip a bit of the request's SignatureValue (negative test of D.2.2). */
  corruptSignature?: boolean;
  /** Send this body instead of the built request. */
  rawBody?: string;
  /** Extra HTTP request headers (e.g. an identity assertion header a client must not be trusted with, 5.3.3). */
  headers?: Record<string, string>;
  label?: string;
}

export interface KmsExchange {
  label: string;
  url: string;
  method: string;
  requestXml: string;
  http: HttpResult;
  opened?: OpenedResponse;
}

export class KmClient {
  private readonly http: HttpClient;

  constructor(readonly options: KmClientOptions) {
    this.http = new HttpClient({
      caPem: options.caPem,
      verify: options.verifyTls,
      defaultTimeoutMs: options.timeoutMs ?? DEFAULT_KMS_TIMEOUT_MS,
      defaultMaxBodyBytes: (options.maxBodyBytes ?? DEFAULT_KMS_MAX_BODY) + 1,
    });
  }

  /** The resource URL of a request type (D.2.3 to D.2.8). */
  urlOf(type: KmsRequestType, path: string[] = [], rawPath?: string): string {
    const base = this.options.baseUrl.replace(/\/+$/, '');
    const tail = rawPath ?? path.map((p) => `/${encodeURIComponent(p)}`).join('');
    return `${base}/${type}${tail}`;
  }

  /** The KmsRequest the client would send (before signing). */
  buildRequest(call: KmsCall, url: string): KmsRequest {
    return {
      userUri: call.userUri,
      kmsUri: this.options.kmsUri,
      time: xsdDateTime(),
      clientReqUrl: url,
      trkId: call.omitTrkId ? undefined : this.options.trk?.id,
      ...call.overrides,
    };
  }

  signingKey(call: KmsCall): SharedKey | undefined {
    if (call.signWith === null) return undefined;
    if (call.signWith) return call.signWith;
    if (!this.options.signRequests) return undefined;
    return this.options.ink ?? this.options.trk;
  }

  async send(call: KmsCall): Promise<KmsExchange> {
    const url = this.urlOf(call.type, call.path, call.rawPath);
    const request = this.buildRequest(call, url);
    let requestXml = call.rawBody ?? protectedRequestXml(request, this.signingKey(call), this.options.derivation);
    if (call.corruptSignature) requestXml = corruptSignatureValue(requestXml);
    const method = call.method ?? 'POST';
    const headers: Record<string, string> = { ...call.headers, 'content-type': KMS_CONTENT_TYPE, accept: KMS_CONTENT_TYPE };
    if (call.accessToken) {
      this.options.onSecret?.(call.accessToken);
      headers.authorization = `Bearer ${call.accessToken}`;
    }
    const http = await this.http.request({ url, method, headers, body: method === 'GET' ? undefined : requestXml });
    const exchange: KmsExchange = { label: call.label ?? `${method} ${call.type}`, url, method, requestXml, http };
    const max = this.options.maxBodyBytes ?? DEFAULT_KMS_MAX_BODY;
    if (http.ok && http.bodyText.trim() !== '' && !http.truncated && Buffer.byteLength(http.bodyText) <= max) {
      exchange.opened = openKmsResponse(http.bodyText, { trk: this.options.trk, ink: this.options.ink, userUri: request.userUri }, { maxBytes: max, secret: this.options.onSecret });
    }
    this.options.onExchange?.(exchange);
    return exchange;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** Flips the last bit of the first SignatureValue's decoded octets (base64 re-encoded). */
export function corruptSignatureValue(xml: string): string {
  return xml.replace(/(<(?:[\w.-]+:)?SignatureValue>)([^<]+)(<)/, (_m, open: string, b64: string, close: string) => {
    const bytes = Buffer.from(b64.trim(), 'base64');
    if (bytes.length > 0) bytes[bytes.length - 1] ^= 1;
    return `${open}${bytes.toString('base64')}${close}`;
  });
}

/** Evidence view of an exchange: request and response XML with key material masked. */
export function exchangeEvidence(exchange: KmsExchange): Record<string, unknown> {
  const res = exchange.http;
  return {
    request: { method: exchange.method, url: exchange.url, body: redactKeyMaterialXml(exchange.requestXml) },
    response: res.ok
      ? { status: res.status, headers: res.headers, body: redactKeyMaterialXml(res.bodyText.slice(0, 20_000)), truncated: res.truncated || res.bodyText.length > 20_000 }
      : { error: res.error },
    durationMs: res.durationMs,
    decryptedMessage: exchange.opened?.messageEncryption?.ok && exchange.opened.doc ? 'decrypted (see checks)' : undefined,
  };
}

export { KMS_ROOT_PATH };

/** A client of the target's KMS as the target file describes it (kms section, TLS, ICS kms.signed-requests). */
export function kmClientOf(target: Target, hooks: Pick<KmClientOptions, 'onSecret' | 'onExchange' | 'timeoutMs'>): KmClient | undefined {
  const kms = target.kms;
  if (!kms) return undefined;
  const key = (k: { id: string; keyHex: string } | undefined) => (k ? { id: k.id, key: Uint8Array.from(Buffer.from(k.keyHex, 'hex')) } : undefined);
  return new KmClient({ baseUrl: kms.baseUrl, kmsUri: kms.kmsUri, caPem: target.tls.caPem, verifyTls: target.tls.verify, trk: key(kms.trk), ink: key(kms.ink), signRequests: target.ics['kms.signed-requests'] === true, ...hooks });
}
