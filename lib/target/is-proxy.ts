/**
 * The `isProxy` section of a target file (role is-proxy, 5.2.8, Annex I.3):
 * the signalling proxy at the edge of an MC domain. The suite plays both
 * sides: the domain (its MCX server, listening at `internalNextHop`, where
 * the proxy forwards what comes from outside) and the partner domain
 * (listening at `externalNextHop`, where it forwards what leaves).
 */
import { SIP_ENTRY_SCHEMA, SIP_URI, type SipEntryPoint } from './mcx-server.ts';

type UdpHop = { transport: 'udp'; address: string; port: number };

export interface IsProxyTarget {
  /** Where the domain sends signalling that leaves it. */
  internalSide: SipEntryPoint & { transport: 'udp' };
  /** Where the partner domain sends signalling that enters. */
  externalSide: SipEntryPoint & { transport: 'udp' };
  /** Where the proxy forwards what enters the domain: the suite listens here as the domain's MCX server. */
  internalNextHop: UdpHop;
  /** Where the proxy forwards what leaves the domain: the suite listens here as the partner domain. */
  externalNextHop: UdpHop;
  /** A user of the proxy's domain (IDRi or IDRr of the MIKEY messages), and one of the partner domain. */
  user: { uri: string };
  peer: { uri: string };
  /** The proxy's KMS policy for the domain's user: its acceptable Home and Migration KMS URIs, and one it refuses. */
  kms: { acceptable: string[]; unacceptable: string };
  krrCertificatePem?: string;
  krrSigner?: { keyPem: string; certPem: string };
}

const UDP_ENTRY = { ...SIP_ENTRY_SCHEMA, properties: { ...SIP_ENTRY_SCHEMA.properties, transport: { enum: ['udp'] } } };
const UDP_HOP = {
  type: 'object',
  additionalProperties: false,
  required: ['transport', 'address', 'port'],
  properties: { transport: { enum: ['udp'] }, address: { type: 'string', minLength: 1 }, port: { type: 'integer', minimum: 1, maximum: 65535 } },
};
const PEM_CERT = { type: 'string', pattern: '-----BEGIN CERTIFICATE-----', 'x-expected': 'a PEM certificate' };
const PARTY = { type: 'object', additionalProperties: false, required: ['uri'], properties: { uri: SIP_URI } };

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

export const IS_PROXY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['internalSide', 'externalSide', 'internalNextHop', 'externalNextHop', 'user', 'peer', 'kms'],
  properties: { internalSide: UDP_ENTRY, externalSide: UDP_ENTRY, internalNextHop: UDP_HOP, externalNextHop: UDP_HOP, user: PARTY, peer: PARTY, ...PROXY_KMS_SCHEMA },
} as const;

/** Problems the schemas cannot express, one per field, for the `csProxy` or `isProxy` section. */
export function checkProxyKms(doc: Record<string, unknown>, section: 'csProxy' | 'isProxy'): string[] {
  const s = doc[section] as { kms?: { acceptable?: unknown; unacceptable?: unknown } } | undefined;
  const acceptable = s?.kms?.acceptable;
  if (!Array.isArray(acceptable) || typeof s?.kms?.unacceptable !== 'string') return [];
  return acceptable.includes(s.kms.unacceptable) ? [`${section}.kms.unacceptable: expected a KMS URI that is not in ${section}.kms.acceptable`] : [];
}
