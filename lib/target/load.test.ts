import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTargetDocument, resolveTargetDocument, targetWarnings, TargetFileError } from './load.ts';
import { ICS_FEATURES } from './ics.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENV = { ACME_CLIENT_SECRET: 's3cret-client', ACME_ALICE_PASSWORD: 'pw-alice', ACME_BOB_PASSWORD: 'pw-bob', PARTNER_CLIENT_SECRET: 'p-secret', ACME_TRK_HEX: 'ab'.repeat(32), ACME_INK_HEX: 'cd'.repeat(32) };

test('targets/example.yaml is valid and every ICS feature in it is known', () => {
  const doc = readTargetDocument(join(ROOT, 'targets/example.yaml'));
  delete (doc.tls as Record<string, unknown>).caFile;
  const t = resolveTargetDocument(doc, ENV);
  expect(t.idms?.users[0]?.password).toBe('pw-alice');
  expect(t.kms?.trk?.keyHex).toBe('ab'.repeat(32));
  expect(t.tls.verify).toBe(true);
  // Every feature is listed, so the example documents them all (a new feature in ics.ts must be added there).
  const missing = Object.keys(ICS_FEATURES).filter((f) => !(f in t.ics));
  expect(missing, 'ICS features of lib/target/ics.ts missing from targets/example.yaml: add a commented line for each').toEqual([]);
});

test('problems name the field and what was expected', () => {
  const problems = (doc: Record<string, unknown>, env = ENV): string[] => {
    try {
      resolveTargetDocument(doc, env);
      return [];
    } catch (err) {
      return (err as TargetFileError).problems;
    }
  };
  expect(problems({ name: 'x', kms: { baseUrl: 'https://k/keymanagement/identity/v1', kmsUri: 'k', trk: { id: 't', keyHex: { env: 'ACME_CLIENT_SECRET' } } } })).toEqual(['kms.trk.keyHex: expected hex digits in the environment variable']);
  expect(problems({ tls: { caFile: 'nope.pem' }, name: 'x' })[0]).toMatch(/^tls\.caFile: cannot read .*nope\.pem: ENOENT/);
  expect(problems({ name: 'x', extra: 1, kms: { kmsUri: 'k' } })).toEqual(['extra: unknown field', 'kms.baseUrl: is required']);
});

test('verification off is a report warning', () => {
  expect(targetWarnings({ tls: { verify: false } })[0]).toContain('verification is OFF');
  expect(targetWarnings({ tls: {} })).toEqual([]);
});

test('idms and partner fields: https issuers, RFC 8252 private-use redirects, partner client_id of its own registration', () => {
  const problems = (doc: Record<string, unknown>): string[] => {
    try {
      resolveTargetDocument(doc, ENV);
      return [];
    } catch (err) {
      return (err as TargetFileError).problems;
    }
  };
  const idms = (over: Record<string, unknown> = {}) => ({ issuer: 'https://idms.example', clientId: 'mcx', redirectUri: 'https://127.0.0.1/cb', scopes: ['openid'], users: [{ label: 'a', username: 'a', password: { env: 'ACME_ALICE_PASSWORD' } }], ...over });
  const partner = (over: Record<string, unknown> = {}) => ({ issuer: 'https://p.example', tokenEndpoint: 'https://p.example/token', clientId: 'mcx', scopes: ['3gpp:mc:ptt_service'], ...over });
  expect(problems({ name: 'x', idms: idms(), partnerIdms: partner() })).toEqual([]);
  expect(problems({ name: 'x', idms: idms({ issuer: 'http://idms.example' }) })).toEqual(['idms.issuer: expected an https:// URL']);
  expect(problems({ name: 'x', idms: idms(), partnerIdms: partner({ issuer: 'http://p.example' }) })).toEqual(['partnerIdms.issuer: expected an https:// URL']);
  for (const ok of ['org.example.mcx:/cb', 'com.example.app:/oauth2redirect/example-provider', 'http://127.0.0.1:7443/cb']) expect(problems({ name: 'x', idms: idms({ redirectUri: ok }) }), ok).toEqual([]);
  for (const bad of ['mcx:/cb', 'org.example.mcx://cb', 'not a uri']) expect(problems({ name: 'x', idms: idms({ redirectUri: bad }) })[0], bad).toMatch(/^idms\.redirectUri: expected an http\(s\) URL or a private-use URI scheme/);
  // B.7.4 asks for the client_id registered at the partner, B.8 puts the primary's client_id in aud: they may differ.
  expect(problems({ name: 'x', idms: idms(), partnerIdms: partner({ clientId: 'other' }) })).toEqual([]);
});

test('targets/example.yaml documents every optional idms and partner input and how to obtain it', () => {
  const text = readFileSync(join(ROOT, 'targets/example.yaml'), 'utf8');
  for (const field of ['expiredAccessToken', 'otherPartnerResource', 'expiredAssertion']) expect(text, field).toContain(`# ${field}`);
  // Each expired token says how to get one; the second partner says whom to ask.
  expect(text.match(/To obtain one:/g)).toHaveLength(2);
  expect(text).toContain('ask the IdMS operator');
});

test('mcxServer: one problem per bad field, naming it', () => {
  const problems = (mcxServer: Record<string, unknown>, extra: Record<string, unknown> = {}): string[] => {
    try {
      resolveTargetDocument({ name: 'x', mcxServer, ...extra }, ENV);
      return [];
    } catch (err) {
      return (err as TargetFileError).problems;
    }
  };
  const good = { entry: { uri: 'sip:core.example', transport: 'udp', address: '127.0.0.1', port: 5060 }, domain: 'example', services: { mcptt: { psi: 'sip:ptt@example' } }, users: [{ idmsUser: 'alice', impu: 'sip:a@example' }] };
  const idms = { idms: { issuer: 'https://i', clientId: 'c', redirectUri: 'https://r', login: { mode: 'form' }, scopes: ['openid'], users: [{ label: 'alice', username: 'alice', password: { env: 'ACME_ALICE_PASSWORD' } }] } };
  expect(problems(good, idms)).toEqual([]);
  expect(problems({ ...good, entry: { ...good.entry, transport: 'sctp' } }, idms)).toEqual(['mcxServer.entry.transport: expected one of "udp", "tcp", "tls"']);
  expect(problems({ ...good, entry: { ...good.entry, port: 0 } }, idms)).toEqual(['mcxServer.entry.port: must be >= 1']);
  expect(problems({ ...good, services: { mcptt: { psi: 'http://x' } } }, idms)).toEqual(['mcxServer.services.mcptt.psi: expected a SIP URI (sip:... or sips:...)']);
  expect(problems({ ...good, bindingObservation: 'guess' }, idms)).toEqual(['mcxServer.bindingObservation: expected one of "publish-poc-settings", "message"']);
  expect(problems({ ...good, users: [{ idmsUser: 'carol', impu: 'sip:c@example' }] }, idms)).toEqual(["mcxServer.users[0].idmsUser: 'carol' is not the label of an idms.users entry"]);
  expect(problems({ ...good, spareImpu: 'sip:a@example' }, idms)).toEqual(['mcxServer.spareImpu: expected an IMPU no test user registers']);
  const { domain: _d, ...noDomain } = good;
  expect(problems(noDomain, idms)).toEqual(['mcxServer.domain: is required']);
});

test('csProxy: one problem per bad field, naming it', () => {
  const problems = (csProxy: Record<string, unknown>): string[] => {
    try {
      resolveTargetDocument({ name: 'x', csProxy }, { ...ENV, KRR_KEY: 'x' });
      return [];
    } catch (err) {
      return (err as TargetFileError).problems;
    }
  };
  const entry = { uri: 'sip:proxy.example', transport: 'udp', address: '127.0.0.1', port: 5060 };
  const good = { clientSide: entry, serverSide: { ...entry, port: 5070 }, nextHop: { transport: 'udp', address: '127.0.0.1', port: 5080 }, client: { impu: 'sip:c@example', mcServiceId: 'sip:c@mc.example' }, peer: { uri: 'sip:d@mc.example' }, kms: { acceptable: ['kms.example'], unacceptable: 'kms.bad.example' } };
  expect(problems(good)).toEqual([]);
  expect(problems({ ...good, krrSigner: { keyPem: { env: 'KRR_KEY' }, certPem: 'not a certificate' } })).toEqual(['csProxy.krrSigner.certPem: expected a PEM certificate']);
  expect(problems({ ...good, nextHop: { ...good.nextHop, transport: 'tcp' } })).toEqual(['csProxy.nextHop.transport: expected one of "udp"']);
  expect(problems({ ...good, kms: { acceptable: ['kms.example'], unacceptable: 'kms.example' } })).toEqual(['csProxy.kms.unacceptable: expected a KMS URI that is not in csProxy.kms.acceptable']);
  expect(problems({ ...good, peer: { uri: 'dave' } })).toEqual(['csProxy.peer.uri: expected a SIP URI (sip:... or sips:...)']);
  const { kms: _k, ...noKms } = good;
  expect(problems(noKms)).toEqual(['csProxy.kms: is required']);
});

test('isProxy: one problem per bad field, naming it', () => {
  const problems = (isProxy: Record<string, unknown>): string[] => {
    try {
      resolveTargetDocument({ name: 'x', isProxy }, ENV);
      return [];
    } catch (err) {
      return (err as TargetFileError).problems;
    }
  };
  const entry = { uri: 'sip:isp.example', transport: 'udp', address: '127.0.0.1', port: 5060 };
  const hop = { transport: 'udp', address: '127.0.0.1', port: 5080 };
  const good = { internalSide: entry, externalSide: { ...entry, port: 5070 }, internalNextHop: hop, externalNextHop: { ...hop, port: 5090 }, user: { uri: 'sip:u@mc.example' }, peer: { uri: 'sip:p@partner.example' }, kms: { acceptable: ['kms.example'], unacceptable: 'kms.bad.example' } };
  expect(problems(good)).toEqual([]);
  expect(problems({ ...good, externalSide: { ...entry, transport: 'tls' } })).toEqual(['isProxy.externalSide.transport: expected one of "udp"']);
  expect(problems({ ...good, kms: { acceptable: ['kms.example'], unacceptable: 'kms.example' } })).toEqual(['isProxy.kms.unacceptable: expected a KMS URI that is not in isProxy.kms.acceptable']);
  const { externalNextHop: _e, ...noHop } = good;
  expect(problems(noHop)).toEqual(['isProxy.externalNextHop: is required']);
});
