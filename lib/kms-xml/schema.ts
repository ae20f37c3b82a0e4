/**
 * Schema validation of KMS documents with xmllint-wasm against schemas/.
 * xmllint-wasm's own API starts a worker and compiles its WebAssembly per
 * call; xmllint-runner.ts keeps one worker with the compiled module, so a
 * run costs one instantiation and the validation (see bench/kms.bench.ts).
 * Errors carry the line and the element xmllint names.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateXml as validateXML } from './xmllint-runner.ts';

const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));
export const KMS_INTERFACE_XSD = 'kms-interface.xsd';
export const KMS_KRR_XSD = 'kms-krr.xsd';

let cache: Map<string, string> | undefined;
function schemaText(name: string): string {
  cache ??= new Map();
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(`${SCHEMA_DIR}${name}`, 'utf8');
    cache.set(name, text);
  }
  return text;
}

export interface SchemaError {
  line?: number;
  /** The element xmllint names (e.g. `{urn:3gpp:ns:mcsecKMSInterface:1.0}KmsUri`). */
  element?: string;
  message: string;
}

export type SchemaResult = { valid: true; errors: [] } | { valid: false; errors: SchemaError[] };

/** Which schema validates a document: the KMS interface (requests, responses) or KRRs. */
export type SchemaKind = 'kms' | 'krr';

/** Validates one document; never throws (an xmllint failure is an error entry). */
export async function validateKmsXml(xml: string, kind: SchemaKind = 'kms'): Promise<SchemaResult> {
  const main = kind === 'krr' ? KMS_KRR_XSD : KMS_INTERFACE_XSD;
  try {
    const result = await validateXML({
      xml: [{ fileName: 'document.xml', contents: xml }],
      schema: [{ fileName: main, contents: schemaText(main) }],
      preload: kind === 'kms' ? [{ fileName: KMS_KRR_XSD, contents: schemaText(KMS_KRR_XSD) }] : [],
    });
    if (result.valid) return { valid: true, errors: [] };
    const errors = result.errors.map((e) => toSchemaError(e.message, e.loc?.lineNumber));
    return { valid: false, errors: errors.length ? errors : [{ message: result.rawOutput.trim() || 'xmllint reported the document invalid' }] };
  } catch (err) {
    return { valid: false, errors: [{ message: `xmllint failed: ${(err as Error).message}` }] };
  }
}

function toSchemaError(message: string, line: number | undefined): SchemaError {
  const element = /Element '([^']+)'/.exec(message)?.[1];
  return { line, element, message: message.replace(/^\s*Schemas validity error\s*:\s*/i, '').trim() };
}

/** One line per error, for reports: `line 12, KmsUri: This element is not expected...`. */
export function formatSchemaErrors(errors: SchemaError[], max = 5): string {
  const shown = errors.slice(0, max).map((e) => `${e.line !== undefined ? `line ${e.line}` : 'line ?'}${e.element ? `, ${e.element}` : ''}: ${e.message}`);
  if (errors.length > max) shown.push(`... and ${errors.length - max} more`);
  return shown.join('; ');
}

/**
 * Validates several documents of one kind in a single xmllint run (one
 * worker and WebAssembly start instead of one per document).
 */
export async function validateKmsXmlBatch(docs: { name: string; xml: string }[], kind: SchemaKind = 'kms'): Promise<Map<string, SchemaResult>> {
  const out = new Map<string, SchemaResult>();
  if (docs.length === 0) return out;
  const main = kind === 'krr' ? KMS_KRR_XSD : KMS_INTERFACE_XSD;
  const files = docs.map((d, i) => ({ fileName: `doc${i}.xml`, contents: d.xml }));
  try {
    const result = await validateXML({
      xml: files,
      schema: [{ fileName: main, contents: schemaText(main) }],
      preload: kind === 'kms' ? [{ fileName: KMS_KRR_XSD, contents: schemaText(KMS_KRR_XSD) }] : [],
    });
    docs.forEach((d, i) => {
      const errors = result.errors.filter((e) => e.loc?.fileName === files[i].fileName || e.rawMessage.startsWith(`${files[i].fileName} `)).map((e) => toSchemaError(e.message, e.loc?.lineNumber));
      const failedLine = result.rawOutput.split('\n').some((l) => l.trim() === `${files[i].fileName} fails to validate`);
      out.set(d.name, errors.length || failedLine ? { valid: false, errors: errors.length ? errors : [{ message: 'xmllint reported the document invalid' }] } : { valid: true, errors: [] });
    });
  } catch (err) {
    for (const d of docs) out.set(d.name, { valid: false, errors: [{ message: `xmllint failed: ${(err as Error).message}` }] });
  }
  return out;
}
