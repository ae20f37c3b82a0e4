import type { FaultSwitch } from '../fault.ts';

/**
 * Fault switches of the reference GMS (5.7, E.2): each breaks one behaviour
 * the gms suite checks; the check ids are those of suites/gms/checks/.
 */
const fault = (name: string, check: string | string[], requirement: string | string[], description: string, blocks?: string[]): FaultSwitch => ({
  name: `gms.${name}`,
  role: 'gms',
  breaks: [requirement].flat(),
  checks: [check].flat().map((c) => `gms.${c}`),
  ...(blocks ? { blocks } : {}),
  description,
});

/** Graded on the GMKs the members opened: a fault that keeps a member from opening his leaves these without a result. */
const OPENED = ['MCXSEC-E.2.1-07', 'MCXSEC-5.2.3-01', 'MCXSEC-E.2.1-09', 'MCXSEC-5.7.2-06', 'MCXSEC-5.7.2-07'];
/** The refusal tests lean on a valid subscription getting its GMK (their control): a fault that sends none leaves them without a result. */
const REFUSALS = ['MCXSEC-5.7.3-01', 'MCXSEC-5.1.3.1-10'];
/** Every distribution requirement: a fault that sends no GMK at all leaves them all without a result. */
const DISTRIBUTION = ['MCXSEC-E.2.1-10', 'MCXSEC-5.7.1-05', 'MCXSEC-E.2.1-05', 'MCXSEC-E.2.1-06', 'MCXSEC-5.7.1-02', 'MCXSEC-7.5.1-06', ...OPENED];

export const GMS_FAULTS: FaultSwitch[] = [
  // Authorisation for group management (5.1.3.1, 5.7.3): what the GMS serves a subscription whose token it must refuse.
  fault('accepts-no-token', 'subscribe-no-token.no-gmk', 'MCXSEC-5.7.3-01', 'The GMS serves a SUBSCRIBE that carries no access token: the member gets the GMK.'),
  fault('accepts-expired-token', 'subscribe-expired-token.no-gmk', 'MCXSEC-5.7.3-01', 'The GMS does not check the exp of the access token in a SUBSCRIBE.'),
  fault('accepts-unknown-signer', 'subscribe-forged-token.no-gmk', 'MCXSEC-5.7.3-01', "The GMS does not verify the access token's signature (its claims are still checked)."),
  fault('ignores-group-management-scope', 'subscribe-no-scope-token.no-gmk', 'MCXSEC-5.1.3.1-10', 'The GMS serves an access token without the group management scope of the service.'),
  // GMK distribution (5.7.1, 5.7.2, E.2): what the GMK message holds.
  fault('omits-gmk', 'gmk.delivered', 'MCXSEC-5.7.2-01', 'The GMS sends the group configuration NOTIFY without the I_MESSAGE.', [...DISTRIBUTION.filter((id) => id !== 'MCXSEC-5.7.2-01'), ...REFUSALS]),
  fault('bad-signature', 'gmk.signature', 'MCXSEC-E.2.1-10', 'The ECCSI signature of the GMK message does not verify (one bit of r flipped).'),
  fault('signs-as-other-server', 'gmk.initiator', 'MCXSEC-5.7.1-05', 'The GMK message is signed, correctly, by another server identity of the domain (IDRi names it), not the GMS Server URI.'),
  fault('names-other-receiver', 'gmk.receiver', 'MCXSEC-E.2.1-05', "IDRr of the GMK message names another member, though the GMK is encrypted to the member's UID."),
  fault('encrypts-to-other-member', 'gmk.encrypted-to-member', 'MCXSEC-E.2.1-06', "The GMK is SAKKE-encapsulated to another member's UID (IDRr still names the member).", [...OPENED, 'MCXSEC-5.7.2-01']),
  fault('gmk-per-member', 'gmk.same-gmk', 'MCXSEC-E.2.1-07', 'Each member gets a GMK of his own under the one GMK-ID.'),
  fault('guk-id-salt-of-impu', 'gmk.guk-id', 'MCXSEC-5.2.3-01', "The GUK-ID is computed with the salt of the member's IMPU, not of his MC service user ID (F.1.3): his GMK-ID does not come back."),
  fault('no-endpoint-diversity', ['gmk.diversity', 'gmk.guk-id'], ['MCXSEC-5.7.1-02', 'MCXSEC-5.2.3-01'], 'The CSB-ID of every GMK message is the GMK-ID itself (no GUK-ID): no end-point diversity, and no member recovers the GMK-ID.'),
  fault('key-parameters-under-other-key', 'gmk.key-parameters', 'MCXSEC-E.2.1-09', 'The key parameters are protected under a random key, not the GMK.', ['MCXSEC-5.7.2-01', 'MCXSEC-5.7.2-06', 'MCXSEC-5.7.2-07']),
  fault('key-parameters-other-group', 'gmk.group-id', 'MCXSEC-5.7.2-01', 'The key parameters name another MC group than the one the members subscribed to.'),
  fault('marks-revoked', 'gmk.not-revoked', 'MCXSEC-5.7.2-06', 'The GMS distributes the group GMK with the Status bit 0 clear (revoked).'),
  fault('sets-gateway-bit', 'gmk.gateway-bit', 'MCXSEC-5.7.2-07', 'The GMS sets the Security Gateway bit though no member is represented by a security gateway.'),
  fault('ssrc-in-session-data', 'gmk.no-ssrc', 'MCXSEC-7.5.1-06', 'The GMK message describes a crypto session (CS-ID 4) whose session data carries an SSRC.'),
  // Revocation (5.7.2): what the GMS sends the members when its GMK is revoked.
  fault('revocation-not-sent', 'revocation.resent', 'MCXSEC-5.7.2-06', 'The GMS revokes the GMK without telling any member.'),
  fault('revocation-not-marked', 'revocation.marked-revoked', 'MCXSEC-5.7.2-06', 'The GMS sends the revoked GMK again with its Status still saying not revoked.'),
  fault('revocation-other-gmk', 'revocation.same-gmk', 'MCXSEC-5.7.2-06', 'The GMS marks revoked, and sends, the new GMK in place of the one it revokes.'),
];
