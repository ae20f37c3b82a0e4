/**
 * The MCX server's own EAR on signalling it sends to a partner MC domain
 * (9.6.2.1 case 2, 9.6.2.3): the suite, as the partner domain, receives the
 * private call the first user places to mcxServer.ears.partner.callee and
 * reads every EAR part of that INVITE. The caller's EAR must be there as
 * sent (9.6.2.1); any other is the server's, opened with the home KMS's
 * KPAK (the server's identity is keyed by the domain's KMS) and read field
 * by field against 9.6.4 and J.1.
 */
import { checkTable, fail, pass, unmet, verdictOf, type Unmet } from '../../../lib/harness/check.ts';
import { equalBytes } from '../../../lib/crypto/bytes.ts';
import { openEar, originMatchesUid } from '../../../lib/ear/signed.ts';
import { describeEar, EAR_ROLE, hasAuthorisation, REQUEST_TYPE, type EarCodes } from '../../../lib/ear/payload.ts';
import type { CallOutcome } from './ear.ts';

/** J.3.3.2-2: the mc-role-server bit of each service's server. */
export const SERVER_ROLE_BIT = { mcptt: 3, mcvideo: 4, mcdata: 5 } as const;
/** 9.6.5.4's example window: a receiver may refuse an EAR dated further from its clock. */
const WINDOW_S = 300;

export interface ServerEarInput {
  unobservable?: Unmet;
  call?: CallOutcome;
  callerEar?: Uint8Array;
  calleeId: string;
  service: keyof typeof SERVER_ROLE_BIT;
  kms?: { kmsUri: string; kpak: Uint8Array; keyPeriod: number; keyPeriodOffset: number; keyPeriodNo: number };
  codes: EarCodes;
  /** The suite's clock when the INVITE arrived, seconds since 1970. */
  now: number;
}

const arrived = ({ unobservable, call }: ServerEarInput): Unmet | undefined => {
  if (unobservable) return unobservable;
  if (!call?.forwarded) return unmet(`the private call to the partner domain did not arrive there within ${call?.watchedMs ?? 0} ms (${call?.answer.kind === 'final' ? `final answer ${call.answer.status} ${call.answer.reason}` : 'no final answer'})`, call?.answer.kind === 'final' ? 'target' : 'unreachable');
  return undefined;
};

/** The EAR parts that are not the caller's, each opened. */
function serverEars(i: ServerEarInput) {
  return i.call!.forwarded!.ears.filter((e) => !equalBytes(e, i.callerEar!)).map((bytes) => ({ bytes, opened: openEar(bytes, i.kms!.kpak, i.codes) }));
}

function serverEar(i: ServerEarInput) {
  const found = serverEars(i).find((e) => e.opened.ok)?.opened;
  return found?.ok ? found : undefined;
}

const decoded = (i: ServerEarInput): Unmet | undefined =>
  arrived(i) ?? (serverEar(i) ? undefined : unmet('the INVITE carries no EAR of the server that decodes (graded by mcx-server.server-ear.present)', 'precondition'));

const payloadOf = (i: ServerEarInput) => serverEar(i)!.payload;

export const SERVER_EAR = checkTable<ServerEarInput>('the INVITE the MCX server sends to a partner MC domain', [
  {
    id: 'mcx-server.server-ear.caller-ear-copied',
    requirement: 'MCXSEC-9.6.2.1-09',
    title: "the server copies the caller's EAR, unchanged, into the INVITE it sends to the partner domain",
    needs: arrived,
    run: (i) => {
      const ears = i.call!.forwarded!.ears;
      return ears.some((e) => equalBytes(e, i.callerEar!))
        ? pass('EAR parts at the partner', `${ears.length} part(s), one of them the octets the caller sent`, "the caller's EAR")
        : fail('EAR parts at the partner', `the ${i.callerEar!.length} octets the caller sent`, `${ears.length} part(s)${ears.length ? ` (${ears.map((e) => `${e.length} octets`).join(', ')})` : ''}, none the caller's`);
    },
  },
  {
    id: 'mcx-server.server-ear.present',
    requirement: 'MCXSEC-9.6.2.3-01',
    title: 'signalling the server sends to another MC domain carries an EAR of its own (J.1.2 format)',
    needs: arrived,
    run: (i) => {
      const mine = serverEars(i);
      const ok = mine.find((e) => e.opened.ok);
      if (ok?.opened.ok) return pass('EAR of the server', describeEar(ok.opened.payload), 'an EAR besides the caller\'s');
      return fail('EAR of the server', 'an EAR besides the caller\'s that decodes (J.1.2 in an 8.5.5 envelope)', mine.length ? mine.map((e) => (e.opened.ok ? '' : e.opened.reason)).join(' | ') : "no EAR part besides the caller's");
    },
  },
  {
    id: 'mcx-server.server-ear.signed',
    requirement: 'MCXSEC-9.6.4.2-03',
    title: "the server's EAR is ECCSI-signed (8.5.5) by the UID of its Origin ID under the domain's KMS",
    needs: decoded,
    run: (i) => {
      const e = serverEar(i)!;
      const period = { keyPeriod: i.kms!.keyPeriod, keyPeriodOffset: i.kms!.keyPeriodOffset, keyPeriodNo: i.kms!.keyPeriodNo };
      if (!e.signature.ok) return fail('signature', `valid under the KPAK of ${i.kms!.kmsUri}`, e.signature.reason);
      if (e.signingKms !== i.kms!.kmsUri) return fail('Signing KMS', i.kms!.kmsUri, e.signingKms);
      return originMatchesUid(e.payload.sourceId, e.signingUid, e.signingKms, period)
        ? pass('signature', `verifies; the Signing UID is the UID of ${e.payload.sourceId}`)
        : fail('Signing UID', `the UID of the Origin ID ${e.payload.sourceId} (F.2.1, this key period)`, Buffer.from(e.signingUid).toString('hex'));
    },
  },
  {
    id: 'mcx-server.server-ear.server-role',
    requirement: 'MCXSEC-J.1.2-06',
    title: "the server's EAR gives its Source Role as MC service function/server (J.1.4 value 3)",
    needs: decoded,
    run: (i) => verdictOf(payloadOf(i).sourceRole === EAR_ROLE.server, 'Source Role', EAR_ROLE.server, payloadOf(i).sourceRole),
  },
  {
    id: 'mcx-server.server-ear.authorised-identity',
    requirement: 'MCXSEC-9.6.4.3-01',
    title: "the server's EAR is signed by an Authorised Identity stating its role (mc-role-server, the bit of the service's server, J.3.3.2)",
    needs: decoded,
    run: (i) => {
      const source = payloadOf(i).sourceId;
      const bit = SERVER_ROLE_BIT[i.service];
      return verdictOf(hasAuthorisation(source, 'mc-role-server', bit), 'Origin ID', `an identity with mc-role-server bit ${bit} (${i.service} server)`, source);
    },
  },
  {
    id: 'mcx-server.server-ear.target',
    requirement: 'MCXSEC-J.1.2-09',
    title: "the server's EAR names the callee as its Target ID",
    needs: decoded,
    run: (i) => verdictOf(payloadOf(i).targetId === i.calleeId, 'Target ID', i.calleeId, payloadOf(i).targetId),
  },
  {
    id: 'mcx-server.server-ear.date-time',
    requirement: 'MCXSEC-J.1.2-04',
    title: `the server's EAR is dated now (within ${WINDOW_S} s of the suite's clock, the window 9.6.5.4 gives receivers)`,
    needs: decoded,
    run: (i) => {
      const at = payloadOf(i).dateTime;
      return verdictOf(Math.abs(at - i.now) <= WINDOW_S, 'Date and Time', `within ${WINDOW_S} s of ${new Date(i.now * 1000).toISOString()}`, `${at} (${Number.isFinite(at * 1000) ? new Date(Math.min(at * 1000, 8.64e15)).toISOString() : at}), ${at - i.now} s off`);
    },
  },
  {
    id: 'mcx-server.server-ear.ear-id',
    requirement: 'MCXSEC-J.1.2-05',
    title: "the server's EAR ID is an RFC 4122 UUID (variant 10, a defined version)",
    needs: decoded,
    run: (i) => {
      const id = payloadOf(i).earId;
      const version = id[6]! >> 4;
      const variant = id[8]! >> 6;
      return verdictOf(variant === 0b10 && version >= 1 && version <= 8, 'EAR ID', 'an RFC 4122 UUID', `${Buffer.from(id).toString('hex')} (version ${version}, variant bits ${variant.toString(2).padStart(2, '0')})`);
    },
  },
  {
    id: 'mcx-server.server-ear.request-type',
    requirement: 'MCXSEC-9.6.4.2-01',
    title: "the server's EAR carries the request type, INTERWORKING SIGNALLING (J.2.3 value 2) for signalling between MC domains",
    needs: decoded,
    run: (i) => {
      const r = payloadOf(i).request;
      return verdictOf(r?.type === REQUEST_TYPE.interworking, 'Request type', REQUEST_TYPE.interworking, r ? r.type : 'no Request element');
    },
  },
]);
