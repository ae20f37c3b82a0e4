import type { FaultSwitch } from '../fault.ts';

/**
 * Fault switches of the reference KMS: one per check of suites/kms. Written
 * by the kms suite (each entry names exactly the requirement IDs whose
 * verdict turns to fail with the switch on); implemented by reference/kms.
 */
const kms = (name: string, breaks: string[], description: string, checks?: string[]): FaultSwitch => ({ name: `kms.${name}`, role: 'kms', breaks, description, ...(checks ? { checks } : {}) });

export const KMS_FAULTS: readonly FaultSwitch[] = [
  // transport and access (5.3.2, 5.3.3, D.1, D.2.1)
  kms('plain-http', ['MCXSEC-D.1-01', 'MCXSEC-5.3.2-01'], 'serves the KMS interface over plain HTTP and advertises an http:// base URL', ['kms.transport.https', 'kms.transport.client-https']),
  kms('tls-also-accepts-cbc', ['MCXSEC-6.1.2-02'], 'prefers AEAD suites (the ordinary handshake is on the profile) but completes a TLS 1.2 handshake with a client that offers only CBC suites', ['kms.tls.profile-scan']),
  // Every request with the valid token is refused, so the other checks of a served request lose their input (blocks).
  kms('refuses-bearer-header', ['MCXSEC-B.10-01'], 'does not take the access token from the Authorization: Bearer header (as a KMS reading only an access_token parameter): every request with a valid token is refused 401', ['kms.bearer.valid-token-accepted']),
  kms('serves-get', ['MCXSEC-D.2.1-01'], 'answers a GET on /init with a KmsInit like a POST', ['kms.get.not-served']),
  // With no token the request's UserUri is taken on trust, so a request naming another user with identity assertion headers gets that user's keys: 5.3.3-12 too.
  kms('accepts-missing-token', ['MCXSEC-5.3.3-01', 'MCXSEC-5.3.3-12'], 'serves requests that carry no Authorization bearer token (as the token\'s user: the UserUri of the request)', ['kms.no-token.refused', 'kms.asserted-identity.no-token-refused']),
  kms('accepts-expired-token', ['MCXSEC-5.3.3-02', 'MCXSEC-B.12-02', 'MCXSEC-B.10-02', 'MCXSEC-B.11.2-01', 'MCXSEC-B.2.2.2-02'], 'does not check the access token exp claim', ['kms.expired-token.refused', 'kms.expired-token.expiry-enforced', 'kms.expired-token.error-returned', 'kms.expired-token.validated', 'kms.expired-token.skew-at-most-30s']),
  kms('expired-token-skew-1h', ['MCXSEC-5.3.3-02', 'MCXSEC-B.12-02', 'MCXSEC-B.10-02', 'MCXSEC-B.11.2-01', 'MCXSEC-B.2.2.2-02'], 'allows an hour of clock skew on the access token exp instead of at most 30 s (the target\'s expired token is younger than that)', ['kms.expired-token.refused', 'kms.expired-token.expiry-enforced', 'kms.expired-token.error-returned', 'kms.expired-token.validated', 'kms.expired-token.skew-at-most-30s']),
  kms('ignores-token-scope', ['MCXSEC-5.3.3-03', 'MCXSEC-5.1.3.1-01', 'MCXSEC-B.10-02', 'MCXSEC-B.11.2-01'], 'does not require a *_key_management_service scope in the access token', ['kms.no-scope-token.refused', 'kms.no-scope-token.scoped-for-kms', 'kms.no-scope-token.error-returned', 'kms.no-scope-token.validated']),
  kms('ignores-token-audience', ['MCXSEC-B.11.2-02'], 'does not compare the access token aud with its own resource identifier (a key-management token issued for another resource is served)', ['kms.wrong-audience-token.refused']),
  kms('trusts-asserted-identity-header', ['MCXSEC-5.3.3-12'], 'takes the user from an X-3GPP-Asserted-Identity / P-Asserted-Identity header sent by any client, instead of (or without) the access token', ['kms.asserted-identity.no-token-refused', 'kms.asserted-identity.token-decides']),
  kms('accepts-untrusted-token-signer', ['MCXSEC-5.3.3-04', 'MCXSEC-B.11.2-01'], 'accepts access tokens whose signature does not verify with the IdMS keys (signature not checked)', ['kms.untrusted-token.refused', 'kms.untrusted-token.validated']),
  // how refusals are spelled (B.10 with RFC 6750 section 3, D.3.1)
  kms('refuses-with-403-plain', ['MCXSEC-B.10-03', 'MCXSEC-B.10-04'], 'answers a missing or invalid access token with 403 text/plain, without WWW-Authenticate or KmsError', ['kms.no-token-refusal.bearer-challenge', 'kms.no-token-refusal.status-401']),
  kms('refuses-with-400-plain', ['MCXSEC-D.3.1-17'], 'answers a request that fails its D.2.2 checks with 400 text/plain, without KmsError', ['kms.request-refusal.kms-error']),
  // request payload checks (D.2.2)
  kms('requires-request-body', ['MCXSEC-D.2.2-11'], 'refuses every request POSTed without a KmsRequest body (HTTP 400)', ['kms.no-body.init-served']),
  kms('accepts-bad-request-signature', ['MCXSEC-D.2.2-03'], 'does not verify the HMAC signature of a SignedKmsRequest', ['kms.request.bad-signature-refused']),
  kms('accepts-invalid-request-xml', ['MCXSEC-D.2.2-04'], 'accepts a KmsRequest that is not schema-valid (e.g. ClientReqUrl missing)', ['kms.request.invalid-xml-refused']),
  kms('accepts-foreign-kms-uri', ['MCXSEC-D.2.2-05'], 'does not compare the request KmsUri with its own KMS URI', ['kms.request.foreign-kms-uri-refused']),
  kms('accepts-stale-request-time', ['MCXSEC-D.2.2-06'], 'accepts a request Time an hour old', ['kms.request.stale-time-refused']),
  kms('accepts-wrong-client-req-url', ['MCXSEC-D.2.2-07'], 'does not compare ClientReqUrl with the URI posted to', ['kms.request.wrong-client-req-url-refused']),
  // response envelope (D.3.1)
  kms('response-echo-mismatch', ['MCXSEC-D.3.1-01'], 'puts a different ClientReqUrl in the KmsResponse than the request carried', ['kms.init.echo', 'kms.keyprov.echo', 'kms.keyprov-named.echo']),
  kms('echoes-relative-client-req-url', ['MCXSEC-D.3.1-01'], 'echoes as ClientReqUrl the relative, percent-decoded path of the HTTP request instead of the absolute URI the client requested', ['kms.init.echo', 'kms.keyprov.echo', 'kms.keyprov-named.echo']),
  kms('invalid-xml', ['MCXSEC-D.3.5.1-01'], 'writes KmsUri before UserUri in every KmsResponse (schema order broken, content intact)', ['kms.schema.valid']),
  kms('extension-in-3gpp-namespace', ['MCXSEC-D.1-03', 'MCXSEC-D.3.5.1-01'], 'adds a vendor element <VendorInfo> in the 3GPP KMS namespace at the end of KmsResponse', ['kms.init.no-foreign-elements', 'kms.schema.valid']),
  // KMS Initialize and the certificate (D.2.3, D.3.1, D.3.2)
  // Every KMS Initialize, with a body or without (D.2.2-11), gets the wrong container.
  kms('init-answers-keyprov', ['MCXSEC-D.2.3-01', 'MCXSEC-D.2.2-11'], 'answers KMS Initialize with a KmsKeyProv (the user\'s key sets) instead of a KmsInit', ['kms.init.kms-init', 'kms.no-body.init-served']),
  kms('init-without-certificate', ['MCXSEC-D.3.1-02', 'MCXSEC-5.3.4-01', 'MCXSEC-5.3.1.2-01', 'MCXSEC-D.3.5.1-01'], 'answers init with an empty KmsInit (no KmsCertificate; schema-invalid too)', ['kms.init.root-certificate', 'kms.init.carries-certificate', 'kms.init.home-certificate', 'kms.schema.valid']),
  kms('init-rotates-root-certificate', ['MCXSEC-D.3.2.1-01'], 'gives its root certificate a new CertUri on every KMS Initialize (same keys), as if it had several root certificates', ['kms.root-certificate.one']),
  kms('cert-wrong-version', ['MCXSEC-D.3.2.2-01'], 'writes Version="1.0.0" on its certificates', ['kms.certificate.version']),
  kms('root-cert-role-external', ['MCXSEC-D.3.2.2-02'], 'labels its own root certificate Role="External" in KmsInit', ['kms.certificate.role']),
  kms('cert-user-id-format', ['MCXSEC-D.3.2.2-03'], 'writes UserIdFormat 1 instead of 2', ['kms.certificate.user-id-format']),
  kms('cert-offset-not-below-period', ['MCXSEC-D.3.2.2-04', 'MCXSEC-F.2.1-03'], 'advertises UserKeyOffset equal to UserKeyPeriod (and uses it consistently for UIDs and periods)', ['kms.certificate.period-offset', 'kms.certificate.offset-below-period']),
  kms('zt-not-on-curve', ['MCXSEC-D.3.2.2-05'], 'advertises a PubEncKey (Z_T) with its last byte flipped (off the curve)', ['kms.certificate.zt']),
  kms('kpak-not-on-curve', ['MCXSEC-D.3.2.2-06'], 'advertises a PubAuthKey (KPAK) with its last byte flipped (off the curve)', ['kms.certificate.kpak']),
  kms('gateway-wrong-version', ['MCXSEC-D.3.2.2-07'], 'marks its certificate IsSecurityGateway="true" while keeping Version 1.1.0', ['kms.certificate.gateway-version']),
  kms('cert-expired', ['MCXSEC-D.3.2.2-08'], 'advertises a root certificate whose ValidTo is yesterday', ['kms.certificate.validity']),
  kms('cert-parameter-set', ['MCXSEC-D.3.2.2-09'], 'writes ParameterSet 2', ['kms.certificate.parameter-set']),
  // KeyProvision (D.2.4, D.3.1, D.3.3, 5.3.6, F.2.1)
  kms('keyprov-omits-identity', ['MCXSEC-D.3.1-03'], 'issues plain key sets only for the first MC service ID of the access token (Authorised Identities still issued)', ['kms.keyprov.key-set-per-identity']),
  // keyprov/<identity>/<time> names an identity too, so it gets the same empty answer (declared).
  kms('keyprov-ignores-named-identity', ['MCXSEC-D.2.4-02', 'MCXSEC-D.2.4-03'], 'answers keyprov/<identity> (with or without a time) with an empty KmsKeyProv', ['kms.keyprov-named.key-set', 'kms.keyprov-time.key-set']),
  kms('keyprov-ignores-requested-time', ['MCXSEC-D.2.4-03'], 'answers keyprov/<identity>/<ntp time> with the current period\'s key set', ['kms.keyprov-time.key-set']),
  kms('keyprov-issues-foreign-identity', ['MCXSEC-5.3.1.2-02'], 'issues keys for an identity named in the path even when the access token does not carry it', ['kms.keyprov-foreign.no-key-set']),
  kms('keyprov-other-uri-answers-requester', ['MCXSEC-D.2.4-04'], "answers keyprov/<group or server URI the token does not entitle> with the requester's own key sets instead of a refusal", ['kms.keyprov-group.only-that-uri', 'kms.keyprov-server.only-that-uri']),
  kms('wrong-uid', ['MCXSEC-F.2.1-01'], 'writes a UserID computed with KeyPeriodNo+1 (keys themselves issued for the right UID)', ['kms.keyset.uid']),
  kms('uid-hex-encoded', ['MCXSEC-F.2.1-02'], 'writes UserID as hex instead of base64', ['kms.keyset.uid-base64']),
  kms('stale-key-period', ['MCXSEC-D.3.3.2-02', 'MCXSEC-5.3.6-01'], 'issues the previous key period\'s key set (consistent UID, keys and validity) for the current time', ['kms.keyset.key-period-no', 'kms.keyset.current-period']),
  // Every key set carries the wrong UserUri, so the 9.6.3.2 / J.3.4.2 checks, which find key sets by UserUri, fail with it.
  kms('keyset-wrong-user-uri', ['MCXSEC-D.3.3.2-01', 'MCXSEC-9.6.3.2-01', 'MCXSEC-9.6.3.2-02', 'MCXSEC-J.3.4.2-01'], 'writes the KmsKeySet UserUri with an uppercase scheme (SIP:...) while UID and keys use the right URI', ['kms.keyset.user-uri', 'kms.authorised.plain-identity', 'kms.authorised.authorised-identity', 'kms.authorised.both-identities']),
  kms('bad-rsk', ['MCXSEC-D.3.3.2-03'], 'issues an RSK for a different UID', ['kms.keyset.rsk-validates']),
  kms('bad-ssk', ['MCXSEC-D.3.3.2-04'], 'adds 1 to the SSK', ['kms.keyset.ssk-pvt-validate']),
  kms('keyset-validity-outside-period', ['MCXSEC-D.3.3.2-05'], 'writes key set ValidFrom/ValidTo one period later than KeyPeriodNo', ['kms.keyset.validity']),
  kms('keyset-foreign-kms-uri', ['MCXSEC-D.3.3.2-06'], 'writes another KMS URI in KmsKeySet/KmsUri (UID still computed with its own)', ['kms.keyset.kms-uri']),
  // authorised identities (9.6.3.2, J.3)
  kms('authorised-identity-missing', ['MCXSEC-9.6.3.2-02', 'MCXSEC-J.3.4.2-01'], 'does not issue a key set for the authorised identity', ['kms.authorised.authorised-identity', 'kms.authorised.both-identities']),
  kms('authorised-identity-replaces-plain', ['MCXSEC-9.6.3.2-01'], 'issues only the authorised identity\'s key set, not the plain identity\'s', ['kms.authorised.plain-identity']),
  kms('authorised-identity-extra-bits', ['MCXSEC-J.3.3.1-01'], 'sets one more bit (0x80) in mc-role-client than the scopes grant', ['kms.authorised-set.bits']),
  kms('authorised-identity-long-field', ['MCXSEC-J.3.3.1-02'], 'pads the mc-role-client value of authorised identities with 130 zero octets (262 hex characters, same bits)', ['kms.authorised-set.value-length']),
  kms('authorised-identity-bad-hname', ['MCXSEC-J.3.2-01', 'MCXSEC-9.6.3.1-01'], 'writes the authorisation fields with underscores (mc_role_client=01)', ['kms.authorised-set.hnames', 'kms.authorised-set.fields-format']),
  // CertCache, Cert, Lookup (D.2.5 to D.2.7, D.3.1)
  kms('certcache-wrong-container', ['MCXSEC-D.2.5-01'], 'answers certcache (without a cache number) with a KmsLookup instead of a KmsCertCache', ['kms.certcache.kms-certcache']),
  kms('certcache-omits-external', ['MCXSEC-D.3.1-04', 'MCXSEC-5.3.1.2-03'], 'leaves the External KMS certificates out of the cert cache', ['kms.certcache.external-certificates', 'kms.certcache.home-provides-external']),
  kms('certcache-repeats-current', ['MCXSEC-D.2.5-02'], 'returns the whole cache again for certcache/<current cache number>', ['kms.certcache.cache-number']),
  kms('certcache-duplicate-kms-uri', ['MCXSEC-5.3.5-02'], 'puts two certificates with the same KmsUri (different CertUri) into the cache', ['kms.certcache.one-per-kms']),
  kms('external-cert-role-root', ['MCXSEC-D.3.2.2-02'], 'labels External KMS certificates Role="Root" in the cert cache', ['kms.certcache.roles']),
  kms('cert-returns-wrong-certificate', ['MCXSEC-D.2.6-01'], 'answers cert/<kms uri> with its own root certificate', ['kms.cert.requested-certificate']),
  kms('cert-returns-two-certificates', ['MCXSEC-D.3.1-05'], 'answers cert/<kms uri> with the requested and its own certificate', ['kms.cert.single-certificate']),
  kms('cert-unknown-no-error', ['MCXSEC-D.3.1-06'], 'answers cert/<unknown kms uri> with an empty KmsCertCache and no KmsError', ['kms.cert-unknown.error']),
  kms('lookup-empty', ['MCXSEC-D.2.7-01'], 'answers lookup/<uri> with a KmsLookup without KMS URIs', ['kms.lookup.names-kms']),
  kms('lookup-carries-key-set', ['MCXSEC-5.3.4-02'], 'adds the requesting user\'s KmsKeySet to the KmsLookup response, wrapped in an extension element of a vendor namespace (schema-valid)', ['kms.lookup.no-key-material']),
  kms('lookup-wrong-container', ['MCXSEC-D.3.1-07'], 'answers lookup with a KmsCertCache holding the certificate of the looked-up KMS instead of a KmsLookup', ['kms.lookup.container']),
  // redirect upload (D.2.8)
  kms('redirect-refuses-valid-krr', ['MCXSEC-D.2.8-01'], 'answers every redirect upload with an error', ['kms.redirect.accepted']),
  kms('redirect-accepts-malformed-krr', ['MCXSEC-D.2.8-02'], 'accepts redirect uploads whose KrrList is empty or not KRR-schema valid', ['kms.redirect-malformed.refused']),
  kms('redirect-answers-with-message', ['MCXSEC-D.3.1-08'], 'answers an accepted redirect upload with a KmsResponse carrying an empty KmsCertCache', ['kms.redirect.no-message']),
  // confidentiality (5.3.3, 9.3.3, 9.3.4, D.3.1, F.1.4)
  kms('clear-key-material', ['MCXSEC-5.3.3-05'], 'sends RSK/SSK/PVT as plain hex (KeyContentType) although the client named its TrK', ['kms.encryption.key-material-encrypted']),
  kms('undeclared-clear-key-sets', ['MCXSEC-5.3.3-07'], 'leaves kms.clear-key-sets out of its ICS while still sending key sets in clear to requests without TrK-ID', ['kms.clear-key-sets.only-if-declared']),
  kms('unencrypted-kms-message', ['MCXSEC-D.3.1-09'], 'does not encrypt the KmsMessage content although the client named its TrK', ['kms.encryption.message-encrypted']),
  kms('kms-message-aes256-gcm', ['MCXSEC-D.3.1-10'], 'encrypts the KmsMessage content with aes256-gcm instead of aes128-gcm', ['kms.encryption.message-aes128-gcm']),
  kms('undecryptable-kms-message', ['MCXSEC-9.3.4.2-02'], 'encrypts the KmsMessage content with a random CEK and wraps a different one', ['kms.encryption.content-decrypts']),
  kms('encrypted-data-missing-cipher-value', ['MCXSEC-9.3.4.2-01'], 'writes the KmsMessage EncryptedData with CipherReference instead of CipherData/CipherValue', ['kms.encryption.cipher-value']),
  kms('key-wrap-wrong-kek', ['MCXSEC-9.3.4.2-03', 'MCXSEC-D.3.3.2-03', 'MCXSEC-D.3.3.2-04'], 'wraps key material and new TrK/InK under a random KEK instead of the TrK', ['kms.encryption.key-wrap', 'kms.init.new-keys-unwrap', 'kms.keyset.rsk-validates', 'kms.keyset.ssk-pvt-validate']),
  kms('wrong-trk-key-name', ['MCXSEC-9.3.3-01'], 'names another TrK-ID in the EncryptedKey KeyName', ['kms.encryption.trk-key-name']),
  kms('direct-xml-keys', ['MCXSEC-F.1.4-01'], 'uses the raw TrK/InK for encryption and HMAC instead of the F.1.4-derived keys', ['kms.encryption.f14-keys']),
  // integrity (5.3.2, 9.3.3, 9.3.5, D.1, D.3.1)
  kms('bad-response-signature', ['MCXSEC-D.3.1-12'], 'flips one bit of the response SignatureValue', ['kms.signature.verifies']),
  kms('signature-wrong-digest-method', ['MCXSEC-D.3.1-12'], 'declares DigestMethod xmldsig#sha1 in the response signature Reference (digest still SHA-256, HMAC recomputed)', ['kms.signature.verifies']),
  kms('signs-with-trk-despite-ink', ['MCXSEC-D.3.1-11', 'MCXSEC-5.3.2-05'], 'signs with the TrK and names the TrK-ID in Signature-ID even when the request named an InK', ['kms.signature.signature-id', 'kms.signature.ink-integrity']),
  kms('signature-id-missing', ['MCXSEC-5.3.2-04'], 'leaves Signature-ID out of TrK-signed responses (requests without InK)', ['kms.trk-signature.signature-id']),
  kms('wrong-ink-key-name', ['MCXSEC-9.3.3-02'], 'names another key in the signature KeyInfo/KeyName', ['kms.signature.key-name']),
  kms('signature-wrong-algorithm', ['MCXSEC-9.3.5-01', 'MCXSEC-D.1-02', 'MCXSEC-D.3.1-12'], 'declares SignatureMethod hmac-sha1 (and computes HMAC-SHA1)', ['kms.signature.method', 'kms.signature.hmac-sha256', 'kms.signature.verifies']),
  kms('signature-missing-value', ['MCXSEC-9.3.5-02', 'MCXSEC-D.3.1-12'], 'writes an empty SignatureValue', ['kms.signature.value-present', 'kms.signature.verifies']),
  // media type (D.3 names none: graded SHOULD)
  kms('answers-text-plain', ['MCXSEC-D.3-01'], 'labels every served KmsResponse text/plain (the XML is unchanged)', ['kms.init.xml-media-type', 'kms.keyprov.xml-media-type']),
  // No key set comes back, so every key-set check is left without input (blocks). suites/kms: kms.encryption.key-material-encrypted (5.3.3-05) still FAILs on an answer without key material; it should be inconclusive there.
  kms('cert-omits-user-id-format', ['MCXSEC-5.3.5-01', 'MCXSEC-D.3.2.2-03', 'MCXSEC-D.3.5.1-01'], 'leaves the UserIdFormat element out of its root certificate (the UID conversion is incomplete; schema-invalid too); UIDs are still computed the F.2.1 way', ['kms.certificate.contents', 'kms.certificate.user-id-format', 'kms.schema.valid']),
  { ...kms('keyprov-answers-init', ['MCXSEC-D.2.4-01'], 'answers KeyProvision (keyprov without identity or time) with a KmsInit (the root certificate) instead of a KmsKeyProv', ['kms.keyprov.kms-keyprov']), blocks: ['MCXSEC-5.3.3-07', 'MCXSEC-5.3.6-01', 'MCXSEC-9.6.3.1-01', 'MCXSEC-9.6.3.2-01', 'MCXSEC-9.6.3.2-02', 'MCXSEC-D.3.1-03', 'MCXSEC-D.3.3.2-01', 'MCXSEC-D.3.3.2-02', 'MCXSEC-D.3.3.2-03', 'MCXSEC-D.3.3.2-04', 'MCXSEC-D.3.3.2-05', 'MCXSEC-D.3.3.2-06', 'MCXSEC-F.2.1-01', 'MCXSEC-F.2.1-02', 'MCXSEC-J.3.2-01', 'MCXSEC-J.3.3.1-01', 'MCXSEC-J.3.3.1-02', 'MCXSEC-J.3.4.2-01'] },
];
