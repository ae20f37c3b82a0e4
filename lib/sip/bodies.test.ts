import { test, expect } from '@playwright/test';
import { buildMultipart, parseMultipart, partsOfType } from './multipart.ts';
import { keyMgmtOf, mikeyFromSdp, mikeyOffer, parseSdp } from './sdp.ts';
import { buildMcInfo, mcInfoContentType, parseMcInfo } from './mcx-info.ts';
import { parseMediaType } from './media-type.ts';

const MIKEY = Uint8Array.from([1, 0, 26, 0, 0xff, 0x00, 0x0d, 0x0a, 0x2d, 0x2d]); // includes CRLF-- octets: binary-safe

test('multipart/mixed round trip: application/mikey beside an mcptt-info part (TS 33.180 9.2.1.3 layout)', () => {
  const info = buildMcInfo({ service: 'mcptt', accessToken: { value: 'tok' }, clientId: { value: 'c1' } });
  const built = buildMultipart([{ contentType: 'application/mikey', body: MIKEY }, { contentType: mcInfoContentType('mcptt'), body: info }], 'boundary1');
  expect(built.contentType).toBe('multipart/mixed;boundary="boundary1"');
  const r = parseMultipart(built.octets, built.contentType);
  expect(r.deviations).toEqual([]);
  expect(r.parts.map((p) => p.contentType)).toEqual(['application/mikey', 'application/vnd.3gpp.mcptt-info+xml']);
  expect(Buffer.from(r.parts[0].body)).toEqual(Buffer.from(MIKEY));
  expect(Buffer.from(r.parts[1].body).toString()).toBe(info);
  expect(built.octets.subarray(r.parts[1].offset).toString().startsWith('Content-Type: application/vnd.3gpp')).toBe(true);
  expect(partsOfType(r.parts, 'application/mikey')).toHaveLength(1);
});

test('multipart deviations: the spec example\'s "--boundary1---" close, a missing close, LF-only delimiters, no boundary', () => {
  const ok = buildMultipart([{ contentType: 'application/mikey', body: MIKEY }], 'boundary1');
  const text = ok.octets.toString('latin1');
  const rules = (s: string, ct = ok.contentType) => parseMultipart(Buffer.from(s, 'latin1'), ct).deviations.map((d) => d.rule);
  expect(rules(text.replace('--boundary1--\r\n', '--boundary1---'))).toEqual(['multipart.close-delimiter']);
  expect(rules(text.replace('\r\n--boundary1--\r\n', ''))).toEqual(['multipart.close-delimiter']);
  expect(rules(text.replace('\r\n--boundary1--', '\n--boundary1--'))).toEqual(['multipart.delimiter']);
  expect(rules(text, 'multipart/mixed')).toEqual(['multipart.boundary']);
  expect(rules(text, 'application/sdp')).toEqual(['multipart.content-type']);
  expect(rules(`preamble\r\n${text}`)).toEqual(['multipart.preamble']);
});

test('nested multipart is bounded in depth and parts', () => {
  let body = buildMultipart([{ contentType: 'text/plain', body: 'x' }], 'b0');
  for (let i = 1; i < 8; i++) body = buildMultipart([{ contentType: body.contentType, body: body.octets }], `b${i}`);
  const r = parseMultipart(body.octets, body.contentType);
  expect(r.deviations.map((d) => d.rule)).toEqual(['limit.multipart-depth']);
  const many = buildMultipart(Array.from({ length: 40 }, () => ({ contentType: 'text/plain', body: 'x' })), 'm');
  expect(parseMultipart(many.octets, many.contentType).deviations.map((d) => d.rule)).toEqual(['limit.multipart-parts']);
});

test('SDP with a=key-mgmt:mikey (RFC 4567): build, parse, extract; bad base64 and line order are deviations', () => {
  const sdp = mikeyOffer({ mikey: MIKEY });
  const r = parseSdp(sdp);
  expect(r.deviations).toEqual([]);
  expect(Buffer.from(mikeyFromSdp(r.sdp)!)).toEqual(Buffer.from(MIKEY));
  expect(keyMgmtOf(r.sdp)[0]).toMatchObject({ protocol: 'mikey', mediaIndex: -1 });
  expect(r.sdp.media[0].media).toBe('audio 49170 RTP/SAVP 96');
  const bad = sdp.replace(/key-mgmt:mikey \S+/, 'key-mgmt:mikey AQ!=');
  expect(parseSdp(bad).deviations.map((d) => d.rule)).toEqual(['sdp.key-mgmt']);
  expect(parseSdp(sdp.replace('v=0\r\n', '')).deviations.map((d) => d.rule)).toContain('sdp.order');
  expect(parseSdp(sdp.replace(/\r\n/g, '\n')).deviations.map((d) => d.rule)).toEqual(['sdp.line-ending']);
  expect(parseSdp('garbage').deviations.map((d) => d.rule)).toEqual(['sdp.line']);
});

test('mcptt-info and mcdata-info carry the access token, request URI and client ID; encrypted fields keep their content', () => {
  const xml = buildMcInfo({ service: 'mcptt', accessToken: { value: 'eyJ<&>' }, requestUri: { value: 'sip:mcptt@x.example' }, clientId: { value: 'client-1' } });
  expect(xml).toContain('<mcpttinfo xmlns="urn:3gpp:ns:mcpttInfo:1.0">');
  expect(xml).toContain('<mcptt-access-token type="Normal"><mcpttString>eyJ&lt;&amp;&gt;</mcpttString></mcptt-access-token>');
  const r = parseMcInfo(xml);
  expect(r.problems).toEqual([]);
  expect(r.info).toMatchObject({ service: 'mcptt', accessToken: { value: 'eyJ<&>', type: 'Normal' }, requestUri: { value: 'sip:mcptt@x.example' }, clientId: { value: 'client-1' } });
  const d = parseMcInfo(buildMcInfo({ service: 'mcdata', clientId: { value: 'c', type: 'Normal' } }));
  expect(d.info?.service).toBe('mcdata');
  expect(parseMcInfo('<mcpttinfo><mcptt-Params/></mcpttinfo>').problems[0]).toMatch(/namespace/);
  expect(parseMcInfo('<x/>').problems[0]).toMatch(/root element/);
  expect(parseMcInfo('<mcpttinfo').problems.length).toBeGreaterThan(0);
});

test('media types: quoted boundary, case-insensitive type, bad syntax', () => {
  expect(parseMediaType('Multipart/Mixed; boundary="a b"; x=y')).toEqual({ type: 'multipart', subtype: 'mixed', params: { boundary: 'a b', x: 'y' } });
  expect(parseMediaType('multipart')).toBeUndefined();
});
