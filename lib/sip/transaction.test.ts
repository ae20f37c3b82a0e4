import { test, expect } from '@playwright/test';
import { UdpChannel } from './transport/udp.ts';
import { connectStream, StreamListener } from './transport/tcp.ts';
import { SipEndpoint } from './endpoint.ts';
import { buildRequest } from './build.ts';
import { dialogFromUac, dialogFromUas, inDialogRequest } from './dialog.ts';
import { headerValue, statusOf } from './message.ts';
import { isRfc3261Branch, newBranch } from './ids.ts';
import type { Endpoint } from './transport/wire.ts';

const T = { T1: 40, T2: 160, T4: 200 };

function req(method: string, local: Endpoint, transport = 'udp') {
  return buildRequest({ method, uri: 'sip:uas@127.0.0.1', from: 'sip:uac@127.0.0.1', to: 'sip:uas@127.0.0.1', via: { transport, host: local.address, port: local.port }, contact: `<sip:uac@${local.address}:${local.port}>` });
}

async function pair(timers = T) {
  const uasCh = await UdpChannel.open();
  const uacCh = await UdpChannel.open({ remote: uasCh.local });
  const uas = new SipEndpoint(uasCh, { timers });
  const uac = new SipEndpoint(uacCh, { timers, remote: uasCh.local });
  return { uas, uac, uasCh, uacCh, async stop() { uas.stop(); uac.stop(); await uacCh.close(); await uasCh.close(); } };
}

test('ids: branches carry the magic cookie, tags and Call-IDs differ', () => {
  expect(isRfc3261Branch(newBranch())).toBe(true);
  expect(newBranch()).not.toBe(newBranch());
});

test('non-INVITE over UDP: a UAS that does not answer sees Timer E retransmissions; the UAC fails with Timer F', async () => {
  const p = await pair();
  try {
    const tx = p.uac.sendRequest(req('OPTIONS', p.uacCh.local));
    const st = await p.uas.nextRequest(1000);
    const r1 = await st.nextRetransmission(1000);
    const r2 = await st.nextRetransmission(1000);
    // Intervals double from T1 (40, 80, ...) up to T2.
    expect(r2.received.at - r1.received.at).toBeGreaterThanOrEqual(60);
    await expect(tx.final).rejects.toThrow(`timer-f: no final response to OPTIONS within ${64 * T.T1} ms (Timer F)`);
    expect(tx.retransmissions).toBeGreaterThanOrEqual(5);
  } finally {
    await p.stop();
  }
});

test('non-INVITE answered: final response ends retransmissions; a late retransmission gets the same response again', async () => {
  const p = await pair();
  try {
    const tx = p.uac.sendRequest(req('REGISTER', p.uacCh.local));
    const st = await p.uas.nextRequest(1000);
    await st.reply(200, { headers: [['Expires', '600']] });
    const fin = await tx.final;
    expect(statusOf(fin.message)).toBe(200);
    expect(fin.deviations).toEqual([]);
    expect(headerValue(fin.message, 'to')).toMatch(/;tag=/);
    // Re-send the request by hand: the server transaction absorbs it and repeats its response.
    await new Promise((r) => setTimeout(r, 100));
    const before = tx.responses.items.length;
    await p.uacCh.send(p.uacCh.records.find((r) => r.direction === 'sent')!.octets);
    await expect.poll(() => tx.responses.items.length, { timeout: 2000 }).toBe(before + 1);
    expect(st.sent).toHaveLength(1);
  } finally {
    await p.stop();
  }
});

test('INVITE with a non-2xx: the client ACKs it in the transaction (17.1.1.3) and the server stops Timer G', async () => {
  const p = await pair({ ...T, trying: 0 } as typeof T);
  try {
    const tx = p.uac.sendRequest(req('INVITE', p.uacCh.local));
    const st = await p.uas.nextRequest(1000);
    expect(statusOf((await tx.nextResponse(1000)).message)).toBe(100); // automatic 100 Trying
    await st.reply(486);
    expect(statusOf((await tx.final).message)).toBe(486);
    const ack = await st.ack;
    expect(ack.message.startLine.startsWith('ACK ')).toBe(true);
    expect(headerValue(ack.message, 'via')).toBe(headerValue(tx.request, 'via'));
    expect(st.state).toBe('confirmed');
  } finally {
    await p.stop();
  }
});

test('INVITE 2xx, dialog, ACK outside the transaction, BYE; a 2xx not ACKed is retransmitted until Timer H', async () => {
  const p = await pair({ ...T, trying: null } as unknown as typeof T);
  try {
    const invite = req('INVITE', p.uacCh.local);
    const tx = p.uac.sendRequest(invite);
    const st = await p.uas.nextRequest(1000);
    await st.reply(200, { headers: [['Contact', `<sip:uas@127.0.0.1:${p.uasCh.local.port}>`]] });
    const ok = await tx.final;
    const d = dialogFromUac(invite, ok.message);
    expect(d.remoteTarget).toBe(`sip:uas@127.0.0.1:${p.uasCh.local.port}`);
    // Not ACKing yet: the UAS retransmits the 2xx (RFC 6026 Accepted).
    await expect.poll(() => st.responseRetransmissions, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
    await p.uac.sendRaw(inDialogRequest(d, 'ACK', { transport: 'udp', host: '127.0.0.1', port: p.uacCh.local.port }));
    await st.ack;
    const uasDialog = dialogFromUas(st.request.message, st.sent[0]);
    expect(uasDialog.remoteTag).toBe(d.localTag);
    const bye = p.uac.sendRequest(inDialogRequest(d, 'BYE', { transport: 'udp', host: '127.0.0.1', port: p.uacCh.local.port }));
    const byeSt = await p.uas.nextRequest(1000);
    expect(headerValue(byeSt.request.message, 'cseq')).toBe(`${d.localSeq} BYE`);
    await byeSt.reply(200);
    expect(statusOf((await bye.final).message)).toBe(200);

    const tx2 = p.uac.sendRequest(req('INVITE', p.uacCh.local));
    const st2 = await p.uas.nextRequest(1000);
    await st2.reply(200);
    await tx2.final;
    await expect(st2.ack).rejects.toThrow(`timer-h: no ACK within ${64 * T.T1} ms (Timer H)`);
  } finally {
    await p.stop();
  }
});

test('over TCP nothing is retransmitted (reliable transport)', async () => {
  const l = await StreamListener.open('tcp');
  const a = await connectStream('tcp', l.local);
  const b = await l.accept(1000);
  const uac = new SipEndpoint(a, { timers: T });
  const uas = new SipEndpoint(b, { timers: T });
  try {
    const tx = uac.sendRequest(req('OPTIONS', a.local, 'tcp'));
    const st = await uas.nextRequest(1000);
    await expect(st.nextRetransmission(300)).rejects.toThrow('timeout: no retransmission of OPTIONS within 300 ms');
    await st.reply(200);
    expect(statusOf((await tx.final).message)).toBe(200);
    expect(tx.retransmissions).toBe(0);
  } finally {
    uac.stop();
    uas.stop();
    await a.close();
    await l.close();
  }
});

test('a framing error on the connection ends a pending request at once with the reason, not at Timer F (17.1.4)', async () => {
  const l = await StreamListener.open('tcp');
  const a = await connectStream('tcp', l.local);
  const b = await l.accept(1000);
  const uac = new SipEndpoint(a, { timers: { T1: 500, T2: 4000, T4: 5000 } });
  try {
    const tx = uac.sendRequest(req('OPTIONS', a.local, 'tcp'));
    await b.send(Buffer.from('not a status line\r\n\r\n'));
    const started = Date.now();
    await expect(tx.final).rejects.toThrow(/^transport: the transport failed before a final response to OPTIONS: framing: start-line\.syntax/);
    expect(Date.now() - started).toBeLessThan(2000);
  } finally {
    uac.stop();
    await a.close();
    await b.close();
    await l.close();
  }
});
