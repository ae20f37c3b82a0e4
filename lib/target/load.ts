import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Target } from './types.ts';
import { ICS_FEATURES, isIcsFeature } from './ics.ts';
import { compileSchema, describeAjvErrors } from './schema.ts';
import { checkMcxServerSection, MCX_SERVER_SCHEMA } from './mcx-server.ts';
import { CS_PROXY_SCHEMA } from './cs-proxy.ts';
import { IS_PROXY_SCHEMA } from './is-proxy.ts';
import { checkProxyKms } from './proxy.ts';
import { checkGmsSection, GMS_SCHEMA } from './gms.ts';
import targetSchema from '../../schemas/target.schema.json' with { type: 'json' };

/**
 * Loads a target file: YAML, validated against schemas/target.schema.json,
 * then `{ env: NAME }` secrets resolved from the environment and `tls.caFile`
 * read. Every problem is reported, one line each, naming the field.
 */
export class TargetFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`target file is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TargetFileError';
  }
}

// The SIP roles' sections live beside their types (lib/target/<role>.ts); the published JSON file holds the others.
const validateTarget = compileSchema({ ...targetSchema, properties: { ...targetSchema.properties, mcxServer: MCX_SERVER_SCHEMA, csProxy: CS_PROXY_SCHEMA, isProxy: IS_PROXY_SCHEMA, gms: GMS_SCHEMA } }, { useDefaults: true });

/** Parses a target file's YAML (secrets still as `{ env: NAME }`). */
export function readTargetDocument(path: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new TargetFileError([`${path}: ${(err as Error).message.split('\n')[0]}`]);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new TargetFileError([`${path}: (top level): expected a YAML mapping`]);
  return doc as Record<string, unknown>;
}

/** Schema and ICS problems of a target document in YAML form (empty when valid). Fills in defaults. */
export function checkTargetDocument(doc: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!validateTarget(doc)) problems.push(...describeAjvErrors(validateTarget.errors));
  const ics = doc.ics;
  if (ics && typeof ics === 'object' && !Array.isArray(ics)) {
    for (const key of Object.keys(ics)) {
      if (!isIcsFeature(key)) problems.push(`ics.${key}: unknown ICS feature; did you mean '${nearestIcsFeature(key)}'? (mcx-conformance ics --template lists them all)`);
    }
  }
  const tls = doc.tls as { caFile?: string; caPem?: string } | undefined;
  if (tls?.caFile && tls.caPem) problems.push('tls: expected caFile or caPem, not both');
  if (problems.length === 0) problems.push(...checkMcxServerSection(doc), ...checkProxyKms(doc, 'csProxy'), ...checkProxyKms(doc, 'isProxy'), ...checkGmsSection(doc));
  return problems;
}

/** The known ICS feature closest to `name` (edit distance, ties in ics.ts order). */
export function nearestIcsFeature(name: string): string {
  let best = '';
  let bestDistance = Infinity;
  for (const known of Object.keys(ICS_FEATURES)) {
    const d = editDistance(name.toLowerCase(), known.toLowerCase());
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

export function loadTargetFile(path: string, env: NodeJS.ProcessEnv = process.env): Target {
  const doc = readTargetDocument(path);
  return resolveTargetDocument(doc, env, dirname(resolve(path)));
}

/** Validates a YAML-form document and resolves its secrets and CA file. */
export function resolveTargetDocument(doc: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env, baseDir = process.cwd()): Target {
  const problems = checkTargetDocument(doc);
  if (problems.length) throw new TargetFileError(problems);
  const resolved = resolveEnvRefs(doc, '', env, problems) as Target & { tls: { caFile?: string } };
  for (const [field, key] of [['kms.trk.keyHex', resolved.kms?.trk], ['kms.ink.keyHex', resolved.kms?.ink]] as const) {
    if (key && typeof key.keyHex === 'string' && !/^([0-9a-fA-F]{2})+$/.test(key.keyHex)) problems.push(`${field}: expected hex digits in the environment variable`);
  }
  const kmsToken = resolved.kms?.accessToken;
  if (typeof kmsToken === 'string' && !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(kmsToken)) problems.push('kms.accessToken: expected a JWT (three base64url parts separated by dots) in the environment variable');
  if (resolved.tls.caFile) {
    const caPath = resolve(baseDir, resolved.tls.caFile);
    try {
      resolved.tls.caPem = readFileSync(caPath, 'utf8');
      if (!resolved.tls.caPem.includes('-----BEGIN CERTIFICATE-----')) problems.push(`tls.caFile: expected a PEM certificate in ${caPath}`);
    } catch (err) {
      problems.push(`tls.caFile: cannot read ${caPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    delete resolved.tls.caFile;
  }
  if (problems.length) throw new TargetFileError(problems);
  if (resolved.tls.caPem === '') delete resolved.tls.caPem;
  return resolved;
}

/** Warnings a report must carry for this target (e.g. certificate verification off). */
export function targetWarnings(doc: Record<string, unknown>): string[] {
  const tls = doc.tls as { verify?: boolean } | undefined;
  return tls?.verify === false ? ['TLS certificate verification is OFF for this target (tls.verify: false): results do not prove the target can be authenticated'] : [];
}

/** Replaces every `{ env: NAME }` object by the variable's value. */
export function resolveEnvRefs(value: unknown, path: string, env: NodeJS.ProcessEnv, problems: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvRefs(v, `${path}[${i}]`, env, problems));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === 'env') {
      const name = String(obj.env);
      const v = env[name];
      if (v === undefined) problems.push(`${path || '/'}: environment variable ${name} is not set`);
      return v;
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = resolveEnvRefs(obj[k], path ? `${path}.${k}` : k, env, problems);
    return out;
  }
  return value;
}

/** The target document with every secret reference kept as a reference and no secret value: safe to publish. */
export function publishableTargetDocument(doc: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
}
