import { decodeJwt } from 'jose';
import { headerValue, methodOf, requestUri, type McService, type ServerTransaction } from '../../lib/sip/index.ts';
import type { FaultSet } from '../fault.ts';
import { SERVICE_ID_CLAIM, type ServiceTokenVerifier } from './token-check.ts';
import { tokensOf, uriOf } from './mc-info-body.ts';
import { serveSip, type SipService } from './serve.ts';
import type { ProvisionedKeys } from '../kms/in-process-provisioning.ts';
import { acceptCskUpload, ReplayCache, type UploadedCsk } from './csk-upload.ts';
import type { TokenKey } from './mc-info-body.ts';

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
 * in the same message (9.3.4.2). A token that does not open is refused.
 */
export interface McxServer extends SipService {
  psis: Record<McService, string>;
  bindings: Map<McService, Map<string, string>>;
  /** The CSK each IMPU uploaded last (5.4: associated with the IMPU and the MC service user ID). */
  csks: Map<string, UploadedCsk>;
  /** The MDSI (5.4): its URI and the key material the reference KMS issued it, made on first use. */
  mdsi: Mdsi;
}

export interface Mdsi {
  uri: string;
  keys(): ProvisionedKeys;
}

export const PSI_USER: Record<McService, string> = { mcptt: 'mcptt-server', mcvideo: 'mcvideo-server', mcdata: 'mcdata-server' };

export async function startMcxServer(domain: string, verify: ServiceTokenVerifier, faults: FaultSet, mdsi: Mdsi): Promise<McxServer> {
  const psis = Object.fromEntries((Object.keys(PSI_USER) as McService[]).map((s) => [s, `sip:${PSI_USER[s]}@${domain}`])) as Record<McService, string>;
  const bindings = new Map<McService, Map<string, string>>((Object.keys(PSI_USER) as McService[]).map((s) => [s, new Map()]));
  const csks = new Map<string, UploadedCsk>();
  const replays = new ReplayCache();
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

  /** The tokens of `m`, the encrypted ones opened with the CSK `m` uploads (kept for `impu` when it verifies). */
  const tokensWithCsk = (m: Parameters<typeof tokensOf>[0], impu: string) => {
    const upload = acceptCskUpload(m, mdsi, faults, replays);
    if (upload.kind !== 'accepted') return tokensOf(m);
    csks.set(impu, upload.csk);
    const key: TokenKey = { xpk: { key: upload.csk.key, id: upload.csk.id }, userId: upload.csk.userId, ...(faults.has('mcx-server.xml-key-not-derived') ? { rawKey: upload.csk.key } : {}) };
    return tokensOf(m, key);
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
        return tx.reply(200, { headers: [['Expires', '0']] });
      }
      const tokens = tokensWithCsk(m, impu);
      if (tokens.length === 0) return tx.reply(faults.has('mcx-server.refuses-register-without-token') ? 403 : 200, { headers: [['Expires', String(expires)]] });
      return tx.reply(await authorise(impu, tokens), { headers: [['Expires', String(expires)]] });
    }
    const target = serviceOfUri(requestUri(m) ?? '');
    if (!target) return tx.reply(404);
    const impu = uriOf(headerValue(m, 'p-asserted-identity'));
    if (!impu) return tx.reply(403, { reason: 'No Asserted Identity' });
    if (method === 'PUBLISH') {
      if ((headerValue(m, 'event') ?? '').split(';')[0]!.trim().toLowerCase() !== 'poc-settings') return tx.reply(489, { reason: 'Bad Event' });
      const tokens = tokensWithCsk(m, impu);
      if (tokens.length) return tx.reply(refusesValid(await authorise(impu, tokens)), { headers: [['Expires', headerValue(m, 'expires') ?? '3600'], ['SIP-ETag', `e${Date.now()}`]] });
    } else if (method !== 'MESSAGE') return tx.reply(405);
    return tx.reply(bindings.get(target)!.has(impu) ? 200 : 403);
  });
  return { ...service, psis, bindings, csks, mdsi };
}

function claimOf(token: string, claim: string): string | undefined {
  try {
    const v = decodeJwt(token)[claim];
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
