import type { ComponentContext, RunningComponent } from '../component.ts';
import type { KmsTrust } from '../idms/index.ts';
import { startMcxServer } from './mcx-server.ts';
import { startSipCore } from './sip-core.ts';
import { createServiceTokenVerifier, createTokenVerifier } from './token-check.ts';
import { provisionInProcess, type ProvisionedKeys } from '../kms/in-process-provisioning.ts';
import { EXTERNAL_KMSS, HOME_SIP_DOMAIN, KMS_URI } from '../kms/config.ts';
import { createServerTls } from '../tls.ts';
import { UdpChannel, type Endpoint } from '../../lib/sip/index.ts';
import { startCsProxy } from './cs-proxy.ts';
import { startIsProxy } from './is-proxy.ts';
import { startGms } from '../gms/server.ts';
import { GMS_TOKEN_POLICY } from '../gms/token-policy.ts';

export const SIP_DOMAIN = 'mcx.reference.test';
/** A partner MC domain whose users the reference MCX server reaches through the partner hop (where the suite listens). */
const PARTNER_DOMAIN = 'partner.example.net';
const WRONG_AUDIENCE_TOKEN_ENV = 'MCX_REF_MCX_SERVER_WRONG_AUDIENCE_ACCESS_TOKEN';
const FAR_SIDE_KRR_KEY_ENV = 'MCX_REF_CS_PROXY_FAR_SIDE_KRR_KEY';

/**
 * The reference SIP side of the domain: SIP core and MCX server on
 * 127.0.0.1 (UDP and TCP; the SIP core also TLS), the server trusting the reference IdMS's keys,
 * its MDSI holding key material of the reference KMS.
 * Its target sections are `mcxServer` and `gms` (the GMS, reference/gms/), with the SIP core as entry point.
 */
export async function startSipDomain(ctx: ComponentContext, trust: KmsTrust, idmsUsers: Array<{ label: string; mcpttId: string }>): Promise<RunningComponent> {
  const verify = createServiceTokenVerifier(trust, ctx.tls.caPem, ctx.faults);
  // Issued from the reference KMS's master keys on first use (SAKKE and ECCSI issuing cost tens of ms, and most runs never need them).
  const mdsiUri = `sip:mdsi@${SIP_DOMAIN}`;
  let mdsiKeys: ProvisionedKeys | undefined;
  const otherUri = `sip:other-server@${SIP_DOMAIN}`;
  let otherKeys: ProvisionedKeys | undefined;
  // The proxies' next hops and the partner domain's entry are where the suites listen (as MCX server, domain, partner): ports free now, bound by the suites later.
  const [nextHop, internalHop, externalHop, partnerHop] = await freeUdpPorts(4);
  const serverKeys = new Map<string, ProvisionedKeys>();
  const server = await startMcxServer(
    SIP_DOMAIN,
    verify,
    ctx.faults,
    {
      uri: mdsiUri,
      keys: () => (mdsiKeys ??= provisionInProcess(ctx.workDir, mdsiUri)),
      otherServer: () => ({ uri: otherUri, keys: (otherKeys ??= provisionInProcess(ctx.workDir, otherUri)) }),
      identity: (uri) => serverKeys.get(uri) ?? serverKeys.set(uri, provisionInProcess(ctx.workDir, uri)).get(uri)!,
    },
    { domain: PARTNER_DOMAIN, hop: partnerHop! },
  );
  const gmsUri = `sip:gms@${SIP_DOMAIN}`;
  let gmsKeys: ProvisionedKeys | undefined;
  const impuOf = (label: string) => `sip:${label}@${SIP_DOMAIN}`;
  // The members' group management clients register IMPUs of their own: the mcx-server suite, running beside, re-registers the users' IMPUs.
  const memberImpuOf = (label: string) => `sip:${label}.gmc@${SIP_DOMAIN}`;
  let gms, core;
  try {
    gms = await startGms({
      domain: SIP_DOMAIN,
      members: new Map(idmsUsers.map((u) => [memberImpuOf(u.label), u.mcpttId])),
      identity: { uri: gmsUri, keys: () => (gmsKeys ??= provisionInProcess(ctx.workDir, gmsUri)), otherServer: () => ({ uri: otherUri, keys: (otherKeys ??= provisionInProcess(ctx.workDir, otherUri)) }) },
      verify: createTokenVerifier(trust, ctx.tls.caPem, ctx.faults, GMS_TOKEN_POLICY),
      faults: ctx.faults,
    });
    const routes = new Map<string, Endpoint>([...Object.values(server.psis).map((psi) => [psi, server.udp] as const), [gms.psi, gms.udp]]);
    core = await startSipCore(SIP_DOMAIN, server.udp, (uri) => routes.get(uri.split(';')[0]!), { key: ctx.tls.keyPem, cert: ctx.tls.certPem });
  } catch (err) {
    await gms?.stop();
    await server.stop();
    throw err;
  }
  server.setCore(core.udp);
  gms.setCore(core.udp);
  const farSide = await createServerTls();
  const signer = { key: ctx.tls.keyPem, certPem: ctx.tls.certPem };
  const isAcceptable = [KMS_URI, `kms.migration.${HOME_SIP_DOMAIN}`];
  let proxy, isProxy;
  try {
    proxy = await startCsProxy(nextHop!, { role: 'cs-proxy', creatorUri: `sip:cs-proxy@${SIP_DOMAIN}`, acceptable: [KMS_URI, EXTERNAL_KMSS[0]!.kmsUri], signer }, ctx.faults, { key: ctx.tls.keyPem, cert: ctx.tls.certPem });
    isProxy = await startIsProxy({ internal: internalHop!, external: externalHop! }, (uri) => uri.endsWith(`@${HOME_SIP_DOMAIN}`), { role: 'is-proxy', creatorUri: `sip:is-proxy@${SIP_DOMAIN}`, acceptable: isAcceptable, signer }, ctx.faults);
  } catch (err) {
    await proxy?.stop();
    await core.stop();
    await gms.stop();
    await server.stop();
    throw err;
  }
  const hop = (e: { address: string; port: number }) => ({ transport: 'udp', address: e.address, port: e.port });
  const entry = (e: { address: string; port: number }) => ({ uri: `sip:${e.address}:${e.port}`, transport: 'udp', address: e.address, port: e.port });
  return {
    target: {
      mcxServer: {
        entry: { uri: `sip:${core.udp.address}:${core.udp.port}`, transport: 'udp', address: core.udp.address, port: core.udp.port },
        domain: SIP_DOMAIN,
        services: Object.fromEntries(Object.entries(server.psis).map(([s, psi]) => [s, { psi }])),
        mdsi: mdsiUri,
        users: idmsUsers.map((u) => ({ idmsUser: u.label, impu: impuOf(u.label) })),
        spareImpu: `sip:spare-ue@${SIP_DOMAIN}`,
        bindingObservation: 'publish-poc-settings',
        keyDownload: { after: 'csk-upload' },
        // A watch window that holds on a loaded CI machine (the suite's default is 500 ms).
        floorControl: { group: server.group, answerWithinMs: 1_000 },
        ears: { partner: { callee: `sip:partner-user@${PARTNER_DOMAIN}`, nextHop: hop(partnerHop!) } },
        ...(trust.wrongAudienceAccessToken ? { wrongAudienceAccessToken: { env: WRONG_AUDIENCE_TOKEN_ENV } } : {}),
      },
      gms: {
        entry: { uri: `sip:${core.udp.address}:${core.udp.port}`, transport: 'udp', address: core.udp.address, port: core.udp.port },
        domain: SIP_DOMAIN,
        psi: gms.psi,
        serverUri: gms.serverUri,
        group: gms.group,
        members: idmsUsers.map((u) => ({ idmsUser: u.label, impu: memberImpuOf(u.label) })),
        // The reference answers a refused SUBSCRIBE at once and sends nothing after it (the suite's default watch is 1000 ms).
        refusalWatchMs: 300,
        revocation: { trigger: { method: 'POST', url: gms.revokeUrl } },
      },
      csProxy: {
        clientSide: entry(proxy.clientSide.udp),
        serverSide: entry(proxy.serverSide),
        nextHop: hop(nextHop!),
        client: { impu: `sip:cs-client@${SIP_DOMAIN}`, mcServiceId: 'sip:cs-client@mcx.example.org' },
        peer: { uri: 'sip:cs-peer@mcx.example.org' },
        kms: { acceptable: [KMS_URI, EXTERNAL_KMSS[0]!.kmsUri], unacceptable: 'kms.untrusted.example.invalid' },
        krrCertificatePem: ctx.tls.certPem,
        krrSigner: { keyPem: { env: FAR_SIDE_KRR_KEY_ENV }, certPem: farSide.certPem },
      },
      isProxy: {
        internalSide: entry(isProxy.internalSide),
        externalSide: entry(isProxy.externalSide),
        internalNextHop: hop(internalHop!),
        externalNextHop: hop(externalHop!),
        user: { uri: `sip:is-user@${HOME_SIP_DOMAIN}` },
        peer: { uri: `sip:is-peer@${EXTERNAL_KMSS[0]!.sipDomain}` },
        kms: { acceptable: isAcceptable, unacceptable: 'kms.untrusted.example.invalid' },
        krrCertificatePem: ctx.tls.certPem,
        krrSigner: { keyPem: { env: FAR_SIDE_KRR_KEY_ENV }, certPem: farSide.certPem },
      },
    },
    secretEnv: { [FAR_SIDE_KRR_KEY_ENV]: farSide.keyPem, ...(trust.wrongAudienceAccessToken ? { [WRONG_AUDIENCE_TOKEN_ENV]: trust.wrongAudienceAccessToken } : {}) },
    ics: { 'mcx-server.token-in-register': true, 'mcx-server.token-in-publish': true, 'sip.xml-protection': true, 'krr.create': true, ears: true },
    endpoints: {
      'SIP core (UDP)': `${core.udp.address}:${core.udp.port}`,
      'SIP core (TCP)': `${core.tcp.address}:${core.tcp.port}`,
      ...(core.tls ? { 'SIP core (TLS)': `${core.tls.address}:${core.tls.port}` } : {}),
      'MCX server (UDP, third-party REGISTER and PSIs)': `${server.udp.address}:${server.udp.port}`,
      'MCX server PSIs': Object.values(server.psis).join(' '),
      'GMS (UDP; its PSI, through the SIP core)': `${gms.udp.address}:${gms.udp.port} (${gms.psi})`,
      'CS proxy, client side (UDP)': `${proxy.clientSide.udp.address}:${proxy.clientSide.udp.port}`,
      'CS proxy, server side (UDP)': `${proxy.serverSide.address}:${proxy.serverSide.port}`,
      'CS proxy next hop (the cs-proxy suite listens)': `${nextHop!.address}:${nextHop!.port}`,
      'IS proxy, internal side (UDP)': `${isProxy.internalSide.address}:${isProxy.internalSide.port}`,
      'IS proxy, external side (UDP)': `${isProxy.externalSide.address}:${isProxy.externalSide.port}`,
      'MCX server route to the partner domain (the mcx-server suite listens)': `${partnerHop!.address}:${partnerHop!.port}`,
      'IS proxy next hops (the is-proxy suite listens)': `${internalHop!.address}:${internalHop!.port} (internal), ${externalHop!.address}:${externalHop!.port} (external)`,
    },
    async stop() {
      await isProxy.stop();
      await proxy.stop();
      await core.stop();
      await gms.stop();
      await server.stop();
    },
  };
}

/**
 * `n` distinct UDP ports on 127.0.0.1 that are free now (held together, then
 * released for the suites to bind). They are drawn below Linux's ephemeral
 * range (32768-60999): every other socket of the run (the domains of the
 * negative-control matrix start side by side) takes ephemeral ports, so none
 * can grab a next hop between its release and the suite's bind.
 */
async function freeUdpPorts(n: number) {
  const held: UdpChannel[] = [];
  for (let attempt = 0; held.length < n && attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (held.some((c) => c.local.port === port)) continue;
    try {
      held.push(await UdpChannel.open({ port }));
    } catch {
      // taken: draw another
    }
  }
  const ports = held.map((c) => c.local);
  await Promise.all(held.map((c) => c.close()));
  if (ports.length < n) throw new Error(`no ${n} free UDP ports below the ephemeral range for the proxies' next hops`);
  return ports;
}
