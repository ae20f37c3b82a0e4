import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import type { Benchmark } from './types.ts';

/**
 * `npm run bench [filter]`: runs every bench/*.bench.ts (or those whose file
 * or benchmark name contains the filter) and prints one table of medians.
 * Not a test: figures go into notes, floors are judged by people.
 *
 * Two figures per benchmark: the wall-clock median, and the median over the
 * process's own CPU time (user + system), which stays meaningful when other
 * work shares the machine. The load average is printed with the table.
 */

const WARMUP_RUNS = 3;
const DEFAULT_ITERATIONS = 30;

interface Row {
  file: string;
  name: string;
  figure: string;
  cpuFigure: string;
  runs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function measure(b: Benchmark): Promise<{ figure: string; cpuFigure: string; runs: number }> {
  const state = b.setup ? await b.setup() : undefined;
  const iterations = b.iterations ?? DEFAULT_ITERATIONS;
  for (let i = 0; i < Math.min(WARMUP_RUNS, iterations); i++) await b.run(state);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await b.run(state);
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  return { figure: format(b, median(times)), cpuFigure: format(b, median(cpuTimes)), runs: iterations };
}

function format(b: Benchmark, ms: number): string {
  if (b.report === 'ops-per-second') {
    const ops = ((b.opsPerRun ?? 1) * 1000) / Math.max(ms, 1e-6);
    return `${Math.round(ops).toLocaleString('en-US')} ops/s`;
  }
  return `${ms.toFixed(ms < 1 ? 4 : 2)} ms`;
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
  const [wf, wn, wg, wc] = [w('file', 'file'), w('name', 'benchmark'), w('figure', 'median (wall)'), w('cpuFigure', 'median (cpu)')];
  const line = (a: string, b: string, c: string, d: string, e: string) => `${a.padEnd(wf)}  ${b.padEnd(wn)}  ${c.padStart(wg)}  ${d.padStart(wc)}  ${e}\n`;
  process.stdout.write(`node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  process.stdout.write(line('file', 'benchmark', 'median (wall)', 'median (cpu)', 'runs'));
  process.stdout.write(line('-'.repeat(wf), '-'.repeat(wn), '-'.repeat(wg), '-'.repeat(wc), '----'));
  for (const r of rows) process.stdout.write(line(r.file, r.name, r.figure, r.cpuFigure, String(r.runs)));
  return 0;
}

process.exitCode = await main(process.argv[2]);
