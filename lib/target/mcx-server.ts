/**
 * The `mcxServer` section of a target file (role mcx-server): how the suite,
 * acting as an MC client, reaches the MCX server through the SIP core
 * (5.1.3.2), which PSIs the server has, which IMPUs the test users register,
 * and how the server shows that an IMPU is bound to an MC service ID.
 * Its JSON Schema is merged into schemas/target.schema.json's at load.
 */
import { UDP_HOP } from './proxy.ts';

export type McxService = 'mcptt' | 'mcvideo' | 'mcdata';

export interface SipEntryPoint {
  /** The SIP URI of the entry point (the SIP core / P-CSCF), for Route and logs. */
  uri: string;
  transport: 'udp' | 'tcp' | 'tls';
  address: string;
  port: number;
  /** TLS: the name the certificate must carry (defaults to address); the CA is the target's tls CA. */
  serverName?: string;
}

/**
 * How the MCX server shows binding, black-box: a service request from the
 * IMPU to the service PSI is answered 2xx when the IMPU is bound to an MC
 * service ID and 403 when it is not.
 * - publish-poc-settings: a PUBLISH (Event: poc-settings) without access token;
 * - message: a SIP MESSAGE to the PSI.
 */
export type BindingObservation = 'publish-poc-settings' | 'message';

export interface McxServerUser {
  /** The label of the idms.users entry whose login gives this user's tokens. */
  idmsUser: string;
  /** The IMPU the suite registers for this user. */
  impu: string;
}

export interface McxServerTarget {
  entry: SipEntryPoint;
  /** The home domain: the REGISTER Request-URI is sip:<domain>. */
  domain: string;
  /** PSI per service the server offers; the suite tests each service listed. */
  services: Partial<Record<McxService, { psi: string }>>;
  /** The MC service domain's MDSI, when the deployment uses one (informative). */
  mdsi?: string;
  users: McxServerUser[];
  /** An IMPU no test user registers, used to show re-binding when the IMPU changes (5.1.3.2.1). */
  spareImpu?: string;
  /** Absent: binding checks are INCONCLUSIVE (configuration). */
  bindingObservation?: BindingObservation;
  /** An unexpired access token of the IdMS for the first user, with the service scope, whose aud does not name this MCX server; secret. */
  wrongAudienceAccessToken?: string;
  /**
   * What makes the server send a key download (5.8, 9.2.1.4), which it does
   * at its own discretion: `csk-upload`, within `withinMs` (default 5000) of
   * an accepted CSK upload. `initiatorUri`: the server identity that signs it
   * (IDRi), default `mdsi`. Absent: the key download checks are INCONCLUSIVE.
   */
  keyDownload?: { after: 'csk-upload'; withinMs?: number; initiatorUri?: string };
  /**
   * MCPTT floor control over SRTCP (9.4.2, TS 24.380): the suite, as the
   * first user, calls `group` (a pre-arranged group the user may call) with
   * an INVITE to the mcptt PSI whose SDP offers the floor control channel,
   * then sends Floor Requests there. `answerWithinMs` (default 500): how
   * long the server may take to answer one, and how long the suite watches
   * for an answer to a request that must not be acted on. Absent: the
   * floor control checks are INCONCLUSIVE.
   */
  floorControl?: { group: string; answerWithinMs?: number };
  /**
   * EARs (9.6, Annex J), tested when the ICS claims `ears`: the first user
   * places an MCPTT private call in automatic commencement mode to
   * `users[callee]` (default 1), with EARs signed by the first user's
   * authorised identity, which the KMS issues for a token with `scopes`
   * (default the J.3.3.3 automatic private call scope). `forwardWithinMs`
   * (default 10000): how long at most the suite waits for the INVITE at
   * the callee (the wait ends sooner, with the caller's final answer). `codes`: the numbers Annex J does not
   * give (EAR message type, Request IEIs), default lib/ear/payload.ts's.
   * `partner`: a user of a partner MC domain (`callee`) whom the first user
   * calls too, and where the server sends requests for that domain
   * (`nextHop`, UDP; the suite listens there as the partner domain): the
   * INVITE must carry the server's own EAR (9.6.2.3) beside the caller's.
   */
  ears?: {
    callee?: number;
    scopes?: string[];
    forwardWithinMs?: number;
    codes?: { messageType?: number; requestIei?: number; requestIdIei?: number; requestExpiryIei?: number };
    partner?: { callee: string; nextHop: { transport: 'udp'; address: string; port: number } };
  };
  /** The MIME type of the body that carries 9.3.5 signatures; default application/vnd.3gpp.<service>-signed+xml (an assumption: the clause's figure is lost). */
  xmlSignatureContentType?: string;
}

export const SIP_URI = { type: 'string', pattern: '^sips?:[^\\s]+$', 'x-expected': 'a SIP URI (sip:... or sips:...)' };

/** A SIP entry point (SipEntryPoint). */
export const SIP_ENTRY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['uri', 'transport', 'address', 'port'],
  properties: {
    uri: SIP_URI,
    transport: { enum: ['udp', 'tcp', 'tls'] },
    address: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    serverName: { type: 'string', minLength: 1 },
  },
} as const;

export const MCX_SERVER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['entry', 'domain', 'services', 'users'],
  properties: {
    entry: SIP_ENTRY_SCHEMA,
    domain: { type: 'string', minLength: 1 },
    services: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: Object.fromEntries(['mcptt', 'mcvideo', 'mcdata'].map((s) => [s, { type: 'object', additionalProperties: false, required: ['psi'], properties: { psi: SIP_URI } }])),
    },
    mdsi: { type: 'string', minLength: 1 },
    users: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', additionalProperties: false, required: ['idmsUser', 'impu'], properties: { idmsUser: { type: 'string', minLength: 1 }, impu: SIP_URI } },
    },
    spareImpu: SIP_URI,
    bindingObservation: { enum: ['publish-poc-settings', 'message'] },
    keyDownload: {
      type: 'object',
      additionalProperties: false,
      required: ['after'],
      properties: { after: { enum: ['csk-upload'] }, withinMs: { type: 'integer', minimum: 100, maximum: 120_000 }, initiatorUri: SIP_URI },
    },
    floorControl: {
      type: 'object',
      additionalProperties: false,
      required: ['group'],
      properties: { group: SIP_URI, answerWithinMs: { type: 'integer', minimum: 50, maximum: 10_000 } },
    },
    ears: {
      type: 'object',
      additionalProperties: false,
      properties: {
        callee: { type: 'integer', minimum: 1, maximum: 99 },
        scopes: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^3gpp:mc:auth:[a-z0-9_:]+$', 'x-expected': 'a J.3.3 scope, 3gpp:mc:auth:...' } },
        forwardWithinMs: { type: 'integer', minimum: 100, maximum: 60_000 },
        partner: { type: 'object', additionalProperties: false, required: ['callee', 'nextHop'], properties: { callee: SIP_URI, nextHop: UDP_HOP } },
        codes: {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(['messageType', 'requestIei', 'requestIdIei', 'requestExpiryIei'].map((k) => [k, { type: 'integer', minimum: 0, maximum: 255 }])),
        },
      },
    },
    xmlSignatureContentType: { type: 'string', pattern: '^[a-zA-Z0-9!#$&^_.+-]+/[a-zA-Z0-9!#$&^_.+-]+$', 'x-expected': 'a MIME type, e.g. application/vnd.3gpp.mcptt-signed+xml' },
    wrongAudienceAccessToken: {
      $ref: '#/definitions/secret',
      description: 'An unexpired access token the IdMS under test issued for the first test user, with the service scope, but for another resource (its aud does not name this MCX server): the server must refuse it (5.1.3.2, RFC 7519 4.1.3); secret.',
    },
  },
} as const;

/** Problems the schema cannot express, one per field. */
export function checkMcxServerSection(doc: Record<string, unknown>): string[] {
  const s = doc.mcxServer as { users?: Array<{ idmsUser?: unknown; impu?: unknown }>; spareImpu?: unknown } | undefined;
  if (!s || typeof s !== 'object' || !Array.isArray(s.users)) return [];
  const problems: string[] = [];
  const idmsUsers = ((doc.idms as { users?: Array<{ label?: unknown }> } | undefined)?.users ?? []).map((u) => u?.label);
  s.users.forEach((u, i) => {
    if (typeof u?.idmsUser === 'string' && !idmsUsers.includes(u.idmsUser)) problems.push(`mcxServer.users[${i}].idmsUser: '${u.idmsUser}' is not the label of an idms.users entry`);
  });
  const ears = (s as { ears?: { callee?: unknown } }).ears;
  if (typeof ears?.callee === 'number' && ears.callee >= s.users.length) problems.push(`mcxServer.ears.callee: ${ears.callee} names no mcxServer.users entry (there are ${s.users.length})`);
  const impus = s.users.map((u) => u?.impu);
  impus.forEach((impu, i) => {
    if (typeof impu === 'string' && impus.indexOf(impu) !== i) problems.push(`mcxServer.users[${i}].impu: repeats the IMPU of users[${impus.indexOf(impu)}]`);
  });
  if (typeof s.spareImpu === 'string' && impus.includes(s.spareImpu)) problems.push('mcxServer.spareImpu: expected an IMPU no test user registers');
  return problems;
}
