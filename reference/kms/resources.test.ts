import { test, expect } from '@playwright/test';
import { startKms } from './index.ts';
import {
  ALICE,
  bootstrapKeys,
  keyBytes,
  kmsClient,
  readResponse,
  requestXml,
  startStandInIdms,
  testContext,
  type StandInIdms,
  type TestContext,
} from './test-kit.ts';
import type { RunningComponent } from '../component.ts';
import { isSakkePublicPoint, sakkeValidateRsk } from '../../lib/crypto/sakke.ts';
import { eccsiValidateUserKey, isValidP256Point } from '../../lib/crypto/eccsi.ts';
import { fromBase64, fromHex, toHex } from '../../lib/crypto/bytes.ts';
import { keyPeriodNumber, mikeySakkeUid } from '../../lib/crypto/uid.ts';
import { ntpNow, ntpToBytes } from '../../lib/crypto/ntp.ts';
import { verifyKmsSignature } from '../../lib/kms-xml/signature.ts';
import { decryptToOctets } from '../../lib/kms-xml/encryption.ts';
import { xmlKey } from '../../lib/kms-xml/keys.ts';
import { krrElement } from '../../lib/kms-xml/krr.ts';
import { xsdDateTime, type KmsCertificate, type KmsKeySet } from '../../lib/kms-xml/model.ts';
import { NS_KRR, NS_XENC } from '../../lib/kms-xml/namespaces.ts';
import { child, el, textOf } from '../../lib/kms-xml/xml.ts';
import { validateKmsXmlBatch } from '../../lib/kms-xml/schema.ts';

/** Happy paths of every KMS resource (D.2.3-D.2.8) with a locally minted token, and the D.2.2 refusals. */
let env: TestContext;
let idms: StandInIdms;
let kms: RunningComponent;
let client: ReturnType<typeof kmsClient>;
let base: string;
let keys: ReturnType<typeof bootstrapKeys>;

test.beforeAll(async () => {
  test.setTimeout(60_000);
  env = await testContext();
  idms = await startStandInIdms(env.ctx.tls);
  kms = await startKms(env.ctx, idms.trust);
  client = kmsClient(env.ctx.tls);
  base = (kms.target.kms as { baseUrl: string }).baseUrl;
  keys = bootstrapKeys(kms);
});
test.afterAll(async () => {
  await client?.close();
  await kms?.stop();
  await idms?.stop();
  env?.cleanup();
});

async function post(path: string, options: { body?: string; token?: string; claims?: Record<string, unknown> } = {}) {
  return client.send(`${base}${path}`, { token: options.token ?? (await idms.mint(options.claims)), body: options.body });
}

async function rootCertificate(): Promise<KmsCertificate> {
  const res = await post('/init');
  return readResponse(res.body).message!.init!.certificate;
}

function checkKeySet(set: KmsKeySet, cert: KmsCertificate, bytes: (c: KmsKeySet['userDecryptKey']) => Uint8Array, period: number) {
  const uid = mikeySakkeUid({ userUri: set.userUri, kmsUri: 'kms.mcx.example.org', keyPeriod: Number(cert.userKeyPeriod), keyPeriodOffset: Number(cert.userKeyOffset), keyPeriodNo: period });
  expect(set.keyPeriodNo).toBe(String(period));
  expect(fromBase64(set.userId)).toEqual(uid);
  expect(sakkeValidateRsk(fromHex(cert.pubEncKey)!, uid, bytes(set.userDecryptKey))).toEqual({ ok: true });
  expect(eccsiValidateUserKey(fromHex(cert.pubAuthKey)!, uid, bytes(set.userSigningKeySsk), bytes(set.userPubTokenPvt))).toEqual({ ok: true });
}

test('D.2.3 init: KmsInit with the Root certificate, keys on their curves', async () => {
  const res = await post('/init');
  expect(res.status).toBe(200);
  const read = readResponse(res.body);
  expect(read.problems).toEqual([]);
  expect(read.doc).toMatchObject({ userUri: ALICE, kmsUri: 'kms.mcx.example.org', clientReqUrl: `${base}/init` });
  const cert = read.message!.init!.certificate;
  expect(cert).toMatchObject({ version: '1.1.0', role: 'Root', kmsUri: 'kms.mcx.example.org', userIdFormat: '2', parameterSet: '1' });
  expect(Number(cert.userKeyOffset)).toBeLessThan(Number(cert.userKeyPeriod));
  expect(isSakkePublicPoint(fromHex(cert.pubEncKey)!)).toEqual({ ok: true });
  expect(isValidP256Point(fromHex(cert.pubAuthKey)!)).toEqual({ ok: true });
  expect(Date.parse(cert.validFrom!)).toBeLessThan(Date.now());
  expect(Date.parse(cert.validTo!)).toBeGreaterThan(Date.now());
});

test('D.2.2/D.3.1 signed init with TrK-ID: signed with the InK, message encrypted, a usable new TrK', async () => {
  const url = `${base}/init`;
  const res = await post('/init', { body: requestXml(url, keys, { sign: 'ink' }) });
  expect(res.status).toBe(200);
  const read = readResponse(res.body, keys);
  expect(read.doc.signatureId).toBe(keys.ink.id);
  expect(read.doc.trkId).toBe(keys.trk.id);
  expect(verifyKmsSignature(read.root, read.signature!, xmlKey(keys.ink, 'integrity', ALICE))).toMatchObject({ ok: true });
  expect(read.messageWasEncrypted).toBe(true);
  expect(read.decryptFailure).toBeUndefined();
  const wrapped = read.message!.init!.newTransportKey!;
  const opened = decryptToOctets(wrapped, (name) => (name === keys.trk.id ? [{ key: xmlKey(keys.trk, 'confidentiality', ALICE), label: 'trk' }] : []));
  expect(opened.ok).toBe(true);
  const carried = child(wrapped, NS_XENC, 'CarriedKeyName');
  const newTrk = { id: carried ? textOf(carried) : '', key: opened.ok ? opened.plaintext : new Uint8Array() };
  expect(newTrk.id).toMatch(/^[0-9a-f]{8}$/);
  expect(newTrk.key.length).toBe(32);

  // The new TrK is accepted in the next request, and protects its key material.
  const next = await post('/keyprov', { body: requestXml(`${base}/keyprov`, { trk: newTrk }, { sign: 'trk' }) });
  expect(next.status).toBe(200);
  const nextRead = readResponse(next.body, { trk: newTrk });
  expect(nextRead.doc.signatureId).toBe(newTrk.id);
  expect(nextRead.message?.keyProv?.keySets).toHaveLength(1);
});

test('D.2.4 keyprov: one key set per MC service ID, valid against the certificate', async () => {
  const cert = await rootCertificate();
  const res = await post('/keyprov', { claims: { scope: 'openid 3gpp:mc:ptt_key_management_service 3gpp:mc:data_key_management_service', mcdata_id: 'sip:alice.data@mcx.example.org' } });
  expect(res.status).toBe(200);
  const sets = readResponse(res.body).message!.keyProv!.keySets;
  expect(sets.map((s) => s.userUri)).toEqual([ALICE, 'sip:alice.data@mcx.example.org']);
  const period = keyPeriodNumber(ntpNow().seconds, Number(cert.userKeyPeriod), Number(cert.userKeyOffset));
  for (const set of sets) checkKeySet(set, cert, (c) => keyBytes(c, {}, ALICE), period);
});

test('5.3.2 keyprov with TrK-ID: key material encrypted under the TrK and still valid', async () => {
  const cert = await rootCertificate();
  const url = `${base}/keyprov`;
  const res = await post('/keyprov', { body: requestXml(url, { trk: keys.trk }) });
  expect(res.status).toBe(200);
  const read = readResponse(res.body, keys);
  expect(read.doc.signatureId).toBe(keys.trk.id);
  const set = read.message!.keyProv!.keySets[0];
  expect('encrypted' in set.userDecryptKey && 'encrypted' in set.userSigningKeySsk && 'encrypted' in set.userPubTokenPvt).toBe(true);
  const period = keyPeriodNumber(ntpNow().seconds, Number(cert.userKeyPeriod), Number(cert.userKeyOffset));
  checkKeySet(set, cert, (c) => keyBytes(c, keys, ALICE), period);
});

test('D.2.4 keyprov/<identity>/<NTP time>: that period\'s key set; another identity is refused', async () => {
  const cert = await rootCertificate();
  const now = ntpNow().seconds;
  const next = now + Number(cert.userKeyPeriod);
  const path = `/keyprov/${encodeURIComponent(ALICE)}/${toHex(ntpToBytes({ seconds: next, fraction: 0 })).toUpperCase()}`;
  const res = await post(path);
  expect(res.status).toBe(200);
  const sets = readResponse(res.body).message!.keyProv!.keySets;
  expect(sets).toHaveLength(1);
  checkKeySet(sets[0], cert, (c) => keyBytes(c, {}, ALICE), keyPeriodNumber(next, Number(cert.userKeyPeriod), Number(cert.userKeyOffset)));

  const other = await post(`/keyprov/${encodeURIComponent('sip:mallory@mcx.example.org')}`);
  expect(other.status).toBe(403);
  expect(other.body).toContain('<KmsError>');
});

test('9.6.3.2/J.3 keyprov with 3gpp:mc:auth scopes: a key set for the Authorised Identity too', async () => {
  const scope = 'openid 3gpp:mc:ptt_key_management_service 3gpp:mc:auth:role:client:ptt 3gpp:mc:auth:offnet:mcptt:use 3gpp:mc:auth:offnet:mcptt:call_setup_req';
  const res = await post('/keyprov', { claims: { scope } });
  const sets = readResponse(res.body).message!.keyProv!.keySets;
  expect(sets.map((s) => s.userUri)).toEqual([ALICE, `${ALICE}?mc-role-client=01&mc-offnet-mcptt=09`]);
  const cert = await rootCertificate();
  const period = keyPeriodNumber(ntpNow().seconds, Number(cert.userKeyPeriod), Number(cert.userKeyOffset));
  checkKeySet(sets[1], cert, (c) => keyBytes(c, {}, ALICE), period);
});

test('D.2.5 certcache: Root and External certificates with the cache number; nothing again for the current number', async () => {
  const res = await post('/certcache');
  expect(res.status).toBe(200);
  const cache = readResponse(res.body).message!.certCache!;
  expect(cache.cacheNum).toBe('1');
  expect(cache.certificates.map((c) => [c.kmsUri, c.role])).toEqual([
    ['kms.mcx.example.org', 'Root'],
    ['kms.partner.example.net', 'External'],
    ['kms.ally.example.com', 'External'],
  ]);
  for (const c of cache.certificates) expect(isSakkePublicPoint(fromHex(c.pubEncKey)!)).toEqual({ ok: true });
  const again = readResponse((await post('/certcache/1')).body).message!.certCache!;
  expect(again).toMatchObject({ cacheNum: '1', certificates: [] });
  const older = readResponse((await post('/certcache/0')).body).message!.certCache!;
  expect(older.certificates).toHaveLength(3);
});

test('D.2.6 cert: one External certificate by KMS URI; an unknown one is an error', async () => {
  const res = await post('/cert/kms.partner.example.net');
  const cache = readResponse(res.body).message!.certCache!;
  expect(cache.certificates.map((c) => [c.kmsUri, c.role])).toEqual([['kms.partner.example.net', 'External']]);
  const unknown = await post('/cert/kms.unknown.example.invalid');
  expect(unknown.status).toBe(404);
  expect(readResponse(unknown.body).doc.error?.code).toBe('404');
});

test('D.2.7 lookup: the KMS URI for a SIP URI', async () => {
  const res = await post(`/lookup/${encodeURIComponent('sip:bob@partner.example.net')}`);
  expect(readResponse(res.body).message!.lookup!.kmsUris).toEqual(['kms.partner.example.net']);
  const home = await post(`/lookup/${encodeURIComponent('carol@mcx.example.org')}`);
  expect(readResponse(home.body).message!.lookup!.kmsUris).toEqual(['kms.mcx.example.org']);
  expect((await post(`/lookup/${encodeURIComponent('sip:x@nowhere.invalid')}`)).status).toBe(404);
});

const krr = (proposed: string[]) =>
  krrElement(
    {
      time: xsdDateTime(),
      creatorUri: 'sip:processor@partner.example.net',
      initiatorUri: ALICE,
      initiatorKmsUri: 'kms.mcx.example.org',
      receiverUri: 'sip:bob@partner.example.net',
      receiverKmsUri: 'kms.reject.example.org',
      initiatorKmsList: 'any',
      receiverKmsList: proposed,
    },
  );

test('D.2.8 redirect upload: KRRs accepted without a body; none or malformed ones refused', async () => {
  const path = `/redirect/${encodeURIComponent('sip:bob@partner.example.net')}`;
  const url = `${base}${path}`;
  const ok = await post(path, { body: requestXml(url, {}, { krrList: [krr(['kms.option1.example.org'])] }) });
  expect(ok.status).toBe(204);
  const none = await post(path, { body: requestXml(url, {}) });
  expect(none.status).toBe(400);
  const bad = await post(path, { body: requestXml(url, {}, { krrList: [el('KmsRedirectResponse', { xmlns: NS_KRR }, el('Time', {}, '2018-01-26T11:15:40Z'))] }) });
  expect(bad.status).toBe(400);
  expect(bad.body).toContain('CreatorUri');
});

test('D.2.2 request checks: foreign KmsUri, stale Time, other ClientReqUrl, bad signature, unknown TrK-ID, other UserUri', async () => {
  const url = `${base}/keyprov`;
  const cases: [string, string][] = [
    ['wrong-kms-uri', requestXml(url, keys, { kmsUri: 'kms.other.example.org' })],
    ['stale-time', requestXml(url, keys, { time: xsdDateTime(new Date(Date.now() - 3_600_000)) })],
    ['wrong-client-req-url', requestXml(url, keys, { clientReqUrl: `${base}/init` })],
    ['bad-signature', requestXml(url, keys, { sign: 'ink', signingKeyOverride: new Uint8Array(32) })],
    ['unknown-trk', requestXml(url, {}, { trkId: '00000000' })],
    ['wrong-user-uri', requestXml(url, keys, { userUri: 'sip:mallory@mcx.example.org' })],
  ];
  for (const [code, body] of cases) {
    const res = await post('/keyprov', { body });
    expect.soft(res.status, code).toBe(403);
    expect.soft(res.body, code).toContain(`${code}:`);
  }
  const missing = await post('/keyprov', { body: requestXml(url, keys).replace(/<ClientReqUrl>[^<]*<\/ClientReqUrl>/, '') });
  expect(missing.status).toBe(400);
});

test('D.3.5 every kind of response is schema-valid (clear, encrypted and signed, error)', async () => {
  test.setTimeout(60_000);
  const docs = [
    (await post('/init')).body,
    (await post('/init', { body: requestXml(`${base}/init`, keys, { sign: 'ink' }) })).body,
    (await post('/keyprov', { body: requestXml(`${base}/keyprov`, keys, { sign: 'ink' }) })).body,
    (await post('/keyprov')).body,
    (await post('/certcache')).body,
    (await post('/cert/kms.ally.example.com')).body,
    (await post(`/lookup/${encodeURIComponent('sip:bob@partner.example.net')}`)).body,
    (await post('/cert/unknown.invalid')).body,
  ];
  const results = await validateKmsXmlBatch(docs.map((xml, i) => ({ name: String(i), xml })));
  for (const [name, result] of results) expect.soft(result.errors, `document ${name}`).toEqual([]);
});
