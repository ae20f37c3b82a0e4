import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Target } from './types.ts';

/**
 * Loads a target file. Secrets are written `{ env: NAME }` and resolved from
 * the environment here. Errors name the field.
 *
 * TODO(engine): validate against schemas/target.schema.json with ajv, one
 * error per problem.
 */
export class TargetFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`target file is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TargetFileError';
  }
}

export function loadTargetFile(path: string, env: NodeJS.ProcessEnv = process.env): Target {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new TargetFileError([`${path}: ${(err as Error).message}`]);
  }
  const problems: string[] = [];
  const resolved = resolveEnvRefs(doc, '', env, problems);
  if (problems.length) throw new TargetFileError(problems);
  return resolved as Target;
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
