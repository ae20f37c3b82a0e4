import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a `default` export.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats = (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

/** Compiles a JSON Schema with every error reported and defaults filled in. */
export function compileSchema<T = unknown>(schema: object, opts: { useDefaults?: boolean } = {}): ValidateFunction<T> {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, useDefaults: opts.useDefaults ?? false });
  addFormats(ajv);
  return ajv.compile<T>(schema);
}

/** `/idms/users/0/password` -> `idms.users[0].password`. */
export function fieldName(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const p of parts) out += /^[0-9]+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(top level)';
}

/** One line per problem: the field and what was expected there. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined): string[] {
  const lines: string[] = [];
  for (const e of errors ?? []) {
    const p = e.params as Record<string, unknown>;
    // A schema may say in words what it expects (`x-expected`), which beats a regex or a type name.
    const said = (e.parentSchema as { 'x-expected'?: string } | undefined)?.['x-expected'];
    if (said && ['type', 'pattern', 'required', 'additionalProperties'].includes(e.keyword)) {
      lines.push(`${fieldName(e.instancePath)}: expected ${said}`);
      continue;
    }
    switch (e.keyword) {
      case 'required':
        lines.push(`${fieldName(e.instancePath, String(p.missingProperty))}: is required`);
        break;
      case 'additionalProperties':
        lines.push(`${fieldName(e.instancePath, String(p.additionalProperty))}: unknown field`);
        break;
      case 'type':
        lines.push(`${fieldName(e.instancePath)}: expected ${p.type}`);
        break;
      case 'enum':
        lines.push(`${fieldName(e.instancePath)}: expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
        break;
      case 'const':
        lines.push(`${fieldName(e.instancePath)}: expected ${JSON.stringify(p.allowedValue)}`);
        break;
      case 'pattern':
        lines.push(`${fieldName(e.instancePath)}: expected a value matching ${p.pattern}`);
        break;
      case 'format':
        lines.push(`${fieldName(e.instancePath)}: expected a ${p.format}`);
        break;
      case 'minItems':
        lines.push(`${fieldName(e.instancePath)}: expected at least ${p.limit} item(s)`);
        break;
      case 'minLength':
        lines.push(`${fieldName(e.instancePath)}: expected at least ${p.limit} character(s)`);
        break;
      case 'if':
      case 'anyOf':
      case 'oneOf':
        break; // their sub-errors say what is wrong
      default:
        lines.push(`${fieldName(e.instancePath)}: ${e.message ?? e.keyword}`);
    }
  }
  return [...new Set(lines)];
}
