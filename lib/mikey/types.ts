/**
 * The decoded tree of a MIKEY-SAKKE I_MESSAGE. Every node carries the byte
 * offset and length it came from (absent on nodes built by hand), and
 * `fields` maps each field name to its span so a finding can point at the
 * exact octets.
 */
export interface Span {
  offset: number;
  length: number;
}

export interface Located {
  offset?: number;
  length?: number;
  /** Field name -> span within the message. */
  fields?: Record<string, Span>;
}

export interface SrtpIdEntry {
  policyNo: number;
  ssrc: number;
  roc: number;
}

/** One crypto session of a GENERIC-ID map (RFC 6043 section 6.1.1). */
export interface GenericIdEntry extends Located {
  csId: number;
  protType: number;
  sFlag: boolean;
  policies: number[];
  sessionData: Uint8Array;
  spi: Uint8Array;
}

export interface HdrPayload extends Located {
  kind: 'HDR';
  version: number;
  dataType: number;
  /** Next payload as found (parse) or as written (build). */
  nextPayload?: number;
  vFlag: boolean;
  prfFunc: number;
  csbId: number;
  csCount: number;
  csIdMapType: number;
  /** Present for map type 2. */
  genericIds?: GenericIdEntry[];
  /** Present for map type 0. */
  srtpIds?: SrtpIdEntry[];
  /** Raw map info for any other map type (building only; parsing rejects unknown types). */
  rawMapInfo?: Uint8Array;
}

export interface TPayload extends Located {
  kind: 'T';
  nextPayload?: number;
  tsType: number;
  value: Uint8Array;
}

export interface RandPayload extends Located {
  kind: 'RAND';
  nextPayload?: number;
  rand: Uint8Array;
}

export interface IdrPayload extends Located {
  kind: 'IDR';
  nextPayload?: number;
  role: number;
  idType: number;
  data: Uint8Array;
}

/** RFC 3830 ID payload (6.7), without a role; not expected in MIKEY-SAKKE but decoded. */
export interface IdPayload extends Located {
  kind: 'ID';
  nextPayload?: number;
  idType: number;
  data: Uint8Array;
}

export interface PolicyParam extends Located {
  type: number;
  value: Uint8Array;
}

export interface SpPayload extends Located {
  kind: 'SP';
  nextPayload?: number;
  policyNo: number;
  protType: number;
  params: PolicyParam[];
}

export interface SakkePayload extends Located {
  kind: 'SAKKE';
  nextPayload?: number;
  sakkeParams: number;
  idScheme: number;
  data: Uint8Array;
}

export interface GeneralExtPayload extends Located {
  kind: 'GENERAL_EXT';
  nextPayload?: number;
  extType: number;
  data: Uint8Array;
  /** For type 6 (SAKKE-to-self, E.5): the encapsulated SAKKE payload, offsets absolute. */
  sakke?: SakkePayload;
}

export interface SignPayload extends Located {
  kind: 'SIGN';
  sType: number;
  /** Signature len field as found; when building, defaults to signature.length. */
  declaredLength?: number;
  signature: Uint8Array;
}

export type Payload = TPayload | RandPayload | IdrPayload | IdPayload | SpPayload | SakkePayload | GeneralExtPayload | SignPayload;

export interface MikeyMessage {
  hdr: HdrPayload;
  /** Payloads after HDR in wire order; a SIGN payload, if any, is last. */
  payloads: Payload[];
  /** The octets parsed (parse only). */
  bytes?: Uint8Array;
  /** Number of octets covered by the signature: everything before the signature value (parse only, when SIGN is present). */
  signedLength?: number;
}

export interface DecodeError {
  offset: number;
  reason: string;
  /** Where in the tree the decoder was, e.g. 'IDR[3].data'. */
  field: string;
}

export type DecodeResult = { ok: true; message: MikeyMessage } | { ok: false; error: DecodeError };
