import { decodeJwt } from 'jose';
import { headerValue, methodOf, requestUri, type Endpoint, type McService, type ServerTransaction, type SipMessage } from '../../lib/sip/index.ts';
import type { FaultSet } from '../fault.ts';
import { SERVICE_ID_CLAIM, type ServiceTokenVerifier } from './token-check.ts';
import { tokensOf, uriOf } from './mc-info-body.ts';
import { serveSip, type SipService } from './serve.ts';
import type { ProvisionedKeys } from '../kms/in-process-provisioning.ts';
import { acceptCskUpload, ReplayCache, type UploadedCsk } from './csk-upload.ts';
import type { TokenKey } from './mc-info-body.ts';
import { startKeyDownloader } from './key-download.ts';
import { integrityProblem } from './xml-integrity.ts';
import { answerGroupCall, type FloorCalls } from './group-call.ts';
import { isPrivateCall, startPrivateCalls } from './private-call.ts';

/**
 * The reference MCX server (5.1.3.2): one PSI per service. It takes the
 * access token from the third-party REGISTER of the SIP core (5.1.3.2.2)
 * or from a PUBLISH with Event poc-settings (5.1.3.2.3), validates it and
 * binds the IMPU to the token's MC service ID only when it is valid.
 *
 * REGISTER: 200 when the token is valid or absent (5.1.3.2.1: registration
 * goes on without a token), 403 when a token is carried and fails; Expires
 * 0 releases the IMPU's bindings. PUBLISH with a token: 200 / 403 the same
 * way. Binding observation (documented in README): a PUBLISH poc-settings
 * without a token, or a MESSAGE to a PSI, is answered 200 when the asserted
 * IMPU is bound for that service and 403 when it is not.
 *
 * CSK upload (5.4, 9.2.1.3): a REGISTER or PUBLISH may carry an
 * application/mikey part beside the info body; the CSK of an I_MESSAGE that
 * verifies is kept for the IMPU and opens an access token of type Encrypted
 * in the same message (9.3.4.2), or later ones of the IMPU. A token that
 * does not open is refused. An accepted upload without a token is followed by a key
 * download (5.8, 9.2.1.4: a new CSK from the server, in a SIP MESSAGE through
 * the SIP core) that replaces the CSK once the UE answers 2xx.
 *
 * Group calls (group-call.ts): an INVITE to the mcptt PSI for the group,
 * from a bound IMPU whose CSK the server holds, gets a floor control server
 * keyed by that CSK (9.4.2); BYE ends it. Private calls (private-call.ts):
 * an INVITE whose mcptt-info says `private` goes on to the callee, after
 * its EAR passed (9.6.5.4) when the call asks for automatic commencement.
 */
export interface McxServer extends SipService {
  psis: Record<McService, string>;
  bindings: Map<McService, Map<string, string>>;
  /** The CSK each IMPU uploaded last (5.4: associated with the IMPU and the MC service user ID). */
  csks: Map<string, UploadedCsk>;
  /** The MDSI (5.4): its URI and the key material the reference KMS issued it, made on first use. */
  mdsi: Mdsi;
  /** The pre-arranged group a bound MCPTT user may call (floor control over SRTCP, 9.4.2). */
  group: string;
  /** Where requests for an IMPU (key download) are sent: the SIP core, known once it has started. */
  setCore(core: Endpoint): void;
}

export interface Mdsi {
  uri: string;
  keys(): ProvisionedKeys;
  /** Another server identity of the domain and its key material (fault mcx-server.key-download-signed-by-other-identity). */
  otherServer(): { uri: string; keys: ProvisionedKeys };
  /** Key material for any identity of the domain's servers (the MCPTT server's authorised identity signs its EARs, 9.6.2.3). */
  identity(uri: string): ProvisionedKeys;
}

/** Where the server sends requests for users of a partner MC domain. */
export interface PartnerRoute {
  domain: string;
  hop: Endpoint;
}

export const PSI_USER: Record<McService, string> = { mcptt: 'mcptt-server', mcvideo: 'mcvideo-server', mcdata: 'mcdata-server' };

export async function startMcxServer(domain: string, verify: ServiceTokenVerifier, faults: FaultSet, mdsi: Mdsi, partner?: PartnerRoute): Promise<McxServer> {
  const psis = Object.fromEntries((Object.keys(PSI_USER) as McService[]).map((s) => [s, `sip:${PSI_USER[s]}@${domain}`])) as Record<McService, string>;
  const bindings = new Map<McService, Map<string, string>>((Object.keys(PSI_USER) as McService[]).map((s) => [s, new Map()]));
  const csks = new Map<string, UploadedCsk>();
  /** The CSK a download replaced, still accepted only under mcx-server.keeps-old-csk-after-download. */
  const replaced = new Map<string, UploadedCsk>();
  const replays = new ReplayCache();
  let core: Endpoint | undefined;
  const downloader = await startKeyDownloader(() => core, mdsi, faults);
  const privateCalls = await startPrivateCalls({
    core: () => core,
    kms: () => {
      const cert = mdsi.keys().certificate;
      return { kmsUri: cert.kmsUri, kpak: cert.pubAuthKey, keyPeriod: cert.userKeyPeriod, keyPeriodOffset: cert.userKeyOffset };
    },
    ...(partner ? { partner: { ...partner, signer: (uri: string) => mdsi.identity(uri) } } : {}),
    faults,
  });
  const group = `sip:ref-group@${domain}`;
  const calls: FloorCalls = new Map();
  const serviceOfUri = (uri: string) => (Object.keys(psis) as McService[]).find((s) => uri.split(';')[0] === psis[s]);

  const bind = (service: McService, impu: string, serviceId: string) => {
    if (faults.has('mcx-server.never-binds')) return;
    const table = bindings.get(service)!;
    // Re-binding (5.1.3.2.1): the MC service ID now belongs to this IMPU only.
    if (!faults.has('mcx-server.keeps-old-binding')) for (const [other, id] of table) if (id === serviceId && other !== impu) table.delete(other);
    table.set(impu, serviceId);
  };

  /** Validates each carried token and binds; the status to answer with. */
  const authorise = async (impu: string, tokens: ReturnType<typeof tokensOf>): Promise<number> => {
    let status = 200;
    for (const { service, token, undecryptable } of tokens) {
      if (undecryptable) {
        status = 403;
        continue;
      }
      const check = await verify(token, service);
      if (check.ok) bind(service, impu, check.serviceId);
      else {
        status = 403;
        if (faults.has('mcx-server.binds-on-refusal')) {
          const claim = claimOf(token, SERVICE_ID_CLAIM[service]);
          if (claim) bind(service, impu, claim);
        }
      }
    }
    return status;
  };

  /** mcx-server.refuses-valid-publish: the PUBLISH answer says 403 whatever the check said. */
  const refusesValid = (status: number) => (faults.has('mcx-server.refuses-valid-publish') ? 403 : status);

  const keyOf = (csk: UploadedCsk): TokenKey => ({
    xpk: { key: csk.key, id: csk.id },
    userId: csk.userId,
    ...(faults.has('mcx-server.xml-key-not-derived') ? { rawKey: csk.key } : {}),
    ...(faults.has('mcx-server.requires-xml-key-info') ? { requireKeyInfo: true } : {}),
    ...(faults.has('mcx-server.xml-ignores-gcm-tag') ? { ignoreTag: true } : {}),
  });

  /**
   * The tokens of `m`, the encrypted ones opened with the CSK `m` uploads
   * (kept for `impu` when it verifies) or else with the IMPU's current CSK;
   * `uploaded` is the CSK the message uploaded.
   */
  const tokensWithCsk = (m: SipMessage, impu: string): { tokens: ReturnType<typeof tokensOf>; uploaded?: UploadedCsk } => {
    const opened = openTokens(m, impu);
    const csk = opened.uploaded ?? csks.get(impu);
    const problem = integrityProblem(m, csk, faults);
    // 9.3.5: a signed body whose signature does not verify is not used.
    return problem ? { ...opened, tokens: opened.tokens.map((t) => ({ ...t, token: '', undecryptable: problem })) } : opened;
  };

  const openTokens = (m: SipMessage, impu: string): { tokens: ReturnType<typeof tokensOf>; uploaded?: UploadedCsk } => {
    const upload = acceptCskUpload(m, mdsi, faults, replays);
    if (upload.kind === 'accepted') {
      csks.set(impu, upload.csk);
      replaced.delete(impu);
      return { tokens: tokensOf(m, keyOf(upload.csk)), uploaded: upload.csk };
    }
    if (upload.kind === 'refused') return { tokens: tokensOf(m) };
    const current = csks.get(impu);
    const tokens = tokensOf(m, current && keyOf(current));
    const old = replaced.get(impu);
    if (old && faults.has('mcx-server.keeps-old-csk-after-download') && tokens.some((t) => t.undecryptable)) return { tokens: tokensOf(m, keyOf(old)) };
    return { tokens };
  };

  /** 5.8.2: a new CSK for `impu`, in use once the UE has answered 2xx (and the IMPU still uses `uploaded`). */
  const downloadAfter = async (impu: string, uploaded: UploadedCsk) => {
    const next = await downloader.download(impu, uploaded);
    if (!next || csks.get(impu) !== uploaded) return;
    if (faults.has('mcx-server.loses-csk-on-download')) return void csks.delete(impu);
    csks.set(impu, next);
    replaced.set(impu, uploaded);
  };

  const service = await serveSip(async (tx: ServerTransaction) => {
    const m = tx.request.message;
    const method = methodOf(m);
    if (method === 'REGISTER') {
      const impu = uriOf(headerValue(m, 'to'));
      const expires = Number(headerValue(m, 'expires') ?? '3600');
      if (expires === 0) {
        for (const table of bindings.values()) table.delete(impu);
        csks.delete(impu);
        replaced.delete(impu);
        return tx.reply(200, { headers: [['Expires', '0']] });
      }
      const { tokens, uploaded } = tokensWithCsk(m, impu);
      const status = tokens.length === 0 ? (faults.has('mcx-server.refuses-register-without-token') ? 403 : 200) : await authorise(impu, tokens);
      await tx.reply(status, { headers: [['Expires', String(expires)]] });
      // After the SIP core has the answer (and the UE its registration): the download goes to a registered IMPU.
      // Only after an upload without a token: a download nobody waits for would still be in flight when the next test's UE registers.
      if (uploaded && tokens.length === 0 && status < 300) setTimeout(() => void downloadAfter(impu, uploaded).catch(() => undefined), 50);
      return;
    }
    const target = serviceOfUri(requestUri(m) ?? '');
    if (!target) return tx.reply(404);
    const impu = uriOf(headerValue(m, 'p-asserted-identity'));
    if (!impu) return tx.reply(403, { reason: 'No Asserted Identity' });
    if (method === 'INVITE' && target === 'mcptt' && isPrivateCall(m)) return privateCalls.answer(tx, { bindings: bindings.get('mcptt')!, callerImpu: impu, psi: psis.mcptt });
    if (method === 'INVITE' || method === 'BYE') return answerGroupCall(tx, { psi: psis.mcptt, group, bound: target === 'mcptt' && bindings.get('mcptt')!.has(impu), csk: csks.get(impu), calls, faults });
    if (method === 'PUBLISH') {
      if ((headerValue(m, 'event') ?? '').split(';')[0]!.trim().toLowerCase() !== 'poc-settings') return tx.reply(489, { reason: 'Bad Event' });
      const { tokens, uploaded } = tokensWithCsk(m, impu);
      if (uploaded && tokens.length === 0) setTimeout(() => void downloadAfter(impu, uploaded).catch(() => undefined), 50);
      if (tokens.length) return tx.reply(refusesValid(await authorise(impu, tokens)), { headers: [['Expires', headerValue(m, 'expires') ?? '3600'], ['SIP-ETag', `e${Date.now()}`]] });
    } else if (method !== 'MESSAGE') return tx.reply(405);
    return tx.reply(bindings.get(target)!.has(impu) ? 200 : 403);
  });
  return {
    ...service,
    psis,
    bindings,
    csks,
    mdsi,
    group,
    setCore: (endpoint) => void (core = endpoint),
    async stop() {
      for (const call of calls.values()) call.stop();
      await service.stop();
      await downloader.stop();
      await privateCalls.stop();
    },
  };
}

function claimOf(token: string, claim: string): string | undefined {
  try {
    const v = decodeJwt(token)[claim];
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
