/** Checks of the KmsResponse envelope (D.3.1, D.1). */
import { verdictOf, type Outcome } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import type { KmsResponse } from '../../../lib/kms-xml/model.ts';
import { NS_KMS } from '../../../lib/kms-xml/namespaces.ts';
import { isElement, localName, namespaceOf, type XmlElement } from '../../../lib/kms-xml/xml.ts';

/** Seconds a response Time may differ from the suite's clock. */
export const RESPONSE_TIME_TOLERANCE_S = 300;

/** D.3.1-01: UserUri, KmsUri, ClientReqUrl echo the request; Time is now. */
export function echoOutcome(ex: KmsExchange, doc: KmsResponse, expected: { userUri: string; kmsUri: string }): Outcome {
  const t = Date.parse(doc.time);
  const skew = Number.isNaN(t) ? undefined : Math.round(Math.abs(t - Date.now()) / 1000);
  const problems: string[] = [];
  if (doc.userUri !== expected.userUri) problems.push(`UserUri '${doc.userUri}' != '${expected.userUri}'`);
  if (doc.kmsUri !== expected.kmsUri) problems.push(`KmsUri '${doc.kmsUri}' != '${expected.kmsUri}'`);
  if (doc.clientReqUrl !== ex.url) problems.push(`ClientReqUrl '${doc.clientReqUrl}' != '${ex.url}'${clientReqUrlHint(doc.clientReqUrl, ex.url)}`);
  if (skew === undefined || skew > RESPONSE_TIME_TOLERANCE_S) problems.push(`Time '${doc.time}' is ${skew === undefined ? 'not a date-time' : `${skew} s from now`}`);
  return verdictOf(problems.length === 0, 'KmsResponse/UserUri, KmsUri, ClientReqUrl, Time', `${expected.userUri}, ${expected.kmsUri}, ${ex.url}, within ${RESPONSE_TIME_TOLERANCE_S} s of now`, problems.length ? problems.join('; ') : 'all agree');
}

/**
 * Why an echoed ClientReqUrl differs, when a common slip explains it: table
 * D.3.1-1 wants the URI the client used (absolute, encoded as sent), not the
 * path of the HTTP request line or its percent-decoded form.
 */
function clientReqUrlHint(echoed: string, requested: string): string {
  const decode = (u: string) => {
    try {
      return decodeURIComponent(u);
    } catch {
      return u;
    }
  };
  const path = new URL(requested).pathname;
  if (echoed === path || echoed === decode(path)) return ` (the ${echoed === path ? '' : 'percent-decoded '}path of the request, not the absolute URI)`;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(echoed)) return ' (not an absolute URI)';
  if (echoed === decode(requested)) return ' (the request URI percent-decoded)';
  return '';
}

/** Element local names the KMS interface schema declares in the 3GPP namespace. */
const KNOWN = new Set(
  'KmsRequest SignedKmsRequest KmsResponse SignedKmsResponse UserUri KmsUri Time ClientId DeviceId ClientReqUrl KrrList ClientError TrK-ID Signature-ID KmsId KmsMessage KmsError ErrorCode ErrorMsg KmsInit KmsKeyProv KmsCertCache KmsLookup KmsCertificate SignedKmsCertificate NewTransportKey NewIntegrityKey CertUri Issuer ValidFrom ValidTo Revoked UserIdFormat UserIDFormat UserKeyPeriod UserKeyOffset PubEncKey PubAuthKey ParameterSet KmsDomainList KmsDomain KmsKeySet UserID KeyPeriodNo UserDecryptKey UserSigningKeySSK UserPubTokenPVT'.split(' '),
);

/** D.1-03: no element the 3GPP namespace does not define (extensions go in other namespaces). */
export function foreignElementsOutcome(root: XmlElement): Outcome {
  const unknown: string[] = [];
  const stack = [root];
  while (stack.length) {
    const e = stack.pop()!;
    if (namespaceOf(e) === NS_KMS && !KNOWN.has(localName(e.name))) unknown.push(`${localName(e.name)}${e.line !== undefined ? ` (line ${e.line})` : ''}`);
    for (const c of e.children) if (isElement(c)) stack.push(c);
  }
  return verdictOf(unknown.length === 0, 'elements in urn:3gpp:ns:mcsecKMSInterface:1.0', 'only elements of Annex D', unknown.length ? `undefined elements: ${unknown.join(', ')}` : 'none undefined');
}
