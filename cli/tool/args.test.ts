import { test, expect } from '@playwright/test';
import { parseToolArgs, hexArg, intArg, parseHex } from './args.ts';
import { UsageError } from '../usage.ts';

test.describe('tool argument parsing', () => {
  const spec = { key: { type: 'string' as const, required: true }, n: { type: 'string' as const }, param: { type: 'string' as const, multiple: true } };

  test('values, --json and positionals', () => {
    const args = parseToolArgs(['--key', '0a0b', '--json', '--param', 'a', '--param', 'b', 'deadbeef'], spec, { name: '<packet hex>', min: 1, max: 1 });
    expect(args.json).toBe(true);
    expect(args.positionals).toEqual(['deadbeef']);
    expect(args.values.param).toEqual(['a', 'b']);
    expect(Array.from(hexArg(args, 'key'))).toEqual([10, 11]);
    expect(intArg(args, 'n', { default: 4 })).toBe(4);
  });

  test('each problem is one line naming the argument', () => {
    const cases: [string[], RegExp][] = [
      [['--key', '0a', '--bogus'], /^unknown option --bogus$/],
      [[], /^missing required option --key$/],
      [['--key'], /--key/],
      [['--key', '0a', 'extra'], /^unexpected argument 'extra'$/],
    ];
    for (const [argv, message] of cases) {
      let err: unknown;
      try {
        parseToolArgs(argv, spec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
    expect(() => parseHex('--key', 'xyz')).toThrow(/^--key: not an even-length hex string/);
    expect(() => parseHex('--key', '00', { lengths: [16] })).toThrow(/--key: expected 16 octets, got 1/);
    expect(() => intArg(parseToolArgs(['--key', '0', '--n', 'x'], spec), 'n')).toThrow(/^--n: not an integer/);
  });
});
