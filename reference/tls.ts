import { webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';
import type { ServerTls } from './component.ts';

/**
 * TLS material for one start of the reference domain: a throwaway CA and one
 * server certificate for 127.0.0.1 and localhost, ECDSA P-256 (an algorithm
 * the TS 33.310 Annex E profile allows). The suite's TLS checks run against
 * real TLS and verify the chain with `caPem` from the target file.
 */
const crypto = webcrypto as unknown as Crypto;

/**
 * @peculiar/x509 loads tsyringe, which refuses to load without the Reflect
 * metadata API. It only stores and reads metadata, so a small map-backed
 * stand-in is enough; a real reflect-metadata, when loaded first, wins.
 */
function installReflectMetadata(): void {
  const R = Reflect as unknown as Record<string, unknown>;
  if (typeof R.getMetadata === 'function') return;
  const store = new WeakMap<object, Map<string, Map<unknown, unknown>>>();
  const slot = (target: object, prop: unknown, create: boolean) => {
    let byProp = store.get(target);
    if (!byProp && create) store.set(target, (byProp = new Map()));
    const k = String(prop ?? '');
    let map = byProp?.get(k);
    if (!map && create && byProp) byProp.set(k, (map = new Map()));
    return map;
  };
  const getOwn = (key: unknown, target: object, prop?: unknown) => slot(target, prop, false)?.get(key);
  const get = (key: unknown, target: object, prop?: unknown): unknown => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
      const map = slot(t, prop, false);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  };
  R.getOwnMetadata = getOwn;
  R.getMetadata = get;
  R.hasMetadata = (key: unknown, target: object, prop?: unknown) => get(key, target, prop) !== undefined;
  R.defineMetadata = (key: unknown, value: unknown, target: object, prop?: unknown) => void slot(target, prop, true)!.set(key, value);
  R.metadata = (key: unknown, value: unknown) => (target: object, prop?: unknown) => void slot(target, prop, true)!.set(key, value);
}

let x509Module: Promise<typeof X509> | undefined;
function loadX509(): Promise<typeof X509> {
  installReflectMetadata();
  x509Module ??= import('@peculiar/x509').then((m) => {
    m.cryptoProvider.set(crypto);
    return m;
  });
  return x509Module;
}

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export async function createServerTls(workDir?: string): Promise<ServerTls> {
  const x509 = await loadX509();
  const notBefore = new Date(Date.now() - DAY_MS);
  const notAfter = new Date(Date.now() + 7 * DAY_MS);

  const caKeys = (await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=mcx-conformance reference CA, O=mcx-conformance',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const serverKeys = (await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=127.0.0.1, O=mcx-conformance reference domain',
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });

  const pkcs8 = await crypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
  const tls: ServerTls = {
    caPem: ca.toString('pem'),
    certPem: server.toString('pem'),
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
  // The CA is public; writing it lets a developer point curl or a browser at the run.
  if (workDir) writeFileSync(join(workDir, 'ca.pem'), tls.caPem);
  return tls;
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f; // positive INTEGER
  bytes[0] |= 0x01; // no leading zero octet
  return Buffer.from(bytes).toString('hex');
}
