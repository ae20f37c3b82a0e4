import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eccsiGenerateKms, type EccsiKmsKeys } from '../../lib/crypto/eccsi.ts';
import { sakkeGenerateKms, type SakkeKmsKeys } from '../../lib/crypto/sakke.ts';
import { fromHex, toHex } from '../../lib/crypto/bytes.ts';

/**
 * The SAKKE (RFC 6508) and ECCSI (RFC 6507) master secrets of one KMS,
 * generated on first use and kept in the run's folder so that every key
 * set issued during the run derives from the same secrets.
 */
export interface MasterKeys {
  sakke: SakkeKmsKeys;
  eccsi: EccsiKmsKeys;
}

interface StoredMasterKeys {
  z: string;
  zT: string;
  ksak: string;
  kpak: string;
}

export function loadOrCreateMasterKeys(dir: string, kmsUri: string): MasterKeys {
  const file = join(dir, `${kmsUri.replace(/[^A-Za-z0-9.-]/g, '_')}.master-keys.json`);
  if (existsSync(file)) return decode(JSON.parse(readFileSync(file, 'utf8')) as StoredMasterKeys);
  const keys: MasterKeys = { sakke: sakkeGenerateKms(), eccsi: eccsiGenerateKms() };
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(encode(keys)), { mode: 0o600 });
  return keys;
}

function encode(keys: MasterKeys): StoredMasterKeys {
  return {
    z: keys.sakke.z.toString(16),
    zT: toHex(keys.sakke.zT),
    ksak: keys.eccsi.ksak.toString(16),
    kpak: toHex(keys.eccsi.kpak),
  };
}

function decode(stored: StoredMasterKeys): MasterKeys {
  const bytes = (text: string) => {
    const out = fromHex(text);
    if (!out) throw new Error('corrupt master key file');
    return out;
  };
  return {
    sakke: { z: BigInt(`0x${stored.z}`), zT: bytes(stored.zT) },
    eccsi: { ksak: BigInt(`0x${stored.ksak}`), kpak: bytes(stored.kpak) },
  };
}
