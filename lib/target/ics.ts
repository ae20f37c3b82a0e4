/**
 * The Implementation Conformance Statement: optional features a vendor claims.
 * A requirement whose catalog entry names an ICS feature is not-applicable
 * when the target's ICS does not claim it. Add features here (one line each,
 * with the clause that makes them optional) as suites need them.
 */
export const ICS_FEATURES = {
  'idms.token-exchange': 'Inter-domain token exchange at the primary IdMS (5.1.4.2, B.7.2, B.7.3)',
  'idms.refresh-token-rotation': 'The IdMS rotates refresh tokens on use (B.5)',
  'idms.consent-page': 'The IdMS shows a consent page after login (B.4.2.2)',
  'idms.client-secret': 'The MC client is a confidential client with a secret (B.4.2.4)',
  'partner-idms.jwt-bearer': 'Partner IdMS accepts the JWT-bearer grant with a security token (B.7.4, B.7.5)',
  'kms.signed-requests': 'The KMS checks signed KmsRequests (D.2.2, D.3.1)',
  'kms.signed-responses': 'The KMS signs KmsResponses with InK or TrK (D.3.1, 9.3.5)',
  'kms.trk-encryption': 'The KMS encrypts key material with the TrK (5.3.2, D.3.1)',
  'kms.clear-key-sets': 'The KMS may send key sets unencrypted when no TrK-ID is sent (D.3.1)',
  'kms.new-transport-keys': 'The KMS issues new TrK/InK in KmsInit (D.3.2)',
  'kms.cert-cache': 'The KMS serves a certificate cache (D.2.5)',
  'kms.external-kms': 'The KMS domain has permitted External KMSs whose certificates it provides (5.3.1.2, D.3.1); kms.externalKmsUris names them',
  'kms.cert': 'The KMS serves single external certificates (D.2.6)',
  'kms.lookup': 'The KMS answers KMS URI lookups (D.2.7)',
  'kms.redirect-upload': 'The KMS accepts KRR uploads (5.2.8.3, D.2.8)',
  'kms.authorised-identities': 'The KMS issues key sets for authorised identities (9.6.3.2, J.3)',
  'kms.security-gateway': 'The KMS certificate marks a MC security gateway (IsSecurityGateway, D.3.2)',
  'mikey.identity-hiding': 'Identity hiding in MIKEY-SAKKE I_MESSAGEs (5.2.6, E.7)',
  'mikey.sakke-to-self': 'SAKKE-to-self payload (5.2.5, E.5)',
  'ears': 'Encrypted authorised identities and EARs (9.6, Annex J)',
  'off-network': 'Off-network operation between MC clients: PCK/GMK-keyed SRTCP (7.4, 9.4.4)',
  'srtp.mki-gmk-id-only': 'Group SRTP MKI of the GMK-ID alone when the talker is known otherwise (7.4.2)',
  'srtp.rccm3-roc': 'The sender carries the ROC in RCCm3 tags every r-th SRTP packet (7.5.1, RFC 4771)',
  'sip.xml-protection': 'CSK protection of XML in SIP (identities, access tokens) on SIP-1/SIP-2 (9.2.1.1, 9.3)',
  'mbms': 'MBMS multicast bearers with MuSiK-protected signalling (9.2.2, 9.4.3)',
  'spk': 'Protected signalling with other MCX servers or domains using a provisioned SPK (5.5, 9.2.3, 9.4.5)',
  'mcdata': 'MCData service: protected MCData payloads and signalling (8.5, 9.5)',
  'mcdata.authenticated-payload': 'MCData payloads signed by the sender with ECCSI (8.5.5)',
  'mcdata.xml-protection': 'XML protection of MCData application signalling in SIP (9.5.2)',
  'http1.psk-tls': 'Pre-shared-key TLS authentication on HTTP-1 (6.1.1, 6.1.2)',
  'kms.interkmrec': 'The KMS provisions interworking key management records (InterKMRec) to interworking MC UEs (11.2.3)',
  'mcvideo': 'MCVideo service: private video pull and push, ambient viewing (7.2.6-7.2.8, 7.3.9)',
  'first-to-answer': 'First-to-answer private calls with their own key distribution (7.2.4)',
  'client.non-public-safety': 'The MC client is meant for non-public-safety users (then ambient listening and viewing are absent, 7.2.5, 7.2.6)',
  'multi-talker': 'Multi-talker configured MCPTT groups (7.3.10)',
  'segy': 'The implementation is, or contains, an MC Security Gateway with pseudo KMS, GMS, server and clients (Annex L)',
  'krr.create': 'The entity answers an unacceptable KMS choice in a MIKEY message with a KMS Redirect Response (5.2.8.2.2-5.2.8.2.4, 5.2.8.3)',
  'kms.migration': 'The KMS serves as a Migration KMS for users migrated into its domain (5.3.1.3)',
  'kms.external-domain-policy': 'The Home KMS provisions policy on the use of external security domains (5.2.8.3, 5.2.8.5)',
  'gms.shared-gmk': 'One GMK is assigned to several MC group IDs through the key parameters (5.7.1, E.6.3)',
  'gms.rekey-on-removal': 'The GMS distributes a new GMK when a member leaves the group (5.7.3)',
  'emergency.clear-fallback': 'Operator policy lets emergency, imminent peril and emergency alert calls fall back to clear media (7.3.6-7.3.8)',
  'mcx-server.token-in-register': 'The MCX server takes the access token from the third-party REGISTER the SIP core sends (5.1.3.2.1, 5.1.3.2.2)',
  'mcx-server.token-in-publish': 'The MCX server takes the access token from a SIP PUBLISH routed through the SIP core (5.1.3.2.1, 5.1.3.2.3)',
} as const;

export type IcsFeature = keyof typeof ICS_FEATURES;
export type Ics = Partial<Record<IcsFeature, boolean>>;

export function isIcsFeature(name: string): name is IcsFeature {
  return Object.hasOwn(ICS_FEATURES, name);
}
