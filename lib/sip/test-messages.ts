/**
 * Messages for tests and benches: a REGISTER carrying the 9.2.1.3 body
 * (application/mikey beside an mcptt-info part), built with the helpers.
 */
import { buildRequest } from './build.ts';
import { buildMcInfo, mcInfoContentType } from './mcx-info.ts';
import { buildMultipart } from './multipart.ts';
import type { SipMessage } from './message.ts';

/** A REGISTER of about `size` octets: the MIKEY part is padded to reach it. */
export function registerWithMultipart(size = 2048, host = '127.0.0.1', port = 5060): SipMessage {
  const info = buildMcInfo({
    service: 'mcptt',
    accessToken: { value: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl' },
    requestUri: { value: 'sip:mcptt-server@mcx.example.org' },
    clientId: { value: 'mcptt-client-alice' },
  });
  const mk = (mikeyLen: number) => {
    const mikey = new Uint8Array(mikeyLen).map((_, i) => (i * 37 + 11) & 0xff);
    mikey[0] = 1;
    const body = buildMultipart([{ contentType: 'application/mikey', body: mikey }, { contentType: mcInfoContentType('mcptt'), body: info }], 'boundary1');
    return buildRequest({
      method: 'REGISTER', uri: 'sip:mcptt-server@mcx.example.org', from: 'sip:alice@mcx.example.org', to: 'sip:alice@mcx.example.org',
      fromTag: 'a73kszlfl', callId: '1j9FpLxk3uxtm8tn@127.0.0.1', cseq: 1,
      via: { transport: 'udp', host, port, branch: 'z9hG4bK74bf9' },
      contact: `<sip:alice@${host}:${port}>;+g.3gpp.mcptt`,
      headers: [['Expires', '600000'], ['User-Agent', 'mcx-conformance']],
      body: { contentType: body.contentType, octets: body.octets },
    });
  };
  const probe = mk(0);
  const len = (m: SipMessage) => m.startLine.length + 2 + m.headers.reduce((n, h) => n + h.name.length + h.value.length + 4, 0) + 2 + m.body.length;
  return mk(Math.max(16, size - len(probe)));
}
