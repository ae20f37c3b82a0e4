import { test, expect } from '@playwright/test';
import { KMS_FAULTS } from './faults.ts';
import { startKms } from './index.ts';
import { FaultSet } from '../fault.ts';
import type { RunningComponent } from '../component.ts';
import {
  ALICE,
  bootstrapKeys,
  keyBytes,
  kmsClient,
  readResponse,
  requestXml,
  startStandInIdms,
  testContext,
  type RequestOptions,
  type StandInIdms,
  type TestContext,
  type TestResponse,
} from './test-kit.ts';
import { isSakkePublicPoint, sakkeValidateRsk } from '../../lib/crypto/sakke.ts';
import { eccsiValidateUserKey, isValidP256Point } from '../../lib/crypto/eccsi.ts';
import { fromBase64, fromHex, toHex } from '../../lib/crypto/bytes.ts';
import { keyPeriodNumber, keyPeriodStart, mikeySakkeUid } from '../../lib/crypto/uid.ts';
import { ntpNow, ntpToBytes, ntpToUnixMs } from '../../lib/crypto/ntp.ts';
import { krrElement } from '../../lib/kms-xml/krr.ts';
import { encryptionAlgorithm, trkKeyName } from '../../lib/kms-xml/encryption.ts';
import { xmlKey } from '../../lib/kms-xml/keys.ts';
import { xsdDateTime, type KmsCertificate, type KmsKeySet } from '../../lib/kms-xml/model.ts';
import { ALG_AES256_GCM, NS_DS, NS_KMS, NS_KRR } from '../../lib/kms-xml/namespaces.ts';
import { signatureInfo, verifyKmsSignature } from '../../lib/kms-xml/signature.ts';
import { child, childElements, el, localName } from '../../lib/kms-xml/xml.ts';
import { PROBES as TLS_PROBES, probe as tlsProbe } from '../../lib/tls/profile-scan.ts';

/**
 * Every fault switch of faults.ts changes the behaviour it names: each
 * probe observes that behaviour, and must see it on a KMS started with the
 * switch and not on one started without it.
 */
interface Probe {
  base: string;
  keys: ReturnType<typeof bootstrapKeys>;
  kms: RunningComponent;
  /** POST (or `method`) with a fresh valid token unless `token` is given ('' for none). */
  send(path: string, o?: { method?: string; token?: string; claims?: Record<string, unknown>; body?: string; headers?: Record<string, string> }): Promise<TestResponse>;
  /** A KmsRequest for `path` (TrK-ID and the InK signature by default). */
  body(path: string, o?: RequestOptions & { plain?: boolean }): string;
  mint: StandInIdms['mint'];
}

const SECOND_ID = 'sip:alice.data@mcx.example.org';
const TWO_IDS = { scope: 'openid 3gpp:mc:ptt_key_management_service 3gpp:mc:data_key_management_service', mcdata_id: SECOND_ID };
const AUTH_SCOPES = { scope: 'openid 3gpp:mc:ptt_key_management_service 3gpp:mc:auth:role:client:ptt 3gpp:mc:auth:offnet:mcptt:use' };
const PARTNER = 'kms.partner.example.net';

const ok = (r: TestResponse) => r.status >= 200 && r.status < 300;
const refused = (r: TestResponse) => r.status >= 400;

async function initCert(p: Probe): Promise<KmsCertificate> {
  return readResponse((await p.send('/init')).body).message!.init!.certificate;
}
async function certCache(p: Probe, path = '/certcache'): Promise<KmsCertificate[]> {
  return readResponse((await p.send(path)).body).message?.certCache?.certificates ?? [];
}
async function keySets(p: Probe, path = '/keyprov', claims?: Record<string, unknown>): Promise<KmsKeySet[]> {
  return readResponse((await p.send(path, { claims })).body).message?.keyProv?.keySets ?? [];
}
async function currentPeriod(p: Probe): Promise<{ period: number; cert: KmsCertificate }> {
  const cert = await initCert(p);
  return { cert, period: keyPeriodNumber(ntpNow().seconds, Number(cert.userKeyPeriod), Number(cert.userKeyOffset)) };
}
/** keyprov with TrK-ID and InK signature: the protected response, read with the bootstrap keys. */
async function protectedKeyProv(p: Probe) {
  const res = await p.send('/keyprov', { body: p.body('/keyprov') });
  return { res, read: readResponse(res.body, p.keys) };
}
/** keyprov with TrK-ID, unsigned (no schema check on the KMS side: cheaper), for the encryption probes. */
async function encryptedKeyProv(p: Probe) {
  const res = await p.send('/keyprov', { body: p.body('/keyprov', { sign: undefined }) });
  return { res, read: readResponse(res.body, p.keys) };
}
/** keyprov with TrK-ID only (signed with the TrK). */
async function trkSignedKeyProv(p: Probe) {
  const res = await p.send('/keyprov', { body: p.body('/keyprov', { sign: 'trk' }) });
  return readResponse(res.body, p.keys);
}
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
/** lookup/<bob>, with TrK-ID (encrypted answer) or without. */
async function lookupBob(p: Probe, encrypted: boolean) {
  const path = `/lookup/${encodeURIComponent('sip:bob@partner.example.net')}`;
  return p.send(path, { body: encrypted ? p.body(path, { sign: undefined }) : undefined });
}
const REDIRECT = `/redirect/${encodeURIComponent('sip:bob@partner.example.net')}`;

/** Probe per switch: true when the faulty behaviour is observed. */
const PROBES: Record<string, (p: Probe) => Promise<boolean>> = {
  'kms.plain-http': async (p) => p.base.startsWith('http://') && ok(await p.send('/init')),
  'kms.requires-request-body': async (p) => refused(await p.send('/init')),
  'kms.keyprov-other-uri-answers-requester': async (p) => (await keySets(p, `/keyprov/${encodeURIComponent('sip:group-1@mcx.example.org')}`)).some((s) => s.userUri === ALICE),
  'kms.tls-also-accepts-cbc': async (p) => {
    // The handshake alone is probed (no certificate check): the scan's CBC-only ClientHello completes.
    const cbc = await tlsProbe(p.base, TLS_PROBES.find((x) => x.id === 'tls1.2-cbc')!, { verify: false });
    return cbc.outcome.kind === 'accepted';
  },
  'kms.serves-get': async (p) => ok(await p.send('/init', { method: 'GET' })),
  'kms.accepts-missing-token': async (p) => ok(await p.send('/init', { token: '', body: p.body('/init', { plain: true }) })),
  'kms.accepts-expired-token': async (p) => ok(await p.send('/init', { token: await p.mint({}, { expiresInSeconds: -600 }) })),
  'kms.expired-token-skew-1h': async (p) => ok(await p.send('/init', { token: await p.mint({}, { expiresInSeconds: -1800 }) })) && refused(await p.send('/init', { token: await p.mint({}, { expiresInSeconds: -7200 }) })),
  'kms.refuses-bearer-header': async (p) => (await p.send('/init', {})).status === 401,
  'kms.ignores-token-audience': async (p) => ok(await p.send('/init', { claims: { aud: 'https://other-resource.test.invalid' } })),
  'kms.trusts-asserted-identity-header': async (p) => ok(await p.send('/init', { token: '', headers: { 'x-3gpp-asserted-identity': 'sip:bob@mcx.example.org' } })),
  'kms.refuses-with-403-plain': async (p) => {
    const r = await p.send('/init', { token: '' });
    return r.status === 403 && r.headers['www-authenticate'] === undefined;
  },
  'kms.refuses-with-400-plain': async (p) => {
    const r = await p.send('/init', { body: p.body('/init', { kmsUri: 'kms.other.example.org' }) });
    return r.status === 400 && String(r.headers['content-type'] ?? '').startsWith('text/plain');
  },
  'kms.ignores-token-scope': async (p) => ok(await p.send('/keyprov', { claims: { scope: 'openid 3gpp:mc:ptt_service' } })),
  'kms.accepts-untrusted-token-signer': async (p) => ok(await p.send('/init', { token: await p.mint({}, { foreignKey: true }) })),
  'kms.accepts-bad-request-signature': async (p) => ok(await p.send('/keyprov', { body: p.body('/keyprov', { signingKeyOverride: new Uint8Array(32).fill(7) }) })),
  'kms.accepts-invalid-request-xml': async (p) => ok(await p.send('/keyprov', { body: p.body('/keyprov', { plain: true }).replace(/<ClientReqUrl>[^<]*<\/ClientReqUrl>/, '') })),
  'kms.accepts-foreign-kms-uri': async (p) => ok(await p.send('/init', { body: p.body('/init', { kmsUri: 'kms.other.example.org' }) })),
  'kms.accepts-stale-request-time': async (p) => ok(await p.send('/init', { body: p.body('/init', { time: xsdDateTime(new Date(Date.now() - 3_600_000)) }) })),
  'kms.accepts-wrong-client-req-url': async (p) => ok(await p.send('/init', { body: p.body('/init', { clientReqUrl: `${p.base}/keyprov` }) })),
  'kms.response-echo-mismatch': async (p) => readResponse((await p.send('/init', { body: p.body('/init', { plain: true }) })).body).doc.clientReqUrl !== `${p.base}/init`,
  'kms.echoes-relative-client-req-url': async (p) => {
    const path = `/keyprov/${encodeURIComponent(ALICE)}`;
    return readResponse((await p.send(path, { body: p.body(path, { plain: true }) })).body).doc.clientReqUrl === `${new URL(p.base).pathname}/keyprov/${ALICE}`;
  },
  'kms.invalid-xml': async (p) => {
    const root = readResponse((await p.send('/init')).body).root;
    return localName(childElements(root)[0].name) !== 'UserUri';
  },
  'kms.extension-in-3gpp-namespace': async (p) => !!child(readResponse((await p.send('/init')).body).root, NS_KMS, 'VendorInfo'),
  'kms.init-without-certificate': async (p) => !readResponse((await p.send('/init', { body: p.body('/init') })).body, p.keys).message?.init?.certificate.kmsUri,
  'kms.init-rotates-root-certificate': async (p) => (await initCert(p)).certUri !== (await initCert(p)).certUri,
  'kms.init-answers-keyprov': async (p) => !readResponse((await p.send('/init')).body).message?.init,
  'kms.certcache-wrong-container': async (p) => !readResponse((await p.send('/certcache')).body).message?.certCache,
  'kms.authorised-identity-long-field': async (p) => (await keySets(p, '/keyprov', AUTH_SCOPES)).some((s) => /mc-role-client=[0-9a-f]{262}(&|$)/.test(s.userUri)),
  'kms.cert-wrong-version': async (p) => (await initCert(p)).version !== '1.1.0',
  'kms.root-cert-role-external': async (p) => (await initCert(p)).role !== 'Root',
  'kms.cert-user-id-format': async (p) => (await initCert(p)).userIdFormat !== '2',
  'kms.cert-offset-not-below-period': async (p) => {
    const cert = await initCert(p);
    return Number(cert.userKeyOffset) >= Number(cert.userKeyPeriod);
  },
  'kms.zt-not-on-curve': async (p) => !isSakkePublicPoint(fromHex((await initCert(p)).pubEncKey)!).ok,
  'kms.kpak-not-on-curve': async (p) => !isValidP256Point(fromHex((await initCert(p)).pubAuthKey)!).ok,
  'kms.gateway-wrong-version': async (p) => {
    const cert = await initCert(p);
    return cert.isSecurityGateway !== undefined && cert.version !== '1.2.0';
  },
  'kms.cert-expired': async (p) => Date.parse((await initCert(p)).validTo!) < Date.now(),
  'kms.cert-parameter-set': async (p) => (await initCert(p)).parameterSet !== '1',
  'kms.keyprov-omits-identity': async (p) => (await keySets(p, '/keyprov', TWO_IDS)).length !== 2,
  'kms.keyprov-ignores-named-identity': async (p) => (await keySets(p, `/keyprov/${encodeURIComponent(ALICE)}`)).length === 0,
  'kms.keyprov-ignores-requested-time': async (p) => {
    const { cert, period } = await currentPeriod(p);
    const next = toHex(ntpToBytes({ seconds: ntpNow().seconds + Number(cert.userKeyPeriod), fraction: 0 }));
    const [set] = await keySets(p, `/keyprov/${encodeURIComponent(ALICE)}/${next}`);
    return set.keyPeriodNo !== String(period + 1);
  },
  'kms.keyprov-issues-foreign-identity': async (p) => ok(await p.send(`/keyprov/${encodeURIComponent('sip:mallory@mcx.example.org')}`)),
  'kms.wrong-uid': async (p) => {
    const { cert, period } = await currentPeriod(p);
    const [set] = await keySets(p);
    const uid = mikeySakkeUid({ userUri: ALICE, kmsUri: 'kms.mcx.example.org', keyPeriod: Number(cert.userKeyPeriod), keyPeriodOffset: Number(cert.userKeyOffset), keyPeriodNo: period });
    return set.userId !== Buffer.from(uid).toString('base64');
  },
  'kms.uid-hex-encoded': async (p) => /^[0-9A-Fa-f]{64}$/.test((await keySets(p))[0].userId),
  'kms.stale-key-period': async (p) => (await keySets(p))[0].keyPeriodNo !== String((await currentPeriod(p)).period),
  'kms.keyset-wrong-user-uri': async (p) => (await keySets(p))[0].userUri !== ALICE,
  'kms.bad-rsk': async (p) => {
    const cert = await initCert(p);
    const [set] = await keySets(p);
    return !sakkeValidateRsk(fromHex(cert.pubEncKey)!, fromBase64(set.userId)!, keyBytes(set.userDecryptKey, {}, ALICE)).ok;
  },
  'kms.bad-ssk': async (p) => {
    const cert = await initCert(p);
    const [set] = await keySets(p);
    const bytes = (c: KmsKeySet['userDecryptKey']) => keyBytes(c, {}, ALICE);
    return !eccsiValidateUserKey(fromHex(cert.pubAuthKey)!, fromBase64(set.userId)!, bytes(set.userSigningKeySsk), bytes(set.userPubTokenPvt)).ok;
  },
  'kms.keyset-validity-outside-period': async (p) => {
    const { cert } = await currentPeriod(p);
    const [set] = await keySets(p);
    const start = ntpToUnixMs({ seconds: keyPeriodStart(Number(set.keyPeriodNo), Number(cert.userKeyPeriod), Number(cert.userKeyOffset)), fraction: 0 });
    return Date.parse(set.validFrom!) > start;
  },
  'kms.keyset-foreign-kms-uri': async (p) => (await keySets(p))[0].kmsUri !== 'kms.mcx.example.org',
  'kms.authorised-identity-missing': async (p) => !(await keySets(p, '/keyprov', AUTH_SCOPES)).some((s) => s.userUri.includes('?')),
  'kms.authorised-identity-replaces-plain': async (p) => !(await keySets(p, '/keyprov', AUTH_SCOPES)).some((s) => s.userUri === ALICE),
  'kms.authorised-identity-extra-bits': async (p) => (await keySets(p, '/keyprov', AUTH_SCOPES)).some((s) => s.userUri.includes('mc-role-client=81')),
  'kms.authorised-identity-bad-hname': async (p) => (await keySets(p, '/keyprov', AUTH_SCOPES)).some((s) => s.userUri.includes('mc_role_client=')),
  'kms.certcache-omits-external': async (p) => !(await certCache(p)).some((c) => c.role === 'External'),
  'kms.certcache-repeats-current': async (p) => (await certCache(p, '/certcache/1')).length > 0,
  'kms.certcache-duplicate-kms-uri': async (p) => {
    const uris = (await certCache(p)).map((c) => c.kmsUri);
    return new Set(uris).size !== uris.length;
  },
  'kms.external-cert-role-root': async (p) => (await certCache(p)).filter((c) => c.role === 'Root').length > 1,
  'kms.cert-returns-wrong-certificate': async (p) => (await certCache(p, `/cert/${PARTNER}`))[0]?.kmsUri !== PARTNER,
  'kms.cert-returns-two-certificates': async (p) => (await certCache(p, `/cert/${PARTNER}`)).length !== 1,
  'kms.cert-unknown-no-error': async (p) => ok(await p.send('/cert/kms.unknown.example.invalid')),
  'kms.lookup-empty': async (p) => (readResponse((await lookupBob(p, true)).body, p.keys).message?.lookup?.kmsUris ?? []).length === 0,
  'kms.lookup-carries-key-set': async (p) => (await lookupBob(p, false)).body.includes('<KmsKeySet'),
  'kms.lookup-wrong-container': async (p) => !readResponse((await p.send(`/lookup/${encodeURIComponent('sip:bob@partner.example.net')}`)).body).message?.lookup,
  'kms.redirect-refuses-valid-krr': async (p) => refused(await p.send(REDIRECT, { body: p.body(REDIRECT, { plain: true, krrList: [krr(['kms.option1.example.org'])] }) })),
  'kms.redirect-accepts-malformed-krr': async (p) => ok(await p.send(REDIRECT, { body: p.body(REDIRECT, { plain: true, krrList: [el('KmsRedirectResponse', { xmlns: NS_KRR }, el('Time', {}, 'yesterday'))] }) })),
  'kms.redirect-answers-with-message': async (p) => (await p.send(REDIRECT, { body: p.body(REDIRECT, { plain: true, krrList: [krr(['kms.option1.example.org'])] }) })).body.includes('KmsMessage'),
  'kms.clear-key-material': async (p) => 'hex' in (await encryptedKeyProv(p)).read.message!.keyProv!.keySets[0].userDecryptKey,
  'kms.undeclared-clear-key-sets': async (p) => !p.kms.ics['kms.clear-key-sets'] && 'hex' in (await keySets(p))[0].userDecryptKey,
  'kms.unencrypted-kms-message': async (p) => !(await encryptedKeyProv(p)).read.messageWasEncrypted,
  'kms.kms-message-aes256-gcm': async (p) => {
    const { read } = await encryptedKeyProv(p);
    return read.doc.message?.encrypted !== undefined && encryptionAlgorithm(read.doc.message.encrypted) === ALG_AES256_GCM;
  },
  'kms.undecryptable-kms-message': async (p) => (await encryptedKeyProv(p)).read.decryptFailure !== undefined,
  'kms.encrypted-data-missing-cipher-value': async (p) => (await encryptedKeyProv(p)).res.body.includes('CipherReference'),
  'kms.key-wrap-wrong-kek': async (p) => {
    const { read } = await encryptedKeyProv(p);
    try {
      keyBytes(read.message!.keyProv!.keySets[0].userSigningKeySsk, p.keys, ALICE);
      return false;
    } catch {
      return true;
    }
  },
  'kms.wrong-trk-key-name': async (p) => {
    const key = (await encryptedKeyProv(p)).read.message!.keyProv!.keySets[0].userSigningKeySsk;
    return 'encrypted' in key && trkKeyName(key.encrypted) !== p.keys.trk.id;
  },
  'kms.direct-xml-keys': async (p) => (await encryptedKeyProv(p)).read.decryptFailure !== undefined,
  'kms.bad-response-signature': async (p) => {
    const { read } = await protectedKeyProv(p);
    return !verifyKmsSignature(read.root, read.signature!, xmlKey(p.keys.ink, 'integrity', ALICE)).ok;
  },
  'kms.signature-wrong-digest-method': async (p) => signatureInfo((await protectedKeyProv(p)).read.signature!).digestMethod !== 'http://www.w3.org/2001/04/xmlenc#sha256',
  'kms.signs-with-trk-despite-ink': async (p) => (await protectedKeyProv(p)).read.doc.signatureId === p.keys.trk.id,
  'kms.signature-id-missing': async (p) => {
    const read = await trkSignedKeyProv(p);
    return read.signature !== undefined && read.doc.signatureId === undefined;
  },
  'kms.wrong-ink-key-name': async (p) => {
    const { read } = await protectedKeyProv(p);
    return signatureInfo(read.signature!).keyName !== p.keys.ink.id;
  },
  'kms.signature-wrong-algorithm': async (p) => signatureInfo((await protectedKeyProv(p)).read.signature!).signatureMethod !== 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256',
  'kms.signature-missing-value': async (p) => !signatureInfo((await protectedKeyProv(p)).read.signature!).hasSignatureValue,
  'kms.answers-text-plain': async (p) => !/xml/.test(String((await p.send('/init')).headers['content-type'] ?? '')),
  'kms.cert-omits-user-id-format': async (p) => {
    const body = (await p.send('/init')).body;
    return !!readResponse(body).message?.init && !/UserIdFormat/.test(body) && /UserKeyOffset/.test(body);
  },
  'kms.keyprov-answers-init': async (p) => {
    const m = readResponse((await p.send('/keyprov')).body).message;
    return !!m?.init && !m.keyProv;
  },
};

let env: TestContext;
let idms: StandInIdms;
let client: ReturnType<typeof kmsClient>;
let clean: { kms: RunningComponent; probe: Probe };

async function startProbe(faults: string[]): Promise<{ kms: RunningComponent; probe: Probe }> {
  const kms = await startKms({ ...env.ctx, faults: new FaultSet(faults) }, idms.trust);
  const base = (kms.target.kms as { baseUrl: string }).baseUrl;
  const keys = bootstrapKeys(kms);
  const probe: Probe = {
    base,
    keys,
    kms,
    mint: (c, o) => idms.mint(c, o),
    send: async (path, o = {}) =>
      client.send(`${base}${path}`, { method: o.method, token: o.token ?? (await idms.mint(o.claims)), body: o.body, ...(o.headers ? { headers: o.headers } : {}) }),
    body: (path, o = {}) => requestXml(`${base}${path}`, o.plain ? {} : keys, { sign: o.plain ? undefined : 'ink', ...o }),
  };
  return { kms, probe };
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  env = await testContext();
  idms = await startStandInIdms(env.ctx.tls);
  client = kmsClient(env.ctx.tls);
  clean = await startProbe([]);
  await clean.probe.send('/init'); // creates the master keys once for every KMS of this worker
});
test.afterAll(async () => {
  await clean?.kms.stop();
  await client?.close();
  await idms?.stop();
  env?.cleanup();
});

test('every KMS fault switch has a probe here, and every probe a switch', () => {
  expect(Object.keys(PROBES).sort()).toEqual(KMS_FAULTS.map((f) => f.name).sort());
});

for (const fault of KMS_FAULTS) {
  test(`fault ${fault.name}: ${fault.description}`, async () => {
    test.setTimeout(60_000);
    const probe = PROBES[fault.name];
    test.skip(!probe, 'no probe yet (see the completeness test)');
    expect(await probe(clean.probe), 'the conforming KMS must not show the fault').toBe(false);
    const faulty = await startProbe([fault.name]);
    try {
      expect(await probe(faulty.probe), 'the switch must produce the fault').toBe(true);
    } finally {
      await faulty.kms.stop();
    }
  });
}
