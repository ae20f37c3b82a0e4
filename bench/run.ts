import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Benchmark } from './types.ts';

/**
 * `npm run bench [filter]`: runs every bench/*.bench.ts (or those whose file
 * or benchmark name contains the filter) and prints one table of medians.
 * Not a test: figures go into notes, floors are judged by people.
 */

const WARMUP_RUNS = 3;
const DEFAULT_ITERATIONS = 30;

interface Row {
  file: string;
  name: string;
  figure: string;
  runs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function measure(b: Benchmark): Promise<{ figure: string; runs: number }> {
  const state = b.setup ? await b.setup() : undefined;
  const iterations = b.iterations ?? DEFAULT_ITERATIONS;
  for (let i = 0; i < Math.min(WARMUP_RUNS, iterations); i++) await b.run(state);
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await b.run(state);
    times.push(performance.now() - start);
  }
  const ms = median(times);
  if (b.report === 'ops-per-second') {
    const ops = ((b.opsPerRun ?? 1) * 1000) / ms;
    return { figure: `${Math.round(ops).toLocaleString('en-US')} ops/s`, runs: iterations };
  }
  return { figure: `${ms.toFixed(ms < 1 ? 4 : 2)} ms`, runs: iterations };
}

async function main(filter?: string): Promise<number> {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
  const rows: Row[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { benchmarks?: Benchmark[] };
    if (!Array.isArray(mod.benchmarks)) {
      process.stderr.write(`bench/${file}: exports no 'benchmarks' array, skipped\n`);
      continue;
    }
    for (const b of mod.benchmarks) {
      if (filter && !file.includes(filter) && !b.name.includes(filter)) continue;
      process.stderr.write(`running ${file} › ${b.name}\n`);
      rows.push({ file, name: b.name, ...(await measure(b)) });
    }
  }
  if (rows.length === 0) {
    process.stderr.write(filter ? `no benchmark matches '${filter}'\n` : 'no bench/*.bench.ts files\n');
    return 1;
  }
  const w = (k: keyof Row, title: string) => Math.max(title.length, ...rows.map((r) => String(r[k]).length));
  const [wf, wn, wg] = [w('file', 'file'), w('name', 'benchmark'), w('figure', 'median')];
  const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(wf)}  ${b.padEnd(wn)}  ${c.padStart(wg)}  ${d}\n`;
  process.stdout.write(line('file', 'benchmark', 'median', 'runs'));
  process.stdout.write(line('-'.repeat(wf), '-'.repeat(wn), '-'.repeat(wg), '----'));
  for (const r of rows) process.stdout.write(line(r.file, r.name, r.figure, String(r.runs)));
  return 0;
}

process.exitCode = await main(process.argv[2]);
