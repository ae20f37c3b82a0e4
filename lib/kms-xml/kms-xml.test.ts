import { test, expect } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { kmsRequestXml, kmsResponseXml } from './build.ts';
import { krrElement, krrXml, readKrr, type KmsRedirectResponse } from './krr.ts';
import type { KmsCertificate, KmsResponse } from './model.ts';
import { parseXml } from './parse.ts';
import { readKmsResponse } from './read.ts';
import { validateKmsXml, validateKmsXmlBatch, formatSchemaErrors } from './schema.ts';
import { protectedRequestXml, protectedResponseXml, protectKeyMaterial, protectNewKey } from './protect.ts';
import { openKmsResponse } from './open.ts';
import { keyIdOctets } from './keys.ts';
import { corruptSignatureValue } from './client.ts';
import { canonicalize } from './c14n.ts';

const cert: KmsCertificate = {
  version: '1.1.0', role: 'Root', certUri: 'cert1.kms.example.org', kmsUri: 'kms.example.org', issuer: 'www.example.org',
  validFrom: '2000-01-26T00:00:00Z', validTo: '2100-01-26T23:59:59Z', revoked: 'false', userIdFormat: '2', userKeyPeriod: '2592000',
  userKeyOffset: '0', pubEncKey: '029A2F', pubAuthKey: '029A2F', parameterSet: '1', kmsDomains: ['sec1.example.org'],
};
const base = { userUri: 'sip:user@example.org', kmsUri: 'kms.example.org', time: '2014-01-26T10:05:52Z', kmsId: 'KMSProvider12345' };
const initResponse: KmsResponse = { ...base, clientReqUrl: 'https://kms.example.org/keymanagement/identity/v1/init', message: { init: { certificate: cert } } };
const krr: KmsRedirectResponse = { time: '2018-01-26T11:15:40Z', creatorUri: 'sip:processor.1@example.org', initiatorUri: 'sip:initiator@example.org', initiatorKmsUri: 'kms.init.example.org', receiverUri: 'sip:receiver@example.org', receiverKmsUri: 'kms.reject.example.org', initiatorKmsList: 'any', receiverKmsList: ['kms.option1.example.org', 'kms.option2.example.org'] };

test.describe('schemas/kms-interface.xsd and kms-krr.xsd', () => {
  test('valid documents of every kind validate (one xmllint run)', async () => {
    const trk = { id: 'tk.11.user@example.org', key: randomBytes(32) };
    const keyProv = protectedResponseXml(
      { ...base, clientReqUrl: 'https://kms.example.org/keymanagement/identity/v1/keyprov', message: { keyProv: { keySets: [{ kmsUri: 'kms.example.org', userUri: 'sip:user@example.org', userId: 'ASNFZ4mrze8=', keyPeriodNo: '1514', userDecryptKey: protectKeyMaterial(randomBytes(257), trk, base.userUri), userSigningKeySsk: { hex: 'ABCDEF' }, userPubTokenPvt: { hex: '04AB' } }], newTransportKey: protectNewKey({ id: 'tk.12', key: randomBytes(32) }, trk, base.userUri) } } },
      { userUri: base.userUri, encryptWith: trk, signWith: trk },
    );
    const docs = [
      { name: 'init', xml: kmsResponseXml(initResponse, { pretty: true }) },
      { name: 'keyprov-protected', xml: keyProv },
      { name: 'certcache', xml: kmsResponseXml({ ...base, clientReqUrl: 'https://k/certcache', message: { certCache: { cacheNum: '7', certificates: [cert, { ...cert, role: 'External', kmsUri: 'kms.another.example.org' }] } } }) },
      { name: 'lookup', xml: kmsResponseXml({ ...base, clientReqUrl: 'https://k/lookup/x', message: { lookup: { userUri: 'sip:x@example.org', kmsUris: ['kms.example.org'] } } }) },
      { name: 'error', xml: kmsResponseXml({ ...base, clientReqUrl: 'https://k/cert/nope', error: { code: '404', message: 'unknown KMS' } }) },
      { name: 'request', xml: protectedRequestXml({ ...base, clientReqUrl: 'https://k/init', trkId: trk.id }, trk) },
      { name: 'redirect-upload', xml: kmsRequestXml({ ...base, clientReqUrl: 'https://k/redirect/x', krrList: [krrElement(krr)] }) },
    ];
    const results = await validateKmsXmlBatch(docs);
    for (const d of docs) expect(results.get(d.name), d.name).toEqual({ valid: true, errors: [] });
    expect(await validateKmsXml(krrXml({ ...krr, embedded: krrElement(krr) }), 'krr')).toEqual({ valid: true, errors: [] });
  });

  test('invalid documents fail with the line and the element', async () => {
    const swapped = kmsResponseXml(initResponse, { pretty: true }).replace(/<UserUri>(.*?)<\/UserUri>\n(\s*)<KmsUri>(.*?)<\/KmsUri>/, '<KmsUri>$3</KmsUri>\n$2<UserUri>$1</UserUri>');
    const noRole = kmsResponseXml(initResponse).replace(' Role="Root"', '');
    const vendorInNs = kmsResponseXml(initResponse).replace('</KmsResponse>', '<VendorInfo>x</VendorInfo></KmsResponse>');
    const badKrr = krrXml(krr).replace('<ReceiverKmsList>', '<Proposed>').replace('</ReceiverKmsList>', '</Proposed>');
    const results = await validateKmsXmlBatch([
      { name: 'swapped', xml: swapped },
      { name: 'noRole', xml: noRole },
      { name: 'vendor', xml: vendorInNs },
    ]);
    const s = results.get('swapped')!;
    expect(s.valid).toBe(false);
    expect(s.errors[0].line).toBe(3);
    expect(s.errors[0].element).toContain('KmsUri');
    expect(formatSchemaErrors(s.errors)).toMatch(/^line 3, .*KmsUri/);
    expect(results.get('noRole')!.errors[0].message).toMatch(/Role/);
    expect(results.get('vendor')!.errors[0].element).toContain('VendorInfo');
    const k = await validateKmsXml(badKrr, 'krr');
    expect(k.valid).toBe(false);
    expect(k.errors[0].element).toContain('Proposed');
  });
});

test.describe('safe parsing', () => {
  test('hostile and broken documents give a reason, never a throw or an expansion', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><KmsResponse>&lol2;</KmsResponse>`;
    expect(parseXml(laughs)).toMatchObject({ ok: false, kind: 'doctype' });
    expect(parseXml('<a>&lol;</a>')).toMatchObject({ ok: false, kind: 'entity' });
    expect(parseXml('<html><body><p>Bad gateway</p></body></html>'.slice(0, 30))).toMatchObject({ ok: false, kind: 'not-well-formed' });
    expect(parseXml(kmsResponseXml(initResponse).slice(0, 200))).toMatchObject({ ok: false, kind: 'not-well-formed', reason: expect.stringMatching(/truncated/) });
    expect(parseXml('x'.repeat(2_000_000))).toMatchObject({ ok: false, kind: 'too-large' });
    expect(parseXml('<a>'.repeat(10_000) + '</a>'.repeat(10_000))).toMatchObject({ ok: false, kind: 'too-deep' });
    expect(parseXml('')).toMatchObject({ ok: false, kind: 'empty' });
    expect(parseXml(undefined)).toMatchObject({ ok: false, kind: 'empty' });
    expect(parseXml('{"error":"nope"}')).toMatchObject({ ok: false, kind: 'not-xml' });
  });

  test('round trip: built documents read back to the same model', () => {
    const p = parseXml(kmsResponseXml(initResponse, { pretty: true }));
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    const r = readKmsResponse(p.root);
    expect(r.ok && r.problems).toEqual([]);
    expect(r.ok && r.doc.message?.init?.certificate).toEqual({ ...cert, isSecurityGateway: undefined });
    const k = parseXml(krrXml(krr));
    expect(k.ok && readKrr(k.root)).toMatchObject({ ok: true, krr, problems: [] });
  });
});

test.describe('signature and encryption', () => {
  const trk = { id: '0A0B0C0D', key: randomBytes(32) };
  const ink = { id: 'ink.12.user@example.org', key: randomBytes(32) };
  const rsk = randomBytes(257);
  const ssk = randomBytes(32);
  const keyProvResponse = (): KmsResponse => ({
    ...base,
    clientReqUrl: 'https://k/keyprov',
    message: { keyProv: { keySets: [{ kmsUri: base.kmsUri, userUri: base.userUri, userId: 'AA==', keyPeriodNo: '1', userDecryptKey: protectKeyMaterial(rsk, trk, base.userUri), userSigningKeySsk: protectKeyMaterial(ssk, trk, base.userUri), userPubTokenPvt: { hex: '04AA' } }] } },
  });

  test('a protected response opens: signature verifies with the InK (F.1.4), content and keys decrypt', () => {
    const xml = protectedResponseXml(keyProvResponse(), { userUri: base.userUri, encryptWith: trk, signWith: ink });
    const secrets: string[] = [];
    const opened = openKmsResponse(xml, { trk, ink, userUri: base.userUri }, { secret: (s) => secrets.push(s) });
    expect(opened.signature).toMatchObject({ verification: { ok: true }, keyUsed: 'InK', derivation: 'f1.4' });
    expect(opened.messageEncryption).toMatchObject({ ok: true, keyName: trk.id, derivation: 'f1.4' });
    expect(opened.doc?.trkId).toBe(trk.id);
    expect(opened.doc?.signatureId).toBe(ink.id);
    expect(Buffer.from(opened.keySets[0].rsk.bytes!)).toEqual(rsk);
    expect(Buffer.from(opened.keySets[0].ssk.bytes!)).toEqual(ssk);
    expect(opened.keySets[0].pvt).toMatchObject({ form: 'clear' });
    expect(secrets).toContain(Buffer.from(ssk).toString('hex'));
  });

  test('tampering is detected: changed content, corrupted value, wrong key', () => {
    const xml = protectedResponseXml(keyProvResponse(), { userUri: base.userUri, signWith: ink });
    const changed = openKmsResponse(xml.replace('<KmsId>KMSProvider12345</KmsId>', '<KmsId>KMSProvider12346</KmsId>'), { ink, userUri: base.userUri });
    expect(changed.signature?.verification).toMatchObject({ ok: false, failure: 'digest-mismatch' });
    const corrupted = openKmsResponse(corruptSignatureValue(xml), { ink, userUri: base.userUri });
    expect(corrupted.signature?.verification).toMatchObject({ ok: false, failure: 'value-mismatch' });
    const wrongKey = openKmsResponse(xml, { ink: { ...ink, key: randomBytes(32) }, userUri: base.userUri });
    expect(wrongKey.signature?.verification.ok).toBe(false);
  });

  test('raw-key (non-F.1.4) protection still opens and says so', () => {
    const xml = protectedResponseXml(keyProvResponse(), { userUri: base.userUri, encryptWith: trk, signWith: trk, derivation: 'direct' });
    const opened = openKmsResponse(xml, { trk, userUri: base.userUri });
    expect(opened.signature).toMatchObject({ verification: { ok: true }, keyUsed: 'TrK', derivation: 'direct' });
    expect(opened.messageEncryption).toMatchObject({ ok: true, derivation: 'direct' });
  });

  test('key identifiers: 8 hex digits are 4 octets, names are UTF-8', () => {
    expect(Buffer.from(keyIdOctets('0A0B0C0D')).toString('hex')).toBe('0a0b0c0d');
    expect(Buffer.from(keyIdOctets('tk.11')).toString()).toBe('tk.11');
  });

  test('C14N 1.0 of a signed element: xml:* attributes inherited from ancestors (inclusive only), sorted after unqualified ones', () => {
    const doc = parseXml('<W xmlns="urn:w" xml:lang="en" xml:space="default"><R Id="s" xml:space="preserve" z="1"><U>x</U></R></W>');
    if (!doc.ok) throw new Error(doc.reason);
    const signed = doc.root.children[0] as Exclude<typeof doc.root.children[0], string>;
    expect(canonicalize(signed, 'inclusive')).toBe('<R xmlns="urn:w" Id="s" z="1" xml:lang="en" xml:space="preserve"><U>x</U></R>');
    expect(canonicalize(signed, 'exclusive')).toBe('<R xmlns="urn:w" Id="s" z="1" xml:space="preserve"><U>x</U></R>');
  });
});

test('seeded mutation fuzz: 800 broken responses open without throwing', () => {
  const trk = { id: '0A0B0C0D', key: randomBytes(32) };
  const seedDoc = protectedResponseXml(
    { ...base, clientReqUrl: 'https://k/keyprov', message: { keyProv: { keySets: [{ kmsUri: base.kmsUri, userUri: base.userUri, userId: 'AA==', keyPeriodNo: '1', userDecryptKey: protectKeyMaterial(randomBytes(257), trk, base.userUri), userSigningKeySsk: { hex: '00'.repeat(32) }, userPubTokenPvt: { hex: '04' } }] } } },
    { userUri: base.userUri, encryptWith: trk, signWith: trk },
  );
  let state = 0x9e3779b9;
  const rand = (n: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const pieces = ['<', '>', '&', '&lol;', '<!DOCTYPE x>', ']]>', '"', '</KmsMessage>', '<xenc:EncryptedData>', '\u0000', '&#0;', '&#x110000;', 'xmlns:ds=""'];
  for (let i = 0; i < 800; i++) {
    let doc = seedDoc;
    for (let k = 0; k <= rand(3); k++) {
      const at = rand(doc.length);
      const op = rand(3);
      if (op === 0) doc = doc.slice(0, at) + doc.slice(at + 1 + rand(20));
      else if (op === 1) doc = doc.slice(0, at) + pieces[rand(pieces.length)] + doc.slice(at);
      else doc = doc.slice(0, at);
    }
    expect(() => openKmsResponse(doc, { trk, userUri: base.userUri })).not.toThrow();
  }
});
