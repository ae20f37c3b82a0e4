import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

/**
 * Files under `dir` whose bytes contain `needle`, also looking inside zip
 * entries (Playwright's HTML report embeds its data as a zip).
 */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const n = Buffer.from(needle);
  for (const path of walk(dir)) {
    const bytes = readFileSync(path);
    if (bytes.includes(n) || zipContains(bytes, n) || embeddedZipContains(bytes, n)) hits.push(path);
  }
  return hits;
}

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile() && statSync(p).size < 200 * 1024 * 1024) yield p;
  }
}

/** Inflates every entry of a zip held in `bytes` (local file headers) and searches them. */
function zipContains(bytes: Buffer, needle: Buffer): boolean {
  let i = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  while (i >= 0 && i + 30 <= bytes.length) {
    const method = bytes.readUInt16LE(i + 8);
    const size = bytes.readUInt32LE(i + 18);
    const nameLen = bytes.readUInt16LE(i + 26);
    const extraLen = bytes.readUInt16LE(i + 28);
    const start = i + 30 + nameLen + extraLen;
    try {
      if (method === 8) {
        const data = size > 0 ? bytes.subarray(start, start + size) : bytes.subarray(start);
        if (inflateRawSync(data).includes(needle)) return true;
      } else if (method === 0 && bytes.subarray(start, start + size).includes(needle)) return true;
    } catch {
      // not a real entry; keep looking
    }
    i = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]), i + 4);
  }
  return false;
}

/** Playwright's HTML report puts a base64 zip in a script tag. */
function embeddedZipContains(bytes: Buffer, needle: Buffer): boolean {
  const text = bytes.toString('latin1');
  for (const m of text.matchAll(/data:application\/zip;base64,([A-Za-z0-9+/=]+)/g)) {
    if (zipContains(Buffer.from(m[1]!, 'base64'), needle)) return true;
  }
  return false;
}
