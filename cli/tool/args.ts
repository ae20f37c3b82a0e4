import { parseArgs } from 'node:util';
import { UsageError } from '../usage.ts';

/**
 * Shared argument handling for `mcx-conformance tool <subcommand>`.
 * Every problem becomes a one-line UsageError naming the argument (exit 2);
 * `--json` is always accepted.
 *
 *   const args = parseToolArgs(argv, { key: { type: 'string', required: true } });
 *   const key = hexArg(args, 'key', { lengths: [16, 32] });
 *   printOutput(args.json, { derived: out });
 */

export interface ToolOptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  required?: boolean;
  short?: string;
}

export interface ToolArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  json: boolean;
}

export interface PositionalSpec {
  /** Name used in messages, e.g. '<packet hex>'. */
  name: string;
  min: number;
  max: number;
}

export function parseToolArgs(argv: string[], options: Record<string, ToolOptionSpec>, positional: PositionalSpec = { name: 'argument', min: 0, max: 0 }): ToolArgs {
  const nodeOptions: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = { json: { type: 'boolean' } };
  for (const [name, spec] of Object.entries(options)) {
    nodeOptions[name] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: nodeOptions, allowPositionals: true, strict: true });
  } catch (err) {
    if (!String((err as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) throw err;
    throw new UsageError(describeParseError(err as Error & { code?: string }));
  }
  const values = parsed.values as ToolArgs['values'];
  for (const [name, spec] of Object.entries(options)) {
    if (spec.required && values[name] === undefined) throw new UsageError(`missing required option --${name}`);
  }
  const positionals = parsed.positionals;
  if (positionals.length < positional.min) throw new UsageError(`missing ${positional.name}`);
  if (positionals.length > positional.max) throw new UsageError(`unexpected argument '${clip(positionals[positional.max])}'`);
  return { values, positionals, json: values.json === true };
}

function describeParseError(err: Error & { code?: string }): string {
  const quoted = /'(-[^']*)'/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return quoted ? `option ${quoted.split(' ')[0]} needs a value` : err.message.split('\n')[0];
    default:
      return err.message.split('\n')[0];
  }
}

function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** The string value of --name (last one wins if repeated); undefined if absent. */
export function stringArg(args: ToolArgs, name: string): string | undefined {
  const v = args.values[name];
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return typeof v === 'string' ? v : undefined;
}

export function requiredStringArg(args: ToolArgs, name: string): string {
  const v = stringArg(args, name);
  if (v === undefined) throw new UsageError(`missing required option --${name}`);
  return v;
}

/** Parses hex (spaces, colons and a leading 0x allowed) naming the option on failure. */
export function parseHex(label: string, text: string, opts: { lengths?: number[] } = {}): Uint8Array {
  const clean = text.replace(/[\s:]+/g, '').replace(/^0x/i, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw new UsageError(`${label}: not an even-length hex string: '${clip(text)}'`);
  const bytes = Uint8Array.from(Buffer.from(clean, 'hex'));
  if (opts.lengths && !opts.lengths.includes(bytes.length)) {
    throw new UsageError(`${label}: expected ${opts.lengths.join(' or ')} octets, got ${bytes.length}`);
  }
  return bytes;
}

/** Required hex option --name. */
export function hexArg(args: ToolArgs, name: string, opts: { lengths?: number[] } = {}): Uint8Array {
  return parseHex(`--${name}`, requiredStringArg(args, name), opts);
}

/** Integer option --name within [min, max]; decimal or 0x-hex. */
export function intArg(args: ToolArgs, name: string, opts: { min?: number; max?: number; default?: number } = {}): number {
  const text = stringArg(args, name);
  if (text === undefined) {
    if (opts.default !== undefined) return opts.default;
    throw new UsageError(`missing required option --${name}`);
  }
  return parseIntText(`--${name}`, text, opts);
}

export function parseIntText(label: string, text: string, opts: { min?: number; max?: number } = {}): number {
  const value = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text.slice(2), 16) : /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new UsageError(`${label}: not an integer: '${clip(text)}'`);
  if (opts.min !== undefined && value < opts.min) throw new UsageError(`${label}: must be at least ${opts.min}, got ${value}`);
  if (opts.max !== undefined && value > opts.max) throw new UsageError(`${label}: must be at most ${opts.max}, got ${value}`);
  return value;
}

type Printable = string | number | boolean | bigint | Uint8Array | null | undefined | Printable[] | { [key: string]: Printable };

function toJsonValue(value: Printable): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value;
}

/**
 * Prints the result: with --json one JSON object (octets as hex), otherwise
 * one `name: value` line per field (nested objects flattened with dots).
 */
export function printOutput(json: boolean, data: Record<string, Printable>): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(toJsonValue(data), null, 2)}\n`);
    return;
  }
  const lines: [string, string][] = [];
  const walk = (prefix: string, value: Printable) => {
    if (value === undefined) return;
    if (value && typeof value === 'object' && !(value instanceof Uint8Array) && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
      return;
    }
    const shown = toJsonValue(value);
    lines.push([prefix, Array.isArray(shown) ? shown.join(', ') : String(shown)]);
  };
  walk('', data);
  const width = Math.max(0, ...lines.map(([k]) => k.length));
  process.stdout.write(lines.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v}`).join('\n') + '\n');
}
