import { buildMultipart, buildRequest, headerValue, parseMcInfo, parseMultipart, SipEndpoint, statusOf, UdpChannel, type Endpoint, type ServerTransaction } from '../../lib/sip/index.ts';
import { EAR_CONTENT_TYPE } from '../../lib/ear/signed.ts';
import type { FaultSet } from '../fault.ts';
import { EarIdCache, earProblem, type EarKms } from './ear-check.ts';
import { REFERENCE_TIMERS } from './serve.ts';

/**
 * The reference MCX server's MCPTT private calls, as far as EARs need them
 * (TS 24.379 11.1, reduced to the signalling): an INVITE to the mcptt PSI
 * whose mcptt-info has session-type `private` names the callee's MCPTT ID
 * in mcptt-request-uri. In automatic commencement mode (Answer-Mode: Auto,
 * RFC 5373) it is privileged signalling (9.6.2.2): its EAR is processed
 * (ear-check.ts) and a refused one ends the call with 403. The call goes
 * on as an INVITE to the callee's IMPU through the SIP core, with the
 * caller's body parts, EARs included (9.6.2.1: the server copies them),
 * and the callee's final answer comes back. No media: a callee's 2xx is
 * answered to the caller as 480.
 */
/** The mcptt-info of a multipart INVITE body, if any. */
function mcpttInfoOf(m: ServerTransaction['request']['message']) {
  const contentType = headerValue(m, 'content-type') ?? '';
  const parts = /^multipart\//i.test(contentType) ? parseMultipart(m.body, contentType).parts : [];
  return { parts, info: parseMcInfo(parts.find((p) => /mcptt-info\+xml/i.test(p.contentType))?.body ?? new Uint8Array()).info };
}

/** Whether an INVITE is a private call (session-type private). */
export function isPrivateCall(m: ServerTransaction['request']['message']): boolean {
  return mcpttInfoOf(m).info?.sessionType === 'private';
}

export interface PrivateCallContext {
  /** The MCPTT bindings: IMPU to MC service ID. */
  bindings: Map<string, string>;
  callerImpu: string;
  psi: string;
}

export interface PrivateCalls {
  answer(tx: ServerTransaction, c: PrivateCallContext): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateCalls(core: () => Endpoint | undefined, kms: () => EarKms, faults: FaultSet): Promise<PrivateCalls> {
  const channel = await UdpChannel.open();
  const endpoint = new SipEndpoint(channel, { timers: REFERENCE_TIMERS });
  const cache = new EarIdCache();
  return {
    async answer(tx, c) {
      const m = tx.request.message;
      if (!c.bindings.has(c.callerImpu)) return tx.reply(403, { reason: 'Not Authorised' });
      const { parts, info } = mcpttInfoOf(m);
      const calleeId = info?.requestUri?.value;
      const callee = [...c.bindings].find(([, id]) => id === calleeId)?.[0];
      if (!calleeId || !callee) return tx.reply(404, { reason: 'No Such User' });
      const ears = parts.filter((p) => p.contentType.split(';')[0]!.trim().toLowerCase() === EAR_CONTENT_TYPE);
      const automatic = /^\s*auto\b/i.test(headerValue(m, 'answer-mode') ?? '');
      if (automatic) {
        const problem = earProblem(faults.has('mcx-server.ear-refuses-valid') ? [] : ears.map((p) => p.body), { calleeId, kms: kms(), cache, faults, now: Math.floor(Date.now() / 1000) });
        if (problem) return tx.reply(403, { reason: `EAR refused: ${problem}`.replace(/[\r\n]/g, ' ') });
      }
      const to = core();
      if (!to) return tx.reply(480);
      const forwardedParts = parts.filter((p) => !(faults.has('mcx-server.ear-not-copied') && ears.includes(p)));
      const body = buildMultipart(forwardedParts.map((p) => ({ contentType: p.contentType, body: p.body })));
      const request = buildRequest({
        method: 'INVITE',
        uri: callee,
        from: c.psi,
        to: callee,
        via: { transport: 'udp', host: channel.local.address, port: channel.local.port },
        contact: `<${c.psi}>`,
        headers: automatic ? [['Answer-Mode', 'Auto']] : [],
        body: { contentType: body.contentType, octets: body.octets },
      });
      let status = 408;
      try {
        status = statusOf((await endpoint.sendRequest(request, { to }).final).message) ?? 500;
      } catch {
        // no answer from the callee: 408 to the caller
      }
      return tx.reply(status >= 300 ? status : 480);
    },
    async stop() {
      endpoint.stop();
      await channel.close();
    },
  };
}
