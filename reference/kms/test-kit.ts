/**
 * Test support for the reference KMS's own tests: TLS material, a stand-in
 * IdMS (a JWKS served over HTTPS and a token minter) and an HTTP client that
 * trusts the run's CA. Not used by the KMS itself.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from 'jose';
import { Agent, request } from 'undici';
import { createServerTls } from '../tls.ts';
import { FaultSet } from '../fault.ts';
import { DEFAULT_BEHAVIOUR } from '../component.ts';
import type { ComponentContext, ServerTls } from '../component.ts';
import type { KmsTrust } from '../idms/index.ts';
import { fromHex } from '../../lib/crypto/bytes.ts';
import { decryptElementContent, decryptToOctets, type KekResolver } from '../../lib/kms-xml/encryption.ts';
import { xmlKey, type SharedKey } from '../../lib/kms-xml/keys.ts';
import { xsdDateTime, type KeyContent, type KmsMessage, type KmsRequest, type KmsResponse } from '../../lib/kms-xml/model.ts';
import { NS_DS, NS_KMS, NS_XENC, NS_XSI } from '../../lib/kms-xml/namespaces.ts';
import { parseXml } from '../../lib/kms-xml/parse.ts';
import { protectedRequestXml } from '../../lib/kms-xml/protect.ts';
import { readKmsResponse, readMessage } from '../../lib/kms-xml/read.ts';
import { child, cloneElement, el, linkParents, type XmlElement } from '../../lib/kms-xml/xml.ts';

export const TEST_ISSUER = 'https://idms.test.invalid';
/** The KMS's resource identifier: the aud of the minted tokens, which the KMS checks. */
export const TEST_AUDIENCE = 'https://kms.test.invalid';
export const ALICE = 'sip:alice@mcx.example.org';
export const KM_SCOPES = '3gpp:mc:ptt_key_management_service';

export interface StandInIdms {
  trust: KmsTrust;
  /** Signs a token with the IdMS key (or another key with `foreignKey`). */
  mint(claims?: JWTPayload, options?: { expiresInSeconds?: number; foreignKey?: boolean }): Promise<string>;
  stop(): Promise<void>;
}

export async function startStandInIdms(tls: ServerTls): Promise<StandInIdms> {
  const own = await generateKeyPair('ES256');
  const foreign = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(own.publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    if (req.url === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    trust: { issuer: TEST_ISSUER, jwksUri: `https://127.0.0.1:${port}/jwks`, audience: TEST_AUDIENCE },
    async mint(claims = {}, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = { iss: TEST_ISSUER, aud: TEST_AUDIENCE, scope: `openid ${KM_SCOPES}`, mcptt_id: ALICE, client_id: 'km-client', ...claims };
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', kid: 'test-key', typ: 'at+jwt' })
        .setIssuedAt(now)
        .setExpirationTime(now + (options.expiresInSeconds ?? 300))
        .sign(options.foreignKey ? foreign.privateKey : own.privateKey);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface TestContext {
  ctx: ComponentContext;
  cleanup(): void;
}

export async function testContext(faults: string[] = []): Promise<TestContext> {
  const workDir = mkdtempSync(join(tmpdir(), 'mcx-kms-test-'));
  const tls = await createServerTls(workDir);
  return {
    ctx: { host: '127.0.0.1', tls, faults: new FaultSet(faults), workDir, behaviour: DEFAULT_BEHAVIOUR },
    cleanup: () => rmSync(workDir, { recursive: true, force: true }),
  };
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** POSTs (or other methods) to the KMS, trusting the test CA. */
export function kmsClient(tls: ServerTls) {
  const agent = new Agent({ connect: { ca: tls.caPem } });
  return {
    async send(url: string, options: { method?: string; token?: string; body?: string; contentType?: string; headers?: Record<string, string> } = {}): Promise<TestResponse> {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/xml';
      const res = await request(url, {
        method: (options.method ?? 'POST') as 'POST',
        headers,
        body: options.body,
        dispatcher: agent,
        headersTimeout: 15_000,
        bodyTimeout: 15_000,
      });
      return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
    },
    close: () => agent.close(),
  };
}

// ---- KM client side: requests and responses through lib/kms-xml ----

export interface ClientKeys {
  trk?: SharedKey;
  ink?: SharedKey;
}

export interface RequestOptions {
  userUri?: string;
  kmsUri?: string;
  time?: string;
  clientReqUrl?: string;
  /** Send TrK-ID (default: when keys.trk is given). */
  trkId?: string;
  /** Sign with 'ink' | 'trk' | nothing. */
  sign?: 'ink' | 'trk';
  krrList?: XmlElement[];
  /** Use this key value instead of the real one when signing (bad signature). */
  signingKeyOverride?: Uint8Array;
}

/** A KmsRequest (D.2.2) for `url`, signed as asked. */
export function requestXml(url: string, keys: ClientKeys, o: RequestOptions = {}): string {
  const req: KmsRequest = {
    userUri: o.userUri ?? ALICE,
    kmsUri: o.kmsUri ?? 'kms.mcx.example.org',
    time: o.time ?? xsdDateTime(),
    clientReqUrl: o.clientReqUrl ?? url,
    krrList: o.krrList,
    trkId: o.trkId ?? keys.trk?.id,
  };
  const signer = o.sign === 'ink' ? keys.ink : o.sign === 'trk' ? keys.trk : undefined;
  if (!signer) return protectedRequestXml(req);
  return protectedRequestXml(req, o.signingKeyOverride ? { id: signer.id, key: o.signingKeyOverride } : signer);
}

export interface ReadResponse {
  doc: KmsResponse;
  root: XmlElement;
  signature?: XmlElement;
  problems: string[];
  /** The message after decryption (or as sent when clear). */
  message?: KmsMessage;
  messageWasEncrypted: boolean;
  decryptFailure?: string;
}

/** F.1.4 confidentiality key candidates for a TrK (the KMS derives with the response UserUri). */
export function kekResolver(keys: ClientKeys, userUri: string): KekResolver {
  return (name) => {
    const trk = keys.trk;
    if (!trk || (name !== undefined && name !== trk.id)) return [];
    return [{ key: xmlKey(trk, 'confidentiality', userUri), label: 'F.1.4 TrK key' }];
  };
}

export function readResponse(body: string, keys: ClientKeys = {}): ReadResponse {
  const parsed = parseXml(body);
  if (!parsed.ok) throw new Error(`response is not XML: ${parsed.reason}`);
  const read = readKmsResponse(parsed.root);
  if (!read.ok) throw new Error(read.reason);
  const out: ReadResponse = { doc: read.doc, root: read.root, signature: read.signature, problems: read.problems, message: read.doc.message, messageWasEncrypted: false };
  const encrypted = read.doc.message?.encrypted;
  const holder = child(read.element, NS_KMS, 'KmsMessage');
  if (encrypted && holder) {
    out.messageWasEncrypted = true;
    const opened = decryptElementContent(encrypted, holder, kekResolver(keys, read.doc.userUri));
    if (!opened.ok) {
      out.decryptFailure = opened.reason;
      out.message = undefined;
    } else {
      const copy = cloneElement(holder);
      copy.children = opened.nodes;
      const wrapper = el('KmsResponse', { xmlns: NS_KMS, 'xmlns:xenc': NS_XENC, 'xmlns:ds': NS_DS, 'xmlns:xsi': NS_XSI }, copy);
      linkParents(wrapper);
      out.message = readMessage(undefined, copy);
    }
  }
  return out;
}

/** Key material of a key field: hex in clear, or decrypted with the TrK. */
export function keyBytes(content: KeyContent, keys: ClientKeys, userUri: string): Uint8Array {
  if ('hex' in content) return fromHex(content.hex) ?? new Uint8Array();
  const opened = decryptToOctets(content.encrypted, kekResolver(keys, userUri));
  if (!opened.ok) throw new Error(`key material does not decrypt: ${opened.reason}`);
  return opened.plaintext;
}

/** The bootstrap TrK and InK a started KMS shares with its clients (target file + environment). */
export function bootstrapKeys(kms: { target: Record<string, unknown>; secretEnv: Record<string, string> }): { trk: SharedKey; ink: SharedKey } {
  const section = kms.target.kms as { trk: { id: string }; ink: { id: string } };
  return {
    trk: { id: section.trk.id, key: fromHex(kms.secretEnv.MCX_REF_TRK)! },
    ink: { id: section.ink.id, key: fromHex(kms.secretEnv.MCX_REF_INK)! },
  };
}
