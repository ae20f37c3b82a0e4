/**
 * 5.2.8.2.3 / 5.2.8.2.4 KRRs reaching the CS proxy. The suite sends an
 * acceptable private-call I_MESSAGE through the proxy and the far end (the
 * suite too) answers it with a 488 and a KRR of its own, signed with
 * csProxy.krrSigner when given. What the initiator's side then gets is
 * graded: a new KRR when the list of the client's side names a KMS the
 * proxy does not accept, the same KRR when nothing in it is objectionable.
 */
import { test } from './fixture.ts';
import { declare } from '../../lib/harness/index.ts';
import { methodOf } from '../../lib/sip/index.ts';
import { KRR_CONTENT_TYPE, krrElement, type KmsUriList } from '../../lib/kms-xml/krr.ts';
import { signKrr } from '../../lib/kms-xml/krr-signature.ts';
import { xsdDateTime } from '../../lib/kms-xml/model.ts';
import { parseXml } from '../../lib/kms-xml/parse.ts';
import { serializeXml, type XmlElement } from '../../lib/kms-xml/xml.ts';
import { krrAnswer } from './checks/krr-answer.ts';
import { KRR_FORWARDED, KRR_NESTED, krrReducedTable, type Policed } from './checks/krr-processed.ts';
import { privateCallMikey, type PrivateCall } from './mikey.ts';
import type { CsProxySuite } from './fixture.ts';
import type { Answer } from './sides.ts';

test.describe.configure({ mode: 'default' });

interface FarKrr {
  xml: string;
  element: XmlElement;
  lists: { initiator: KmsUriList; receiver: KmsUriList };
}

/** The far end's KRR for `call`, with `depth` earlier KRRs nested in it, signed when the target file gives a signer. */
function farKrr(csp: CsProxySuite, call: PrivateCall, lists: FarKrr['lists'], depth = 0): FarKrr {
  const signer = csp.target.krrSigner;
  let embedded: XmlElement | undefined;
  for (let level = 0; level <= depth; level++) {
    const e = krrElement({ time: xsdDateTime(), creatorUri: `${csp.target.peer.uri.replace(/^sip:/, 'sip:processor.')}`, ...call, initiatorKmsList: lists.initiator, receiverKmsList: lists.receiver, ...(embedded ? { embedded } : {}) });
    embedded = signer ? signKrr(e, { key: signer.keyPem, certPem: signer.certPem }) : e;
  }
  const xml = serializeXml(embedded!, { declaration: true });
  const parsed = parseXml(xml);
  if (!parsed.ok) throw new Error(`the suite's own KRR does not parse: ${parsed.reason}`);
  return { xml, element: parsed.root, lists };
}

const answeringWith = (krr: FarKrr) => (m: Parameters<CsProxySuite['sides']['server']['answer']>[0]): Answer =>
  methodOf(m) === 'INVITE' ? { status: 488, body: { contentType: KRR_CONTENT_TYPE, octets: krr.xml } } : { status: methodOf(m) === 'REGISTER' ? 200 : 480 };

/**
 * One private call through the proxy whose callee answers with `krr`: `to-client` the client calls the peer (the
 * KRR travels towards the client), `from-client` the peer calls the client (the client answers with the KRR).
 */
async function answeredWithKrr(csp: CsProxySuite, way: 'to-client' | 'from-client', krr: (call: PrivateCall) => FarKrr) {
  const t = csp.target;
  const ok = t.kms.acceptable[0]!;
  const [caller, callee] = way === 'to-client' ? [t.client.mcServiceId, t.peer.uri] : [t.peer.uri, t.client.mcServiceId];
  const call = { initiatorUri: caller, initiatorKmsUri: ok, receiverUri: callee, receiverKmsUri: ok };
  const sent = krr(call);
  const answering = way === 'to-client' ? csp.sides.server : csp.sides.client;
  const previous = answering.answer;
  answering.answer = answeringWith(sent);
  try {
    const mikey = privateCallMikey(call);
    return { sent, got: krrAnswer(await (way === 'to-client' ? csp.sides.callFromClient(mikey) : csp.sides.callToClient(mikey))) };
  } finally {
    answering.answer = previous;
  }
}

const TITLES: Record<Policed, string> = {
  initiator: '5.2.8.2.4 case D: a KRR towards the client whose initiator list names a KMS the proxy does not accept is replaced by a new KRR embedding it',
  receiver: '5.2.8.2.4 case A: a KRR from the client whose receiver list names a KMS the proxy does not accept is replaced by a new KRR embedding it',
};

for (const police of Object.keys(TITLES) as Policed[]) {
  const table = krrReducedTable(police);
  test(TITLES[police], { annotation: declare(table), tag: ['@cs-proxy'] }, async ({ csp, verify, evidence, requireIcs }) => {
    requireIcs('krr.create');
    const { kms } = csp.target;
    const offered = [kms.acceptable[0]!, kms.unacceptable];
    const lists = police === 'initiator' ? { initiator: offered, receiver: 'any' as const } : { initiator: 'any' as const, receiver: offered };
    const { sent, got } = await answeredWithKrr(csp, police === 'initiator' ? 'to-client' : 'from-client', (call) => farKrr(csp, call, lists));
    evidence.record('xml', 'KRR the far end sent', sent.xml);
    if (got.krr.ok) evidence.record('xml', 'KRR that reached the initiator', serializeXml(got.krr.element));
    await verify.run(table, { police, unacceptable: kms.unacceptable, sent: sent.element, sentLists: sent.lists, got, ...(csp.target.krrCertificatePem ? { proxyCertPem: csp.target.krrCertificatePem } : {}) });
  });
}

test('5.2.8.2.3 a KRR the proxy has nothing to object to reaches the initiator', { annotation: declare(KRR_FORWARDED), tag: ['@cs-proxy'] }, async ({ csp, verify, evidence }) => {
  const { sent, got } = await answeredWithKrr(csp, 'to-client', (call) => farKrr(csp, call, { initiator: [csp.target.kms.acceptable[0]!], receiver: 'any' }));
  evidence.record('xml', 'KRR the far end sent', sent.xml);
  await verify.run(KRR_FORWARDED, { sent: sent.element, sentLists: sent.lists, got });
});

test('5.2.8.2.4 a KRR already holding 4 sub-KRRs is processed: the new KRR holds 5', { annotation: declare(KRR_NESTED), tag: ['@cs-proxy'] }, async ({ csp, verify, evidence, requireIcs }) => {
  requireIcs('krr.create');
  const { kms } = csp.target;
  const { sent, got } = await answeredWithKrr(csp, 'to-client', (call) => farKrr(csp, call, { initiator: [kms.acceptable[0]!, kms.unacceptable], receiver: 'any' }, 4));
  evidence.record('xml', 'KRR (4 sub-KRRs) the far end sent', sent.xml);
  await verify.run(KRR_NESTED, { sent: sent.element, sentLists: sent.lists, got });
});
