import { randomUUID } from 'node:crypto';
import { buildMultipart, buildRequest, headerValue, parseMcInfo, parseMultipart, SipEndpoint, statusOf, UdpChannel, type Endpoint, type ServerTransaction } from '../../lib/sip/index.ts';
import { EAR_CONTENT_TYPE, signEar } from '../../lib/ear/signed.ts';
import { EAR_ROLE, REQUEST_TYPE } from '../../lib/ear/payload.ts';
import type { FaultSet } from '../fault.ts';
import type { ProvisionedKeys } from '../kms/in-process-provisioning.ts';
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
 * answered to the caller as 480. A callee of the partner domain is reached
 * at the partner hop, with one more EAR: the server's own, signed by its
 * authorised identity (role MCPTT server, 9.6.2.3), of request type
 * INTERWORKING SIGNALLING (J.2.3).
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

export interface PrivateCallOptions {
  /** Where requests for the home domain's IMPUs go: the SIP core, once it has started. */
  core: () => Endpoint | undefined;
  kms: () => EarKms;
  /** The partner domain and how the server signs its own EARs there (key material per identity). */
  partner?: { domain: string; hop: Endpoint; signer: (uri: string) => ProvisionedKeys };
  faults: FaultSet;
}

/** J.3.3.2-2 bit 3 of mc-role-server: MCPTT server. */
const MCPTT_SERVER_ROLE = 'mc-role-server=08';

export async function startPrivateCalls(o: PrivateCallOptions): Promise<PrivateCalls> {
  const { core, kms, partner, faults } = o;
  const channel = await UdpChannel.open();
  const endpoint = new SipEndpoint(channel, { timers: REFERENCE_TIMERS });
  const cache = new EarIdCache();
  /** The server's own EAR towards `calleeId` in the partner domain (9.6.2.3), changed as a fault says. */
  const serverEar = (psi: string, calleeId: string): Uint8Array => {
    const has = (name: string) => faults.has(`mcx-server.server-ear-${name}`);
    const uri = has('plain-identity') ? psi : `${psi}?${MCPTT_SERVER_ROLE}`;
    const { certificate: cert, keySet } = partner!.signer(uri);
    const now = Math.floor(Date.now() / 1000);
    const uuid = Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
    // server-ear-not-uuid: 16 octets, but version nibble 0 and variant bits 00 (no RFC 4122 UUID).
    if (has('not-uuid')) [uuid[6], uuid[8]] = [uuid[6]! & 0x0f, uuid[8]! & 0x3f];
    const bytes = signEar(
      {
        dateTime: has('stale') ? now - 3600 : now,
        earId: Uint8Array.from(uuid),
        sourceRole: has('client-role') ? EAR_ROLE.client : EAR_ROLE.server,
        sourceId: uri,
        targetRole: EAR_ROLE.client,
        targetId: has('wrong-target') ? `sip:someone-else@${partner!.domain}` : calleeId,
        request: { type: has('other-request') ? REQUEST_TYPE.privileged : REQUEST_TYPE.interworking },
      },
      { uri, kmsUri: cert.kmsUri, keyPeriod: cert.userKeyPeriod, keyPeriodOffset: cert.userKeyOffset, keyPeriodNo: keySet.keyPeriodNo, ssk: keySet.ssk, pvt: keySet.pvt, kpak: cert.pubAuthKey },
    );
    // r of the ECCSI signature ends 97 octets (s and the PVT) before the EAR does.
    if (has('bad-signature')) bytes[bytes.length - 98]! ^= 0x01;
    return bytes;
  };
  return {
    async answer(tx, c) {
      const m = tx.request.message;
      if (!c.bindings.has(c.callerImpu)) return tx.reply(403, { reason: 'Not Authorised' });
      const { parts, info } = mcpttInfoOf(m);
      const calleeId = info?.requestUri?.value;
      const inPartner = partner !== undefined && calleeId !== undefined && calleeId.endsWith(`@${partner.domain}`);
      const callee = inPartner ? calleeId : [...c.bindings].find(([, id]) => id === calleeId)?.[0];
      if (!calleeId || !callee) return tx.reply(404, { reason: 'No Such User' });
      const ears = parts.filter((p) => p.contentType.split(';')[0]!.trim().toLowerCase() === EAR_CONTENT_TYPE);
      const automatic = /^\s*auto\b/i.test(headerValue(m, 'answer-mode') ?? '');
      if (automatic) {
        const problem = earProblem(faults.has('mcx-server.ear-refuses-valid') ? [] : ears.map((p) => p.body), { calleeId, kms: kms(), cache, faults, now: Math.floor(Date.now() / 1000) });
        if (problem) return tx.reply(403, { reason: `EAR refused: ${problem}`.replace(/[\r\n]/g, ' ') });
      }
      const to = inPartner ? partner!.hop : core();
      if (!to) return tx.reply(480);
      const forwardedParts = parts.filter((p) => !(faults.has('mcx-server.ear-not-copied') && ears.includes(p))).map((p) => ({ contentType: p.contentType, body: p.body }));
      if (inPartner && !faults.has('mcx-server.server-ear-missing')) forwardedParts.push({ contentType: EAR_CONTENT_TYPE, body: serverEar(c.psi, calleeId) });
      const body = buildMultipart(forwardedParts);
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
