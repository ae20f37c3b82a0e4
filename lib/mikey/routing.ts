/**
 * What an entity on the signalling path reads of an I_MESSAGE to apply KMS
 * policy (5.2.8.2.3, 5.2.8.2.4): the identities and the KMS URIs of the IDR
 * payloads, without key material and without verifying anything. A KRR
 * echoes exactly these four values (5.2.8.2.1).
 */
import { parseIMessage } from './codec.ts';
import { IdRole } from './constants.ts';

export interface RoutingIdentities {
  /** IDRi: the initiator's identity (absent when hidden, E.7). */
  initiatorUri?: string;
  initiatorKmsUri?: string;
  receiverUri?: string;
  receiverKmsUri?: string;
}

const text = new TextDecoder('utf-8', { fatal: false });

/** The IDR identities of `bytes`, or why it does not decode. Never throws. */
export function routingIdentities(bytes: Uint8Array): { ok: true; ids: RoutingIdentities } | { ok: false; reason: string } {
  const decoded = parseIMessage(bytes);
  if (!decoded.ok) return { ok: false, reason: `the I_MESSAGE does not decode at octet ${decoded.error.offset} (${decoded.error.field}): ${decoded.error.reason}` };
  const ids: RoutingIdentities = {};
  const roles: Array<[number, keyof RoutingIdentities]> = [[IdRole.IDRi, 'initiatorUri'], [IdRole.IDRkmsi, 'initiatorKmsUri'], [IdRole.IDRr, 'receiverUri'], [IdRole.IDRkmsr, 'receiverKmsUri']];
  for (const [role, field] of roles) {
    const p = decoded.message.payloads.find((x) => x.kind === 'IDR' && x.role === role);
    if (p && p.kind === 'IDR' && ids[field] === undefined) ids[field] = text.decode(p.data);
  }
  return { ok: true, ids };
}
