import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../usage.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, with every parse problem turned into a UsageError (exit 2). */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `a,b, c` -> ['a', 'b', 'c']. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
