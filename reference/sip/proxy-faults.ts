import type { FaultSwitch } from '../fault.ts';

/**
 * Fault switches of the reference signalling proxies (5.2.8.2.1-5.2.8.2.4,
 * D.4), the same set for the CS and the IS proxy. Each breaks one property
 * the proxy suites check; the check ids are those lib/krr-path builds for
 * the role (suites/<role>/checks/krr.ts). `created`: the KRRs made for a
 * refused MIKEY message (the role's two cases); `made`: those and the new
 * KRRs made from received ones (a reduced initiator or receiver list).
 */
function proxyFaults(role: 'cs-proxy' | 'is-proxy', cases: [string, string], listsRequirement: string, proxy: string): FaultSwitch[] {
  const created = (what: string) => cases.map((c) => `${role}.krr-${c}.${what}`);
  const reduced = (what: string) => ['initiator', 'receiver'].map((l) => `${role}.krr-reduce-${l}.${what}`);
  const made = (what: string) => [...created(what), ...reduced(what)];
  const fault = (name: string, breaks: string[], checks: string[], description: string, blocks?: string[]): FaultSwitch => ({
    name: `${role}.${name}`,
    role,
    breaks,
    checks,
    ...(blocks ? { blocks } : {}),
    description: description.replace(/\b([Tt])he proxy\b/g, (_, t: string) => `${t}he ${proxy}`),
  });
  return [
    fault('krr-status-403', ['MCXSEC-D.4.1-01'], created('status-488'), 'The proxy answers a MIKEY message it refuses with 403 (the KRR in the body) instead of 488 Not Acceptable Here.'),
    fault('krr-wrong-content-type', ['MCXSEC-D.4.1-01'], created('content-type'), 'The proxy labels its KRR application/xml instead of application/vnd.3gpp.kmsredirectresponse+xml.'),
    fault('krr-omits-creator', ['MCXSEC-5.2.8.2.1-01'], made('fields'), 'The KRRs the proxy creates leave out the identity of their creator.', [listsRequirement, 'MCXSEC-5.2.8.2.4-01']),
    fault('krr-echoes-wrong-idrkmsi', ['MCXSEC-5.2.8.2.1-01'], created('echo'), "The proxy's KRR names another IDRkmsi than the refused MIKEY message carried."),
    fault('krr-offers-rejected', [listsRequirement], created('lists'), 'The proxy offers, in the list it restricts, the very KMS URI it refused.'),
    fault('krr-other-list-not-any', [listsRequirement], created('lists'), "The proxy's KRR restricts the other side's list too (its acceptable KMSs) instead of 'ANY'."),
    fault('forwards-rejected-mikey', ['MCXSEC-5.2.8.2.3-03'], created('mikey-dropped'), 'The proxy answers with a KRR but also forwards the refused MIKEY message.'),
    fault('krr-unsigned', ['MCXSEC-D.4.2-02', 'MCXSEC-5.2.8.2.1-02'], [...made('signed'), ...made('whole-message')], 'The proxy sends its KRRs unsigned.', ['MCXSEC-D.4.2-01']),
    fault('krr-sha1-digest', ['MCXSEC-D.4.2-01'], [...made('profile'), ...made('verifies')], "The proxy's KRR signatures use a SHA-1 digest."),
    fault('krr-bad-signature-value', ['MCXSEC-D.4.2-01'], made('verifies'), "The proxy's KRR signature value does not verify (one base64 digit changed)."),
    fault('krr-signs-part', ['MCXSEC-5.2.8.2.1-02'], made('whole-message'), 'The proxy signs only the Time element of its KRRs, validly, not the whole message.'),
    // Passed on as is, the KRR is the far end's: the checks of a KRR the proxy makes have nothing to read.
    fault('krr-keeps-unacceptable', ['MCXSEC-5.2.8.2.4-01', 'MCXSEC-5.2.8.2.4-02'], [...reduced('reduced'), ...reduced('embedded'), `${role}.krr-nested.processed`], 'The proxy forwards a received KRR that lists a KMS it does not accept as is, instead of a new KRR with the list reduced.', ['MCXSEC-5.2.8.2.1-01', 'MCXSEC-5.2.8.2.1-02', 'MCXSEC-D.4.2-01', 'MCXSEC-D.4.2-02']),
    fault('krr-not-embedded', ['MCXSEC-5.2.8.2.4-01', 'MCXSEC-5.2.8.2.4-02'], [...reduced('embedded'), `${role}.krr-nested.processed`], 'The new KRR the proxy makes from a received one does not embed it.'),
    fault('krr-changes-other-list', ['MCXSEC-5.2.8.2.4-01'], reduced('other-list-unchanged'), 'The new KRR the proxy makes from a received one changes the list it had no reason to change.'),
    fault('drops-received-krr', ['MCXSEC-5.2.8.2.3-03'], [`${role}.krr-forwarded.carried`], 'The proxy answers a KRR it has nothing to object to with a bare 488: the KRR does not reach the initiator.'),
    fault('krr-nesting-limit-3', ['MCXSEC-5.2.8.2.4-02'], [`${role}.krr-nested.processed`], 'The proxy refuses (500) a KRR holding more than 3 sub-KRRs.'),
  ];
}

export const CS_PROXY_FAULTS = proxyFaults('cs-proxy', ['inbound', 'outbound'], 'MCXSEC-5.2.8.2.3-01', 'CS proxy');
export const IS_PROXY_FAULTS = proxyFaults('is-proxy', ['case-b', 'case-c'], 'MCXSEC-5.2.8.2.3-02', 'IS proxy');
