/**
 * A MIKEY message a signalling proxy must refuse (5.2.8.2.3): one whose KMS
 * on the side of the proxy's own user it does not accept (the CS proxy's
 * client in cases A and D; the IS proxy's domain user in cases B and C).
 * The proxy answers with a KRR (D.4.1) that echoes the message's
 * identities, restricts that side's list to KMSs it accepts and leaves the
 * other 'ANY'; the MIKEY message goes no further. "Goes no further" is graded
 * only beside a control in the same test: an acceptable message on the same
 * path must have reached the far side, else its absence proves nothing.
 */
import { checkTable, fail, pass, unmet, verdictOf, type Unmet } from '../harness/check.ts';
import { listText, type KmsUriList } from '../kms-xml/krr.ts';
import type { RoutingIdentities } from '../mikey/routing.ts';
import { contentTypeIsKrr, fieldsPresent, hasKrr, readOf, signatureChecks, statusIs488, type KrrAnswer } from './krr-answer.ts';

export type KrrList = 'initiator' | 'receiver';

/** The proxy role a table checks: its check-id prefix, and the requirement its created KRRs' lists answer to. */
export interface ProxyRole {
  role: 'cs-proxy' | 'is-proxy';
  listsRequirement: string;
}

export interface CreatedInput {
  /** The identities of the refused I_MESSAGE. */
  sent: RoutingIdentities;
  /** csProxy.kms: the refused KMS URI and those the proxy accepts. */
  refused: string;
  acceptable: string[];
  got: KrrAnswer;
  /** How many requests carrying the refused I_MESSAGE reached the far side. */
  forwarded: number;
  /** The acceptable I_MESSAGE sent first on the same path: whether it reached the far side. */
  control: { reached: boolean; detail: string };
  proxyCertPem?: string;
}

const fieldsRead = ({ got }: CreatedInput): Unmet | undefined => hasKrr(got) ?? (readOf(got).problems.length ? unmet('the KRR lacks fields (graded by the fields check)', 'precondition') : undefined);

const isAny = (l: KmsUriList) => l === 'any';

/**
 * `key` names the case in the check ids (`<role>.krr-<key>.*`); `restricted`
 * is the list the proxy must restrict (that of the side whose KMS it
 * refused), the other must be 'ANY'.
 */
export function krrCreatedTable({ role, listsRequirement }: ProxyRole, key: string, restricted: KrrList, what: string) {
  const p = `${role}.krr-${key}`;
  const other: KrrList = restricted === 'initiator' ? 'receiver' : 'initiator';
  return checkTable<CreatedInput>(what, [
    statusIs488(`${p}.status-488`),
    contentTypeIsKrr(`${p}.content-type`),
    fieldsPresent(`${p}.fields`),
    {
      id: `${p}.echo`,
      requirement: 'MCXSEC-5.2.8.2.1-01',
      title: 'the KRR echoes the IDRi, IDRkmsi, IDRr and IDRkmsr of the MIKEY message',
      needs: fieldsRead,
      run: ({ got, sent }) => {
        const k = readOf(got).krr;
        const actual = { IDRi: k.initiatorUri, IDRkmsi: k.initiatorKmsUri, IDRr: k.receiverUri, IDRkmsr: k.receiverKmsUri };
        const expected = { IDRi: sent.initiatorUri, IDRkmsi: sent.initiatorKmsUri, IDRr: sent.receiverUri, IDRkmsr: sent.receiverKmsUri };
        return verdictOf(JSON.stringify(actual) === JSON.stringify(expected), 'IDRi, IDRkmsi, IDRr, IDRkmsr', expected, actual);
      },
    },
    {
      id: `${p}.lists`,
      requirement: listsRequirement,
      title: `the ${restricted} list names only KMSs the proxy accepts (not the refused one), the ${other} list is 'ANY'`,
      needs: fieldsRead,
      run: ({ got, refused, acceptable }) => {
        const k = readOf(got).krr;
        const mine = restricted === 'initiator' ? k.initiatorKmsList : k.receiverKmsList;
        const theirs = restricted === 'initiator' ? k.receiverKmsList : k.initiatorKmsList;
        const actual = { [`${restricted} list`]: listText(mine), [`${other} list`]: listText(theirs) };
        const expected = { [`${restricted} list`]: `KMS URIs among ${acceptable.join(', ')}, never ${refused}`, [`${other} list`]: 'ANY' };
        if (!isAny(theirs)) return fail(`${other} list`, expected, actual);
        if (isAny(mine)) return fail(`${restricted} list`, expected, actual, 'mismatch', "'ANY' would let the refused KMS through");
        const unexpected = mine.filter((u: string) => u === refused || !acceptable.includes(u));
        return unexpected.length ? fail(`${restricted} list`, expected, actual, 'mismatch', `not acceptable per csProxy.kms: ${unexpected.join(', ')}`) : pass(`${restricted} list`, actual, expected);
      },
    },
    {
      id: `${p}.mikey-dropped`,
      requirement: 'MCXSEC-5.2.8.2.3-03',
      title: 'the refused MIKEY message is dropped: it does not reach the far side',
      needs: ({ got, control }) => {
        if (got.answer.kind === 'none') return unmet(`no final answer: ${got.answer.detail}`, 'unreachable');
        if (!control.reached) return unmet(`the control, an acceptable MIKEY message on the same path, did not reach the far side either (${control.detail}): an absence proves nothing`, 'precondition');
        return undefined;
      },
      run: ({ forwarded }) => verdictOf(forwarded === 0, 'requests carrying the refused I_MESSAGE beyond the proxy', 0, forwarded, 'not_refused'),
    },
    ...signatureChecks<CreatedInput>(p),
  ]);
}
