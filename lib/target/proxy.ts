/**
 * What the target sections of the signalling proxies (csProxy, isProxy)
 * share: a UDP next hop the suite listens on, the proxy's KMS policy, and
 * the KRR signing identities.
 */
export const UDP_HOP = {
  type: 'object',
  additionalProperties: false,
  required: ['transport', 'address', 'port'],
  properties: { transport: { enum: ['udp'] }, address: { type: 'string', minLength: 1 }, port: { type: 'integer', minimum: 1, maximum: 65535 } },
};

const PEM_CERT = { type: 'string', pattern: '-----BEGIN CERTIFICATE-----', 'x-expected': 'a PEM certificate' };

/** The parts of a proxy section the CS and IS proxy share: KMS policy and KRR signing identities. */
export const PROXY_KMS_SCHEMA = {
  kms: {
    type: 'object',
    additionalProperties: false,
    required: ['acceptable', 'unacceptable'],
    properties: { acceptable: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }, unacceptable: { type: 'string', minLength: 1 } },
  },
  krrCertificatePem: PEM_CERT,
  krrSigner: {
    type: 'object',
    additionalProperties: false,
    required: ['keyPem', 'certPem'],
    properties: { keyPem: { $ref: '#/definitions/secret', description: 'The PEM private key (P-256) the suite signs its KRRs with; secret.' }, certPem: PEM_CERT },
  },
} as const;

/** Problems the schemas cannot express, one per field, for the `csProxy` or `isProxy` section. */
export function checkProxyKms(doc: Record<string, unknown>, section: 'csProxy' | 'isProxy'): string[] {
  const s = doc[section] as { kms?: { acceptable?: unknown; unacceptable?: unknown } } | undefined;
  const acceptable = s?.kms?.acceptable;
  if (!Array.isArray(acceptable) || typeof s?.kms?.unacceptable !== 'string') return [];
  return acceptable.includes(s.kms.unacceptable) ? [`${section}.kms.unacceptable: expected a KMS URI that is not in ${section}.kms.acceptable`] : [];
}
