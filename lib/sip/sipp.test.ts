/**
 * Interop with an implementation no one here wrote: SIPp as UAC sending
 * OPTIONS and a REGISTER with a multipart body to a lib/sip UAS (UDP and
 * TCP), and as
 * UAS (its built-in 'uas' scenario, UDP and TCP) answering a lib/sip UAC's INVITE with
 * an RFC 4567 key-mgmt SDP, ACK and BYE. Skipped, with the reason, when
 * SIPp is not installed (scripts/install-sip-peers.sh installs it).
 */
import { test, expect } from '@playwright/test';
import { UdpChannel } from './transport/udp.ts';
import { connectStream, StreamListener } from './transport/tcp.ts';
import type { SipChannel } from './transport/wire.ts';
import { SipEndpoint } from './endpoint.ts';
import { buildRequest } from './build.ts';
import { dialogFromUac, inDialogRequest } from './dialog.ts';
import { headerValue, methodOf, statusOf } from './message.ts';
import { parseMultipart, partsOfType } from './multipart.ts';
import { mikeyOffer, parseSdp } from './sdp.ts';
import { parseMcInfo } from './mcx-info.ts';
import { freePort, runSipp, sippVersion } from './sipp-peer.ts';

const version = sippVersion();

const UAC_SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="lib-sip interop: OPTIONS then REGISTER with multipart/mixed">
  <send retrans="500"><![CDATA[
OPTIONS sip:uas@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:uas@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 OPTIONS
Contact: <sip:sipp@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
  <send retrans="500"><![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:alice@mcx.example.org>;tag=[pid]SIPpTag01[call_number]
To: <sip:alice@mcx.example.org>
Call-ID: [call_id]
CSeq: 2 REGISTER
Contact: <sip:alice@[local_ip]:[local_port]>
Max-Forwards: 70
Expires: 3600
Content-Type: multipart/mixed;boundary="boundary1"
Content-Length: [len]

--boundary1
Content-Type: application/mikey

AQAaAAAAAQ
--boundary1
Content-Type: application/vnd.3gpp.mcptt-info+xml

<mcpttinfo xmlns="urn:3gpp:ns:mcpttInfo:1.0"><mcptt-Params><mcptt-access-token type="Normal"><mcpttString>tok</mcpttString></mcptt-access-token></mcptt-Params></mcpttinfo>
--boundary1--
]]></send>
  <recv response="200"/>
</scenario>
`;

for (const transport of ['udp', 'tcp'] as const) {
  test(`SIPp UAC -> lib/sip UAS over ${transport.toUpperCase()}: OPTIONS and a multipart REGISTER parse without deviation and SIPp accepts our 200s`, async () => {
    test.skip(!version, 'SIPp (Debian sip-tester) not installed: run scripts/install-sip-peers.sh');
    test.setTimeout(40_000);
    const udp = transport === 'udp' ? await UdpChannel.open() : undefined;
    const listener = transport === 'tcp' ? await StreamListener.open('tcp') : undefined;
    const local = udp?.local ?? listener!.local;
    const sipp = runSipp({ scenario: UAC_SCENARIO, remote: `127.0.0.1:${local.port}`, localPort: await freePort(), transport: transport === 'udp' ? 'u1' : 't1', deadlineMs: 15_000 });
    let uas: SipEndpoint | undefined;
    try {
      uas = new SipEndpoint(udp ?? (await listener!.accept(10_000)), { timers: { T1: 500 } });
      const opt = await uas.nextRequest(10_000);
      expect(methodOf(opt.request.message)).toBe('OPTIONS');
      expect(opt.request.deviations).toEqual([]);
      expect(headerValue(opt.request.message, 'via')).toMatch(new RegExp(`^SIP/2.0/${transport.toUpperCase()} `));
      await opt.reply(200, { headers: [['Allow', 'OPTIONS, REGISTER, INVITE, ACK, BYE']] });
      const reg = await uas.nextRequest(10_000);
      expect(methodOf(reg.request.message)).toBe('REGISTER');
      expect(reg.request.deviations).toEqual([]);
      const mp = parseMultipart(reg.request.message.body, headerValue(reg.request.message, 'content-type')!);
      expect(mp.deviations).toEqual([]);
      expect(Buffer.from(partsOfType(mp.parts, 'application/mikey')[0].body).toString()).toBe('AQAaAAAAAQ');
      expect(parseMcInfo(partsOfType(mp.parts, 'application/vnd.3gpp.mcptt-info+xml')[0].body).info?.accessToken?.value).toBe('tok');
      await reg.reply(200, { headers: [['Contact', `${headerValue(reg.request.message, 'contact')};expires=3600`]] });
      const run = await sipp.done;
      expect(run.timedOut).toBe(false);
      expect(run.code, `SIPp ${version} exit code (0 = all calls successful); stderr: ${run.stderr.slice(-500)}`).toBe(0);
      test.info().annotations.push({ type: 'interop', description: `${version} UAC over ${transport}: 2 requests, exit ${run.code}` });
    } finally {
      sipp.kill();
      uas?.stop();
      await udp?.close();
      await listener?.close();
    }
  });
}

for (const transport of ['udp', 'tcp'] as const) {
  test(`lib/sip UAC -> SIPp UAS (built-in uas scenario) over ${transport.toUpperCase()}: INVITE with key-mgmt SDP, 180/200, ACK, BYE`, async () => {
    test.skip(!version, 'SIPp (Debian sip-tester) not installed: run scripts/install-sip-peers.sh');
    test.setTimeout(40_000);
    const port = await freePort();
    const sipp = runSipp({ scenario: 'uas', localPort: port, transport: transport === 'udp' ? 'u1' : 't1', deadlineMs: 15_000 });
    const peer = { address: '127.0.0.1', port };
    let ch: SipChannel | undefined;
    let uac: SipEndpoint | undefined;
    try {
      await new Promise((r) => setTimeout(r, 500)); // SIPp binds its socket after start-up
      ch = transport === 'udp' ? await UdpChannel.open({ remote: peer }) : await connectStream('tcp', peer, { timeoutMs: 5000 });
      uac = new SipEndpoint(ch, { remote: peer, timers: { T1: 500 } });
      const me = ch.local;
      const invite = buildRequest({
        method: 'INVITE', uri: `sip:service@127.0.0.1:${port}`, from: `sip:libsip@127.0.0.1:${me.port}`, to: `sip:service@127.0.0.1:${port}`,
        via: { transport, host: me.address, port: me.port }, contact: `<sip:libsip@127.0.0.1:${me.port}>`,
        body: { contentType: 'application/sdp', octets: mikeyOffer({ mikey: Buffer.from([1, 0, 26, 0]), port: 40000 }) },
      });
      const tx = uac.sendRequest(invite);
      const ok = await tx.final;
      expect(statusOf(ok.message)).toBe(200);
      expect(tx.responses.items.map((r) => statusOf(r.message))).toContain(180);
      for (const r of tx.responses.items) expect(r.deviations.filter((d) => d.severity === 'error')).toEqual([]);
      const sdp = parseSdp(ok.message.body);
      expect(sdp.deviations.filter((d) => d.severity === 'error')).toEqual([]);
      const d = dialogFromUac(invite, ok.message);
      await uac.sendRaw(inDialogRequest(d, 'ACK', { transport, host: me.address, port: me.port }));
      const bye = uac.sendRequest(inDialogRequest(d, 'BYE', { transport, host: me.address, port: me.port }));
      expect(statusOf((await bye.final).message)).toBe(200);
      const run = await sipp.done;
      expect(run.code, `SIPp ${version} exit code; stderr: ${run.stderr.slice(-500)}`).toBe(0);
      const warnings = [...tx.responses.items, ...bye.responses.items].flatMap((r) => r.deviations).map((x) => x.rule);
      test.info().annotations.push({ type: 'interop', description: `${version} UAS over ${transport}: INVITE/180/200/ACK/BYE/200, exit ${run.code}; warnings on SIPp's responses: ${warnings.join(', ') || 'none'}; SDP: ${sdp.deviations.map((x) => x.rule).join(', ') || 'none'}` });
    } finally {
      sipp.kill();
      uac?.stop();
      await ch?.close();
    }
  });
}
