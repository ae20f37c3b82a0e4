/**
 * KRRs a signalling proxy receives (5.2.8.2.3, 5.2.8.2.4). The suite answers
 * an acceptable MIKEY message with a KRR of its own (as the far end would):
 * - one whose list for the side of the proxy's own user names a KMS the
 *   proxy does not accept: the proxy must replace it by a new KRR with that
 *   list reduced, the other list unchanged and the received KRR embedded;
 * - one it has nothing to object to: it must reach the initiator;
 * - one already holding 4 sub-KRRs: the new KRR then holds 5, the number
 *   5.2.8.2.4 recommends supporting.
 */
import { checkTable, fail, pass, unmet, verdictOf, type Unmet } from '../harness/check.ts';
import { listText, type KmsUriList } from '../kms-xml/krr.ts';
import type { XmlElement } from '../kms-xml/xml.ts';
import { depthOf, fieldsPresent, hasAnswer, hasKrr, readOf, signatureChecks, type KrrAnswer } from './krr-answer.ts';
import type { KrrList, ProxyRole } from './created.ts';

export interface ProcessedInput {
  /** The KRR the suite sent, as the proxy received it. */
  sent: XmlElement;
  sentLists: { initiator: KmsUriList; receiver: KmsUriList };
  /** What reached the initiator's side. */
  got: KrrAnswer;
  proxyCertPem?: string;
}

export interface ReducedInput extends ProcessedInput {
  police: KrrList;
  unacceptable: string;
}

/** The KRR that arrived is the one the suite sent, passed on as is: what the proxy makes is not in it (graded by the embedded check). */
const madeByProxy = ({ got, sent }: ProcessedInput): Unmet | undefined =>
  got.krr.ok && depthOf(got.krr.element, sent) === 0 ? unmet('the KRR that arrived is the one the far end sent, passed on as is: the proxy made none (graded by the embedded check)', 'precondition') : undefined;
/** The lists are read from whatever KRR arrived: one passed on as is has them unreduced. */
const fieldsRead = ({ got }: ProcessedInput): Unmet | undefined => hasKrr(got) ?? (readOf(got).problems.length ? unmet('the KRR lacks fields (graded by the fields check)', 'precondition') : undefined);
const listOf = (got: KrrAnswer, which: KrrList) => (which === 'initiator' ? readOf(got).krr.initiatorKmsList : readOf(got).krr.receiverKmsList);
const same = (a: KmsUriList, b: KmsUriList) => listText(a) === listText(b);

/** Checks `<role>.krr-reduce-<police>.*`: the new KRR made of a received one whose `police` list names a refused KMS. */
export function krrReducedTable({ role }: ProxyRole, police: KrrList, what: string) {
  const p = `${role}.krr-reduce-${police}`;
  const other: KrrList = police === 'initiator' ? 'receiver' : 'initiator';
  return checkTable<ReducedInput>(what, [
    fieldsPresent<ReducedInput>(`${p}.fields`, madeByProxy),
    {
      id: `${p}.reduced`,
      requirement: 'MCXSEC-5.2.8.2.4-01',
      title: `the new KRR's ${police} list is the received one without the KMS URIs the proxy does not accept`,
      needs: fieldsRead,
      run: ({ got, sentLists, unacceptable }) => {
        const sent = sentLists[police];
        const expected = sent === 'any' ? sent : sent.filter((u) => u !== unacceptable);
        const actual = listOf(got, police);
        return verdictOf(same(actual, expected), `${police} list`, listText(expected), listText(actual), 'mismatch', `the received list was ${listText(sent)}; ${unacceptable} is not acceptable per csProxy.kms`);
      },
    },
    {
      id: `${p}.other-list-unchanged`,
      requirement: 'MCXSEC-5.2.8.2.4-01',
      title: `the new KRR's ${other} list is the received one, unchanged`,
      needs: fieldsRead,
      run: ({ got, sentLists }) => verdictOf(same(listOf(got, other), sentLists[other]), `${other} list`, listText(sentLists[other]), listText(listOf(got, other))),
    },
    {
      id: `${p}.embedded`,
      requirement: 'MCXSEC-5.2.8.2.4-01',
      title: 'the new KRR embeds the received KRR, unchanged',
      needs: ({ got }) => hasKrr(got),
      run: ({ got, sent }) => {
        const depth = depthOf(readOf(got).element, sent);
        if (depth === 0) return fail('KmsRedirectResponse', 'a new KRR embedding the received one', 'the received KRR itself, forwarded as is', 'mismatch');
        return verdictOf(depth === 1, 'embedded KRR', 'the received KRR, directly embedded', depth === undefined ? 'not found (or changed)' : `found ${depth} levels down`);
      },
    },
    ...signatureChecks<ReducedInput>(p, madeByProxy),
  ]);
}

export const krrForwardedTable = ({ role }: ProxyRole, what: string) => checkTable<ProcessedInput>(what, [
  {
    id: `${role}.krr-forwarded.carried`,
    requirement: 'MCXSEC-5.2.8.2.3-03',
    title: 'the KRR is forwarded towards the initiator: the 488 the client gets carries it, or a KRR embedding it',
    needs: hasAnswer,
    run: ({ got, sent }) => {
      if (!got.krr.ok) return fail('488 body', 'the KRR sent by the far side', got.krr.reason, 'missing');
      const depth = depthOf(got.krr.element, sent);
      return depth === undefined ? fail('488 body', 'the KRR sent by the far side (or a KRR embedding it)', 'a KRR that neither is nor embeds it', 'mismatch') : pass('488 body', depth === 0 ? 'the KRR sent, as is' : `a KRR embedding it ${depth} level(s) down`);
    },
  },
]);

export const krrNestedTable = ({ role }: ProxyRole, what: string) => checkTable<ProcessedInput>(what, [
  {
    id: `${role}.krr-nested.processed`,
    requirement: 'MCXSEC-5.2.8.2.4-02',
    title: 'a KRR with 4 sub-KRRs is processed like any other: the new KRR embeds it, 5 sub-KRRs in all',
    needs: hasAnswer,
    run: ({ got, sent }) => {
      if (!got.krr.ok) return fail('488 body', 'a new KRR embedding the received one', `${got.answer.kind === 'final' ? got.answer.status : ''} ${got.krr.reason}`, 'missing');
      const depth = depthOf(got.krr.element, sent);
      return verdictOf(depth === 1, 'embedded KRR', 'the received KRR (with its 4 sub-KRRs), directly embedded', depth === undefined ? 'not found (or changed)' : depth === 0 ? 'the received KRR itself, forwarded as is' : `found ${depth} levels down`);
    },
  },
]);
