/**
 * The `gms` section of a target file (role gms): how the suite, playing the
 * members of one group, reaches the Group Management Server through the SIP
 * core, subscribes to the group's configuration and receives the GMK
 * (5.7.2: in the Notify group configuration request, TS 23.280 10.1.2.7).
 * Its JSON Schema is merged into schemas/target.schema.json's at load.
 *
 * The stage-3 carriage is not in the spec text at hand, so what the suite
 * sends and where it looks for the GMK are fields here (README "GMS"): a
 * SIP SUBSCRIBE to `psi` (Event `subscription.event`, the access token in
 * an mcptt-info body or an Authorization header), and every NOTIFY of that
 * subscription read for an application/mikey part (`gmkCarriage:
 * mikey-part`) or for base64 text in an XML element (`{ xmlElement }`).
 */
import { SIP_ENTRY_SCHEMA, SIP_URI, type McxService, type SipEntryPoint } from './mcx-server.ts';

export interface GmsMember {
  /** The label of the idms.users entry whose login gives this member's tokens. */
  idmsUser: string;
  /** The IMPU the suite registers for this member (NOTIFYs come to it). */
  impu: string;
}

export type GmkCarriage = 'mikey-part' | { xmlElement: string };

export interface GmsTarget {
  entry: SipEntryPoint;
  /** The home domain: the REGISTER Request-URI is sip:<domain>. */
  domain: string;
  /** The MC service whose group management scope the tokens carry (B.4.2.2); default mcptt. */
  service: McxService;
  /** Where the members send their SUBSCRIBE (the GMS's PSI). */
  psi: string;
  /** The GMS Server URI: the initiator (IDRi) of every GMK message (5.7.1). */
  serverUri: string;
  /** The MC group ID under test; its members are `members`. */
  group: string;
  /** At least two members, each with his own key set from the domain's KMS. */
  members: GmsMember[];
  subscription: { event: string; token: 'mcptt-info' | 'authorization-header' };
  gmkCarriage: GmkCarriage;
  /** How long a member waits for the NOTIFY with his GMK after a 2xx to his SUBSCRIBE (default 5000 ms). */
  notifyWithinMs: number;
  /** How long after a refusal (or 2xx) of a bad subscription the suite watches for a GMK that must not come (default 1000 ms). */
  refusalWatchMs: number;
  /**
   * What makes the GMS revoke the group's GMK (5.7.2), which it does at an
   * administrator's word: an HTTP request the suite sends (`authorization`:
   * the Authorization header value, a secret). Absent: the revocation
   * checks are INCONCLUSIVE.
   */
  revocation?: { trigger: { method: 'POST' | 'PUT' | 'DELETE'; url: string; authorization?: string } };
}

const MS = (min: number, max: number, dflt: number) => ({ type: 'integer', minimum: min, maximum: max, default: dflt });

export const GMS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['entry', 'domain', 'psi', 'serverUri', 'group', 'members'],
  properties: {
    entry: SIP_ENTRY_SCHEMA,
    domain: { type: 'string', minLength: 1 },
    service: { enum: ['mcptt', 'mcvideo', 'mcdata'], default: 'mcptt' },
    psi: SIP_URI,
    serverUri: SIP_URI,
    group: SIP_URI,
    members: {
      type: 'array',
      minItems: 2,
      items: { type: 'object', additionalProperties: false, required: ['idmsUser', 'impu'], properties: { idmsUser: { type: 'string', minLength: 1 }, impu: SIP_URI } },
    },
    subscription: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { event: { type: 'string', pattern: '^[A-Za-z0-9.!%*_+`\'~-]+$', default: 'xcap-diff', 'x-expected': 'a SIP event package name' }, token: { enum: ['mcptt-info', 'authorization-header'], default: 'mcptt-info' } },
    },
    gmkCarriage: {
      default: 'mikey-part',
      oneOf: [
        { const: 'mikey-part' },
        { type: 'object', additionalProperties: false, required: ['xmlElement'], properties: { xmlElement: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9._-]*$', 'x-expected': 'an XML local name' } } },
      ],
    },
    notifyWithinMs: MS(100, 60_000, 5_000),
    refusalWatchMs: MS(50, 30_000, 1_000),
    revocation: {
      type: 'object',
      additionalProperties: false,
      required: ['trigger'],
      properties: {
        trigger: {
          type: 'object',
          additionalProperties: false,
          required: ['method', 'url'],
          properties: {
            method: { enum: ['POST', 'PUT', 'DELETE'] },
            url: { type: 'string', pattern: '^https?://', 'x-expected': 'an http:// or https:// URL' },
            authorization: { $ref: '#/definitions/secret', description: 'The Authorization header value of the trigger request; secret.' },
          },
        },
      },
    },
  },
} as const;

/** Problems the schema cannot express, one per field. */
export function checkGmsSection(doc: Record<string, unknown>): string[] {
  const s = doc.gms as { members?: Array<{ idmsUser?: unknown; impu?: unknown }> } | undefined;
  if (!s || typeof s !== 'object' || !Array.isArray(s.members)) return [];
  const problems: string[] = [];
  const idmsUsers = ((doc.idms as { users?: Array<{ label?: unknown }> } | undefined)?.users ?? []).map((u) => u?.label);
  const impus = s.members.map((m) => m?.impu);
  const mcxImpus = ((doc.mcxServer as { users?: Array<{ impu?: unknown }> } | undefined)?.users ?? []).map((u) => u?.impu);
  s.members.forEach((m, i) => {
    if (typeof m?.idmsUser === 'string' && !idmsUsers.includes(m.idmsUser)) problems.push(`gms.members[${i}].idmsUser: '${m.idmsUser}' is not the label of an idms.users entry`);
    if (typeof m?.impu === 'string' && impus.indexOf(m.impu) !== i) problems.push(`gms.members[${i}].impu: repeats the IMPU of members[${impus.indexOf(m.impu)}]`);
    // The two suites run side by side: each would take the other's registration of the IMPU (and its NOTIFYs).
    if (typeof m?.impu === 'string' && mcxImpus.includes(m.impu)) problems.push(`gms.members[${i}].impu: also mcxServer.users[${mcxImpus.indexOf(m.impu)}].impu; give the member's group management client an IMPU of its own`);
  });
  return problems;
}
