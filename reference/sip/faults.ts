import type { FaultSwitch } from '../fault.ts';

/**
 * Fault switches of the reference MCX server (5.1.3.2, 5.4, 9.2.1.3). Each
 * breaks one behaviour the mcx-server suite checks; the check ids are those
 * of suites/mcx-server/checks/authorisation.ts and csk-upload.ts.
 */
const BAD = (kind: 'expired' | 'forged' | 'no-scope' | 'wrong-audience') => [`mcx-server.register-${kind}-token.binds-nothing`, `mcx-server.publish-${kind}-token.binds-nothing`, `mcx-server.publish-${kind}-token.refused`];

/** The checks that see an uploaded CSK in use (a token encrypted under it binds), and their requirements. */
const VALID_CSK_CHECKS = [
  ...['csk-used', 'token-decrypted', 'xpk-derived', 'aes128-gcm'].map((c) => `mcx-server.csk-upload-valid.${c}`),
  'mcx-server.csk-upload-bare.decrypted',
  'mcx-server.xml-signed.hmac-sha256',
];
const VALID_CSK_REQUIREMENTS = ['MCXSEC-9.2.1.3-04', 'MCXSEC-9.2.1.3-05', 'MCXSEC-9.3.3-06', 'MCXSEC-9.3.4.2-08', 'MCXSEC-9.3.4.2-10', 'MCXSEC-9.3.5-05'];
/** The bad-upload tests lean on a correct upload binding (their control): a fault that stops it leaves them without a result. */
const BAD_CSK_REQUIREMENTS = ['MCXSEC-5.2.2-05', 'MCXSEC-5.4-06', 'MCXSEC-5.4-07', 'MCXSEC-5.4-08', 'MCXSEC-5.4-09', 'MCXSEC-5.2.7.3-02', 'MCXSEC-9.3.5-10', 'MCXSEC-9.3.4.2-11'];
/** The key download test starts from an accepted upload in a REGISTER without a token: a fault that stops either leaves it without a download. */
const KEY_DOWNLOAD_REQUIREMENTS = ['MCXSEC-5.8.2-01', 'MCXSEC-5.8.1-01', 'MCXSEC-5.8.1-02', 'MCXSEC-E.4.1-05', 'MCXSEC-E.4.1-02', 'MCXSEC-9.2.1.2-02', 'MCXSEC-9.2.1.2-03', 'MCXSEC-5.8.2-03'];
const badCsk = (name: string, check: string, requirement: string, description: string): FaultSwitch => ({
  name: `mcx-server.${name}`,
  role: 'mcx-server',
  breaks: [requirement],
  checks: [`mcx-server.csk-upload-${check}.not-used`],
  description,
});

/** A key download the suite's UE refuses (488): nothing replaces the CSK, so the afterwards checks have nothing to read. */
const CSK_UPDATE_REQUIREMENTS = ['MCXSEC-9.2.1.2-02', 'MCXSEC-9.2.1.2-03', 'MCXSEC-5.8.2-03'];
/** A fault that breaks one requirement through one check; `prefix` groups the names of a feature's faults. */
const oneCheck = (prefix: string) => (name: string, check: string, requirement: string, description: string, blocks?: string[]): FaultSwitch => ({
  name: `mcx-server.${prefix}${name}`,
  role: 'mcx-server',
  breaks: [requirement],
  checks: [`mcx-server.${check}`],
  ...(blocks ? { blocks } : {}),
  description,
});
const keyDownload = oneCheck('');

/** The floor control test starts from a CSK upload seen in use (its token binds): a fault that stops that leaves it without a call. */
export const FLOOR_REQUIREMENTS = ['MCXSEC-9.4.1-01', 'MCXSEC-9.4.2-01', 'MCXSEC-9.4.2-02', 'MCXSEC-9.4.6-03', 'MCXSEC-9.4.6-05', 'MCXSEC-9.4.7-02', 'MCXSEC-9.4.7-03', 'MCXSEC-9.4.7-04', 'MCXSEC-9.4.8-04'];
/** Requirements graded on the opened answer to the first Floor Request (suites/mcx-server/checks/floor-control.ts). */
const OPENED_ANSWER = ['MCXSEC-9.4.2-02', 'MCXSEC-9.4.6-03'];
const floor = oneCheck('floor-');

/** Faults of the reference floor control server (reference/sip/floor-control.ts); each changes what it sends, or what it accepts. */
const FLOOR_FAULTS: FaultSwitch[] = [
  floor('plain-rtcp', 'floor-answer.srtcp', 'MCXSEC-9.4.7-02', 'The floor control server answers with plain RTCP: no SRTCP trailer, the Floor Granted in the clear.', ['MCXSEC-9.4.1-01', 'MCXSEC-9.4.7-03', 'MCXSEC-9.4.6-05', 'MCXSEC-9.4.2-01', ...OPENED_ANSWER, 'MCXSEC-9.4.7-04']),
  floor('unencrypted', 'floor-answer.encrypted', 'MCXSEC-9.4.1-01', 'The floor control server sends SRTCP with the E flag clear: authenticated, but the floor message is not encrypted.'),
  floor('no-mki', 'floor-answer.mki-present', 'MCXSEC-9.4.7-03', 'The floor control server sends SRTCP without an MKI.', ['MCXSEC-9.4.6-05']),
  floor('mki-not-csk-id', 'floor-answer.mki-is-csk-id', 'MCXSEC-9.4.6-05', 'The MKI of the SRTCP the floor control server sends is not the CSK-ID (its last bit flipped); the keys are right.'),
  floor('key-not-from-csk', 'floor-answer.keyed-by-csk', 'MCXSEC-9.4.2-01', 'The floor control server keys the SRTCP it sends with a random key, not the CSK.', [...OPENED_ANSWER, 'MCXSEC-9.4.7-04', 'MCXSEC-9.4.8-04']),
  floor('zero-rand', 'floor-answer.kfc-rand', 'MCXSEC-9.4.2-02', "The floor control server derives its SRTCP keys with a RAND of zeros, not the RAND of the CSK's I_MESSAGE."),
  floor('wrong-cs-id', 'floor-answer.cs-id', 'MCXSEC-9.4.6-03', 'The floor control server derives its SRTCP keys under CS-ID 4 (MCPTT group call), not 6 (CSK SRTCP protection for MCPTT).'),
  floor('answers-idle', 'floor-answer.acted-on', 'MCXSEC-9.4.7-04', 'The floor control server answers a Floor Request with Floor Idle, as if it had not read it.', ['MCXSEC-9.4.8-04']),
  floor('ignores-tag', 'floor-tampered.not-acted-on', 'MCXSEC-9.4.7-04', 'The floor control server decrypts SRTCP as AES-CTR without checking the GCM tag: a Floor Request with a broken tag is granted.'),
  floor('no-replay-check', 'floor-replayed.not-acted-on', 'MCXSEC-9.4.8-04', 'The floor control server keeps no SRTCP replay list: a Floor Request sent again with the same index is granted again.'),
];

/** The EAR test's requirements: its refusals lean on the valid EAR's call reaching the callee (suites/mcx-server/checks/ear.ts). */
const EAR_REFUSAL_REQUIREMENTS = ['MCXSEC-9.6.5.4-01', 'MCXSEC-9.6.5.4-02', 'MCXSEC-9.6.5.4-03', 'MCXSEC-9.6.5.4-04', 'MCXSEC-9.6.5.4-05', 'MCXSEC-9.6.5.4-06', 'MCXSEC-J.2.4-01'];
/** What the partner-domain test reads in the server's own EAR (suites/mcx-server/checks/server-ear.ts), given that there is one. */
const SERVER_EAR_FIELDS = ['MCXSEC-9.6.4.2-03', 'MCXSEC-J.1.2-06', 'MCXSEC-9.6.4.3-01', 'MCXSEC-J.1.2-09', 'MCXSEC-J.1.2-04', 'MCXSEC-J.1.2-05', 'MCXSEC-9.6.4.2-01'];
const EAR_REQUIREMENTS = [...EAR_REFUSAL_REQUIREMENTS, 'MCXSEC-9.6.5.4-08', 'MCXSEC-9.6.2.1-09', 'MCXSEC-9.6.2.3-01', ...SERVER_EAR_FIELDS];
const ear = oneCheck('ear-');
const serverEar = oneCheck('server-ear-');

/** Faults of the reference's EAR processing (reference/sip/ear-check.ts, private-call.ts): each skips one step of 9.6.5.4. */
const EAR_FAULTS: FaultSwitch[] = [
  ear('skips-signature', 'ear-forged.refused', 'MCXSEC-9.6.5.4-01', 'The MCX server does not verify the ECCSI signature of an EAR: a forged EAR lets the privileged call through.'),
  ear('ignores-target', 'ear-other-target.refused', 'MCXSEC-9.6.5.4-02', 'The MCX server does not compare the Target ID of an EAR with the callee of the request.'),
  ear('accepts-stale', 'ear-stale.refused', 'MCXSEC-9.6.5.4-03', 'The MCX server does not check the Date and Time of an EAR against its window: a 10-minute-old EAR is accepted.'),
  ear('accepts-replay', 'ear-replayed.refused', 'MCXSEC-9.6.5.4-03', 'The MCX server keeps no list of processed EAR IDs: an accepted EAR sent again is accepted again.'),
  ear('skips-origin-uid', 'ear-origin-not-signer.refused', 'MCXSEC-9.6.5.4-04', "The MCX server does not check that the EAR's Origin ID gives the Signing UID: an EAR signed by one user for another's identity is accepted."),
  ear('ignores-authorisation', 'ear-unauthorised.refused', 'MCXSEC-9.6.5.4-05', "The MCX server does not read the authorisation fields of the EAR's Origin ID: an EAR signed by an identity without mc-priv-mcptt is accepted."),
  ear('ignores-request-type', 'ear-other-request.refused', 'MCXSEC-9.6.5.4-06', 'The MCX server does not compare the Request of an EAR with the SIP request: an EAR for ambient listening lets a private call through.'),
  ear('ignores-expiry', 'ear-expired.refused', 'MCXSEC-J.2.4-01', 'The MCX server does not read the Request Expiry of an EAR: an expired request is accepted.'),
  { ...ear('not-copied', 'ear-valid.copied', 'MCXSEC-9.6.2.1-09', "The MCX server checks the caller's EAR but leaves it out of the INVITE it sends on, to a home callee or a partner domain."), checks: ['mcx-server.ear-valid.copied', 'mcx-server.server-ear.caller-ear-copied'] },
  ear('refuses-valid', 'ear-valid.forwarded', 'MCXSEC-9.6.5.4-08', 'The MCX server refuses every EAR of a privileged private call, valid ones too (403).', EAR_REQUIREMENTS.filter((id) => id !== 'MCXSEC-9.6.5.4-08')),
  serverEar('missing', 'server-ear.present', 'MCXSEC-9.6.2.3-01', 'The MCX server adds no EAR of its own to the private call it sends to the partner domain.', SERVER_EAR_FIELDS),
  serverEar('bad-signature', 'server-ear.signed', 'MCXSEC-9.6.4.2-03', "The ECCSI signature of the server's own EAR does not verify (one bit of r flipped)."),
  serverEar('client-role', 'server-ear.server-role', 'MCXSEC-J.1.2-06', "The server's own EAR gives its Source Role as MC service client (1)."),
  serverEar('plain-identity', 'server-ear.authorised-identity', 'MCXSEC-9.6.4.3-01', "The server signs its own EAR with its plain identity, without the mc-role-server authorisation field."),
  serverEar('wrong-target', 'server-ear.target', 'MCXSEC-J.1.2-09', "The server's own EAR names another user of the partner domain than the callee."),
  serverEar('stale', 'server-ear.date-time', 'MCXSEC-J.1.2-04', "The server's own EAR is dated an hour ago."),
  serverEar('not-uuid', 'server-ear.ear-id', 'MCXSEC-J.1.2-05', "The EAR ID of the server's own EAR is 16 random octets with version 0 and variant bits 00: no RFC 4122 UUID."),
  serverEar('other-request', 'server-ear.request-type', 'MCXSEC-9.6.4.2-01', "The server's own EAR towards the partner domain gives the request type PRIVILEGED SIGNALLING (1), not INTERWORKING SIGNALLING (2)."),
];

export const MCX_SERVER_FAULTS: FaultSwitch[] = [
  ...FLOOR_FAULTS,
  ...EAR_FAULTS,
  keyDownload('key-download-in-info', 'key-download.sip-method', 'MCXSEC-5.8.2-01', 'The MCX server sends the key download in a SIP INFO, not a NOTIFY or MESSAGE.'),
  keyDownload('key-download-bad-signature', 'key-download.signature', 'MCXSEC-5.8.1-01', 'The ECCSI signature of the key download does not verify (one bit of r flipped).', CSK_UPDATE_REQUIREMENTS),
  keyDownload('key-download-signed-by-other-identity', 'key-download.initiator', 'MCXSEC-5.8.1-02', 'The key download is signed, correctly, by another server identity of the domain than the MDSI (IDRi).'),
  keyDownload('key-download-to-other-user', 'key-download.encrypted-to-user', 'MCXSEC-E.4.1-05', "The key download names the user in IDRr but encrypts the CSK to another identity's UID.", CSK_UPDATE_REQUIREMENTS),
  keyDownload('key-download-musik-purpose', 'key-download.csk-purpose-tag', 'MCXSEC-E.4.1-02', 'The downloaded CSK has a CSK-ID with the MuSiK purpose tag (6).'),
  keyDownload('keeps-old-csk-after-download', 'csk-update.old-csk-refused', 'MCXSEC-9.2.1.2-02', 'After a key download the MCX server still accepts XML protected under the replaced CSK.', ['MCXSEC-9.2.1.2-03']),
  keyDownload('uses-key-before-success', 'csk-update-refused.new-csk-not-used', 'MCXSEC-5.8.2-03', 'The MCX server puts a downloaded CSK into use even when the UE refuses the key download.'),
  keyDownload('loses-csk-on-download', 'csk-update.new-csk-used', 'MCXSEC-9.2.1.2-03', 'After a key download the MCX server drops the old CSK without taking the new one.'),
  {
    name: 'mcx-server.ignores-uploaded-csk',
    role: 'mcx-server',
    breaks: VALID_CSK_REQUIREMENTS,
    checks: VALID_CSK_CHECKS,
    blocks: [...BAD_CSK_REQUIREMENTS, ...KEY_DOWNLOAD_REQUIREMENTS, ...FLOOR_REQUIREMENTS],
    description: 'The MCX server drops every uploaded CSK: an access token encrypted under it cannot be opened and binds nothing.',
  },
  {
    name: 'mcx-server.xml-key-not-derived',
    role: 'mcx-server',
    breaks: [...VALID_CSK_REQUIREMENTS, 'MCXSEC-9.2.1.2-03'],
    checks: [...VALID_CSK_CHECKS, 'mcx-server.csk-update.new-csk-used'],
    blocks: [...BAD_CSK_REQUIREMENTS, 'MCXSEC-5.8.2-03', ...FLOOR_REQUIREMENTS],
    description: 'The MCX server decrypts XML content with the CSK itself instead of the F.1.4 confidentiality key derived from it.',
  },
  {
    name: 'mcx-server.requires-xml-key-info',
    role: 'mcx-server',
    breaks: ['MCXSEC-9.3.4.2-10'],
    checks: ['mcx-server.csk-upload-bare.decrypted'],
    description: 'The MCX server refuses an EncryptedData that leaves out the optional KeyInfo/KeyName and EncryptionMethod, instead of using the CSK and aes128-gcm it knows.',
  },
  {
    name: 'mcx-server.xml-integrity-key-not-derived',
    role: 'mcx-server',
    breaks: ['MCXSEC-9.3.5-05'],
    checks: ['mcx-server.xml-signed.hmac-sha256'],
    // The controls of the badly signed uploads are signed correctly, so they no longer bind.
    blocks: ['MCXSEC-9.3.5-10'],
    description: 'The MCX server verifies XML signatures with the CSK itself instead of the F.1.4 integrity key: a correctly signed body is refused.',
  },
  {
    name: 'mcx-server.skips-signature-value',
    role: 'mcx-server',
    breaks: ['MCXSEC-9.3.5-10'],
    checks: ['mcx-server.xml-signed-wrong-key.not-used'],
    description: 'The MCX server compares the digest of a signed body but not the HMAC of SignedInfo: a body signed under any key is used.',
  },
  {
    name: 'mcx-server.skips-signature-digest',
    role: 'mcx-server',
    breaks: ['MCXSEC-9.3.5-10'],
    checks: ['mcx-server.xml-signed-altered-body.not-used'],
    description: 'The MCX server checks the HMAC of SignedInfo but not the digest of the body it names: a body changed after signing is used.',
  },
  badCsk('xml-ignores-gcm-tag', 'altered-tag', 'MCXSEC-9.3.4.2-11', 'The MCX server decrypts XML content as AES-CTR without checking the GCM tag: a token whose tag was changed still binds.'),
  badCsk('accepts-bad-csk-signature', 'bad-signature', 'MCXSEC-5.2.2-05', 'The MCX server uses the CSK of an I_MESSAGE whose ECCSI signature does not verify.'),
  badCsk('ignores-csk-idrr', 'wrong-idrr', 'MCXSEC-5.4-06', 'The MCX server uses the CSK of an I_MESSAGE whose IDRr names another identity than its MDSI.'),
  badCsk('ignores-csk-purpose-tag', 'wrong-purpose-tag', 'MCXSEC-5.4-07', 'The MCX server uses an uploaded key whose K-ID carries the PCK purpose tag, not the CSK one.'),
  badCsk('ignores-csk-timestamp', 'stale-timestamp', 'MCXSEC-5.4-08', 'The MCX server uses the CSK of an I_MESSAGE whose timestamp is an hour away from its clock.'),
  badCsk('accepts-replayed-csk-upload', 'replayed', 'MCXSEC-5.4-09', 'The MCX server keeps no replay cache: the same I_MESSAGE sent again within the window is used again.'),
  badCsk('ignores-csk-idrkmsi', 'unknown-kms', 'MCXSEC-5.2.7.3-02', 'The MCX server verifies an uploaded I_MESSAGE with its own KMS certificate whatever KMS IDRkmsi names.'),
  {
    name: 'mcx-server.accepts-expired-token',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.2-02', 'MCXSEC-5.1.3.2.3-02', 'MCXSEC-5.1.3.2.3-03'],
    checks: BAD('expired'),
    description: 'The MCX server does not check exp: an expired access token binds the IMPU.',
  },
  {
    name: 'mcx-server.accepts-unknown-signer',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.2-02', 'MCXSEC-5.1.3.2.3-02', 'MCXSEC-5.1.3.2.3-03'],
    checks: BAD('forged'),
    description: "The MCX server does not verify the token's signature: a token signed by a key the IdMS never published binds the IMPU.",
  },
  {
    name: 'mcx-server.ignores-token-audience',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.2-02', 'MCXSEC-5.1.3.2.3-02', 'MCXSEC-5.1.3.2.3-03'],
    checks: BAD('wrong-audience'),
    description: "The MCX server does not compare the token's aud with its own resource identifier: a token the IdMS issued for another resource server binds the IMPU.",
  },
  {
    name: 'mcx-server.ignores-service-scope',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.2-02', 'MCXSEC-5.1.3.2.3-02', 'MCXSEC-5.1.3.2.3-03'],
    checks: BAD('no-scope'),
    description: 'The MCX server binds on a token without the service scope (3gpp:mc:ptt_service).',
  },
  {
    name: 'mcx-server.never-binds',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.2-01', 'MCXSEC-5.1.3.2.3-01', ...VALID_CSK_REQUIREMENTS, 'MCXSEC-9.2.1.2-03'],
    // A CSK in use is seen only through the binding its encrypted token makes.
    checks: ['mcx-server.register-valid-token.binds', 'mcx-server.publish-valid-token.binds', ...VALID_CSK_CHECKS, 'mcx-server.csk-update.new-csk-used'],
    blocks: ['MCXSEC-5.1.3.2.1-03', ...BAD_CSK_REQUIREMENTS, 'MCXSEC-5.8.2-03', ...FLOOR_REQUIREMENTS, ...EAR_REQUIREMENTS],
    description: 'The MCX server accepts a valid access token (200) but binds nothing (the re-binding checks lose their first binding, the bad CSK uploads their control).',
  },
  {
    name: 'mcx-server.refuses-valid-publish',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.3-01'],
    checks: ['mcx-server.publish-valid-token.accepted'],
    description: 'The MCX server answers a PUBLISH with a valid access token 403, although it binds the IMPU.',
  },
  {
    name: 'mcx-server.binds-on-refusal',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.2-02', 'MCXSEC-5.1.3.2.3-03'],
    checks: (['expired', 'forged', 'no-scope', 'wrong-audience'] as const).flatMap((k) => [`mcx-server.register-${k}-token.binds-nothing`, `mcx-server.publish-${k}-token.binds-nothing`]),
    description: "The MCX server answers 403 to an invalid token but binds the IMPU to the token's MC service ID anyway.",
  },
  {
    name: 'mcx-server.refuses-register-without-token',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.1-04'],
    checks: ['mcx-server.register-no-token.accepted'],
    blocks: KEY_DOWNLOAD_REQUIREMENTS,
    description: 'The MCX server refuses a third-party REGISTER that carries no access token (the SIP core passes the 403 to the UE).',
  },
  {
    name: 'mcx-server.keeps-old-binding',
    role: 'mcx-server',
    breaks: ['MCXSEC-5.1.3.2.1-03'],
    checks: ['mcx-server.rebind.old-impu-released'],
    description: 'When an MC service ID is bound to a new IMPU, the MCX server keeps it bound to the old IMPU as well.',
  },
];
