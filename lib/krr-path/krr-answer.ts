/**
 * What every cs-proxy check table reads: the KRR a 488 carries (D.4.1),
 * read by position (lib/kms-xml/krr.ts), and the checks that judge any KRR
 * the proxy made itself: its fields (5.2.8.2.1) and its signature (D.4.2).
 */
import { canonicalize } from '../kms-xml/c14n.ts';
import { KRR_CONTENT_TYPE, readKrr, type ReadKrr } from '../kms-xml/krr.ts';
import { krrSignatureProfile, verifyKrrSignature } from '../kms-xml/krr-signature.ts';
import { NS_KRR } from '../kms-xml/namespaces.ts';
import { parseXml } from '../kms-xml/parse.ts';
import { childElements, isNamed, type XmlElement } from '../kms-xml/xml.ts';
import { essence, headerValue, parseMediaType } from '../sip/index.ts';
import { fail, notApplicable, pass, unmet, verdictOf, type Check, type Unmet } from '../harness/check.ts';
import type { FinalAnswer } from './side.ts';
import { X509Certificate } from 'node:crypto';

export interface KrrAnswer {
  /** The final answer to the request that carried the MIKEY message. */
  answer: FinalAnswer;
  contentType?: string;
  /** The KRR of the body, read; or why there is none. */
  krr: ReadKrr | { ok: false; reason: string };
}

/** Reads the final answer's body as a KRR (whatever its Content-Type says: that is a check of its own). */
export function krrAnswer(answer: FinalAnswer): KrrAnswer {
  if (answer.kind === 'none') return { answer, krr: { ok: false, reason: `no final answer: ${answer.detail}` } };
  const contentType = headerValue(answer.message, 'content-type');
  if (answer.message.body.length === 0) return { answer, ...(contentType ? { contentType } : {}), krr: { ok: false, reason: `the ${answer.status} has no body` } };
  const parsed = parseXml(new TextDecoder().decode(answer.message.body));
  if (!parsed.ok) return { answer, ...(contentType ? { contentType } : {}), krr: { ok: false, reason: `the body of the ${answer.status} is not XML: ${parsed.reason}` } };
  return { answer, ...(contentType ? { contentType } : {}), krr: readKrr(parsed.root) };
}

/** A final answer came (else the proxy did not answer: nothing about it is known). */
export const hasAnswer = ({ got }: { got: KrrAnswer }): Unmet | undefined => (got.answer.kind === 'none' ? unmet(`no final answer: ${got.answer.detail}`, 'unreachable') : undefined);
export const hasKrr = (a: KrrAnswer): Unmet | undefined => (a.krr.ok ? undefined : unmet(a.krr.reason, 'target'));
export const readOf = (a: KrrAnswer): ReadKrr => a.krr as ReadKrr;

export function statusIs488<I extends { got: KrrAnswer }>(id: string): Check<I> {
  return {
    id,
    requirement: 'MCXSEC-D.4.1-01',
    title: 'the KRR comes in a SIP 488 Not Acceptable Here',
    needs: hasAnswer,
    run: ({ got }) => verdictOf(got.answer.kind === 'final' && got.answer.status === 488, 'status', 488, got.answer.kind === 'final' ? got.answer.status : undefined),
  };
}

export function contentTypeIsKrr<I extends { got: KrrAnswer }>(id: string): Check<I> {
  return {
    id,
    requirement: 'MCXSEC-D.4.1-01',
    title: `the KRR body has content type ${KRR_CONTENT_TYPE}`,
    needs: ({ got }) => hasKrr(got),
    run: ({ got }) => verdictOf(essence(parseMediaType(got.contentType ?? '')) === KRR_CONTENT_TYPE, 'Content-Type', KRR_CONTENT_TYPE, got.contentType ?? '(absent)'),
  };
}

/** `madeByProxy`: a precondition that the KRR read is one the proxy made (not one it passed on). */
export function fieldsPresent<I extends { got: KrrAnswer }>(id: string, madeByProxy?: (input: I) => Unmet | undefined): Check<I> {
  return {
    id,
    requirement: 'MCXSEC-5.2.8.2.1-01',
    title: 'the KRR holds every field of 5.2.8.2.1 in order: time, creator, IDRi, IDRkmsi, IDRr, IDRkmsr, initiator list, receiver list',
    needs: (input) => hasKrr(input.got) ?? madeByProxy?.(input),
    run: ({ got }) => {
      const r = readOf(got);
      return r.problems.length === 0 ? pass('KmsRedirectResponse', { names: r.names }, 'every field, in order', 'element names are reported, not judged: D.4.4 lost them') : fail('KmsRedirectResponse', 'every field of 5.2.8.2.1, in order', r.problems, 'missing');
    },
  };
}

/** The D.4.2 signature checks of a KRR the proxy made; `certPem`: the proxy's own certificate, when the target file gives it. */
export function signatureChecks<I extends { got: KrrAnswer; proxyCertPem?: string }>(prefix: string, madeByProxy?: (input: I) => Unmet | undefined): Check<I>[] {
  const signature = (got: KrrAnswer) => readOf(got).signature;
  const signedFirst = (input: I) => hasKrr(input.got) ?? madeByProxy?.(input);
  const unsigned = (got: KrrAnswer) => !signature(got);
  return [
    {
      id: `${prefix}.signed`,
      requirement: 'MCXSEC-D.4.2-02',
      title: 'the KRR is signed by its creator',
      needs: signedFirst,
      run: ({ got }) => verdictOf(!unsigned(got), 'ds:Signature', 'an enveloped ds:Signature', unsigned(got) ? '(absent)' : 'present'),
    },
    {
      id: `${prefix}.whole-message`,
      requirement: 'MCXSEC-5.2.8.2.1-02',
      title: 'the signature covers the entire KRR',
      needs: signedFirst,
      run: ({ got }) => {
        const r = readOf(got);
        if (!r.signature) return fail('ds:Signature', 'a signature over the whole KRR', '(unsigned)', 'missing');
        const id = r.krr.id;
        const refs = childElements(childElements(r.signature).find((c) => c.name.endsWith('SignedInfo')) ?? r.signature).filter((c) => c.name.endsWith('Reference'));
        const uris = refs.map((ref) => ref.attrs.find(([k]) => k === 'URI')?.[1] ?? '');
        return verdictOf(uris.some((u) => u === '' || (id !== undefined && u === `#${id}`)), 'Reference/@URI', `'' or '#${id ?? '(the KRR has no Id)'}'`, uris);
      },
    },
    {
      id: `${prefix}.profile`,
      requirement: 'MCXSEC-D.4.2-01',
      title: 'the signature follows the D.4.2 profile: SHA-256 digest, ECDSA-SHA256, C14N 1.0, X.509 KeyInfo',
      needs: signedFirst,
      run: ({ got }) => {
        const sig = signature(got);
        if (!sig) return notApplicable('the KRR is unsigned (graded by the signed check)');
        const p = krrSignatureProfile(sig);
        return p.departures.length === 0 ? pass('ds:SignedInfo', p) : fail('ds:SignedInfo', 'the D.4.2 profile', p.departures, 'invalid');
      },
    },
    {
      id: `${prefix}.verifies`,
      requirement: 'MCXSEC-D.4.2-01',
      title: "the signature verifies with the KeyInfo certificate's key (and that is the proxy's certificate, when the target file gives it)",
      needs: signedFirst,
      run: ({ got, proxyCertPem }) => {
        const r = readOf(got);
        if (!r.signature) return notApplicable('the KRR is unsigned (graded by the signed check)');
        const v = verifyKrrSignature(r.element, r.signature);
        if (!v.ok) return fail('ds:SignatureValue', 'a signature that verifies', v.reason, 'invalid');
        const subject = v.certificate.subject.replace(/\n/g, ', ');
        if (!proxyCertPem) return pass('ds:SignatureValue', { verifies: true, certificate: subject }, undefined, 'csProxy.krrCertificatePem is not given: the certificate is not compared');
        const expected = new X509Certificate(proxyCertPem);
        return verdictOf(expected.fingerprint256 === v.certificate.fingerprint256, 'ds:X509Certificate', `csProxy.krrCertificatePem (${expected.subject.replace(/\n/g, ', ')})`, subject);
      },
    },
  ];
}

/** The exclusive canonical form: equal for the same KRR wherever it is embedded (namespace context does not count). */
export function sameKrr(a: XmlElement, b: XmlElement): boolean {
  return canonicalize(a, 'exclusive') === canonicalize(b, 'exclusive');
}

/** Whether `root` is, or embeds at any depth, a KRR equal to `sent`; and at which depth (0: itself). */
export function depthOf(root: XmlElement, sent: XmlElement): number | undefined {
  const walk = (e: XmlElement, depth: number): number | undefined => {
    if (isNamed(e, NS_KRR, 'KmsRedirectResponse') && sameKrr(e, sent)) return depth;
    for (const c of childElements(e)) {
      const found = walk(c, isNamed(c, NS_KRR, 'KmsRedirectResponse') ? depth + 1 : depth);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(root, 0);
}
