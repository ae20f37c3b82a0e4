/** XML namespaces and algorithm identifiers of the KMS interface (TS 33.180 Annex D, 9.3). */
export const NS_KMS = 'urn:3gpp:ns:mcsecKMSInterface:1.0';
export const NS_KRR = 'urn:3gpp:ns:mcsecKMSKRR:1.0';
export const NS_DS = 'http://www.w3.org/2000/09/xmldsig#';
export const NS_XENC = 'http://www.w3.org/2001/04/xmlenc#';
export const NS_XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** xmlenc Type of an EncryptedData replacing an element's content (D.3.1, 9.3.4.2). */
export const XENC_TYPE_CONTENT = 'http://www.w3.org/2001/04/xmlenc#Content';
export const XENC_TYPE_ENCRYPTED_KEY = 'http://www.w3.org/2001/04/xmlenc#EncryptedKey';
export const ALG_AES128_GCM = 'http://www.w3.org/2009/xmlenc11#aes128-gcm';
export const ALG_AES256_GCM = 'http://www.w3.org/2009/xmlenc11#aes256-gcm';
export const ALG_KW_AES256 = 'http://www.w3.org/2001/04/xmlenc#kw-aes256';
export const ALG_HMAC_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256';
export const ALG_SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
/** Inclusive C14N 1.0 (the algorithm public KM clients name; D.4.2 names it for KRRs). */
export const ALG_C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const ALG_EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ALG_ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** Resource paths under the KMS base URL (D.2.3 to D.2.8). */
export const KMS_ROOT_PATH = '/keymanagement/identity/v1';
export type KmsRequestType = 'init' | 'keyprov' | 'certcache' | 'cert' | 'lookup' | 'redirect';
export const KMS_REQUEST_TYPES: readonly KmsRequestType[] = ['init', 'keyprov', 'certcache', 'cert', 'lookup', 'redirect'];

/** MIME type of a KRR body (D.4.1). */
export const KRR_CONTENT_TYPE = 'application/vnd.3gpp.kmsredirectresponse+xml';
