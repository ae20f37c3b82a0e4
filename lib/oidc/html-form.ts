/**
 * Reads the forms of an IdMS login or consent page well enough to submit
 * them as a browser would (5.1.2.3.2 steps 3a/3b): action, method, the
 * inputs with their default values, and which fields take the username and
 * password. Tolerant of attribute order, quoting and case; not a full HTML
 * parser, and it does not need to be: a page this cannot read is reported
 * as such, and the browser-driven login covers script-built forms.
 */
export interface HtmlInput {
  name: string;
  type: string;
  value: string;
}

export interface HtmlForm {
  action?: string;
  method: 'GET' | 'POST';
  inputs: HtmlInput[];
  /** Submit buttons that carry a name (their value is sent when clicked). */
  buttons: HtmlInput[];
}

const FORM = /<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi;
const INPUT = /<input\b([^>]*)>/gi;
const BUTTON = /<button\b([^>]*)>/gi;
const ATTR = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export function parseAttributes(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(ATTR)) out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|#39);/gi, (_, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos' || k === '#39') return "'";
    if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
    return String.fromCodePoint(parseInt(k.slice(1), 10));
  });
}

export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(FORM)) {
    const attrs = parseAttributes(m[1]);
    const inputs: HtmlInput[] = [];
    for (const i of m[2].matchAll(INPUT)) {
      const a = parseAttributes(i[1]);
      if (!a.name) continue;
      inputs.push({ name: a.name, type: (a.type ?? 'text').toLowerCase(), value: a.value ?? '' });
    }
    const buttons: HtmlInput[] = [];
    for (const b of m[2].matchAll(BUTTON)) {
      const a = parseAttributes(b[1]);
      if (a.name && (a.type ?? 'submit').toLowerCase() === 'submit') buttons.push({ name: a.name, type: 'submit', value: a.value ?? '' });
    }
    forms.push({ action: attrs.action, method: (attrs.method ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET', inputs, buttons });
  }
  return forms;
}

/** The form that asks for a password, with its username and password field names. */
export function findLoginForm(forms: HtmlForm[], hints: { usernameField?: string; passwordField?: string } = {}): { form: HtmlForm; usernameField?: string; passwordField: string } | undefined {
  for (const form of forms) {
    const password = form.inputs.find((i) => (hints.passwordField ? i.name === hints.passwordField : i.type === 'password'));
    if (!password) continue;
    const username = hints.usernameField
      ? form.inputs.find((i) => i.name === hints.usernameField)
      : form.inputs.find((i) => ['text', 'email'].includes(i.type) && /user|login|email|name|id/i.test(i.name)) ?? form.inputs.find((i) => ['text', 'email'].includes(i.type));
    return { form, usernameField: username?.name, passwordField: password.name };
  }
  return undefined;
}

/** Field values a browser submits for a form: hidden and text inputs, checked boxes, the first named button. */
export function formValues(form: HtmlForm): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of form.inputs) {
    if (['submit', 'button', 'image', 'reset', 'file'].includes(i.type)) continue;
    if ((i.type === 'checkbox' || i.type === 'radio') && !i.value) continue;
    out[i.name] = i.value;
  }
  const submit = form.inputs.find((i) => i.type === 'submit') ?? form.buttons[0];
  if (submit) out[submit.name] = submit.value;
  return out;
}

/** A readable one-line excerpt of a page, for reasons in findings. */
export function pageExcerpt(html: string, max = 160): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const text = html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  const body = decodeEntities(title ? `${title.trim()}: ${text}` : text);
  return body.length > max ? `${body.slice(0, max)}...` : body;
}
