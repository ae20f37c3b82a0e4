/**
 * A benchmark case. bench/run.ts imports every `bench/*.bench.ts`, calls
 * `setup()` once, then times `run(state)` `iterations` times and prints the
 * median (milliseconds per run, or operations per second with `opsPerRun`
 * operations in one run).
 */
export interface Benchmark {
  name: string;
  /** Timed runs (default 30). */
  iterations?: number;
  setup?: () => unknown | Promise<unknown>;
  run: (state: any) => unknown | Promise<unknown>;
  /** Default 'median-ms'. */
  report?: 'median-ms' | 'ops-per-second';
  /** Operations one run performs (for ops-per-second; default 1). */
  opsPerRun?: number;
}
