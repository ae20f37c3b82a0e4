import { createServer, type Server } from 'node:http';
import { buildMultipart, buildRequest, headerValue, methodOf, SipEndpoint, UdpChannel, type Endpoint, type McService, type PartSpec, type ServerTransaction, type SipMessage } from '../../lib/sip/index.ts';
import type { FaultSet } from '../fault.ts';
import { REFERENCE_TIMERS, serveSip, type SipService } from '../sip/serve.ts';
import { tokensOf, uriOf } from '../sip/mc-info-body.ts';
import type { ServiceTokenVerifier } from '../sip/token-check.ts';
import { gmkMessageFor, newGroupKey, type GmsIdentity, type GroupKey } from './gmk-message.ts';

/**
 * The reference Group Management Server (5.7): one group, keyed by one GMK
 * made at start. A member subscribes to the group's configuration with a
 * SIP SUBSCRIBE to the GMS PSI (Event xcap-diff; the access token in an
 * mcptt-info body, or Bearer in an Authorization header). The GMS checks
 * the token (5.1.3.1: signed by the IdMS, for the domain's resource servers,
 * unexpired, with the service's group management scope) and that its MC
 * service ID is a member (5.7.3), answers 200, and then sends the member a
 * NOTIFY through the SIP core (the Notify group configuration request of
 * TS 23.280 10.1.2.7) whose multipart/mixed body holds an
 * application/xcap-diff+xml part and the member's GMK I_MESSAGE as an
 * application/mikey part (5.7.2, E.2; README "GMS" says why this carriage).
 * Any other refusal is 403, and no NOTIFY follows it.
 *
 * Revocation (5.7.2): a POST to `revokeUrl` (the administrator's word)
 * sends every subscriber the group's GMK again, its Status marked revoked,
 * in a NOTIFY of his subscription; later subscribers get a new GMK.
 */
export interface Gms extends SipService {
  psi: string;
  serverUri: string;
  group: string;
  /** The reference's administration endpoint that revokes the group's GMK (plain HTTP on 127.0.0.1). */
  revokeUrl: string;
  /** Where NOTIFYs go: the SIP core, known once it has started. */
  setCore(core: Endpoint): void;
}

export interface GmsOptions {
  domain: string;
  /** MC service user IDs of the group's members, by the IMPU each registers. */
  members: Map<string, string>;
  identity: GmsIdentity;
  verify: ServiceTokenVerifier;
  faults: FaultSet;
}

const EVENT = 'xcap-diff';
const SERVICE: McService = 'mcptt';

export async function startGms(o: GmsOptions): Promise<Gms> {
  const psi = `sip:gms@${o.domain}`;
  const group = `sip:ptt-group-1@${o.domain}`;
  let key: GroupKey = newGroupKey(group);
  /** The subscriptions served, by Call-ID: who gets the revocation. */
  const subscribers = new Map<string, { subscribe: SipMessage; memberId: string; impu: string }>();
  const channel = await UdpChannel.open();
  const notifier = new SipEndpoint(channel, { timers: REFERENCE_TIMERS });
  let core: Endpoint | undefined;

  /** The member's MC service user ID when the subscription may be served, else why not. */
  const authorise = async (m: SipMessage): Promise<{ ok: true; memberId: string } | { ok: false; reason: string }> => {
    const impu = uriOf(headerValue(m, 'p-asserted-identity') ?? headerValue(m, 'from'));
    const bearer = /^Bearer\s+(\S+)/i.exec(headerValue(m, 'authorization') ?? '')?.[1];
    const token = bearer ?? tokensOf(m).find((t) => t.service === SERVICE)?.token;
    if (!token) {
      // gms.accepts-no-token: the subscriber is taken for who the SIP core says he is.
      const memberId = o.members.get(impu);
      return o.faults.has('gms.accepts-no-token') && memberId ? { ok: true, memberId } : { ok: false, reason: 'no access token' };
    }
    const checked = await o.verify(token, SERVICE);
    if (!checked.ok) return checked;
    if (![...o.members.values()].includes(checked.serviceId)) return { ok: false, reason: `${checked.serviceId} is not a member of ${group}` };
    return { ok: true, memberId: checked.serviceId };
  };

  const notify = async (subscribe: SipMessage, memberId: string, impu: string, revoked?: GroupKey) => {
    if (!core) return;
    const parts: PartSpec[] = [{ contentType: 'application/xcap-diff+xml', body: xcapDiff(group) }];
    if (revoked) parts.push({ contentType: 'application/mikey', body: gmkMessageFor(revoked, memberId, impu, o, { revoked: true }) });
    else if (!o.faults.has('gms.omits-gmk')) parts.push({ contentType: 'application/mikey', body: gmkMessageFor(key, memberId, impu, o) });
    const body = buildMultipart(parts);
    const request = buildRequest({
      method: 'NOTIFY',
      uri: impu,
      from: psi,
      to: impu,
      callId: headerValue(subscribe, 'call-id'),
      via: { transport: 'udp', host: channel.local.address, port: channel.local.port },
      headers: [['Event', EVENT], ['Subscription-State', 'active;expires=600']],
      cseq: revoked ? 2 : 1,
      body: { contentType: body.contentType, octets: body.octets },
    });
    await notifier.sendRequest(request, { to: core }).final.catch(() => undefined);
  };

  const service = await serveSip(async (tx: ServerTransaction) => {
    const m = tx.request.message;
    if (methodOf(m) !== 'SUBSCRIBE') return tx.reply(405);
    if ((headerValue(m, 'event') ?? '').split(';')[0]!.trim() !== EVENT) return tx.reply(489);
    if (headerValue(m, 'expires') === '0') return tx.reply(200, { headers: [['Expires', '0']] });
    const outcome = await authorise(m);
    if (!outcome.ok) return tx.reply(403);
    await tx.reply(200, { headers: [['Expires', '600']] });
    const impu = uriOf(headerValue(m, 'p-asserted-identity') ?? headerValue(m, 'from'));
    subscribers.set(headerValue(m, 'call-id') ?? '', { subscribe: m, memberId: outcome.memberId, impu });
    void notify(m, outcome.memberId, impu).catch(() => undefined);
  });

  /** Revokes the GMK in use (5.7.2): every subscriber gets it again marked revoked; a new one keys the group from now on. */
  const revoke = async () => {
    const old = key;
    key = newGroupKey(group);
    // gms.revocation-not-sent: the GMS takes the administrator's word and tells no member.
    if (o.faults.has('gms.revocation-not-sent')) return;
    // gms.revocation-other-gmk: what goes out marked revoked is the new GMK, not the one revoked.
    const sent = o.faults.has('gms.revocation-other-gmk') ? key : old;
    await Promise.all([...subscribers.values()].map((s) => notify(s.subscribe, s.memberId, s.impu, sent)));
  };
  const admin: Server = createServer((req, res) => {
    req.resume();
    if (req.method !== 'POST' || req.url !== '/revoke') return void res.writeHead(404).end();
    void revoke().then(
      () => res.writeHead(204).end(),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => admin.listen(0, '127.0.0.1', resolve));
  const adminPort = (admin.address() as { port: number }).port;
  return {
    ...service,
    psi,
    serverUri: psi,
    group,
    revokeUrl: `http://127.0.0.1:${adminPort}/revoke`,
    setCore: (c) => (core = c),
    async stop() {
      await new Promise<void>((resolve) => admin.close(() => resolve()));
      notifier.stop();
      await channel.close();
      await service.stop();
    },
  };
}

function xcapDiff(group: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\r\n<xcap-diff xmlns="urn:ietf:params:xml:ns:xcap-diff" xcap-root="https://gms.reference.test/xcap"><document sel="org.openmobilealliance.groups/global/${encodeURIComponent(group)}" new-etag="1"/></xcap-diff>\r\n`;
}
