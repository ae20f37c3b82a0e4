/**
 * The `isProxy` section of a target file (role is-proxy, 5.2.8, Annex I.3):
 * the signalling proxy at the edge of an MC domain. The suite plays both
 * sides: the domain (its MCX server, listening at `internalNextHop`, where
 * the proxy forwards what comes from outside) and the partner domain
 * (listening at `externalNextHop`, where it forwards what leaves).
 */
import { SIP_ENTRY_SCHEMA, SIP_URI, type SipEntryPoint } from './mcx-server.ts';
import { PROXY_KMS_SCHEMA, UDP_HOP } from './proxy.ts';

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
const PARTY = { type: 'object', additionalProperties: false, required: ['uri'], properties: { uri: SIP_URI } };

export const IS_PROXY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['internalSide', 'externalSide', 'internalNextHop', 'externalNextHop', 'user', 'peer', 'kms'],
  properties: { internalSide: UDP_ENTRY, externalSide: UDP_ENTRY, internalNextHop: UDP_HOP, externalNextHop: UDP_HOP, user: PARTY, peer: PARTY, ...PROXY_KMS_SCHEMA },
} as const;
