import type { KmsRequest } from '../../lib/kms-xml/model.ts';
import type { FaultSet } from '../fault.ts';
import { KMS_URI, REQUEST_TIME_WINDOW_SECONDS } from './config.ts';
import type { TransportKey, TransportKeyRing } from './transport-keys.ts';

/**
 * D.2.2: what the KMS checks in a KmsRequest payload before acting on it:
 * the KmsUri is its own, the Time is recent, the ClientReqUrl is the URL the
 * request was posted to, the UserUri is an identity the access token
 * covers, and, when the request is signed, the HMAC-SHA256 signature
 * verifies with the InK or TrK that Signature-ID names.
 */
export interface ReceivedRequest {
  request: KmsRequest;
  /** Present when the payload was a SignedKmsRequest with a ds:Signature. */
  signature?: {
    /** Verifies the signature with a shared key (its F.1.4 integrity key, 9.3.3); never throws. */
    verify(key: TransportKey): { ok: true } | { ok: false; reason: string };
  };
}

export interface CheckedRequest {
  /** The TrK the client named (TrK-ID), for encrypting key material. */
  trk?: TransportKey;
  /** The key named by Signature-ID (InK or TrK) when the request was signed. */
  signingKey?: TransportKey;
}

export type RequestCheck = { ok: true; checked: CheckedRequest } | { ok: false; status: 400 | 403; code: string; reason: string };

export function checkKmsRequest(
  received: ReceivedRequest,
  context: { postedUrl: string; identities: readonly string[]; keys: TransportKeyRing; faults: FaultSet; now?: number },
): RequestCheck {
  const { request } = received;
  const { faults } = context;
  if (request.kmsUri !== KMS_URI && !faults.has('kms.accepts-foreign-kms-uri')) {
    return refuse(403, 'wrong-kms-uri', `KmsUri '${clip(request.kmsUri)}' is not this KMS (${KMS_URI})`);
  }
  const time = Date.parse(request.time);
  if (Number.isNaN(time)) return refuse(400, 'bad-time', `Time '${clip(request.time)}' is not an xsd:dateTime`);
  const skewSeconds = Math.abs((context.now ?? Date.now()) - time) / 1000;
  if (skewSeconds > REQUEST_TIME_WINDOW_SECONDS && !faults.has('kms.accepts-stale-request-time')) {
    return refuse(403, 'stale-time', `Time is ${Math.round(skewSeconds)} s away from the KMS clock (window ${REQUEST_TIME_WINDOW_SECONDS} s)`);
  }
  if (!sameResource(request.clientReqUrl, context.postedUrl) && !faults.has('kms.accepts-wrong-client-req-url')) {
    return refuse(403, 'wrong-client-req-url', `ClientReqUrl '${clip(request.clientReqUrl)}' is not the URL posted to`);
  }
  if (!context.identities.includes(request.userUri)) {
    return refuse(403, 'wrong-user-uri', `UserUri '${clip(request.userUri)}' is not an identity the access token carries`);
  }
  const checked: CheckedRequest = {};
  if (request.trkId !== undefined) {
    checked.trk = context.keys.find('TrK', request.trkId);
    if (!checked.trk) return refuse(403, 'unknown-trk', `TrK-ID '${clip(request.trkId)}' names no TrK this KMS shares with the client`);
  }
  if (received.signature) {
    if (request.signatureId === undefined) return refuse(400, 'no-signature-id', 'the request is signed but has no Signature-ID (D.2.2)');
    const key = context.keys.find('InK', request.signatureId) ?? context.keys.find('TrK', request.signatureId);
    if (!key) return refuse(403, 'unknown-signature-key', `Signature-ID '${clip(request.signatureId)}' names no InK or TrK this KMS shares with the client`);
    const verified = received.signature.verify(key);
    if (!verified.ok && !faults.has('kms.accepts-bad-request-signature')) {
      return refuse(403, 'bad-signature', `the request signature does not verify with the ${key.kind} named by Signature-ID: ${verified.reason}`);
    }
    checked.signingKey = key;
  } else if (request.signatureId !== undefined) {
    return refuse(400, 'unsigned', 'the request has a Signature-ID but no signature');
  }
  return { ok: true, checked };
}

/** D.2.2: ClientReqUrl names the resource posted to (scheme, host, port and path; percent-encoding normalised). */
export function sameResource(clientReqUrl: string, postedUrl: string): boolean {
  let claimed: URL;
  let actual: URL;
  try {
    claimed = new URL(clientReqUrl);
    actual = new URL(postedUrl);
  } catch {
    return false;
  }
  const path = (u: URL) => {
    try {
      return decodeURIComponent(u.pathname).replace(/\/$/, '');
    } catch {
      return u.pathname;
    }
  };
  return claimed.protocol === actual.protocol && claimed.host === actual.host && path(claimed) === path(actual) && claimed.search === actual.search;
}

function refuse(status: 400 | 403, code: string, reason: string): RequestCheck {
  return { ok: false, status, code, reason };
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}
