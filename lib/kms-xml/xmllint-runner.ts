/**
 * Runs xmllint (xmllint-wasm's build of libxml2) in one long-lived worker
 * per process, compiled once (xmllint-worker.cjs). Same inputs and result
 * shape as xmllint-wasm's `validateXML`, for the uses of schema.ts: schema
 * validation with preloaded includes, no normalisation.
 */
import { Worker } from 'node:worker_threads';

export interface XmlFile {
  fileName: string;
  contents: string;
}

export interface XmllintError {
  rawMessage: string;
  message: string;
  loc: { fileName: string; lineNumber: number } | null;
}

export interface XmllintResult {
  valid: boolean;
  errors: XmllintError[];
  rawOutput: string;
}

const KEY = 'mcx-xmllint';
/** xmllint's exit codes for "validation failed" (3: DTD/validity, 4: schema validity). */
const INVALID = new Set([3, 4]);
const MEMORY_PAGES = { initial: 256, max: 512 };

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (r: { exitCode: number; stderr: string }) => void; reject: (e: Error) => void }>();

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./xmllint-worker.cjs', import.meta.url));
  // The worker never keeps a process alive: it is idle between requests.
  w.unref();
  w.on('message', (m: { [KEY]?: boolean; id: number; exitCode: number; stderr: string }) => {
    if (m?.[KEY] !== true) return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    p?.resolve(m);
  });
  const fail = (err: Error) => {
    worker = undefined;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the xmllint worker exited (${code})`)));
  worker = w;
  return w;
}

export function validateXml(options: { xml: XmlFile[]; schema: XmlFile[]; preload?: XmlFile[] }): Promise<XmllintResult> {
  const args = [...options.schema.flatMap((s) => ['--schema', s.fileName]), '--noout', ...options.xml.map((x) => x.fileName)];
  const inputFiles = [...options.xml, ...options.schema, ...(options.preload ?? [])];
  for (const f of inputFiles) if (/(^|\s)-/.test(f.fileName) || f.fileName.includes('/')) throw new Error(`invalid file name '${f.fileName}'`);
  return new Promise((resolve, reject) => {
    const id = nextId++;
    const w = theWorker();
    pending.set(id, {
      resolve: ({ exitCode, stderr }) => {
        if (exitCode === 0) resolve({ valid: true, errors: [], rawOutput: stderr });
        else if (INVALID.has(exitCode)) resolve({ valid: false, errors: parseErrors(stderr), rawOutput: stderr });
        else reject(new Error(stderr.trim() || `xmllint exited with ${exitCode}`));
      },
      reject,
    });
    w.ref();
    w.postMessage({ [KEY]: true, id, inputFiles, args, initialMemory: MEMORY_PAGES.initial, maxMemory: MEMORY_PAGES.max });
  }).finally(() => {
    if (pending.size === 0) worker?.unref();
  }) as Promise<XmllintResult>;
}

/** `file.xml:12: Schemas validity error : ...` lines; the closing "validates" / "fails to validate" lines are not errors. */
function parseErrors(stderr: string): XmllintError[] {
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !/ (validates|fails to validate)$/.test(l.trim()))
    .map((line) => {
      const [fileName, lineNumber, ...rest] = line.split(':');
      if (fileName && lineNumber && /^\d+$/.test(lineNumber) && rest.length) return { rawMessage: line, message: rest.join(':').trim(), loc: { fileName, lineNumber: Number(lineNumber) } };
      return { rawMessage: line, message: line, loc: null };
    });
}
