import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import type { Benchmark } from './types.ts';
import { sideBySideRows } from './side-by-side.ts';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * `npm run bench [filter]`: runs every bench/*.bench.ts (or those whose file
 * or benchmark name contains the filter) and prints one table of medians.
 * Not a test: figures go into notes, floors are judged by people.
 *
 * Two figures per benchmark: the wall-clock median, and the median over the
 * process's own CPU time (user + system), which stays meaningful when other
 * work shares the machine. The load average is printed with the table.
 *
 * Then the side-by-side table (bench/side-by-side.ts): our CPU-time median
 * beside a native library's on the same inputs, and the ratio. Filter
 * `side-by-side` runs only that table; any other filter leaves it out.
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

/** The collector, when it can be had without node flags: rows start from a collected heap. */
const collect: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return () => {};
  }
})();

function cpuMedianMs(run: () => unknown, iterations: number, warmup = WARMUP_RUNS): number {
  collect();
  for (let i = 0; i < warmup; i++) run();
  const cpuTimes: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const cpu = process.cpuUsage();
    run();
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  return median(cpuTimes);
}

const loadLine = () => `node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`;

async function sideBySide(): Promise<void> {
  process.stderr.write('side-by-side: building the native harnesses and running them\n');
  const { rows, cleanup } = await sideBySideRows();
  try {
    const out: string[][] = [];
    for (const r of rows) {
      process.stderr.write(`running side-by-side › ${r.name}\n`);
      const ours = cpuMedianMs(r.ours, r.iterations, r.warmup);
      const fmt = (ms: number) => {
        const t = `${ms.toFixed(ms < 1 ? 4 : 2)} ms`;
        return r.opsPerRun ? `${t} (${Math.round((r.opsPerRun * 1000) / ms).toLocaleString('en-US')}/s)` : t;
      };
      if ('ms' in r.native) {
        const ratio = ours / r.native.ms;
        out.push([r.name, fmt(ours), fmt(r.native.ms), `${ratio.toFixed(2)}x${ratio > 3 ? ' (over 3x)' : ''}`, r.native.library]);
      } else {
        out.push([r.name, fmt(ours), 'n/a', 'n/a', r.native.missing]);
      }
    }
    const head = ['operation (median CPU time per run)', 'ours', 'native', 'ratio', 'native library'];
    const widths = head.map((h, k) => Math.max(h.length, ...out.map((row) => row[k].length)));
    const line = (cells: string[]) => cells.map((c, k) => (k === 0 || k === 4 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  ').trimEnd() + '\n';
    process.stdout.write(`\nside by side with native code (same inputs, same run), ${loadLine()}`);
    process.stdout.write(line(head));
    process.stdout.write(line(widths.map((n) => '-'.repeat(n))));
    for (const row of out) process.stdout.write(line(row));
    process.stdout.write(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  } finally {
    cleanup();
  }
}

async function main(filter?: string): Promise<number> {
  if (filter === 'side-by-side') {
    await sideBySide();
    return 0;
  }
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
  process.stdout.write(loadLine());
  process.stdout.write(line('file', 'benchmark', 'median (wall)', 'median (cpu)', 'runs'));
  process.stdout.write(line('-'.repeat(wf), '-'.repeat(wn), '-'.repeat(wg), '-'.repeat(wc), '----'));
  for (const r of rows) process.stdout.write(line(r.file, r.name, r.figure, r.cpuFigure, String(r.runs)));
  if (!filter) await sideBySide();
  return 0;
}

process.exitCode = await main(process.argv[2]);
