import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { ZipArchive } from 'archiver';
import { replaceSecrets } from '../harness/secret-text.ts';

/**
 * The last line of redaction: after a run, every text file under the report
 * directory, and every text entry of the zips in it (Playwright's HTML report
 * embeds its data as a base64 zip; traces are zips), is searched for the
 * literal secret values the run knew of, and each hit is replaced. Only
 * literal values: shape-based redaction on third-party files (minified
 * JavaScript) could corrupt them.
 */
const TEXT_EXTENSIONS = new Set(['.json', '.xml', '.html', '.htm', '.log', '.md', '.yaml', '.yml', '.txt', '.csv', '.js', '.css', '.jsonl', '.network', '.trace', '']);
// Distinct from the suites' own marker, so what only the final scrub caught can be found (and fixed at its source).
const REPLACEMENT = '<redacted by the final scrub>';

export interface ScrubReport {
  filesChanged: string[];
}

export async function scrubReportDir(dir: string, secrets: Iterable<string>): Promise<ScrubReport> {
  const list = spellings(secrets);
  const filesChanged: string[] = [];
  if (list.length === 0) return { filesChanged };
  for (const path of walk(dir)) {
    const ext = extname(path).toLowerCase();
    const bytes = readFileSync(path);
    let out: Buffer | undefined;
    if (ext === '.zip') out = await scrubZip(bytes, list);
    else if (TEXT_EXTENSIONS.has(ext)) {
      let text = scrubText(bytes.toString('utf8'), list);
      text = await scrubEmbeddedZips(text, list);
      if (text !== bytes.toString('utf8')) out = Buffer.from(text);
    }
    if (out) {
      writeFileSync(path, out);
      filesChanged.push(path);
    }
  }
  return { filesChanged };
}

/** Each secret as given, lower- and upper-cased (hex), longest first; short ones are matched as whole values only (secret-text.ts). */
function spellings(secrets: Iterable<string>): string[] {
  const set = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length === 0) continue;
    set.add(s);
    set.add(s.toLowerCase());
    set.add(s.toUpperCase());
  }
  return [...set].sort((a, b) => b.length - a.length);
}

function scrubText(text: string, secrets: string[]): string {
  return replaceSecrets(text, secrets, REPLACEMENT);
}

async function scrubEmbeddedZips(text: string, secrets: string[]): Promise<string> {
  const re = /data:application\/zip;base64,([A-Za-z0-9+/=]+)/g;
  let result = text;
  for (const m of text.matchAll(re)) {
    const zip = Buffer.from(m[1]!, 'base64');
    const scrubbed = await scrubZip(zip, secrets);
    if (scrubbed) result = result.replace(m[1]!, scrubbed.toString('base64'));
  }
  return result;
}

/** A new zip with secrets replaced in its entries, or undefined when none held one. */
async function scrubZip(bytes: Buffer, secrets: string[]): Promise<Buffer | undefined> {
  let entries: { name: string; data: Buffer }[];
  try {
    entries = readZip(bytes);
  } catch {
    return undefined;
  }
  let changed = false;
  const scrubbed = entries.map((e) => {
    if (!secrets.some((s) => e.data.includes(s))) return e;
    const before = e.data.toString('utf8');
    const after = scrubText(before, secrets);
    if (after === before) return e;
    changed = true;
    return { name: e.name, data: Buffer.from(after) };
  });
  if (!changed) return undefined;
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const chunks: Buffer[] = [];
  zip.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    zip.on('end', () => resolve());
    zip.on('error', reject);
  });
  for (const e of scrubbed) zip.append(e.data, { name: e.name });
  await zip.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** Minimal zip reader through the central directory (stored and deflated entries). */
export function readZip(bytes: Buffer): { name: string; data: Buffer }[] {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip');
  const count = bytes.readUInt16LE(eocd + 10);
  let p = bytes.readUInt32LE(eocd + 16);
  const out: { name: string; data: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    if (bytes.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = bytes.readUInt16LE(p + 10);
    const compSize = bytes.readUInt32LE(p + 20);
    const nameLen = bytes.readUInt16LE(p + 28);
    const extraLen = bytes.readUInt16LE(p + 30);
    const commentLen = bytes.readUInt16LE(p + 32);
    const local = bytes.readUInt32LE(p + 42);
    const name = bytes.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const raw = bytes.subarray(start, start + compSize);
    if (!name.endsWith('/')) out.push({ name, data: method === 8 ? inflateRawSync(raw) : method === 0 ? Buffer.from(raw) : (() => { throw new Error(`zip method ${method}`); })() });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}
