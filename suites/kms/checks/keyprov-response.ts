/** Answers to KMS KeyProvision (D.2.4, D.3.1, 5.3.1.2): one table per kind of request. */
import { checkTable, fail, inconclusive, pass, verdictOf } from '../../../lib/harness/check.ts';
import type { KmsExchange } from '../../../lib/kms-xml/client.ts';
import { containerOutcome, needsServed, refusalOf, servedProblem } from './answer.ts';
import { echoOutcome } from './envelope.ts';
import { keySetFor } from './key-set.ts';
import { xmlMediaTypeOutcome } from './media-type.ts';

/** The MC service IDs the access token carries, or why they could not be read. */
export type TokenIdentities = { ok: true; ids: string[] } | { ok: false; reason: string };

export interface KeyProvAnswer {
  ex: KmsExchange;
  userUri: string;
  kmsUri: string;
  identities: TokenIdentities;
}

const userUris = (ex: KmsExchange) => ex.opened!.keySets.map((s) => s.set.userUri).join(', ') || '(no key sets)';

export const KEYPROV_RESPONSE = checkTable<KeyProvAnswer>('kms keyprov response', [
  {
    id: 'kms.keyprov.kms-keyprov',
    requirement: 'MCXSEC-D.2.4-01',
    title: 'KMS KeyProvision answered with KmsKeyProv',
    run: ({ ex }) => containerOutcome(ex, 'keyProv', 'KmsKeyProv'),
  },
  {
    id: 'kms.keyprov.xml-media-type',
    requirement: 'MCXSEC-D.3-01',
    title: 'KMS KeyProvision answer labelled with an XML media type',
    run: ({ ex }) => xmlMediaTypeOutcome(ex),
  },
  {
    id: 'kms.keyprov.echo',
    requirement: 'MCXSEC-D.3.1-01',
    title: 'KmsResponse UserUri, KmsUri, ClientReqUrl and Time agree with the request',
    needs: ({ ex }) => needsServed(ex, 'kms.keyprov.kms-keyprov'),
    run: (i) => echoOutcome(i.ex, i.ex.opened!.doc!, i),
  },
  {
    id: 'kms.keyprov.key-set-per-identity',
    requirement: 'MCXSEC-D.3.1-03',
    title: 'a key set for each MC service ID the access token carries',
    after: ['kms.keyprov.kms-keyprov'],
    run: ({ ex, identities }) => {
      if (!identities.ok) return inconclusive(`the MC service IDs of the access token are unknown: ${identities.reason}`, 'target');
      const sets = ex.opened!.keySets;
      const missing = identities.ids.filter((id) => !keySetFor(sets, id));
      return verdictOf(missing.length === 0, 'KmsKeyProv/KmsKeySet/UserUri', `${identities.ids.join(', ')} (the token's mcptt_id/mcvideo_id/mcdata_id)`, `${userUris(ex)}${missing.length ? `; missing: ${missing.join(', ')}` : ''}`, 'missing');
    },
  },
]);

export interface NamedKeyProvAnswer {
  ex: KmsExchange;
  identity: string;
  /** For keyprov/<identity>/<time>: the key period number asked for. */
  periodNo?: number;
}

export const KEYPROV_NAMED = checkTable<NamedKeyProvAnswer>('kms keyprov/<identity> response', [
  {
    id: 'kms.keyprov-named.key-set',
    requirement: 'MCXSEC-D.2.4-02',
    title: 'keyprov/<identity> returns the key set of that identity',
    run: ({ ex, identity }) => {
      const p = servedProblem(ex);
      if (p) return p;
      const doc = ex.opened!.doc!;
      return verdictOf(!!doc.message?.keyProv && !!keySetFor(ex.opened!.keySets, identity), 'KmsKeyProv/KmsKeySet/UserUri', identity, userUris(ex), 'missing');
    },
  },
]);

export const KEYPROV_NAMED_ECHO = checkTable<{ ex: KmsExchange; userUri: string; kmsUri: string }>('kms keyprov/<percent-encoded identity> envelope', [
  {
    // The path segment carries the identity percent-encoded (':' and '@' as %3A, %40): the echo must be
    // the absolute URI as requested, not the request line's path or its decoded form (D.3.1).
    id: 'kms.keyprov-named.echo',
    requirement: 'MCXSEC-D.3.1-01',
    title: 'KmsResponse to keyprov/<percent-encoded identity> echoes the absolute request URI as ClientReqUrl',
    needs: ({ ex }) => needsServed(ex, 'kms.keyprov-named.key-set'),
    run: (i) => echoOutcome(i.ex, i.ex.opened!.doc!, i),
  },
]);

export const KEYPROV_TIME = checkTable<NamedKeyProvAnswer>('kms keyprov/<identity>/<time> response', [
  {
    id: 'kms.keyprov-time.key-set',
    requirement: 'MCXSEC-D.2.4-03',
    title: "keyprov/<identity>/<time> returns that key period's key set",
    run: ({ ex, identity, periodNo }) => {
      const p = servedProblem(ex);
      if (p) return p;
      const s = keySetFor(ex.opened!.keySets, identity);
      return verdictOf(!!s && s.set.keyPeriodNo === String(periodNo), 'KmsKeySet/KeyPeriodNo', String(periodNo), s ? s.set.keyPeriodNo : `no key set for ${identity}`);
    },
  },
]);

export interface ForeignKeyProvAnswer {
  ex: KmsExchange;
  /** An identity the access token does not carry. */
  foreign: string;
}

export const KEYPROV_FOREIGN = checkTable<ForeignKeyProvAnswer>('kms keyprov/<foreign identity> response', [
  {
    id: 'kms.keyprov-foreign.no-key-set',
    requirement: 'MCXSEC-5.3.1.2-02',
    title: 'keyprov/<identity not in the token> is refused or answered without keys for it',
    run: ({ ex, foreign }) => {
      const expected = `a refusal, or an answer without a key set for ${foreign}`;
      const issued = ex.opened?.keySets.filter((s) => s.set.userUri === foreign) ?? [];
      if (issued.length) return fail('KmsKeySet/UserUri', expected, `HTTP ${ex.http.ok ? ex.http.status : '?'} issued a key set for ${foreign}`, 'not_refused');
      const r = refusalOf(ex);
      if (r.refused === undefined) return inconclusive(`${ex.label}: ${r.detail}`, r.blame);
      if (r.refused) return pass('response', r.detail, expected);
      // Accepted: only a readable, decrypted answer shows which key sets it carries.
      const p = servedProblem(ex);
      if (p) return inconclusive(`${ex.label}: the answer cannot be read, so whether it carries a key set for ${foreign} is unknown (${p.verdict === 'fail' ? String(p.actual) : p.verdict === 'inconclusive' ? p.reason : p.verdict})`, 'target');
      return pass('KmsKeySet/UserUri', `answered without a key set for ${foreign} (${ex.opened!.keySets.map((s) => s.set.userUri).join(', ') || 'no key sets'})`, expected);
    },
  },
]);

export interface OtherUriKeyProvAnswer {
  ex: KmsExchange;
  /** The group or server URI named in the path. */
  uri: string;
}

/**
 * keyprov/<group or server URI> (D.2.4). Whether the test user is entitled to
 * that URI's keys is the operator's policy, which a black box cannot see: a
 * refusal and that URI's key set both pass; key sets for any other identity
 * (the requester's own, in place of the URI asked for) fail.
 */
function otherUriTable(kind: 'group' | 'server') {
  return checkTable<OtherUriKeyProvAnswer>(`kms keyprov/<${kind} URI> response`, [
    {
      id: `kms.keyprov-${kind}.only-that-uri`,
      requirement: 'MCXSEC-D.2.4-04',
      title: `keyprov/<${kind} URI> is answered with that URI's key set or refused, not with other identities' key sets`,
      run: ({ ex, uri }) => {
        const expected = `a refusal, or key sets for ${uri} only`;
        const others = (ex.opened?.keySets ?? []).map((s) => s.set.userUri).filter((u) => u !== uri);
        if (others.length) return fail('KmsKeySet/UserUri', expected, `key sets for ${others.join(', ')}`, 'mismatch');
        const r = refusalOf(ex);
        if (r.refused === undefined) return inconclusive(`${ex.label}: ${r.detail}`, r.blame);
        if (r.refused) return pass('response', r.detail, expected);
        const p = servedProblem(ex);
        if (p) return inconclusive(`${ex.label}: the answer cannot be read, so which key sets it carries is unknown`, 'target');
        return verdictOf(!!keySetFor(ex.opened!.keySets, uri), 'KmsKeySet/UserUri', expected, userUris(ex), 'missing');
      },
    },
  ]);
}

export const KEYPROV_GROUP = otherUriTable('group');
export const KEYPROV_SERVER = otherUriTable('server');
