import type { FaultSwitch } from '../fault.ts';

/**
 * Fault switches of the reference CS proxy (5.2.8.2.1-5.2.8.2.4, D.4). Each
 * breaks one property the cs-proxy suite checks; the check ids are those of
 * suites/cs-proxy/checks/*.ts. `created`: the KRRs made for a refused MIKEY
 * message (inbound case A, outbound case D); `made`: those and the new KRRs
 * made from received ones (a reduced initiator or receiver list).
 */
const created = (what: string) => ['inbound', 'outbound'].map((d) => `cs-proxy.krr-${d}.${what}`);
const made = (what: string) => [...created(what), ...['initiator', 'receiver'].map((l) => `cs-proxy.krr-reduce-${l}.${what}`)];
const reduced = (what: string) => ['initiator', 'receiver'].map((l) => `cs-proxy.krr-reduce-${l}.${what}`);
const fault = (name: string, breaks: string[], checks: string[], description: string, blocks?: string[]): FaultSwitch => ({
  name: `cs-proxy.${name}`,
  role: 'cs-proxy',
  breaks,
  checks,
  ...(blocks ? { blocks } : {}),
  description,
});

export const CS_PROXY_FAULTS: FaultSwitch[] = [
  fault('krr-status-403', ['MCXSEC-D.4.1-01'], created('status-488'), 'The CS proxy answers a MIKEY message it refuses with 403 (the KRR in the body) instead of 488 Not Acceptable Here.'),
  fault('krr-wrong-content-type', ['MCXSEC-D.4.1-01'], created('content-type'), 'The CS proxy labels its KRR application/xml instead of application/vnd.3gpp.kmsredirectresponse+xml.'),
  fault('krr-omits-creator', ['MCXSEC-5.2.8.2.1-01'], made('fields'), 'The KRRs the CS proxy creates leave out the identity of their creator.', ['MCXSEC-5.2.8.2.3-01', 'MCXSEC-5.2.8.2.4-01']),
  fault('krr-echoes-wrong-idrkmsi', ['MCXSEC-5.2.8.2.1-01'], created('echo'), "The CS proxy's KRR names another IDRkmsi than the refused MIKEY message carried."),
  fault('krr-offers-rejected', ['MCXSEC-5.2.8.2.3-01'], created('lists'), 'The CS proxy offers, in the list it restricts, the very KMS URI it refused.'),
  fault('krr-other-list-not-any', ['MCXSEC-5.2.8.2.3-01'], created('lists'), "The CS proxy's KRR restricts the other side's list too (its acceptable KMSs) instead of 'ANY'."),
  fault('forwards-rejected-mikey', ['MCXSEC-5.2.8.2.3-03'], created('mikey-dropped'), 'The CS proxy answers with a KRR but also forwards the refused MIKEY message.'),
  fault('krr-unsigned', ['MCXSEC-D.4.2-02', 'MCXSEC-5.2.8.2.1-02'], [...made('signed'), ...made('whole-message')], 'The CS proxy sends its KRRs unsigned.', ['MCXSEC-D.4.2-01']),
  fault('krr-sha1-digest', ['MCXSEC-D.4.2-01'], [...made('profile'), ...made('verifies')], "The CS proxy's KRR signatures use a SHA-1 digest."),
  fault('krr-bad-signature-value', ['MCXSEC-D.4.2-01'], made('verifies'), "The CS proxy's KRR signature value does not verify (one base64 digit changed)."),
  fault('krr-signs-part', ['MCXSEC-5.2.8.2.1-02'], made('whole-message'), 'The CS proxy signs only the Time element of its KRRs, validly, not the whole message.'),
  // Passed on as is, the KRR is the far end's: the checks of a KRR the proxy makes have nothing to read.
  fault('krr-keeps-unacceptable', ['MCXSEC-5.2.8.2.4-01', 'MCXSEC-5.2.8.2.4-02'], [...reduced('reduced'), ...reduced('embedded'), 'cs-proxy.krr-nested.processed'], 'The CS proxy forwards a received KRR that lists a KMS it does not accept as is, instead of a new KRR with the list reduced.', ['MCXSEC-5.2.8.2.1-01', 'MCXSEC-5.2.8.2.1-02', 'MCXSEC-D.4.2-01', 'MCXSEC-D.4.2-02']),
  fault('krr-not-embedded', ['MCXSEC-5.2.8.2.4-01', 'MCXSEC-5.2.8.2.4-02'], [...reduced('embedded'), 'cs-proxy.krr-nested.processed'], 'The new KRR the CS proxy makes from a received one does not embed it.'),
  fault('krr-changes-other-list', ['MCXSEC-5.2.8.2.4-01'], reduced('other-list-unchanged'), 'The new KRR the CS proxy makes from a received one changes the list it had no reason to change.'),
  fault('drops-received-krr', ['MCXSEC-5.2.8.2.3-03'], ['cs-proxy.krr-forwarded.carried'], 'The CS proxy answers a KRR it has nothing to object to with a bare 488: the KRR does not reach the initiator.'),
  fault('krr-nesting-limit-3', ['MCXSEC-5.2.8.2.4-02'], ['cs-proxy.krr-nested.processed'], 'The CS proxy refuses (500) a KRR holding more than 3 sub-KRRs.'),
];
