/**
 * The `csProxy` section of a target file (role cs-proxy, 5.2.8, Annex I.3):
 * the signalling proxy between MC clients and the MCX server. The suite
 * plays both sides: the MC client in front of the proxy's client side, and
 * the MCX server the proxy forwards to (it listens at `nextHop`, where the
 * vendor has configured the proxy to send), sending towards the client
 * through the proxy's server side.
 */
import { SIP_ENTRY_SCHEMA, SIP_URI, type SipEntryPoint } from './mcx-server.ts';
import { PROXY_KMS_SCHEMA, UDP_HOP } from './proxy.ts';

export interface CsProxyTarget {
  /** Where MC clients send their signalling. */
  clientSide: SipEntryPoint;
  /** Where the MCX server sends signalling towards clients. */
  serverSide: SipEntryPoint;
  /** Where the proxy forwards client signalling: the suite listens here (UDP) as the MCX server. */
  nextHop: { transport: 'udp'; address: string; port: number };
  /** The MC client the suite plays: its IMPU (registered through the proxy) and MC service ID (IDRi of its MIKEY messages). */
  client: { impu: string; mcServiceId: string };
  /** The party the client calls, and who calls the client (IDRr / IDRi on the other side). */
  peer: { uri: string };
  /**
   * The proxy's KMS policy for this client: `acceptable` the KMS URIs it
   * accepts (for the client as initiator and as receiver), `unacceptable` one
   * it refuses on both sides.
   */
  kms: { acceptable: string[]; unacceptable: string };
  /** The certificate the proxy signs its KRRs with (PEM): when given, a KRR's KeyInfo certificate must be this one. */
  krrCertificatePem?: string;
  /** The identity the suite signs the KRRs it sends as the far side with; absent: they are sent unsigned (5.2.8.2.1 makes the signature optional). */
  krrSigner?: { keyPem: string; certPem: string };
}

export const CS_PROXY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['clientSide', 'serverSide', 'nextHop', 'client', 'peer', 'kms'],
  properties: {
    clientSide: SIP_ENTRY_SCHEMA,
    serverSide: SIP_ENTRY_SCHEMA,
    nextHop: UDP_HOP,
    client: { type: 'object', additionalProperties: false, required: ['impu', 'mcServiceId'], properties: { impu: SIP_URI, mcServiceId: { type: 'string', minLength: 1 } } },
    peer: { type: 'object', additionalProperties: false, required: ['uri'], properties: { uri: SIP_URI } },
    ...PROXY_KMS_SCHEMA,
  },
} as const;
