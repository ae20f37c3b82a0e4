/**
 * The gms suite's fixture: the target's gms section, its members with their
 * logins, access tokens from the target's IdMS (lib/oidc/suite-tokens.ts),
 * each member's key set from the domain's KMS (cached per worker: issuing
 * and validating one costs a pairing), and one SIP channel per test for
 * all members whose every message becomes SIP evidence at teardown.
 */
import { test as base, expect } from '../../lib/harness/suite-test.ts';
import { recordSipDialogue } from '../../lib/harness/sip-evidence.ts';
import type { McService } from '../../lib/sip/index.ts';
import type { GmsTarget } from '../../lib/target/gms.ts';
import type { TestUser } from '../../lib/target/types.ts';
import { accessToken, resignWithUnknownKey } from '../../lib/oidc/suite-tokens.ts';
import { decodeJwtSafe } from '../../lib/oidc/jwt.ts';
import { exchangeEvidence, kmClientOf } from '../../lib/kms-xml/client.ts';
import { provisionUser, type UserKeyMaterial } from '../../lib/kms-xml/provision.ts';
import { GmsMembers } from './ua.ts';

/** B.4.2.2: the scope the GMS of each service needs (5.1.3.1). */
export const GROUP_MANAGEMENT_SCOPE: Record<McService, string> = {
  mcptt: '3gpp:mc:ptt_group_management_service',
  mcvideo: '3gpp:mc:video_group_management_service',
  mcdata: '3gpp:mc:data_group_management_service',
};
const SERVICE_ID_CLAIM: Record<McService, string> = { mcptt: 'mcptt_id', mcvideo: 'mcvideo_id', mcdata: 'mcdata_id' };

export interface GmsMember {
  impu: string;
  login: TestUser;
}

export type TokenKind = 'valid' | 'expired' | 'forged' | 'no-scope';

export interface GmsSuite {
  target: GmsTarget;
  members: GmsMember[];
  ua: GmsMembers;
  /** A token of `kind` for `member` (default: the first); stops the test INCONCLUSIVE when there is none. */
  token(kind: TokenKind, member?: GmsMember): Promise<string>;
  /** The MC service user ID a token carries for the service (B.2.1), or stops INCONCLUSIVE. */
  serviceUserId(token: string): string;
  /** `member`'s key set from the KMS (KMS Initialize and KeyProvision with his valid token), or stops the test. */
  keyMaterial(member: GmsMember): Promise<UserKeyMaterial>;
  /** Registers `member`'s IMPU at the SIP core (no token), or stops the test: without it no NOTIFY reaches him. */
  register(member: GmsMember): Promise<void>;
}

const keySets = new Map<string, Promise<{ ok: true; material: UserKeyMaterial } | { ok: false; reason: string }>>();

export const test = base.extend<{ gms: GmsSuite }>({
  gms: async ({ target, verify, evidence, redactor, http }, use, testInfo) => {
    const section = target.gms;
    if (!section) {
      testInfo.skip(true, 'not-applicable: the target file has no gms section');
      return;
    }
    const service = section.service;
    const members: GmsMember[] = [];
    for (const [i, m] of section.members.entries()) {
      const login = target.idms?.users.find((x) => x.label === m.idmsUser);
      if (!login) return verify.stop(`gms.members[${i}].idmsUser '${m.idmsUser}' names no idms.users entry: the suite needs its login for tokens`, 'configuration');
      members.push({ impu: m.impu, login });
    }
    const opened = await GmsMembers.openFor(section, target.tls.caPem);
    if ('error' in opened) return verify.stop(opened.error, opened.blame);
    const ua = opened;
    const scope = GROUP_MANAGEMENT_SCOPE[service];
    const suite: GmsSuite = {
      target: section,
      members,
      ua,
      async token(kind, member = members[0]!) {
        const idms = target.idms;
        if (kind === 'expired') {
          if (member !== members[0]) return verify.stop('the suite has an expired access token for the first test user only (idms.expiredAccessToken)', 'configuration');
          const expired = idms?.expiredAccessToken;
          if (!expired) return verify.stop('the target file gives no idms.expiredAccessToken (an access token of this IdMS whose exp is past)', 'configuration');
          redactor.add(expired);
          return expired;
        }
        const all = idms?.scopes ?? [];
        if (!all.includes(scope)) return verify.stop(`idms.scopes lacks ${scope}, the scope the ${service} GMS needs (B.4.2.2)`, 'configuration');
        const scopes = kind === 'no-scope' ? all.filter((s) => s !== scope) : all;
        const outcome = await accessToken(http, idms, scopes, member.login);
        if (!outcome.ok) return verify.stop(`no access token from the IdMS: ${outcome.reason}`, 'precondition');
        redactor.add(outcome.accessToken);
        if (kind === 'no-scope' && outcome.scope.includes(scope)) return verify.stop(`the IdMS granted ${scope} although it was not asked for`, 'precondition');
        if (kind !== 'forged') return outcome.accessToken;
        const forged = await resignWithUnknownKey(outcome.accessToken);
        if (!forged.ok) return verify.stop(forged.reason, 'precondition');
        redactor.add(forged.token);
        return forged.token;
      },
      serviceUserId(token) {
        const decoded = decodeJwtSafe(token);
        const id = decoded.ok ? decoded.jwt.claims[SERVICE_ID_CLAIM[service]] : undefined;
        if (typeof id !== 'string' || id === '') return verify.stop(`the valid access token carries no ${SERVICE_ID_CLAIM[service]} claim: the member's MC service user ID (IDRr, 5.7.1) is unknown`, 'precondition');
        return id;
      },
      async keyMaterial(member) {
        const token = await suite.token('valid', member);
        const userId = suite.serviceUserId(token);
        let pending = keySets.get(userId);
        if (!pending) {
          const client = kmClientOf(target, { onSecret: (s) => redactor.add(s), onExchange: (ex) => evidence.record('http', `kms ${ex.label}`, exchangeEvidence(ex)) });
          if (!client) return verify.stop("the target file has no kms section: each member's key set comes from the domain's KMS (5.7.1, 5.3)", 'configuration');
          pending = provisionUser(client, userId, token, Date.now()).finally(() => client.close());
          keySets.set(userId, pending);
          void pending.then((r) => {
            if (!r.ok) keySets.delete(userId);
          });
        }
        const out = await pending;
        if (!out.ok) return verify.stop(`no key material for ${member.impu} from the KMS: ${out.reason}`, 'precondition');
        for (const s of [out.material.ssk, out.material.rsk]) redactor.add(Buffer.from(s).toString('hex'));
        return out.material;
      },
      async register(member) {
        const a = await ua.register(member.impu);
        if (a.kind === 'final' && a.status >= 200 && a.status < 300) return;
        return verify.stop(`the REGISTER of ${member.impu} (without a token) got ${a.kind === 'final' ? `${a.status} ${a.reason}` : `no answer (${a.detail})`}: no NOTIFY of the GMS can reach the member through the SIP core`, a.kind === 'final' ? 'precondition' : 'unreachable');
      },
    };
    try {
      await use(suite);
    } finally {
      const names: Record<string, string> = { [`${ua.channel.local.address}:${ua.channel.local.port}`]: 'suite (members)', [`${section.entry.address}:${section.entry.port}`]: 'SIP core (entry point)' };
      if (ua.records.length) recordSipDialogue(evidence, `SIP: ${testInfo.title}`, ua.records, names);
      await ua.close();
    }
  },
});

export { expect };
