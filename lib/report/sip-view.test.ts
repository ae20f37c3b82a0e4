import { test, expect } from '@playwright/test';
import { fieldTarget, sipEvidenceForReport, type SipMessageView } from './sip-view.ts';
import type { SipWireMessage } from '../harness/sip-evidence.ts';
import type { Finding } from '../harness/finding.ts';

const msg = (direction: 'sent' | 'received', head: string, body = ''): SipWireMessage => {
  const text = `${head}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  return { atMs: 0, direction, transport: 'tcp', from: 'a:1', to: 'b:2', startLine: head.split('\r\n')[0]!, text, octets: text.length };
};
const fail = (field: string): Finding => ({ requirement: 'MCXSEC-X-01', check: 'c', verdict: 'fail', field, reason: 'mismatch' });
const HEAD = 'Via: SIP/2.0/TCP a;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 REGISTER';

test('a finding field names a header (SIP name rules) or a body part by its first word', () => {
  expect(fieldTarget('WWW-Authenticate realm')).toEqual({ header: 'www-authenticate' });
  expect(fieldTarget('i')).toEqual({ header: 'call-id' });
  expect(fieldTarget('application/vnd.3gpp.mcptt-info+xml mcptt-access-token')).toEqual({ part: 'application/vnd.3gpp.mcptt-info+xml' });
  expect(fieldTarget('body')).toEqual({ part: '' });
  expect(fieldTarget('/0/alg')).toBeUndefined();
  expect(fieldTarget('')).toBeUndefined();
  expect(fieldTarget('[3] offset')).toBeUndefined();
});

test('a failed finding marks the last received message carrying the field; an existing highlight gets the field; passes link nothing', () => {
  const messages = [
    msg('sent', `REGISTER sip:x SIP/2.0\r\n${HEAD}\r\nMax-Forwards: 70`),
    msg('received', `SIP/2.0 401 Unauthorized\r\n${HEAD}\r\nWWW-Authenticate: Digest realm="x"`),
    msg('received', `SIP/2.0 403 Forbidden\r\n${HEAD}\r\nContent-Type: application/vnd.3gpp.mcptt-info+xml`, '<mcpttinfo/>'),
  ];
  messages[2]!.highlight = { reason: 'refused' };
  const out = (findings: Finding[]) => (sipEvidenceForReport([{ kind: 'sip', label: 'l', data: { parties: [], messages } }], findings)[0]!.data as { messages: SipMessageView[] }).messages;
  const linked = out([fail('www-authenticate nonce'), fail('application/vnd.3gpp.mcptt-info+xml'), { ...fail('Via'), verdict: 'pass' }]);
  expect(linked.map((m) => m.highlight)).toEqual([undefined, { field: 'www-authenticate nonce', reason: 'c: mismatch' }, { field: 'application/vnd.3gpp.mcptt-info+xml', reason: 'refused' }]);
  expect(linked[2]!.parsed!.parts).toEqual([{ contentType: 'application/vnd.3gpp.mcptt-info+xml', headers: [], text: '<mcpttinfo/>' }]);
  // The input is not changed.
  expect(messages[1]!.highlight).toBeUndefined();
  // A field no message carries links nothing; non-SIP data passes through.
  expect(out([fail('Security-Server')]).map((m) => m.highlight?.field)).toEqual([undefined, undefined, undefined]);
  expect(sipEvidenceForReport([{ kind: 'sip', label: 'l', data: 'odd' }], [])).toEqual([{ kind: 'sip', label: 'l', data: 'odd' }]);
});
