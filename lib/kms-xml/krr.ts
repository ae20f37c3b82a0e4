/**
 * KMS Redirect Responses (5.2.8.2.1, D.4): model, builder and reader.
 *
 * The tags of the D.4.3 example and the whole D.4.4 schema were lost in the
 * spec's text conversion (../shared/spec/README.md). What survives is the
 * content of 5.2.8.2.1 and the order of the example's text: time, creator,
 * IDRi, IDRkmsi, IDRr, IDRkmsr, the initiator list, the receiver list, an
 * embedded KRR, a signature. So:
 * - the builder writes our reconstructed names (schemas/kms-krr.xsd);
 * - the reader does not depend on them: it reads the KRR-namespace children
 *   by position, as 5.2.8.2.1 lists the fields, and reports the names it
 *   found. A vendor who spelled an element differently is read correctly and
 *   graded on content; the names are reported, never judged.
 * A list is 'any' (one empty child named Any, any case, or the text ANY) or
 * the ordered KMS URIs of its children (possibly none: 5.2.8.2.4 lets a
 * reduced list be empty).
 */
import { NS_DS, NS_KRR } from './namespaces.ts';
import { attr, childElements, el, isNamed, linkParents, localName, namespaceOf, serializeXml, textEl, textOf, type XmlElement } from './xml.ts';

export type KmsUriList = 'any' | string[];

export interface KmsRedirectResponse {
  id?: string;
  version?: string;
  time: string;
  /** The identity of the KRR's creator. */
  creatorUri: string;
  /** IDRi of the MIKEY message. */
  initiatorUri: string;
  /** IDRkmsi of the MIKEY message. */
  initiatorKmsUri: string;
  /** IDRr of the MIKEY message. */
  receiverUri: string;
  /** IDRkmsr of the MIKEY message. */
  receiverKmsUri: string;
  /** Acceptable IDRkmsi values, preferred first. */
  initiatorKmsList: KmsUriList;
  /** Acceptable IDRkmsr values, preferred first. */
  receiverKmsList: KmsUriList;
  /** The received KRR this one was created from (5.2.8.2.4). */
  embedded?: XmlElement;
}

/** The media type of a KRR body in a SIP 488 (D.4.1). */
export const KRR_CONTENT_TYPE = 'application/vnd.3gpp.kmsredirectresponse+xml';

const TEXT_FIELDS = ['time', 'creatorUri', 'initiatorUri', 'initiatorKmsUri', 'receiverUri', 'receiverKmsUri'] as const;
const NAMES: Record<(typeof TEXT_FIELDS)[number] | 'initiatorKmsList' | 'receiverKmsList' | 'embedded', string> = {
  time: 'Time',
  creatorUri: 'CreatorUri',
  initiatorUri: 'InitiatorUri',
  initiatorKmsUri: 'InitiatorKmsUri',
  receiverUri: 'ReceiverUri',
  receiverKmsUri: 'ReceiverKmsUri',
  initiatorKmsList: 'InitiatorKmsList',
  receiverKmsList: 'ReceiverKmsList',
  embedded: 'EmbeddedKrr',
};

function listElement(name: string, list: KmsUriList): XmlElement {
  return el(name, {}, ...(list === 'any' ? [el('Any')] : list.map((u) => textEl('KmsUri', u))));
}

/**
 * KmsRedirectResponse element. It declares only its own namespace (the
 * signature declares ds on itself): with inclusive C14N (D.4.2) every
 * namespace in scope is part of what is signed, so a KRR that declared more
 * would change the digest of every KRR embedded in it.
 */
export function krrElement(krr: KmsRedirectResponse): XmlElement {
  const e = el(
    'KmsRedirectResponse',
    { xmlns: NS_KRR, Version: krr.version ?? '1.0.0', Id: krr.id },
    ...TEXT_FIELDS.map((f) => textEl(NAMES[f], krr[f])),
    listElement(NAMES.initiatorKmsList, krr.initiatorKmsList),
    listElement(NAMES.receiverKmsList, krr.receiverKmsList),
    krr.embedded ? el(NAMES.embedded, {}, krr.embedded) : undefined,
  );
  linkParents(e);
  return e;
}

export function krrXml(krr: KmsRedirectResponse): string {
  return serializeXml(krrElement(krr), { declaration: true });
}

export interface ReadKrr {
  ok: true;
  krr: KmsRedirectResponse;
  element: XmlElement;
  signature?: XmlElement;
  /** The element names found, by field: evidence (the reader does not judge them). */
  names: Partial<Record<keyof typeof NAMES, string>>;
  /** Fields missing or unreadable, in the spec's nouns. */
  problems: string[];
}

const FIELD_NOUNS: Record<keyof typeof NAMES, string> = {
  time: 'the date and time',
  creatorUri: 'the identity of the KRR creator',
  initiatorUri: 'IDRi',
  initiatorKmsUri: 'IDRkmsi',
  receiverUri: 'IDRr',
  receiverKmsUri: 'IDRkmsr',
  initiatorKmsList: 'the initiator KMS list',
  receiverKmsList: 'the receiver KMS list',
  embedded: 'the embedded KRR',
};

function readList(e: XmlElement): KmsUriList {
  const kids = childElements(e);
  const text = textOf(e).trim();
  if (kids.length === 0 && /^any$/i.test(text)) return 'any';
  if (kids.length === 1 && /^any$/i.test(localName(kids[0]!.name)) && textOf(kids[0]!).trim() === '') return 'any';
  if (kids.length === 1 && /^any$/i.test(textOf(kids[0]!).trim())) return 'any';
  return kids.map((k) => textOf(k).trim());
}

/** The KmsRedirectResponse inside an element that wraps an embedded KRR (or the element itself). */
function embeddedKrrOf(e: XmlElement): XmlElement | undefined {
  if (isNamed(e, NS_KRR, 'KmsRedirectResponse')) return e;
  return childElements(e).find((c) => isNamed(c, NS_KRR, 'KmsRedirectResponse'));
}

/** Reads a KRR by the positions of 5.2.8.2.1; never throws. */
export function readKrr(root: XmlElement): ReadKrr | { ok: false; reason: string } {
  if (!isNamed(root, NS_KRR, 'KmsRedirectResponse')) return { ok: false, reason: `root element is {${namespaceOf(root) ?? ''}}${localName(root.name)}, expected {${NS_KRR}}KmsRedirectResponse` };
  const fields = childElements(root).filter((c) => namespaceOf(c) === NS_KRR);
  const names: ReadKrr['names'] = {};
  const problems: string[] = [];
  const text: Record<string, string> = {};
  TEXT_FIELDS.forEach((f, i) => {
    const e = fields[i];
    if (!e || childElements(e).length > 0) {
      problems.push(`${FIELD_NOUNS[f]} (child ${i + 1}) is ${e ? `an element with children (${localName(e.name)})` : 'missing'}`);
      text[f] = '';
      return;
    }
    names[f] = localName(e.name);
    text[f] = textOf(e).trim();
    if (text[f] === '') problems.push(`${FIELD_NOUNS[f]} (${names[f]}) is empty`);
  });
  const list = (i: number, f: 'initiatorKmsList' | 'receiverKmsList'): KmsUriList => {
    const e = fields[i];
    if (!e || embeddedKrrOf(e)) {
      problems.push(`${FIELD_NOUNS[f]} (child ${i + 1}) is missing`);
      return [];
    }
    names[f] = localName(e.name);
    return readList(e);
  };
  const initiatorKmsList = list(6, 'initiatorKmsList');
  const receiverKmsList = list(7, 'receiverKmsList');
  const rest = fields.slice(8);
  const embeddedHolder = rest[0];
  const embedded = embeddedHolder ? embeddedKrrOf(embeddedHolder) : undefined;
  if (embeddedHolder) names.embedded = localName(embeddedHolder.name);
  if (embeddedHolder && !embedded) problems.push(`child 9 (${localName(embeddedHolder.name)}) holds no embedded KmsRedirectResponse`);
  if (rest.length > 1) problems.push(`${rest.length - 1} KRR-namespace element(s) after the embedded KRR`);
  if (Number.isNaN(Date.parse(text.time!)) && text.time) problems.push(`the date and time '${text.time.slice(0, 40)}' is not an xsd:dateTime`);
  const signature = childElements(root).find((c) => isNamed(c, NS_DS, 'Signature'));
  return {
    ok: true,
    krr: {
      id: attr(root, 'Id'),
      version: attr(root, 'Version'),
      time: text.time!,
      creatorUri: text.creatorUri!,
      initiatorUri: text.initiatorUri!,
      initiatorKmsUri: text.initiatorKmsUri!,
      receiverUri: text.receiverUri!,
      receiverKmsUri: text.receiverKmsUri!,
      initiatorKmsList,
      receiverKmsList,
      ...(embedded ? { embedded } : {}),
    },
    element: root,
    ...(signature ? { signature } : {}),
    names,
    problems,
  };
}

/** How many KRRs are nested inside `krr` (0 for a KRR with no embedded one); stops counting at `limit`. */
export function nestedDepth(root: XmlElement, limit = 64): number {
  let depth = 0;
  let at: XmlElement | undefined = root;
  while (at && depth < limit) {
    const read = readKrr(at);
    at = read.ok ? read.krr.embedded : undefined;
    if (at) depth++;
  }
  return depth;
}

/** A list as text for evidence: ANY, (empty), or the URIs. */
export function listText(list: KmsUriList): string {
  return list === 'any' ? 'ANY' : list.length ? list.join(', ') : '(empty)';
}
