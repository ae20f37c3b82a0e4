/**
 * The exchanges of the KRR tests (5.2.8.2.3, 5.2.8.2.4), the same for every
 * signalling proxy: the suite plays the proxy's own user on the `near` side
 * (the CS proxy's MC client, the IS proxy's domain) and the other party on
 * the `far` side, and sends private-call I_MESSAGEs through the proxy. The
 * runs return the inputs of lib/krr-path's check tables.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { KRR_CONTENT_TYPE, krrElement, type KmsUriList } from '../kms-xml/krr.ts';
import { signKrr } from '../kms-xml/krr-signature.ts';
import { xsdDateTime } from '../kms-xml/model.ts';
import { parseXml } from '../kms-xml/parse.ts';
import { serializeXml, type XmlElement } from '../kms-xml/xml.ts';
import { methodOf, type SipMessage } from '../sip/index.ts';
import { krrAnswer, type KrrAnswer } from './krr-answer.ts';
import { privateCallMikey, type PrivateCall } from './mikey.ts';
import type { CreatedInput } from './created.ts';
import type { Answer, PathSide } from './side.ts';

export interface Party {
  /** Where requests to the party go (Request-URI, To). */
  requestUri: string;
  /** Its identity in MIKEY (IDRi / IDRr). */
  mikeyId: string;
}

export interface KrrPath {
  near: PathSide;
  far: PathSide;
  user: Party;
  peer: Party;
  /** The KMS URIs the proxy accepts for its user (the first is used where a message must be acceptable), one it refuses. */
  acceptable: string[];
  unacceptable: string;
  /** The identity the suite signs its own KRRs with, when the target file gives one. */
  signer?: { keyPem: string; certPem: string };
}

/** `from-user`: the proxy's user calls the peer; `to-user`: the peer calls the user. */
export type Way = 'from-user' | 'to-user';

/** How long the receiving side keeps listening after the proxy's answer for a copy of a refused message. */
const GRACE_MS = 1_000;

function route(path: KrrPath, way: Way) {
  const [sender, receiver] = way === 'from-user' ? [path.near, path.far] : [path.far, path.near];
  const [caller, callee] = way === 'from-user' ? [path.user, path.peer] : [path.peer, path.user];
  return { sender, receiver, caller, callee };
}

/** A call `way` whose KMS on the user's side is `userKms` (the other side's is acceptable). */
function callOf(path: KrrPath, way: Way, userKms: string): PrivateCall {
  const ok = path.acceptable[0]!;
  const { caller, callee } = route(path, way);
  return way === 'from-user'
    ? { initiatorUri: caller.mikeyId, initiatorKmsUri: userKms, receiverUri: callee.mikeyId, receiverKmsUri: ok }
    : { initiatorUri: caller.mikeyId, initiatorKmsUri: ok, receiverUri: callee.mikeyId, receiverKmsUri: userKms };
}

/**
 * An acceptable call first (the control: it must reach the receiving side),
 * then one whose KMS on the user's side is the refused one.
 */
export async function refusedCall(path: KrrPath, way: Way): Promise<Omit<CreatedInput, 'proxyCertPem'> & { body?: string }> {
  const { sender, receiver, caller, callee } = route(path, way);
  const send = (mikey: Uint8Array) => sender.invite(caller.requestUri, callee.requestUri, mikey);
  const controlMikey = privateCallMikey(callOf(path, way, path.acceptable[0]!));
  let mark = receiver.seen.length;
  const controlAnswer = await send(controlMikey);
  const control = { reached: receiver.sawMikey(mark, controlMikey).length > 0, detail: controlAnswer.kind === 'none' ? `no final answer: ${controlAnswer.detail}` : `answered ${controlAnswer.status}` };
  const refused = callOf(path, way, path.unacceptable);
  const mikey = privateCallMikey(refused);
  mark = receiver.seen.length;
  const answer = await send(mikey);
  await sleep(GRACE_MS);
  return {
    sent: refused,
    refused: path.unacceptable,
    acceptable: path.acceptable,
    got: krrAnswer(answer),
    forwarded: receiver.sawMikey(mark, mikey).length,
    control,
    ...(answer.kind === 'final' && answer.message.body.length ? { body: new TextDecoder().decode(answer.message.body) } : {}),
  };
}

export interface SuiteKrr {
  xml: string;
  /** As the proxy will read it (parsed back from `xml`). */
  element: XmlElement;
  lists: { initiator: KmsUriList; receiver: KmsUriList };
}

/** The far end's KRR for `call`, with `depth` earlier KRRs nested in it, each signed when the path has a signer. */
function suiteKrr(path: KrrPath, call: PrivateCall, lists: SuiteKrr['lists'], depth: number): SuiteKrr {
  let embedded: XmlElement | undefined;
  for (let level = 0; level <= depth; level++) {
    const e = krrElement({ time: xsdDateTime(), creatorUri: `sip:processor.${level}@mcx-conformance.invalid`, ...call, initiatorKmsList: lists.initiator, receiverKmsList: lists.receiver, ...(embedded ? { embedded } : {}) });
    embedded = path.signer ? signKrr(e, { key: path.signer.keyPem, certPem: path.signer.certPem }) : e;
  }
  const xml = serializeXml(embedded!, { declaration: true });
  const parsed = parseXml(xml);
  if (!parsed.ok) throw new Error(`the suite's own KRR does not parse: ${parsed.reason}`);
  return { xml, element: parsed.root, lists };
}

const answeringWith = (krr: SuiteKrr) => (m: SipMessage): Answer =>
  methodOf(m) === 'INVITE' ? { status: 488, body: { contentType: KRR_CONTENT_TYPE, octets: krr.xml } } : { status: methodOf(m) === 'REGISTER' ? 200 : 480 };

/**
 * An acceptable call `way` whose callee answers with a KRR of the suite's
 * (the lists given, `depth` sub-KRRs): what the caller's side then got.
 */
export async function answeredWithKrr(path: KrrPath, way: Way, lists: (ok: string, refused: string) => SuiteKrr['lists'], depth = 0): Promise<{ sent: SuiteKrr; got: KrrAnswer }> {
  const { sender, receiver, caller, callee } = route(path, way);
  const call = callOf(path, way, path.acceptable[0]!);
  const sent = suiteKrr(path, call, lists(path.acceptable[0]!, path.unacceptable), depth);
  const previous = receiver.answer;
  receiver.answer = answeringWith(sent);
  try {
    return { sent, got: krrAnswer(await sender.invite(caller.requestUri, callee.requestUri, privateCallMikey(call))) };
  } finally {
    receiver.answer = previous;
  }
}
