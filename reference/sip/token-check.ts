import { createRemoteJWKSet, customFetch, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import type { KmsTrust } from '../idms/index.ts';
import type { FaultSet } from '../fault.ts';
import type { McService } from '../../lib/sip/index.ts';

/**
 * A resource server's access token check (the MCX server's, 5.1.3.2.2
 * steps 9-11 and 5.1.3.2.3 steps 2-3; the GMS's, 5.1.3.1; B.2.2): a JWT signed by a key of the IdMS's JWKS, from its
 * issuer, for its resource audience, not expired (30 s leeway, B.2.2.2),
 * scoped for the service (B.4.2.2: 3gpp:mc:ptt_service for the MCPTT server,
 * 3gpp:mc:ptt_group_management_service for its GMS, ...), and
 * carrying the service's MC service ID claim, which is what gets bound.
 */
export const SERVICE_SCOPE: Record<McService, string> = { mcptt: '3gpp:mc:ptt_service', mcvideo: '3gpp:mc:video_service', mcdata: '3gpp:mc:data_service' };
export const SERVICE_ID_CLAIM: Record<McService, string> = { mcptt: 'mcptt_id', mcvideo: 'mcvideo_id', mcdata: 'mcdata_id' };

const CLOCK_TOLERANCE_SECONDS = 30;
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export type ServiceTokenCheck = { ok: true; serviceId: string } | { ok: false; reason: string; claimedId?: string };
export type ServiceTokenVerifier = (token: string, service: McService) => Promise<ServiceTokenCheck>;

/** Which fault switches relax which part of the check (each resource server has its own). */
export interface TokenCheckPolicy {
  /** The scope a token must carry per service. */
  scope: Record<McService, string>;
  /** `audience` absent: no switch relaxes it. */
  faults: { audience?: string; expired: string; unknownSigner: string; scope: string };
}

const MCX_SERVER_POLICY: TokenCheckPolicy = {
  scope: SERVICE_SCOPE,
  faults: { audience: 'mcx-server.ignores-token-audience', expired: 'mcx-server.accepts-expired-token', unknownSigner: 'mcx-server.accepts-unknown-signer', scope: 'mcx-server.ignores-service-scope' },
};

export function createServiceTokenVerifier(trust: KmsTrust, caPem: string, faults: FaultSet): ServiceTokenVerifier {
  return createTokenVerifier(trust, caPem, faults, MCX_SERVER_POLICY);
}

export function createTokenVerifier(trust: KmsTrust, caPem: string, faults: FaultSet, policy: TokenCheckPolicy): ServiceTokenVerifier {
  const agent = new Agent({ connect: { ca: caPem || undefined }, connectTimeout: 5_000 });
  const jwks = createRemoteJWKSet(new URL(trust.jwksUri), {
    timeoutDuration: 5_000,
    cooldownDuration: 1_000,
    [customFetch]: (url, options) =>
      undiciFetch(url, { headers: Object.fromEntries(options.headers.entries()), method: options.method, redirect: options.redirect, signal: options.signal, dispatcher: agent }) as unknown as Promise<Response>,
  });
  return async (token, service) => {
    let claims: JWTPayload | undefined;
    try {
      claims = decodeJwt(token);
    } catch {
      return { ok: false, reason: 'the access token is not a JWT' };
    }
    const claimedId = typeof claims[SERVICE_ID_CLAIM[service]] === 'string' ? (claims[SERVICE_ID_CLAIM[service]] as string) : undefined;
    let payload: JWTPayload;
    try {
      const audience = trust.audience && !(policy.faults.audience && faults.has(policy.faults.audience)) ? trust.audience : undefined;
      const options = {
        issuer: trust.issuer,
        ...(audience ? { audience } : {}),
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: faults.has(policy.faults.expired) ? 100 * 365 * 86_400 : CLOCK_TOLERANCE_SECONDS,
      };
      if (faults.has(policy.faults.unknownSigner)) {
        // The fault: claims checked (audience too: one deviation only), signature not.
        if (claims.iss !== trust.issuer) throw new Error('iss');
        const aud = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
        if (audience && !aud.includes(audience)) throw new Error('aud');
        if (typeof claims.exp !== 'number' || claims.exp + options.clockTolerance < Date.now() / 1000) throw new Error('exp');
        payload = claims;
      } else ({ payload } = await jwtVerify(token, jwks, options));
    } catch (err) {
      return { ok: false, reason: `the access token does not verify (${(err as Error).name})`, claimedId };
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (!scopes.includes(policy.scope[service]) && !faults.has(policy.faults.scope)) return { ok: false, reason: `the access token lacks the ${policy.scope[service]} scope`, claimedId };
    if (!claimedId) return { ok: false, reason: `the access token carries no ${SERVICE_ID_CLAIM[service]} claim` };
    return { ok: true, serviceId: claimedId };
  };
}
