/**
 * A minimal namespace-aware XML element tree: what the KMS XML code parses
 * into, builds, serializes, canonicalizes, signs and encrypts. Text is held
 * decoded (real characters); the serializer escapes it.
 */
export interface XmlElement {
  /** Qualified name as written, e.g. `KmsUri` or `ds:Signature`. */
  name: string;
  /** Attributes in document order, namespace declarations included. */
  attrs: [string, string][];
  children: XmlNode[];
  /** 1-based line of the start tag, when parsed from text. */
  line?: number;
}
export type XmlNode = XmlElement | string;

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

/** Builds an element; attributes with undefined values are left out. */
export function el(name: string, attrs: Record<string, string | undefined> = {}, ...children: (XmlNode | undefined | null | false)[]): XmlElement {
  const list: [string, string][] = [];
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) list.push([k, v]);
  return { name, attrs: list, children: children.filter((c): c is XmlNode => c !== undefined && c !== null && c !== false) };
}

/** A leaf element with text content, or nothing when the value is undefined. */
export function textEl(name: string, value: string | number | boolean | undefined, attrs: Record<string, string | undefined> = {}): XmlElement | undefined {
  if (value === undefined) return undefined;
  return el(name, attrs, String(value));
}

export function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}

export function prefixOf(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? '' : qname.slice(0, i);
}

export function attr(element: XmlElement, name: string): string | undefined {
  for (const [k, v] of element.attrs) if (k === name) return v;
  return undefined;
}

export function setAttr(element: XmlElement, name: string, value: string): void {
  const at = element.attrs.findIndex(([k]) => k === name);
  if (at >= 0) element.attrs[at] = [name, value];
  else element.attrs.push([name, value]);
}

export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter(isElement);
}

/** Text content of the element (its own text children, concatenated). */
export function textOf(element: XmlElement): string {
  let out = '';
  for (const c of element.children) if (typeof c === 'string') out += c;
  return out;
}

/**
 * Namespace bindings in scope: walk from the root to the element. The
 * parser sets `parent` links through this map so lookups stay cheap.
 */
const parents = new WeakMap<XmlElement, XmlElement>();

export function linkParents(root: XmlElement): void {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    for (const c of node.children) {
      if (isElement(c)) {
        parents.set(c, node);
        stack.push(c);
      }
    }
  }
}

export function parentOf(element: XmlElement): XmlElement | undefined {
  return parents.get(element);
}

/** Namespace URI bound to `prefix` ('' for the default namespace) at this element. */
export function lookupNamespace(element: XmlElement, prefix: string): string | undefined {
  const key = prefix ? `xmlns:${prefix}` : 'xmlns';
  for (let e: XmlElement | undefined = element; e; e = parents.get(e)) {
    const v = attr(e, key);
    if (v !== undefined) return v;
  }
  if (prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
  return prefix ? undefined : '';
}

export function namespaceOf(element: XmlElement): string | undefined {
  return lookupNamespace(element, prefixOf(element.name));
}

/** True when the element has this namespace URI and local name. */
export function isNamed(element: XmlElement, ns: string, local: string): boolean {
  return localName(element.name) === local && namespaceOf(element) === ns;
}

/** Child elements with this namespace and local name. */
export function children(element: XmlElement, ns: string, local: string): XmlElement[] {
  return childElements(element).filter((c) => isNamed(c, ns, local));
}

export function child(element: XmlElement, ns: string, local: string): XmlElement | undefined {
  return childElements(element).find((c) => isNamed(c, ns, local));
}

/** All in-scope namespace declarations at the element (prefix -> URI), nearest wins. */
export function inScopeNamespaces(element: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  for (let e: XmlElement | undefined = element; e; e = parents.get(e)) {
    for (const [k, v] of e.attrs) {
      if (k === 'xmlns' && !out.has('')) out.set('', v);
      else if (k.startsWith('xmlns:') && !out.has(k.slice(6))) out.set(k.slice(6), v);
    }
  }
  return out;
}

// ---- serialization ----

export function escapeText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'));
}

export function escapeAttr(text: string): string {
  return text.replace(/[&<"\t\n\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '"' ? '&quot;' : c === '\t' ? '&#x9;' : c === '\n' ? '&#xA;' : '&#xD;',
  );
}

export interface SerializeOptions {
  /** Prepend `<?xml version="1.0" encoding="UTF-8"?>`. */
  declaration?: boolean;
  /** Indent child elements (only for elements without text children). */
  indent?: string;
}

/** Serializes a tree. Empty elements are written `<a></a>` so the output is already in C14N form. */
export function serializeXml(root: XmlElement, options: SerializeOptions = {}): string {
  const parts: string[] = [];
  if (options.declaration) parts.push('<?xml version="1.0" encoding="UTF-8"?>', options.indent !== undefined ? '\n' : '');
  write(root, 0);
  return parts.join('');

  function write(node: XmlElement, depth: number): void {
    parts.push('<', node.name);
    for (const [k, v] of node.attrs) parts.push(' ', k, '="', escapeAttr(v), '"');
    parts.push('>');
    const mixed = node.children.some((c) => typeof c === 'string');
    const pretty = options.indent !== undefined && !mixed && node.children.length > 0;
    for (const c of node.children) {
      if (pretty) parts.push('\n', options.indent!.repeat(depth + 1));
      if (typeof c === 'string') parts.push(escapeText(c));
      else write(c, depth + 1);
    }
    if (pretty) parts.push('\n', options.indent!.repeat(depth));
    parts.push('</', node.name, '>');
  }
}

/** Deep copy (parent links are not copied; call linkParents on the copy). */
export function cloneElement(element: XmlElement): XmlElement {
  return {
    name: element.name,
    attrs: element.attrs.map(([k, v]) => [k, v] as [string, string]),
    children: element.children.map((c) => (typeof c === 'string' ? c : cloneElement(c))),
    ...(element.line !== undefined ? { line: element.line } : {}),
  };
}
