import { test, expect, type TestInfo } from '@playwright/test';
import { Checker } from '../lib/harness/checker.ts';
import { Redactor } from '../lib/harness/redactor.ts';
import { declare } from '../lib/harness/requirements.ts';
import { checkScope } from '../lib/harness/scope.ts';
import type { CheckTable } from '../lib/harness/check.ts';
import type { Finding } from '../lib/harness/finding.ts';
import { loadCatalog } from '../lib/requirements/catalog.ts';
import { KmClient, type KmsExchange } from '../lib/kms-xml/client.ts';
import { openKmsResponse } from '../lib/kms-xml/open.ts';
import { kmsResponseXml } from '../lib/kms-xml/build.ts';
import type { SharedKey } from '../lib/kms-xml/keys.ts';
import type { KmsCertificate } from '../lib/kms-xml/model.ts';
import { FaultSet } from '../reference/fault.ts';
import type { RunningComponent } from '../reference/component.ts';
import { startKms } from '../reference/kms/index.ts';
import { ALICE, bootstrapKeys, startStandInIdms, testContext, type StandInIdms, type TestContext } from '../reference/kms/test-kit.ts';
import { expectedFields, formatFields, splitAuthorisedUri, AUTHORISED_ANSWER, AUTHORISED_SET } from '../suites/kms/checks/authorisation.ts';
import { refusalOf } from '../suites/kms/checks/answer.ts';
import { CERTIFICATE } from '../suites/kms/checks/certificate.ts';
import { KEY_SET, keySetFor } from '../suites/kms/checks/key-set.ts';
import { CLEAR_KEY_SETS, ENCRYPTION, SIGNATURE, TRK_SIGNATURE } from '../suites/kms/checks/protection.ts';
import { KEYPROV_FOREIGN, KEYPROV_NAMED, KEYPROV_RESPONSE } from '../suites/kms/checks/keyprov-response.ts';
import { CERT, CERT_UNKNOWN, CERTCACHE, CERTCACHE_NUMBER } from '../suites/kms/checks/certificates.ts';
import { EXPIRED_TOKEN, GET_INIT, NO_TOKEN, TRANSPORT } from '../suites/kms/checks/access.ts';
import { INIT_RESPONSE } from '../suites/kms/checks/init-response.ts';
import { LOOKUP } from '../suites/kms/checks/lookup.ts';
import { REDIRECT, REDIRECT_MALFORMED } from '../suites/kms/checks/redirect.ts';
import { REQUEST_SECURITY } from '../suites/kms/checks/request-security.ts';
import { ROOT_CERTIFICATE } from '../suites/kms/checks/root-certificate.ts';
import { SCHEMA } from '../suites/kms/checks/schema.ts';
import { tokenIdentities } from '../suites/kms/token.ts';

/**
 * The KMS suite's check tables on the new contract: each table against
 * real answers of the reference KMS (passing) and against the same answers
 * broken in one way (failing, or inconclusive where nothing can be told).
 */

const SECOND_ID = 'sip:alice.data@mcx.example.org';
const PARTNER = 'kms.partner.example.net';

// ---- running a table as a test would, outside Playwright's fixtures ----

/** Runs `table` on `input` in a fresh Checker whose test declares `table`; returns its findings. */
async function run<I>(table: CheckTable<I>, input: I, scope?: Parameters<typeof checkScope>[1]): Promise<Finding[]> {
  const info = { attach: async () => undefined, annotations: declare(table as CheckTable<never>) } as unknown as TestInfo;
  const checker = new Checker(info, new Redactor(), scope ? { scope: checkScope(loadCatalog(), scope, ['kms']) } : {});
  await checker.run(table, input);
  return checker.findings;
}

/** The verdict of each check id, asserting one finding per check and none undeclared. */
async function verdicts<I>(table: CheckTable<I>, input: I): Promise<Record<string, string>> {
  const findings = await run(table, input);
  expect(findings.map((f) => f.checkId)).toEqual(table.checks.map((c) => c.id));
  expect(findings.filter((f) => f.undeclared)).toEqual([]);
  return Object.fromEntries(findings.map((f) => [f.checkId!, f.verdict]));
}

const allPass = (table: CheckTable<never>, except: Record<string, string> = {}) => Object.fromEntries(table.checks.map((c) => [c.id, except[c.id] ?? 'pass']));

function exchange(status: number, body: string, keys: { trk?: SharedKey; ink?: SharedKey } = {}, label = 't', url = 'https://k/keymanagement/identity/v1/init'): KmsExchange {
  return {
    label,
    url,
    method: 'POST',
    requestXml: '',
    http: { ok: true, status, headers: {}, bodyText: body, truncated: false, durationMs: 1 },
    opened: body ? openKmsResponse(body, { userUri: ALICE, ...keys }) : undefined,
  };
}

const unreachable = (label = 't'): KmsExchange => ({ label, url: 'https://k/x', method: 'POST', requestXml: '', http: { ok: false, error: 'ECONNREFUSED', durationMs: 1 } });

// ---- a reference KMS for real answers ----

let env: TestContext;
let idms: StandInIdms;
let kmsRef: RunningComponent;
let client: KmClient;
let keys: { trk: SharedKey; ink: SharedKey };
let token: string;
let init: KmsExchange;
let keyprov: KmsExchange;
let clearKeyprov: KmsExchange;
let cert: KmsCertificate;
let kmsUri: string;

/** The same exchange with its body rewritten and reopened with the suite's keys. */
const rewritten = (ex: KmsExchange, edit: (body: string) => string): KmsExchange => {
  const body = edit((ex.http as { bodyText: string }).bodyText);
  expect(body, 'the edit changed the body').not.toBe((ex.http as { bodyText: string }).bodyText);
  return { ...ex, http: { ...(ex.http as object), bodyText: body } as KmsExchange['http'], opened: openKmsResponse(body, { userUri: ALICE, ...keys }) };
};

test.beforeAll(async () => {
  test.setTimeout(120_000);
  env = await testContext();
  idms = await startStandInIdms(env.ctx.tls);
  kmsRef = await startKms({ ...env.ctx, faults: new FaultSet([]) }, idms.trust);
  keys = bootstrapKeys(kmsRef);
  const section = kmsRef.target.kms as { baseUrl: string; kmsUri: string };
  kmsUri = section.kmsUri;
  client = new KmClient({ baseUrl: section.baseUrl, kmsUri, caPem: env.ctx.tls.caPem, verifyTls: true, trk: keys.trk, ink: keys.ink, signRequests: true });
  token = await idms.mint({ scope: 'openid 3gpp:mc:ptt_key_management_service 3gpp:mc:data_key_management_service', mcdata_id: SECOND_ID });
  init = await client.send({ type: 'init', userUri: ALICE, accessToken: token, signWith: keys.ink, label: 'init' });
  keyprov = await client.send({ type: 'keyprov', userUri: ALICE, accessToken: token, label: 'keyprov' });
  clearKeyprov = await client.send({ type: 'keyprov', userUri: ALICE, accessToken: token, omitTrkId: true, signWith: null, label: 'keyprov without TrK-ID' });
  cert = init.opened!.doc!.message!.init!.certificate;
});

test.afterAll(async () => {
  await client?.close();
  await kmsRef?.stop();
  await idms?.stop();
  env?.cleanup();
});

// ---- pure helpers ----

test('J.3.4.2 and J.3.4.3: the authorised identity examples come out of their scopes', () => {
  const user = expectedFields([
    '3gpp:mc:auth:role:client:ptt',
    '3gpp:mc:auth:offnet:mcptt:use',
    '3gpp:mc:auth:offnet:mcptt:group_call_announcement',
    '3gpp:mc:auth:offnet:mcptt:emergency_alert_announcement',
    '3gpp:mc:auth:offnet:mcptt:call_setup_req',
  ]);
  expect(formatFields(user)).toBe('mc-role-client=01&mc-offnet-mcptt=0f');
  const dispatcher = expectedFields([
    '3gpp:mc:auth:role:client:ptt', '3gpp:mc:auth:role:client:video', '3gpp:mc:auth:role:client:data',
    '3gpp:mc:auth:priv:mcptt:automatic_private_call', '3gpp:mc:auth:priv:mcptt:ambient_listening', '3gpp:mc:auth:priv:mcptt:unnotified_remote_call',
    '3gpp:mc:auth:priv:mcvideo:automatic_private_call', '3gpp:mc:auth:priv:mcvideo:automatic_remote_video_push', '3gpp:mc:auth:priv:mcvideo:ambient_viewing',
    '3gpp:mc:auth:priv:mcdata:sds:unnotified_req', '3gpp:mc:auth:priv:mcdata:sds:unnotified_standalone_session_req', '3gpp:mc:auth:priv:mcdata:sds:unnotified_session_req',
    '3gpp:mc:auth:priv:mcdata:sds:unnotified_group_standalone_req', '3gpp:mc:auth:priv:mcdata:sds:unnotified_group_req', '3gpp:mc:auth:priv:mcdata:fd:mandatory_req',
    '3gpp:mc:auth:priv:mcdata:fd:mandatory_group_req',
  ]);
  expect(formatFields(dispatcher)).toBe('mc-role-client=07&mc-priv-mcptt=07&mc-priv-mcvideo=07&mc-priv-mcdata=7f');
  expect(splitAuthorisedUri('sip:mc.user@example.org?mc-role-client=01&mc-offnet-mcptt=0f')).toEqual({ base: 'sip:mc.user@example.org', headers: [['mc-role-client', '01'], ['mc-offnet-mcptt', '0f']] });
});

test('refusals: 4xx without key material or KmsError without KmsMessage; a KmsMessage, an empty 2xx or a 4xx with keys is acceptance; 5xx and no answer tell nothing', () => {
  const base = { userUri: ALICE, kmsUri: 'kms.x', time: '2026-01-01T00:00:00Z', clientReqUrl: 'https://k/init' };
  expect(refusalOf(exchange(401, '')).refused).toBe(true);
  expect(refusalOf(exchange(200, kmsResponseXml({ ...base, error: { code: '403', message: 'no' } }))).refused).toBe(true);
  expect(refusalOf(exchange(200, kmsResponseXml({ ...base, message: { lookup: { kmsUris: ['kms.x'] } } }))).refused).toBe(false);
  expect(refusalOf(exchange(204, '')).refused).toBe(false);
  expect(refusalOf(exchange(503, '')).refused).toBe(undefined);
  expect(refusalOf(unreachable()).refused).toBe(undefined);
  // The real key provisioning answer, served with a 403: key material under a refusal status is not a refusal.
  const keysIn403 = { ...keyprov, http: { ...(keyprov.http as object), status: 403 } as KmsExchange['http'] };
  expect(refusalOf(keysIn403)).toMatchObject({ refused: false });
});

// ---- tables: a passing and a failing input each ----

test('INIT_RESPONSE and CERTIFICATE pass on the reference answer; a certificate off the curve fails only its own check', async () => {
  expect(await verdicts(INIT_RESPONSE, { ex: init, userUri: ALICE, kmsUri })).toEqual(allPass(INIT_RESPONSE, { 'kms.init.new-keys-unwrap': init.opened!.newTransportKey ? 'pass' : 'not-applicable' }));
  expect(await verdicts(CERTIFICATE, { cert, role: 'Root' })).toEqual(allPass(CERTIFICATE, { 'kms.certificate.gateway-version': 'not-applicable' }));
  const flipped = cert.pubEncKey.slice(0, -1) + (cert.pubEncKey.endsWith('0') ? '1' : '0');
  expect(await verdicts(CERTIFICATE, { cert: { ...cert, pubEncKey: flipped }, role: 'Root' })).toEqual(allPass(CERTIFICATE, { 'kms.certificate.zt': 'fail', 'kms.certificate.gateway-version': 'not-applicable' }));
  // The certificate off the curve must not stop the key set checks: only the RSK check cannot be made.
  const s = keySetFor(keyprov.opened!.keySets, ALICE)!;
  expect(await verdicts(KEY_SET, { set: s, identity: ALICE, cert: { ...cert, pubEncKey: flipped }, kmsUri })).toEqual(allPass(KEY_SET, { 'kms.keyset.rsk-validates': 'inconclusive' }));
  const wrongRole = await verdicts(INIT_RESPONSE, { ex: unreachable('init'), userUri: ALICE, kmsUri });
  expect(Object.values(wrongRole).every((v) => v === 'inconclusive')).toBe(true);
});

test('fix D.3.2.2-07: without IsSecurityGateway the gateway check is not-applicable; with it and Version 1.1.0 it fails', async () => {
  const [na] = await run(CERTIFICATE, { cert: { ...cert, isSecurityGateway: undefined }, role: 'Root' }).then((f) => f.filter((x) => x.checkId === 'kms.certificate.gateway-version'));
  expect(na).toMatchObject({ verdict: 'not-applicable' });
  expect(na!.detail).toMatch(/IsSecurityGateway/);
  const v = await verdicts(CERTIFICATE, { cert: { ...cert, isSecurityGateway: 'true', version: '1.1.0' }, role: 'Root' });
  expect(v['kms.certificate.gateway-version']).toBe('fail');
});

test('KEY_SET passes for every identity of the reference answer; a missing key set is inconclusive, not silent', async () => {
  for (const identity of [ALICE, SECOND_ID]) {
    expect(await verdicts(KEY_SET, { set: keySetFor(keyprov.opened!.keySets, identity), identity, cert, kmsUri })).toEqual(allPass(KEY_SET));
  }
  const none = await verdicts(KEY_SET, { set: undefined, identity: 'sip:nobody@x', cert, kmsUri });
  expect(Object.values(none).every((v) => v === 'inconclusive')).toBe(true);
});

test('fix D.3.3.2-03/-04: key material that does not decrypt fails the RSK and SSK/PVT checks', async () => {
  const s = keySetFor(keyprov.opened!.keySets, ALICE)!;
  const undecryptable = { form: 'encrypted' as const, problem: 'kw-aes256 unwrap failed under the TrK' };
  const broken = { ...s, rsk: undecryptable, ssk: undecryptable };
  const findings = await run(KEY_SET, { set: broken, identity: ALICE, cert, kmsUri });
  const by = Object.fromEntries(findings.map((f) => [f.checkId, f]));
  expect(by['kms.keyset.rsk-validates']).toMatchObject({ verdict: 'fail', requirement: 'MCXSEC-D.3.3.2-03' });
  expect(String(by['kms.keyset.rsk-validates']!.actual)).toMatch(/does not decrypt/);
  expect(by['kms.keyset.ssk-pvt-validate']).toMatchObject({ verdict: 'fail', requirement: 'MCXSEC-D.3.3.2-04' });
  expect(by['kms.keyset.uid']!.verdict).toBe('pass');
});

test('fix D.3.1-03: the identities expected are those the access token carries', async () => {
  const ids = tokenIdentities(token);
  expect(ids).toEqual({ ok: true, ids: [ALICE, SECOND_ID] });
  expect(await verdicts(KEYPROV_RESPONSE, { ex: keyprov, userUri: ALICE, kmsUri, identities: ids })).toEqual(allPass(KEYPROV_RESPONSE));
  const third = await idms.mint({ mcvideo_id: 'sip:alice.video@mcx.example.org', mcdata_id: SECOND_ID });
  const v = await verdicts(KEYPROV_RESPONSE, { ex: keyprov, userUri: ALICE, kmsUri, identities: tokenIdentities(third) });
  expect(v['kms.keyprov.key-set-per-identity']).toBe('fail');
  expect(tokenIdentities('not-a-jwt').ok).toBe(false);
  const v2 = await verdicts(KEYPROV_RESPONSE, { ex: keyprov, userUri: ALICE, kmsUri, identities: tokenIdentities('not-a-jwt') });
  expect(v2['kms.keyprov.key-set-per-identity']).toBe('inconclusive');
});

test('ENCRYPTION passes on the reference answer; undecryptable key material fails the key wrap check', async () => {
  expect(await verdicts(ENCRYPTION, { ex: keyprov, key: keys.trk })).toEqual(allPass(ENCRYPTION));
  const clear = await verdicts(ENCRYPTION, { ex: clearKeyprov, key: keys.trk });
  expect(clear['kms.encryption.message-encrypted']).toBe('fail');
  expect(clear['kms.encryption.message-aes128-gcm']).toBe('inconclusive');
  const opened = keyprov.opened!;
  const broken = { ...keyprov, opened: { ...opened, keySets: opened.keySets.map((s) => ({ ...s, rsk: { form: 'encrypted' as const, problem: 'unwrap failed' } })) } };
  expect((await verdicts(ENCRYPTION, { ex: broken, key: keys.trk }))['kms.encryption.key-wrap']).toBe('fail');
});

test('fix D.3.1-12: SIGNATURE passes on the reference answer; a wrong DigestMethod, an unknown SignatureMethod or no SignatureValue fails verification', async () => {
  expect(await verdicts(SIGNATURE, { ex: init, key: keys.ink })).toEqual(allPass(SIGNATURE));
  const digest = rewritten(init, (b) => b.replace('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2000/09/xmldsig#sha1'));
  expect((await verdicts(SIGNATURE, { ex: digest, key: keys.ink }))['kms.signature.verifies']).toBe('fail');
  const method = rewritten(init, (b) => b.replace('http://www.w3.org/2001/04/xmldsig-more#hmac-sha256', 'urn:example:unknown-mac'));
  const m = await verdicts(SIGNATURE, { ex: method, key: keys.ink });
  expect([m['kms.signature.verifies'], m['kms.signature.method']]).toEqual(['fail', 'fail']);
  const empty = rewritten(init, (b) => b.replace(/(<(?:[\w-]+:)?SignatureValue>)[^<]*(<)/, '$1$2'));
  const e = await verdicts(SIGNATURE, { ex: empty, key: keys.ink });
  expect([e['kms.signature.verifies'], e['kms.signature.value-present']]).toEqual(['fail', 'fail']);
  const unsigned = await verdicts(SIGNATURE, { ex: clearKeyprov, key: keys.ink });
  expect(unsigned['kms.signature.verifies']).toBe('fail');
  expect((await verdicts(TRK_SIGNATURE, { ex: clearKeyprov, key: keys.trk }))['kms.trk-signature.signature-id']).toBe('fail');
});

test('fix 5.3.3-07: clear key sets pass only when declared; a refusal passes; a 500 or no answer is inconclusive, declared or not', async () => {
  expect(await verdicts(CLEAR_KEY_SETS, { ex: clearKeyprov, declared: true })).toEqual({ 'kms.clear-key-sets.only-if-declared': 'pass' });
  expect(await verdicts(CLEAR_KEY_SETS, { ex: clearKeyprov, declared: false })).toEqual({ 'kms.clear-key-sets.only-if-declared': 'fail' });
  expect(await verdicts(CLEAR_KEY_SETS, { ex: keyprov, declared: false })).toEqual({ 'kms.clear-key-sets.only-if-declared': 'pass' });
  expect(await verdicts(CLEAR_KEY_SETS, { ex: exchange(403, ''), declared: false })).toEqual({ 'kms.clear-key-sets.only-if-declared': 'pass' });
  for (const declared of [true, false]) {
    const [f] = await run(CLEAR_KEY_SETS, { ex: exchange(500, '<html>oops</html>'), declared });
    expect(f).toMatchObject({ verdict: 'inconclusive', blame: 'target' });
    const [g] = await run(CLEAR_KEY_SETS, { ex: exchange(200, 'not xml'), declared });
    expect(g).toMatchObject({ verdict: 'inconclusive', blame: 'target' });
    const [h] = await run(CLEAR_KEY_SETS, { ex: unreachable(), declared });
    expect(h).toMatchObject({ verdict: 'inconclusive', blame: 'unreachable' });
  }
});

test('fix 5.3.1.2-02: keyprov for a foreign identity passes on a refusal or a readable answer without its keys, fails on its keys, and a 200 that cannot be read is inconclusive', async () => {
  const foreign = 'sip:mallory@mcx.example.org';
  expect(await verdicts(KEYPROV_FOREIGN, { ex: exchange(403, ''), foreign })).toEqual({ 'kms.keyprov-foreign.no-key-set': 'pass' });
  expect(await verdicts(KEYPROV_FOREIGN, { ex: keyprov, foreign })).toEqual({ 'kms.keyprov-foreign.no-key-set': 'pass' });
  expect(await verdicts(KEYPROV_FOREIGN, { ex: keyprov, foreign: ALICE })).toEqual({ 'kms.keyprov-foreign.no-key-set': 'fail' });
  const keysIn403 = { ...keyprov, http: { ...(keyprov.http as object), status: 403 } as KmsExchange['http'] };
  expect(await verdicts(KEYPROV_FOREIGN, { ex: keysIn403, foreign: ALICE })).toEqual({ 'kms.keyprov-foreign.no-key-set': 'fail' });
  for (const ex of [exchange(200, '<html>welcome</html>'), exchange(200, 'garbage'), exchange(500, '')]) {
    expect(await verdicts(KEYPROV_FOREIGN, { ex, foreign })).toEqual({ 'kms.keyprov-foreign.no-key-set': 'inconclusive' });
  }
});

test('fix D.3.1-04 / 5.3.1.2-03: an empty kms.externalKmsUris is a configuration problem; without kms.external-kms in the ICS the checks are not run', async () => {
  const cc = await client.send({ type: 'certcache', userUri: ALICE, accessToken: token, label: 'certcache' });
  expect(await verdicts(CERTCACHE, { ex: cc, kmsUri, externalKmsUris: [PARTNER] })).toEqual(allPass(CERTCACHE));
  const empty = await run(CERTCACHE, { ex: cc, kmsUri, externalKmsUris: [] });
  for (const id of ['kms.certcache.external-certificates', 'kms.certcache.home-provides-external']) {
    const f = empty.find((x) => x.checkId === id)!;
    expect(f).toMatchObject({ verdict: 'inconclusive', blame: 'configuration' });
    expect(f.detail).toMatch(/kms\.externalKmsUris/);
  }
  const missing = await verdicts(CERTCACHE, { ex: cc, kmsUri, externalKmsUris: [PARTNER, 'kms.other.example'] });
  expect(missing['kms.certcache.external-certificates']).toBe('fail');
  const unclaimed = await run(CERTCACHE, { ex: cc, kmsUri, externalKmsUris: [] }, { 'kms.cert-cache': true });
  expect(unclaimed.map((f) => f.requirement)).not.toContain('MCXSEC-D.3.1-04');
  expect(unclaimed.map((f) => f.requirement)).not.toContain('MCXSEC-5.3.1.2-03');
  const claimed = await run(CERTCACHE, { ex: cc, kmsUri, externalKmsUris: [] }, { 'kms.cert-cache': true, 'kms.external-kms': true });
  expect(claimed.find((f) => f.requirement === 'MCXSEC-D.3.1-04')).toMatchObject({ verdict: 'inconclusive', blame: 'configuration' });
  const num = cc.opened!.doc!.message!.certCache!.cacheNum;
  expect(await verdicts(CERTCACHE_NUMBER, { cacheNum: undefined, held: [] })).toEqual({ 'kms.certcache.cache-number': 'fail' });
  const again = await client.send({ type: 'certcache', path: [num!], userUri: ALICE, accessToken: token, label: 'certcache again' });
  expect(await verdicts(CERTCACHE_NUMBER, { cacheNum: num, again, held: cc.opened!.doc!.message!.certCache!.certificates })).toEqual({ 'kms.certcache.cache-number': 'pass' });
});

test('CERT, CERT_UNKNOWN, LOOKUP, KEYPROV_NAMED, ROOT_CERTIFICATE: pass on the reference answers, fail on the wrong one', async () => {
  const one = await client.send({ type: 'cert', path: [PARTNER], userUri: ALICE, accessToken: token, label: 'cert' });
  expect(await verdicts(CERT, { ex: one, ext: PARTNER })).toEqual(allPass(CERT));
  expect((await verdicts(CERT, { ex: one, ext: 'kms.other.example' }))['kms.cert.requested-certificate']).toBe('fail');
  const unknown = await client.send({ type: 'cert', path: ['unknown.kms.invalid'], userUri: ALICE, accessToken: token, label: 'cert unknown' });
  expect(await verdicts(CERT_UNKNOWN, { ex: unknown })).toEqual(allPass(CERT_UNKNOWN));
  expect(await verdicts(CERT_UNKNOWN, { ex: one })).toEqual({ 'kms.cert-unknown.error': 'fail' });
  const lookupUri = 'sip:someone@partner.example.net';
  const lookup = await client.send({ type: 'lookup', path: [lookupUri], userUri: ALICE, accessToken: token, label: 'lookup' });
  expect(await verdicts(LOOKUP, { ex: lookup, userUri: lookupUri, expectedKmsUri: PARTNER })).toEqual(allPass(LOOKUP));
  expect(await verdicts(LOOKUP, { ex: keyprov, userUri: lookupUri, expectedKmsUri: PARTNER })).toEqual({ 'kms.lookup.names-kms': 'fail', 'kms.lookup.container': 'fail', 'kms.lookup.no-key-material': 'fail' });
  const named = await client.send({ type: 'keyprov', path: [SECOND_ID], userUri: ALICE, accessToken: token, label: 'keyprov named' });
  expect(await verdicts(KEYPROV_NAMED, { ex: named, identity: SECOND_ID })).toEqual(allPass(KEYPROV_NAMED));
  expect(await verdicts(KEYPROV_NAMED, { ex: init, identity: SECOND_ID })).toEqual({ 'kms.keyprov-named.key-set': 'fail' });
  expect(await verdicts(ROOT_CERTIFICATE, { first: init, second: init })).toEqual(allPass(ROOT_CERTIFICATE));
  const doc = init.opened!.doc!;
  const rotated = { ...doc, message: { ...doc.message, init: { ...doc.message!.init!, certificate: { ...cert, certUri: `${cert.certUri ?? cert.kmsUri}.rotated` } } } };
  const other = { ...init, opened: { ...init.opened!, doc: rotated } };
  expect(await verdicts(ROOT_CERTIFICATE, { first: init, second: other })).toEqual({ 'kms.root-certificate.one': 'fail' });
});

test('AUTHORISED_ANSWER and AUTHORISED_SET: a plain key set alone fails the authorised checks; no authorised set is inconclusive', async () => {
  const sets = keyprov.opened!.keySets;
  const expected = expectedFields(['3gpp:mc:auth:role:client:ptt']);
  const v = await verdicts(AUTHORISED_ANSWER, { sets, identity: ALICE, expected });
  expect(v).toEqual({ 'kms.authorised.plain-identity': 'pass', 'kms.authorised.authorised-identity': 'fail', 'kms.authorised.both-identities': 'fail' });
  const none = await verdicts(AUTHORISED_SET, { set: undefined, expected });
  expect(Object.values(none).every((x) => x === 'inconclusive')).toBe(true);
  const s = sets[0]!;
  const good = { ...s, set: { ...s.set, userUri: `${ALICE}?mc-role-client=01` } };
  expect(await verdicts(AUTHORISED_SET, { set: good, expected })).toEqual(allPass(AUTHORISED_SET));
  const bad = { ...s, set: { ...s.set, userUri: `${ALICE}?mc_role_client=81` } };
  expect(await verdicts(AUTHORISED_SET, { set: bad, expected })).toEqual({ 'kms.authorised-set.fields-format': 'fail', 'kms.authorised-set.hnames': 'fail', 'kms.authorised-set.bits': 'fail', 'kms.authorised-set.value-length': 'pass' });
});

test('fix D.1-01 / 5.3.2-01: with tls.verify false HTTPS may pass but the certificate is not claimed verified', async () => {
  expect(await verdicts(TRANSPORT, { ex: init, tlsVerify: true })).toEqual(allPass(TRANSPORT));
  const off = await run(TRANSPORT, { ex: init, tlsVerify: false });
  const by = Object.fromEntries(off.map((f) => [f.checkId, f]));
  expect(by['kms.transport.https']!.verdict).toBe('pass');
  expect(by['kms.transport.client-https']!.verdict).toBe('pass');
  for (const id of ['kms.transport.certificate-verified', 'kms.transport.client-certificate-verified']) {
    expect(by[id]).toMatchObject({ verdict: 'inconclusive', blame: 'configuration' });
    expect(by[id]!.detail).toMatch(/tls\.verify/);
  }
  const plain = { ...init, url: init.url.replace(/^https:/, 'http:') };
  const p = await verdicts(TRANSPORT, { ex: plain, tlsVerify: true });
  expect([p['kms.transport.https'], p['kms.transport.certificate-verified']]).toEqual(['fail', 'inconclusive']);
});

test('fix B.2.2.2-02: the skew check needs a token expired by more than 30 s; refusal tables pass on a 401 and fail on an answer', async () => {
  const refused = exchange(401, '');
  expect(await verdicts(EXPIRED_TOKEN, { ex: refused, expiredBy: 120 })).toEqual(allPass(EXPIRED_TOKEN));
  const young = await run(EXPIRED_TOKEN, { ex: refused, expiredBy: 10 });
  expect(young.find((f) => f.checkId === 'kms.expired-token.skew-at-most-30s')).toMatchObject({ verdict: 'inconclusive', blame: 'configuration' });
  expect(young.filter((f) => f.verdict === 'pass').length).toBe(4);
  const unknownAge = await run(EXPIRED_TOKEN, { ex: refused, expiryProblem: 'not a JWT' });
  expect(unknownAge.find((f) => f.checkId === 'kms.expired-token.skew-at-most-30s')!.verdict).toBe('inconclusive');
  const accepted = await verdicts(EXPIRED_TOKEN, { ex: init, expiredBy: 120 });
  expect(Object.values(accepted).every((v) => v === 'fail')).toBe(true);
  expect(await verdicts(NO_TOKEN, { ex: exchange(503, '') })).toEqual({ 'kms.no-token.refused': 'inconclusive' });
  expect(await verdicts(NO_TOKEN, { ex: unreachable() })).toEqual({ 'kms.no-token.refused': 'inconclusive' });
});

test('GET_INIT, REDIRECT, REDIRECT_MALFORMED, REQUEST_SECURITY: refusal and acceptance read from the answer', async () => {
  expect(await verdicts(GET_INIT, { ex: exchange(405, '') })).toEqual({ 'kms.get.not-served': 'pass' });
  expect(await verdicts(GET_INIT, { ex: init })).toEqual({ 'kms.get.not-served': 'fail' });
  expect(await verdicts(GET_INIT, { ex: exchange(500, '') })).toEqual({ 'kms.get.not-served': 'inconclusive' });
  expect(await verdicts(REDIRECT, { ex: exchange(204, '') })).toEqual({ 'kms.redirect.accepted': 'pass', 'kms.redirect.no-message': 'pass' });
  expect(await verdicts(REDIRECT, { ex: init })).toEqual({ 'kms.redirect.accepted': 'pass', 'kms.redirect.no-message': 'fail' });
  expect(await verdicts(REDIRECT, { ex: exchange(400, '') })).toEqual({ 'kms.redirect.accepted': 'fail', 'kms.redirect.no-message': 'inconclusive' });
  expect(await verdicts(REDIRECT_MALFORMED, { ex: exchange(400, '') })).toEqual({ 'kms.redirect-malformed.refused': 'pass' });
  expect(await verdicts(REDIRECT_MALFORMED, { ex: exchange(204, '') })).toEqual({ 'kms.redirect-malformed.refused': 'fail' });
  expect(Object.values(await verdicts(REQUEST_SECURITY, { ex: exchange(400, '') })).every((v) => v === 'pass')).toBe(true);
  expect(Object.values(await verdicts(REQUEST_SECURITY, { ex: init })).every((v) => v === 'fail')).toBe(true);
});

test('SCHEMA: valid documents pass, a schema-invalid one fails, no document is not-applicable, no answer inconclusive', async () => {
  expect(await verdicts(SCHEMA, [init, keyprov])).toEqual({ 'kms.schema.valid': 'pass' });
  const swapped = rewritten(clearKeyprov, (b) => b.replace(/(<(?:[\w-]+:)?UserUri>[^<]*<\/(?:[\w-]+:)?UserUri>)(<(?:[\w-]+:)?KmsUri>[^<]*<\/(?:[\w-]+:)?KmsUri>)/, '$2$1'));
  expect(await verdicts(SCHEMA, [init, swapped])).toEqual({ 'kms.schema.valid': 'fail' });
  expect(await verdicts(SCHEMA, [exchange(401, '')])).toEqual({ 'kms.schema.valid': 'not-applicable' });
  expect(await verdicts(SCHEMA, [exchange(401, ''), unreachable()])).toEqual({ 'kms.schema.valid': 'inconclusive' });
  expect(await verdicts(SCHEMA, [])).toEqual({ 'kms.schema.valid': 'inconclusive' });
});
