import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasOpenssl, makeTestTls } from '../sip/test-tls.ts';
import { krrElement, krrXml, nestedDepth, readKrr, type KmsRedirectResponse } from './krr.ts';
import { krrSignatureProfile, signKrr, verifyKrrSignature } from './krr-signature.ts';
import { ALG_SHA256, NS_DS, NS_KRR } from './namespaces.ts';
import { parseXml } from './parse.ts';
import { validateKmsXml } from './schema.ts';
import { child, childElements, serializeXml, type XmlElement } from './xml.ts';

/**
 * KRRs (5.2.8.2.1, D.4): the positional reader, the D.4.2 signature, and a
 * cross-check of the signature with Debian's xmlsec1 both ways.
 */
const first: KmsRedirectResponse = {
  time: '2018-01-26T11:15:40Z',
  creatorUri: 'sip:processor.1@example.org',
  initiatorUri: 'sip:initiator@example.org',
  initiatorKmsUri: 'kms.init.example.org',
  receiverUri: 'sip:receiver@example.org',
  receiverKmsUri: 'kms.reject.example.org',
  initiatorKmsList: 'any',
  receiverKmsList: ['kms.option1.example.org', 'kms.option2.example.org'],
};

const parsed = (xml: string): XmlElement => {
  const r = parseXml(xml);
  if (!r.ok) throw new Error(r.reason);
  return r.root;
};

test('the D.4.3 example (our names) round-trips, validates, and nests', async () => {
  const inner = krrElement(first);
  const outer = { ...first, time: '2018-01-26T11:15:43Z', creatorUri: 'sip:processor.2@example.org', receiverKmsList: ['kms.option1.example.org'], embedded: inner };
  const xml = krrXml(outer);
  expect(await validateKmsXml(xml, 'krr')).toEqual({ valid: true, errors: [] });
  const read = readKrr(parsed(xml));
  expect(read.ok && read.problems).toEqual([]);
  expect(read.ok && { ...read.krr, embedded: undefined }).toMatchObject({ ...outer, embedded: undefined });
  expect(read.ok && read.krr.embedded && readKrr(read.krr.embedded)).toMatchObject({ ok: true, krr: first, problems: [] });
  expect(nestedDepth(parsed(xml))).toBe(1);
  expect(await validateKmsXml(krrXml({ ...first, receiverKmsList: [] }), 'krr')).toEqual({ valid: true, errors: [] });
});

test('the reader goes by position: other element names read the same, and are reported', () => {
  const vendor = `<KmsRedirectResponse xmlns="${NS_KRR}"><DateTime>2018-01-26T11:15:40Z</DateTime><Creator>sip:p@example.org</Creator><IDRi>sip:i@example.org</IDRi><IDRkmsi>kms.i</IDRkmsi><IDRr>sip:r@example.org</IDRr><IDRkmsr>kms.r</IDRkmsr><InitiatorList><KmsUri>kms.a</KmsUri><KmsUri>kms.b</KmsUri></InitiatorList><ReceiverList>ANY</ReceiverList></KmsRedirectResponse>`;
  const read = readKrr(parsed(vendor));
  expect(read).toMatchObject({ ok: true, problems: [], krr: { creatorUri: 'sip:p@example.org', initiatorKmsUri: 'kms.i', receiverKmsUri: 'kms.r', initiatorKmsList: ['kms.a', 'kms.b'], receiverKmsList: 'any' }, names: { initiatorKmsUri: 'IDRkmsi', receiverKmsList: 'ReceiverList' } });
  const short = readKrr(parsed(`<KmsRedirectResponse xmlns="${NS_KRR}"><Time>2018-01-26T11:15:40Z</Time><KmsUri>kms.x</KmsUri></KmsRedirectResponse>`));
  expect(short.ok && short.problems.join('; ')).toMatch(/IDRi.*missing.*initiator KMS list.*missing/);
  expect(readKrr(parsed('<html/>'))).toMatchObject({ ok: false });
});

test.describe('D.4.2 signature', () => {
  test.skip(!hasOpenssl(), 'the openssl CLI makes the test certificate');
  const tls = hasOpenssl() ? makeTestTls(['DNS:processor.example.org']) : undefined;
  const signer = () => ({ key: tls!.keyPem, certPem: tls!.certPem });

  test('signs on the profile; verifies; a changed list, value or certificate fails; nesting keeps the inner signature valid', () => {
    const signed = parsed(serializeXml(signKrr(krrElement(first), signer())));
    const signature = child(signed, NS_DS, 'Signature')!;
    expect(krrSignatureProfile(signature).departures).toEqual([]);
    expect(verifyKrrSignature(signed, signature)).toMatchObject({ ok: true });
    const tampered = parsed(serializeXml(signed).replace('kms.option2.example.org', 'kms.evil.example.org'));
    expect(verifyKrrSignature(tampered, child(tampered, NS_DS, 'Signature')!)).toMatchObject({ ok: false, reason: expect.stringMatching(/digest/) });
    const other = makeTestTls(['DNS:other.example.org']);
    const resigned = parsed(serializeXml(signKrr(krrElement(first), { key: other.keyPem, certPem: tls!.certPem })));
    expect(verifyKrrSignature(resigned, child(resigned, NS_DS, 'Signature')!)).toMatchObject({ ok: false, reason: expect.stringMatching(/SignatureValue/) });
    const outer = parsed(serializeXml(signKrr(krrElement({ ...first, creatorUri: 'sip:processor.2@example.org', embedded: signed }), signer())));
    const read = readKrr(outer);
    expect(read.ok && verifyKrrSignature(outer, read.signature!)).toMatchObject({ ok: true });
    const inner = read.ok ? read.krr.embedded! : undefined;
    expect(inner && verifyKrrSignature(inner, child(inner, NS_DS, 'Signature')!)).toMatchObject({ ok: true });
    const sha1 = parsed(serializeXml(signKrr(krrElement(first), signer(), { digestAlgorithm: 'http://www.w3.org/2000/09/xmldsig#sha1' })));
    expect(krrSignatureProfile(child(sha1, NS_DS, 'Signature')!).departures.join()).toMatch(/DigestMethod/);
    expect(ALG_SHA256).toContain('sha256');
  });

  test('xmlsec1 verifies our KRR signature, and we verify one xmlsec1 made', () => {
    const version = spawnSync('xmlsec1', ['--version'], { encoding: 'utf8' });
    test.skip(version.status !== 0, 'xmlsec1 (Debian xmlsec1) is not installed: bash scripts/install-native-crypto.sh installs it');
    const dir = mkdtempSync(join(tmpdir(), 'krr-xmlsec1-'));
    try {
      writeFileSync(join(dir, 'cert.pem'), tls!.certPem);
      writeFileSync(join(dir, 'key.pem'), tls!.keyPem);
      const idAttr = `--id-attr:Id`;
      const idNode = `${NS_KRR}:KmsRedirectResponse`;
      writeFileSync(join(dir, 'ours.xml'), serializeXml(signKrr(krrElement(first), signer()), { declaration: true }));
      const verified = spawnSync('xmlsec1', ['--verify', idAttr, idNode, '--trusted-pem', join(dir, 'cert.pem'), '--insecure', join(dir, 'ours.xml')], { encoding: 'utf8' });
      expect(verified.status, `${verified.stdout}${verified.stderr}`).toBe(0);

      // A template: our signature with empty DigestValue and SignatureValue, which xmlsec1 fills in.
      const template = signKrr(krrElement({ ...first, id: 'krr-template' }), signer());
      const sig = child(template, NS_DS, 'Signature')!;
      const blank = (e: XmlElement) => void e.children.splice(0, e.children.length);
      blank(child(sig, NS_DS, 'SignatureValue')!);
      const ref = childElements(child(sig, NS_DS, 'SignedInfo')!).find((c) => c.name.endsWith('Reference'))!;
      blank(child(ref, NS_DS, 'DigestValue')!);
      writeFileSync(join(dir, 'template.xml'), serializeXml(template, { declaration: true }));
      const made = spawnSync('xmlsec1', ['--sign', idAttr, idNode, '--privkey-pem', `${join(dir, 'key.pem')},${join(dir, 'cert.pem')}`, join(dir, 'template.xml')], { encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
      const theirs = parsed(made.stdout);
      expect(verifyKrrSignature(theirs, child(theirs, NS_DS, 'Signature')!)).toMatchObject({ ok: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
