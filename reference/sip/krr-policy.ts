import { krrElement, type KmsRedirectResponse } from '../../lib/kms-xml/krr.ts';
import { signKrr, type KrrSigner } from '../../lib/kms-xml/krr-signature.ts';
import { xsdDateTime } from '../../lib/kms-xml/model.ts';
import type { RoutingIdentities } from '../../lib/mikey/routing.ts';
import { serializeXml, type XmlElement } from '../../lib/kms-xml/xml.ts';
import type { FaultSet } from '../fault.ts';

/**
 * The KRRs a reference signalling proxy creates (5.2.8.2.3) and re-creates
 * from received ones (5.2.8.2.4), signed as D.4.2 says, with the fault
 * switches that break each property the proxy suites check. The switches
 * are named `<role>.<fault>` after the proxy's role (cs-proxy, is-proxy).
 */
export type KrrList = 'initiator' | 'receiver';

export interface KrrPolicy {
  role: 'cs-proxy' | 'is-proxy';
  /** The proxy's identity: the KRR creator. */
  creatorUri: string;
  /** The KMS URIs acceptable for the proxy's clients, preferred first. */
  acceptable: string[];
  signer: KrrSigner;
}

const ALG_SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';

function finish(krr: KmsRedirectResponse, policy: KrrPolicy, faults: FaultSet): string {
  const on = (f: string) => faults.has(`${policy.role}.${f}`);
  const e = krrElement(krr);
  if (on('krr-omits-creator')) e.children.splice(1, 1);
  if (!on('krr-unsigned')) {
    signKrr(e, policy.signer, {
      ...(on('krr-sha1-digest') ? { digestAlgorithm: ALG_SHA1 } : {}),
      // A valid signature over the Time element only: not over the whole message.
      ...(on('krr-signs-part') ? { part: e.children[0] as XmlElement } : {}),
    });
    if (on('krr-bad-signature-value')) corruptSignatureValue(e);
  }
  return serializeXml(e, { declaration: true });
}

/** A KRR for a refused MIKEY message: `restricted` is the list of the side whose KMS was refused (initiator: IDRkmsi). */
export function createdKrr(ids: RoutingIdentities, restricted: KrrList, policy: KrrPolicy, faults: FaultSet): string {
  const on = (f: string) => faults.has(`${policy.role}.${f}`);
  const offered = on('krr-offers-rejected') ? [...policy.acceptable, (restricted === 'initiator' ? ids.initiatorKmsUri : ids.receiverKmsUri) ?? ''] : policy.acceptable;
  const other = on('krr-other-list-not-any') ? policy.acceptable : 'any';
  return finish(
    {
      time: xsdDateTime(),
      creatorUri: policy.creatorUri,
      initiatorUri: ids.initiatorUri ?? '',
      initiatorKmsUri: on('krr-echoes-wrong-idrkmsi') ? `echo.${ids.initiatorKmsUri ?? ''}` : (ids.initiatorKmsUri ?? ''),
      receiverUri: ids.receiverUri ?? '',
      receiverKmsUri: ids.receiverKmsUri ?? '',
      initiatorKmsList: restricted === 'initiator' ? offered : other,
      receiverKmsList: restricted === 'initiator' ? other : offered,
    },
    policy,
    faults,
  );
}

/**
 * The KRR to send on for a received one: undefined when it is forwarded as
 * is (its `police` list names no unacceptable KMS), else a new KRR with
 * that list reduced, the other unchanged, and the received one embedded.
 */
export function processedKrr(received: KmsRedirectResponse, element: XmlElement, police: KrrList, policy: KrrPolicy, faults: FaultSet): string | undefined {
  const on = (f: string) => faults.has(`${policy.role}.${f}`);
  const list = police === 'initiator' ? received.initiatorKmsList : received.receiverKmsList;
  if (list === 'any' || list.every((u) => policy.acceptable.includes(u)) || on('krr-keeps-unacceptable')) return undefined;
  const reduced = list.filter((u) => policy.acceptable.includes(u));
  const otherList = police === 'initiator' ? received.receiverKmsList : received.initiatorKmsList;
  const other = on('krr-changes-other-list') ? (otherList === 'any' ? policy.acceptable : 'any') : otherList;
  return finish(
    {
      ...received,
      id: undefined,
      time: xsdDateTime(),
      creatorUri: policy.creatorUri,
      initiatorKmsList: police === 'initiator' ? reduced : other,
      receiverKmsList: police === 'receiver' ? reduced : other,
      ...(on('krr-not-embedded') ? { embedded: undefined } : { embedded: element }),
    },
    policy,
    faults,
  );
}

function signatureOf(e: XmlElement): XmlElement | undefined {
  return e.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'ds:Signature');
}

function corruptSignatureValue(e: XmlElement): void {
  const value = signatureOf(e)?.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'ds:SignatureValue');
  const text = value?.children[0];
  if (value && typeof text === 'string') value.children[0] = (text.startsWith('A') ? 'B' : 'A') + text.slice(1);
}
