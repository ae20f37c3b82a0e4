/**
 * Bounds on what the parser, framers and body decoders accept, so that a
 * hostile peer costs bounded memory and time. A message past a bound is
 * reported (rule 'limit.*'), never half-processed.
 */
export interface SipLimits {
  /** Whole message, head + body (octets). */
  maxMessageSize: number;
  /** One header line, folded continuation lines included (octets). */
  maxHeaderLine: number;
  maxHeaderCount: number;
  /** multipart inside multipart. */
  maxMultipartDepth: number;
  maxMultipartParts: number;
}

export const DEFAULT_LIMITS: Readonly<SipLimits> = {
  maxMessageSize: 256 * 1024,
  maxHeaderLine: 8 * 1024,
  maxHeaderCount: 256,
  maxMultipartDepth: 4,
  maxMultipartParts: 32,
};

export function limitsWith(over: Partial<SipLimits> = {}): SipLimits {
  return { ...DEFAULT_LIMITS, ...over };
}
