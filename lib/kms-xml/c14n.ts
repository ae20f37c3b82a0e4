/**
 * XML canonicalization of an element subtree, for the HMAC signatures of the
 * KMS interface (D.1, 9.3.5). TS 33.180 names no canonicalization method for
 * KMS signatures; public KM clients use inclusive C14N 1.0 (the method D.4.2
 * names for KRRs), so that is what we sign with. Verification follows the
 * method the signature declares: inclusive or exclusive C14N 1.0, without
 * comments (the tree keeps none). No DTD-driven features apply: documents
 * with a DOCTYPE are refused by the parser.
 */
import { ALG_C14N, ALG_EXC_C14N } from './namespaces.ts';
import { escapeAttr, escapeText, inScopeNamespaces, isElement, localName, parentOf, prefixOf, type XmlElement } from './xml.ts';

const NS_XML = 'http://www.w3.org/XML/1998/namespace';

export type C14nMethod = 'inclusive' | 'exclusive';

export function c14nMethodOf(algorithm: string | undefined): C14nMethod | undefined {
  if (algorithm === ALG_C14N || algorithm === `${ALG_C14N}#WithComments`) return 'inclusive';
  if (algorithm === ALG_EXC_C14N || algorithm === `${ALG_EXC_C14N}WithComments`) return 'exclusive';
  return undefined;
}

/**
 * Canonical form of `apex` and its descendants. `exclude` leaves one element
 * out (the enveloped-signature transform).
 */
export function canonicalize(apex: XmlElement, method: C14nMethod = 'inclusive', exclude?: XmlElement): string {
  const parts: string[] = [];
  const inScope = inScopeNamespaces(apex);
  if (!inScope.has('')) inScope.set('', '');
  write(apex, inScope, new Map([['', '']]));
  return parts.join('');

  function write(el: XmlElement, scope: Map<string, string>, rendered: Map<string, string>): void {
    // Namespace context of this element: the parent's scope overlaid with its own declarations.
    let own = scope;
    if (el !== apex) {
      own = new Map(scope);
      for (const [k, v] of el.attrs) {
        if (k === 'xmlns') own.set('', v);
        else if (k.startsWith('xmlns:')) own.set(k.slice(6), v);
      }
    }
    const candidates = method === 'inclusive' ? [...own.keys()] : visiblyUsedPrefixes(el);
    const nsOut: [string, string][] = [];
    const nextRendered = new Map(rendered);
    for (const prefix of candidates) {
      const uri = own.get(prefix) ?? '';
      if (prefix === 'xml') continue;
      if ((rendered.get(prefix) ?? (prefix === '' ? '' : undefined)) === uri) continue;
      if (prefix !== '' && uri === '') continue;
      nsOut.push([prefix, uri]);
      nextRendered.set(prefix, uri);
    }
    nsOut.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const withInherited = el === apex && method === 'inclusive' ? [...el.attrs, ...inheritedXmlAttributes(el)] : el.attrs;
    const attrs = withInherited
      .filter(([k]) => k !== 'xmlns' && !k.startsWith('xmlns:'))
      .map(([k, v]) => ({ k, v, ns: attributeNamespace(k, own), local: localName(k) }))
      .sort((a, b) => (a.ns !== b.ns ? (a.ns < b.ns ? -1 : 1) : a.local < b.local ? -1 : a.local > b.local ? 1 : 0));
    parts.push('<', el.name);
    for (const [p, uri] of nsOut) parts.push(p ? ` xmlns:${p}="` : ' xmlns="', escapeAttr(uri), '"');
    for (const a of attrs) parts.push(' ', a.k, '="', escapeAttr(a.v), '"');
    parts.push('>');
    for (const c of el.children) {
      if (!isElement(c)) parts.push(escapeText(c));
      else if (c !== exclude) write(c, own, nextRendered);
    }
    parts.push('</', el.name, '>');
  }
}

/** Attributes sort by namespace URI first (C14N 1.0 2.2); the xml prefix is bound without a declaration. */
function attributeNamespace(name: string, scope: Map<string, string>): string {
  const prefix = prefixOf(name);
  if (!prefix) return '';
  return prefix === 'xml' ? NS_XML : (scope.get(prefix) ?? '');
}

/**
 * Inclusive C14N 1.0 of a document subset (2.4): the apex carries the xml:*
 * attributes (xml:lang, xml:space, ...) of its nearest ancestors that have
 * them, unless it has its own. Exclusive C14N does not inherit them.
 */
function inheritedXmlAttributes(apex: XmlElement): [string, string][] {
  const inherited = new Map<string, string>();
  for (let e = parentOf(apex); e; e = parentOf(e)) {
    for (const [k, v] of e.attrs) if (k.startsWith('xml:') && !inherited.has(k)) inherited.set(k, v);
  }
  for (const [k] of apex.attrs) inherited.delete(k);
  return [...inherited];
}

/** Exclusive C14N: prefixes used by the element name and its (prefixed) attributes. */
function visiblyUsedPrefixes(el: XmlElement): string[] {
  const used = new Set<string>([prefixOf(el.name)]);
  for (const [k] of el.attrs) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const p = prefixOf(k);
    if (p) used.add(p);
  }
  return [...used];
}

export { ALG_C14N, ALG_EXC_C14N };
