/**
 * The mcx-server suite's fixture: the target's mcxServer section, the
 * service under test (the first of mcptt, mcvideo, mcdata the target
 * lists), access tokens from the target's IdMS (lib/oidc/suite-tokens.ts),
 * a UE channel per test whose every message becomes SIP evidence at
 * teardown, and the binding observation the target file names.
 */
import { test as base, expect } from '../../lib/harness/suite-test.ts';
import { recordSipDialogue } from '../../lib/harness/sip-evidence.ts';
import type { McService } from '../../lib/sip/index.ts';
import type { McxServerTarget } from '../../lib/target/mcx-server.ts';
import type { TestUser } from '../../lib/target/types.ts';
import { accessToken, resignWithUnknownKey } from '../../lib/oidc/suite-tokens.ts';
import { checkWrongAudienceInput } from '../../lib/oidc/wrong-audience-input.ts';
import { decodeJwtSafe } from '../../lib/oidc/jwt.ts';
import { discover, discoveryUrlOf } from '../../lib/oidc/discovery.ts';
import { exchangeEvidence, kmClientOf } from '../../lib/kms-xml/client.ts';
import { provisionUser, type UserKeyMaterial } from '../../lib/kms-xml/provision.ts';
import { SuiteUe, type SipAnswer } from './ue.ts';
import { observationOf, type Observation } from './checks/authorisation.ts';

/** The B.2.1 claim naming the MC service user ID of each service. */
const SERVICE_ID_CLAIM: Record<McService, string> = { mcptt: 'mcptt_id', mcvideo: 'mcvideo_id', mcdata: 'mcdata_id' };

/** B.4.2.2 service scope per MC service: the scope the MCX server of that service needs (5.1.3.1). */
export const SERVICE_SCOPE: Record<McService, string> = { mcptt: '3gpp:mc:ptt_service', mcvideo: '3gpp:mc:video_service', mcdata: '3gpp:mc:data_service' };

export interface McxUser {
  impu: string;
  login: TestUser;
}

export interface McxSuite {
  target: McxServerTarget;
  service: McService;
  users: McxUser[];
  ue: SuiteUe;
  /** A token of `kind` for `user` (default: the first); stops the test INCONCLUSIVE when there is none. */
  token(kind: 'valid' | 'expired' | 'forged' | 'no-scope' | 'wrong-audience' | 'authorised', user?: McxUser): Promise<string>;
  /** Whether `impu` is bound, per mcxServer.bindingObservation (unknown when the field is absent). */
  observe(impu: string): Promise<Observation>;
  /** Why binding cannot be observed, or undefined. */
  noObservation: string | undefined;
  /** The MC service user ID a valid token of `user` carries for the service (B.2.1 claim), or stops INCONCLUSIVE. */
  serviceUserId(token: string): string;
  /** `user`'s key material from the target's KMS (KMS Initialize and KeyProvision with `token`), or stops the test; `identity` picks an authorised identity's key set. */
  keyMaterial(user: McxUser, token: string, identity?: { label: string; pick: (keySetUri: string) => boolean }): Promise<UserKeyMaterial>;
  /** De-registers `impu` (Expires 0), releasing its bindings. */
  deregister(impu: string): Promise<SipAnswer>;
}

/** The J.3.3.3 scope of an automatic commencement private call per service: what the EAR tests' caller is authorised for by default. */
export const AUTOMATIC_PRIVATE_CALL_SCOPE: Record<McService, string> = {
  mcptt: '3gpp:mc:auth:priv:mcptt:automatic_private_call',
  mcvideo: '3gpp:mc:auth:priv:mcvideo:automatic_private_call',
  mcdata: '3gpp:mc:auth:priv:mcdata:sds:unnotified_req',
};

function authorisationScopes(section: McxServerTarget, service: McService): string[] {
  return section.ears?.scopes ?? [AUTOMATIC_PRIVATE_CALL_SCOPE[service]];
}

const NO_OBSERVATION =
  'the target file gives no mcxServer.bindingObservation: say how the MCX server shows that an IMPU is bound (publish-poc-settings: a PUBLISH poc-settings without token is answered 2xx when bound, 403 when not; message: the same for a SIP MESSAGE to the PSI)';

export const test = base.extend<{ mcx: McxSuite }>({
  mcx: async ({ target, verify, evidence, redactor, http }, use, testInfo) => {
    const section = target.mcxServer;
    if (!section) {
      testInfo.skip(true, 'not-applicable: the target file has no mcxServer section');
      return;
    }
    const service = (['mcptt', 'mcvideo', 'mcdata'] as const).find((s) => section.services[s]);
    if (!service) return verify.stop('mcxServer.services names no service (mcptt, mcvideo or mcdata)', 'configuration');
    const users: McxUser[] = [];
    for (const [i, u] of section.users.entries()) {
      const login = target.idms?.users.find((x) => x.label === u.idmsUser);
      if (!login) return verify.stop(`mcxServer.users[${i}].idmsUser '${u.idmsUser}' names no idms.users entry: the suite needs its login for tokens`, 'configuration');
      users.push({ impu: u.impu, login });
    }
    const opened = await SuiteUe.openFor(section, target.tls.caPem);
    if ('error' in opened) return verify.stop(opened.error, opened.blame);
    const ue = opened;
    const noObservation = section.bindingObservation ? undefined : NO_OBSERVATION;
    const suite: McxSuite = {
      target: section,
      service,
      users,
      ue,
      noObservation,
      async token(kind, user = users[0]!) {
        const idms = target.idms;
        if (kind === 'expired') {
          const expired = idms?.expiredAccessToken;
          if (!expired) return verify.stop('the target file gives no idms.expiredAccessToken (an access token of this IdMS whose exp is past)', 'configuration');
          redactor.add(expired);
          return expired;
        }
        const all = idms?.scopes ?? [];
        if (kind === 'wrong-audience') {
          // The input is checked first (this IdMS's, unexpired, with the service scope, aud disjoint from a token the server accepts): a refusal of anything else proves nothing about aud.
          const valid = decodeJwtSafe(await suite.token('valid', user));
          if (!valid.ok) return verify.stop(`the suite's valid access token is not a JWT (${valid.reason}): its aud cannot be compared`, 'target');
          const issuer = idms?.issuer ?? String(valid.jwt.claims.iss);
          const discovered = await discover(http, discoveryUrlOf(issuer, idms?.discoveryUrl));
          const raw = section.wrongAudienceAccessToken;
          const field = { name: 'mcxServer.wrongAudienceAccessToken', server: 'the MCX server', scope: `the ${SERVICE_SCOPE[service]} scope`, scopes: [SERVICE_SCOPE[service]] };
          const input = await checkWrongAudienceInput(raw, { field, issuer, acceptedAudience: valid.jwt.claims.aud, ...(discovered.ok ? { jwks: discovered.provider.jwks } : {}), now: Math.floor(Date.now() / 1000) });
          if (!input.ok || !raw) return verify.stop(input.ok ? 'mcxServer.wrongAudienceAccessToken is not given' : input.reason, 'configuration');
          return raw;
        }
        // 'authorised': with the J.3.3 scopes that make the KMS issue authorised identities (9.6.3.2).
        const scopes = kind === 'no-scope' ? all.filter((s) => s !== SERVICE_SCOPE[service]) : kind === 'authorised' ? [...new Set([...all, ...authorisationScopes(section, service)])] : all;
        if (kind !== 'no-scope' && !all.includes(SERVICE_SCOPE[service])) return verify.stop(`idms.scopes lacks ${SERVICE_SCOPE[service]}, the scope the ${service} server needs (B.4.2.2)`, 'configuration');
        const outcome = await accessToken(http, idms, scopes, user.login);
        if (!outcome.ok) return verify.stop(`no access token from the IdMS: ${outcome.reason}`, 'precondition');
        redactor.add(outcome.accessToken);
        if (kind === 'no-scope' && outcome.scope.includes(SERVICE_SCOPE[service])) return verify.stop(`the IdMS granted ${SERVICE_SCOPE[service]} although it was not asked for`, 'precondition');
        if (kind !== 'forged') return outcome.accessToken;
        const forged = await resignWithUnknownKey(outcome.accessToken);
        if (!forged.ok) return verify.stop(forged.reason, 'precondition');
        redactor.add(forged.token);
        return forged.token;
      },
      async observe(impu) {
        if (!section.bindingObservation) return { kind: 'unknown', reason: NO_OBSERVATION, blame: 'configuration' };
        return observationOf(section.bindingObservation === 'message' ? await ue.message(impu, service) : await ue.publish(impu, service, undefined));
      },
      serviceUserId(token) {
        const decoded = decodeJwtSafe(token);
        const id = decoded.ok ? decoded.jwt.claims[SERVICE_ID_CLAIM[service]] : undefined;
        if (typeof id !== 'string' || id === '') return verify.stop(`the valid access token carries no ${SERVICE_ID_CLAIM[service]} claim: the MC service user ID of the CSK upload (IDRi, F.1.4 P0) is unknown`, 'precondition');
        return id;
      },
      async keyMaterial(user, token, identity) {
        const client = kmClientOf(target, { onSecret: (s) => redactor.add(s), onExchange: (ex) => evidence.record('http', `kms ${ex.label}`, exchangeEvidence(ex)) });
        if (!client) return verify.stop("the target file has no kms section: CSK upload signs with the user's key set from the domain's KMS (5.4, 5.3.3)", 'configuration');
        try {
          const out = await provisionUser(client, suite.serviceUserId(token), token, Date.now(), identity?.pick);
          if (!out.ok) return verify.stop(`no key material${identity ? ` (${identity.label})` : ''} for ${user.impu} from the KMS: ${out.reason}`, 'precondition');
          return out.material;
        } finally {
          await client.close();
        }
      },
      deregister: (impu) => ue.register(impu, service, undefined, 0),
    };
    try {
      await use(suite);
    } finally {
      const names: Record<string, string> = { [`${ue.channel.local.address}:${ue.channel.local.port}`]: 'suite (UE)', [`${section.entry.address}:${section.entry.port}`]: 'SIP core (entry point)' };
      if (ue.records.length) recordSipDialogue(evidence, `SIP: ${testInfo.title}`, ue.records, names);
      await ue.close();
    }
  },
});

export { expect };
